"""Reports against hand computation: technicians' monthly scores, satisfaction counts, the
monthly follow-up report with its loss analysis and its due day."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from shouhou.core.models import Role
from shouhou.feedback import exports, services
from shouhou.feedback.errors import FeedbackError
from shouhou.feedback.models import (
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpMonthlyReport,
    LossReason,
)
from shouhou.feedback.reports import (
    follow_up_month_report,
    satisfaction_report,
    technician_scores,
)
from shouhou.feedback.services import CallOutcome
from shouhou.notify.models import Notification
from tests.feedback.factories import answered, closed_work_order, customer_of, invited

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()
MARCH = datetime.date(2026, 3, 1)


def march(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)


@pytest.fixture
def scored_month(dispatcher, technician, customer, org_tree, make_user):  # noqa: ANN001, ANN201
    """Technician A: 3 surveys in March, 2 answered (one with 极差 on arrival); technician B:
    2 in March, 1 answered, and one in April."""
    other = make_user(org_tree.service_centre, Role.TECHNICIAN, name="乙技术员")

    def survey(tech, day, values=None):  # noqa: ANN001, ANN202
        invitation = invited(
            dispatcher=dispatcher, technician=tech, customer=customer, at=march(day)
        )
        if values is not None:
            answered(invitation, values, at=march(day, 16))
        return invitation

    survey(technician, 2, {"attitude": 4, "skill": 3, "arrival": 2, "promise": 4, "overall": 3})
    survey(technician, 9, {"attitude": 3, "skill": 3, "arrival": 1, "promise": 4, "overall": 1})
    survey(technician, 20)
    survey(other, 5, {"attitude": 4, "skill": 4, "arrival": 4, "promise": 4, "overall": 2})
    survey(other, 28)
    april = invited(
        dispatcher=dispatcher,
        technician=other,
        customer=customer,
        at=datetime.datetime(2026, 4, 2, 9, tzinfo=ZONE),
    )
    answered(
        april,
        {"attitude": 1, "skill": 1, "arrival": 1, "promise": 1, "overall": 1},
        at=datetime.datetime(2026, 4, 2, 12, tzinfo=ZONE),
    )
    return technician, other


def test_technician_scores_match_hand_computation(scored_month, hq_admin) -> None:
    first, second = scored_month

    report = technician_scores(user=hq_admin, month=MARCH)

    assert [column.code for column in report.columns] == ["attitude", "skill", "arrival", "promise"]
    assert [column.label for column in report.columns] == [
        "态度",
        "技术",
        "到达时间",
        "答应事情的办理",
    ]
    rows = {row.technician: row for row in report.rows}
    a, b = rows[first], rows[second]
    assert (a.invitations, a.answers, a.response_rate, a.flagged) == (3, 2, Decimal("66.7"), 1)
    assert a.values(report.columns) == [
        Decimal("3.50"),
        Decimal("3.00"),
        Decimal("1.50"),
        Decimal("4.00"),
    ]
    assert (b.invitations, b.answers, b.response_rate, b.flagged) == (2, 1, Decimal("50.0"), 0)
    assert b.values(report.columns) == [Decimal("4.00")] * 4
    total = report.total
    assert (total.invitations, total.answers, total.response_rate) == (5, 3, Decimal("60.0"))
    assert total.values(report.columns) == [
        Decimal("3.67"),
        Decimal("3.33"),
        Decimal("2.33"),
        Decimal("4.00"),
    ]


def test_one_technicians_scores(scored_month, hq_admin) -> None:
    first, _second = scored_month

    report = technician_scores(user=hq_admin, month=MARCH, technician=first)

    (row,) = report.rows
    assert (row.technician, row.invitations, row.answers) == (first, 3, 2)
    assert report.total.values(report.columns)[0] == Decimal("3.50")


def test_technician_scores_export_to_excel(scored_month, hq_admin) -> None:
    report = technician_scores(user=hq_admin, month=MARCH)

    sheet = load_workbook(BytesIO(exports.technician_scores_xlsx(report))).worksheets[0]

    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    header = next(row for row in rows if row[0] == "technician")
    assert header[5:9] == ("态度", "技术", "到达时间", "答应事情的办理")
    first = next(row for row in rows if row[0] == str(scored_month[0]))
    assert first[2:10] == (3, 2, 66.7, 3.5, 3.0, 1.5, 4.0, 1)


def test_scores_are_scoped(scored_month, org_tree, make_user) -> None:
    outsider = make_user(org_tree.provider, Role.SERVICE_MANAGER)

    report = technician_scores(user=outsider, month=MARCH)

    assert report.rows == []
    assert report.total.invitations == 0


def test_satisfaction_counts_each_level(scored_month, hq_admin, org_tree) -> None:
    report = satisfaction_report(user=hq_admin, month=MARCH, dimension="service_centre")

    assert [(column.value, column.label) for column in report.columns] == [
        (3, "很满意"),
        (2, "满意"),
        (1, "不满意"),
    ]
    (row,) = report.rows
    assert row.label == org_tree.service_centre.name
    assert (row.invitations, row.answers, row.counts(report.columns)) == (5, 3, [1, 1, 1])
    assert (row.response_rate, row.satisfied_share) == (Decimal("60.0"), Decimal("66.7"))


def test_satisfaction_by_month_covers_the_trend(scored_month, hq_admin) -> None:
    report = satisfaction_report(user=hq_admin, month=datetime.date(2026, 4, 1), dimension="month")

    rows = {row.label: row for row in report.rows}
    assert set(rows) == {"2026-03", "2026-04"}
    assert rows["2026-03"].counts(report.columns) == [1, 1, 1]
    assert rows["2026-04"].counts(report.columns) == [0, 0, 1]


@pytest.fixture
def agent(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.FOLLOWUP_AGENT, name="孙悦")


@pytest.fixture
def followed_month(dispatcher, technician, org_tree, agent):  # noqa: ANN001, ANN201
    """Four target repairs in March: one done in time (very satisfied), one done and the
    customer lost for price (a person), one refused, one still open past its due time."""
    company = customer_of(org_tree.service_centre, is_target=True, kind="company")
    person = customer_of(org_tree.service_centre, is_target=True, kind="person")
    for day, customer in ((2, company), (3, person), (4, company), (5, company)):
        closed_work_order(
            dispatcher=dispatcher, technician=technician, customer=customer, at=march(day)
        )
    with freeze_time(march(6)):
        services.create_follow_ups()
    first, second, third, _fourth = FollowUp.objects.order_by("event_at")
    price = LossReason.objects.get(code="price")
    for follow_up, outcome in (
        (first, CallOutcome(result=CallResult.REACHED, evaluation=Evaluation.VERY_SATISFIED)),
        (
            second,
            CallOutcome(
                result=CallResult.REACHED,
                evaluation=Evaluation.DISSATISFIED,
                is_customer_lost=True,
                loss_reason=price,
                complaint="价格太贵",
            ),
        ),
        (third, CallOutcome(result=CallResult.REFUSED)),
    ):
        with freeze_time(march(8)):
            services.record_follow_up_attempt(
                follow_up=follow_up, by=agent, expected_version=None, outcome=outcome
            )
    return price


def test_the_monthly_follow_up_report_counts_calls_and_losses(
    followed_month, org_tree, hq_admin
) -> None:
    with freeze_time(datetime.datetime(2026, 4, 2, 9, tzinfo=ZONE)):
        report = follow_up_month_report(
            user=hq_admin, organisation=org_tree.service_centre, month=MARCH
        )

    repair = next(row for row in report.kinds if row.kind == "repair")
    assert (
        repair.planned,
        repair.done,
        repair.done_in_time,
        repair.refused,
        repair.open,
        repair.overdue,
    ) == (
        4,
        2,
        2,
        1,
        1,
        1,
    )
    assert report.calls == {"reached": 2, "not_reached": 0, "refused": 1, "total": 3}
    assert dict(report.evaluations) == {"Very satisfied": 1, "Satisfied": 0, "Dissatisfied": 1}
    assert (report.complaints, report.callbacks, report.lost) == (1, 1, 1)
    (loss,) = report.losses
    assert (loss.customer_class, loss.counts, loss.total) == (
        "Person · target",
        {followed_month.pk: 1},
        1,
    )
    assert report.due_on == datetime.date(2026, 4, 3)
    assert report.is_available
    assert not report.is_late


def test_the_report_is_submitted_once_on_time_or_late(
    followed_month, org_tree, agent, make_user
) -> None:
    manager = make_user(org_tree.service_centre, Role.SERVICE_MANAGER)

    with freeze_time(datetime.datetime(2026, 3, 30, 9, tzinfo=ZONE)), pytest.raises(FeedbackError):
        services.submit_monthly_report(organisation=org_tree.service_centre, month=MARCH, by=agent)
    with freeze_time(datetime.datetime(2026, 4, 3, 17, tzinfo=ZONE)):
        on_time = services.submit_monthly_report(
            organisation=org_tree.service_centre, month=MARCH, by=agent, note="见附表"
        )
        with pytest.raises(FeedbackError):
            services.submit_monthly_report(
                organisation=org_tree.service_centre, month=MARCH, by=agent
            )
    with freeze_time(datetime.datetime(2026, 5, 4, 9, tzinfo=ZONE)):
        late = services.submit_monthly_report(
            organisation=org_tree.service_centre, month=datetime.date(2026, 4, 1), by=agent
        )

    assert (on_time.is_late, on_time.due_on, on_time.summary["done"], on_time.summary["lost"]) == (
        False,
        datetime.date(2026, 4, 3),
        2,
        1,
    )
    assert late.is_late
    assert FollowUpMonthlyReport.objects.count() == 2
    assert Notification.objects.filter(
        template_code="follow_up_report_submitted", recipient=manager
    ).exists()


def test_the_follow_up_report_exports_to_excel(followed_month, org_tree, hq_admin) -> None:
    report = follow_up_month_report(
        user=hq_admin, organisation=org_tree.service_centre, month=MARCH
    )

    sheet = load_workbook(BytesIO(exports.follow_up_report_xlsx(report))).worksheets[0]

    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert any(row[0] == "After a repair" and row[1:4] == (4, 2, 2) for row in values)
    loss_header = next(row for row in values if row[0] == "Customer class")
    assert "价格偏高" in loss_header
