"""The decision on responsibility (shares of the loss, split to the cent), sanctions converted
to money, and the penalty ledger's cap-and-carry across months."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shouhou.complaints import services
from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import (
    ComplaintCase,
    MonthlyBonus,
    Penalty,
    PenaltyKind,
    ResponsibilityShare,
)
from shouhou.complaints.selectors import ledgers
from shouhou.complaints.services import ShareLine
from shouhou.core.models import Role
from tests.complaints.factories import ComplaintFactory, DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def staff(org_tree, people, technician, make_user) -> dict[str, Any]:  # noqa: ANN001
    """The service department: the officer (1.5 base points), the technician (1.0) and a
    colleague (0.5); the director alone in management."""
    service = DepartmentFactory.create(organisation=org_tree.service_centre, name="服务部")
    management = DepartmentFactory.create(organisation=org_tree.service_centre, name="管理部")
    colleague = make_user(org_tree.service_centre, Role.TECHNICIAN, name="张磊")
    StaffProfileFactory.create(person=people.officer, department=service, base_points=D("1.5"))
    StaffProfileFactory.create(
        person=technician, department=service, base_points=D("1.0"), monthly_bonus_amount=D("1200")
    )
    StaffProfileFactory.create(person=colleague, department=service, base_points=D("0.5"))
    StaffProfileFactory.create(person=people.director, department=management)
    return {"service": service, "management": management, "colleague": colleague}


def decided_case(people: Any, customer: Any, department: Any) -> ComplaintCase:
    """A case investigated with a remedy proposed: responsibility can be decided."""
    case = ComplaintFactory.create(by=people.agent, customer=customer)
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    case = services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="发货错误",
        responsible_department=department,
    )
    return services.propose_remedy(
        case=case, by=people.officer, expected_version=None, remedy_kind="apology", remedy_amount=0
    )


def deductions(case: ComplaintCase) -> dict[str, Decimal]:
    return {str(p.person): p.amount for p in case.penalties.filter(kind=PenaltyKind.DEDUCTION)}


def test_a_decision_splits_the_loss_exactly(people, customer, staff, technician) -> None:  # noqa: ANN001
    # given a loss of 1,000 yuan: 40 % the director's own fault, 60 % the service department's
    case = decided_case(people, customer, staff["service"])

    case = services.record_decision(
        case=case,
        by=people.director,
        expected_version=case.version,
        loss_amount="1000.00",
        lines=[
            ShareLine(share_percent=D("40"), person=people.director),
            ShareLine(share_percent=D("60"), department=staff["service"]),
        ],
    )

    # then the shares add up to the loss and the department's 600 follows the base points
    shares = list(ResponsibilityShare.objects.filter(case=case).order_by("id"))
    assert [s.amount for s in shares] == [D("400.00"), D("600.00")]
    assert deductions(case) == {
        str(people.director): D("400.00"),
        str(people.officer): D("300.00"),  # 600 ÷ 3 points × 1.5
        str(technician): D("200.00"),
        str(staff["colleague"]): D("100.00"),
    }
    assert sum(deductions(case).values()) == D("1000.00")
    assert (case.loss_amount, case.decided_by) == (D("1000.00"), people.director)


def test_an_odd_loss_loses_no_cent(people, customer, staff, technician) -> None:  # noqa: ANN001
    case = decided_case(people, customer, staff["service"])
    case = services.record_decision(
        case=case,
        by=people.director,
        expected_version=None,
        loss_amount="100.00",
        lines=[
            ShareLine(share_percent=D("33.33"), person=people.officer),
            ShareLine(share_percent=D("33.33"), person=technician),
            ShareLine(share_percent=D("33.34"), person=staff["colleague"]),
        ],
    )
    assert sorted(deductions(case).values()) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(s.amount for s in case.shares.all()) == D("100.00")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one"),
        ([("officer", "60"), ("technician", "30")], "not 100"),
        ([("officer", "50"), ("officer", "50")], "named twice"),
        ([("officer", "100.001")], "two decimals"),
        ([("stranger", "100")], "cannot name"),
        ([("nobody", "100")], "no penalty profile"),
        ([("empty_department", "100")], "no staff"),
    ],
)
def test_a_decision_that_does_not_add_up_is_refused(
    lines, message, people, customer, staff, technician, org_tree, make_user
) -> None:  # noqa: ANN001
    case = decided_case(people, customer, staff["service"])
    named = {
        "officer": {"person": people.officer},
        "technician": {"person": technician},
        "stranger": {"person": make_user(org_tree.other_client, Role.TECHNICIAN)},
        "nobody": {"person": people.agent},
        "empty_department": {
            "department": DepartmentFactory.create(organisation=org_tree.service_centre)
        },
    }
    with pytest.raises(ComplaintError, match=message):
        services.record_decision(
            case=case,
            by=people.director,
            expected_version=None,
            loss_amount="500.00",
            lines=[ShareLine(share_percent=D(percent), **named[who]) for who, percent in lines],
        )
    assert not Penalty.objects.exists()
    assert ComplaintCase.objects.get(pk=case.pk).decided_at is None


def test_only_those_who_may_decide_decide_and_only_after_the_investigation(
    people, customer, staff
) -> None:  # noqa: ANN001
    case = ComplaintFactory.create(by=people.agent, customer=customer)
    line = [ShareLine(share_percent=D("100"), person=people.officer)]
    with pytest.raises(ComplaintError) as refused:
        services.record_decision(
            case=case, by=people.director, expected_version=None, loss_amount=0, lines=line
        )
    assert refused.value.code == ComplaintErrorCode.INVALID_TRANSITION
    case = decided_case(people, customer, staff["service"])
    with pytest.raises(ComplaintError) as refused:
        services.record_decision(
            case=case, by=people.agent, expected_version=None, loss_amount=0, lines=line
        )
    assert refused.value.code == ComplaintErrorCode.NOT_ALLOWED


def test_a_decision_is_corrected_within_its_month_only(people, customer, staff, technician) -> None:  # noqa: ANN001
    with freeze_time("2026-10-20 10:00:00+08:00"):
        case = decided_case(people, customer, staff["service"])
        case = services.record_decision(
            case=case,
            by=people.director,
            expected_version=None,
            loss_amount="300.00",
            lines=[ShareLine(share_percent=D("100"), person=people.officer)],
        )
        # a correction the same month replaces the shares and the deductions
        case = services.record_decision(
            case=case,
            by=people.director,
            expected_version=None,
            loss_amount="300.00",
            lines=[ShareLine(share_percent=D("100"), person=technician)],
        )
        assert deductions(case) == {str(technician): D("300.00")}
        assert case.shares.count() == 1
    with freeze_time("2026-11-02 10:00:00+08:00"), pytest.raises(ComplaintError, match="final"):
        services.record_decision(
            case=case,
            by=people.director,
            expected_version=None,
            loss_amount="1.00",
            lines=[ShareLine(share_percent=D("100"), person=people.officer)],
        )
    assert deductions(ComplaintCase.objects.get(pk=case.pk)) == {str(technician): D("300.00")}


# --- sanctions --------------------------------------------------------------------------------


def test_sanctions_convert_to_money_as_the_policy_says(people, customer, staff, technician) -> None:  # noqa: ANN001
    case = decided_case(people, customer, staff["service"])
    with pytest.raises(ComplaintError, match="Decide responsibility first"):
        services.impose_sanction(
            case=case, by=people.director, expected_version=None, person=technician, kind="warning"
        )
    case = services.record_decision(
        case=case,
        by=people.director,
        expected_version=None,
        loss_amount="0",
        lines=[ShareLine(share_percent=D("100"), department=staff["service"])],
    )

    def impose(**kwargs: Any) -> Penalty:
        return services.impose_sanction(
            case=case, by=people.director, expected_version=None, **kwargs
        )

    # a warning: at least 400 yuan
    assert impose(person=technician, kind="warning").amount == D("400.00")
    assert impose(person=technician, kind="warning", amount="450").amount == D("450.00")
    with pytest.raises(ComplaintError, match="at least 400.00"):
        impose(person=technician, kind="warning", amount="399.99")
    # a minor demerit: at least 800 yuan per unit
    assert impose(person=people.officer, kind="minor_demerit", units=2).amount == D("1600.00")
    with pytest.raises(ComplaintError, match="at least 1600.00"):
        impose(person=people.officer, kind="minor_demerit", units=2, amount="1000")
    # a major demerit: the whole efficiency bonus of the month (its own row if it has one)
    MonthlyBonus.objects.create(
        person=technician,
        month=timezone.localdate().replace(day=1),
        amount=D("1500.00"),
    )
    assert impose(person=technician, kind="major_demerit").amount == D("1500.00")
    with pytest.raises(ComplaintError, match="whole efficiency bonus"):
        impose(person=technician, kind="major_demerit", amount="10")
    # only those the decision names, in person or by department
    with pytest.raises(ComplaintError) as refused:
        impose(person=people.director, kind="warning")
    assert refused.value.field == "person"
    with pytest.raises(ComplaintError):
        impose(person=technician, kind="deduction")


# --- the ledger -------------------------------------------------------------------------------


def test_the_ledger_caps_each_month_and_carries_the_rest(
    people, customer, staff, technician, org_tree, make_user
) -> None:  # noqa: ANN001
    # given the technician (bonus 1,200: cap 600) bears a 2,000-yuan loss in January
    with freeze_time("2026-01-15 10:00:00+08:00"):
        case = decided_case(people, customer, staff["service"])
        services.record_decision(
            case=case,
            by=people.director,
            expected_version=None,
            loss_amount="2000.00",
            lines=[ShareLine(share_percent=D("100"), person=technician)],
        )
    # and a warning in February, the month his bonus is only 800 (cap 400)
    MonthlyBonus.objects.create(person=technician, month=datetime.date(2026, 2, 1), amount=D(800))
    with freeze_time("2026-02-10 10:00:00+08:00"):
        services.impose_sanction(
            case=case, by=people.director, expected_version=None, person=technician, kind="warning"
        )

    # when the ledger is read up to May
    (ledger,) = ledgers(user=people.director, until=datetime.date(2026, 5, 1))

    # then no month deducts more than its cap and the carry runs out in April
    assert ledger.person == technician
    assert [
        (line.month.month, line.imposed, line.cap, line.deducted, line.carried_out)
        for line in ledger.lines
    ] == [
        (1, D("2000.00"), D("600.00"), D("600.00"), D("1400.00")),
        (2, D("400.00"), D("400.00"), D("400.00"), D("1400.00")),
        (3, D("0.00"), D("600.00"), D("600.00"), D("800.00")),
        (4, D("0.00"), D("600.00"), D("600.00"), D("200.00")),
        (5, D("0.00"), D("600.00"), D("200.00"), D("0.00")),
    ]
    assert (ledger.imposed, ledger.deducted, ledger.outstanding) == (
        D("2400.00"),
        D("2400.00"),
        D("0.00"),
    )
    # read up to February, 1,400 is still to deduct
    (early,) = ledgers(user=people.director, until=datetime.date(2026, 2, 1))
    assert early.outstanding == D("1400.00")
    # another organisation sees none of it
    assert (
        ledgers(user=make_user(org_tree.other_client, Role.ADMIN), until=datetime.date(2026, 5, 1))
        == []
    )
