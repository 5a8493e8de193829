"""Complaint pages: the list with its saved views, registration, the case's page with the
actions of its step per role, refusals shown on the page, scoping, the decision, the revisit,
the ledger and the reports, with bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from shouhou.complaints import services
from shouhou.complaints.models import ComplaintCase, ComplaintStatus, Penalty, Severity
from shouhou.core.models import Role
from tests.assets.factories import EquipmentFactory
from tests.complaints.factories import ComplaintFactory, DepartmentFactory, StaffProfileFactory
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus
CONFLICT = "Someone else changed this record after you opened it."


def login(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


def detail_url(case: ComplaintCase) -> str:
    return reverse("complaints:detail", args=[case.pk])


def action_url(case: ComplaintCase, action: str) -> str:
    return reverse("complaints:action", args=[case.pk, action])


def fresh(case: ComplaintCase) -> ComplaintCase:
    return ComplaintCase.objects.get(pk=case.pk)


def offered(response: Any) -> list[str]:
    return [item["action"].name for item in response.context["actions"]]


@pytest.fixture
def department(org_tree, people):  # noqa: ANN001, ANN201
    department = DepartmentFactory.create(organisation=org_tree.service_centre, name="服务部")
    StaffProfileFactory.create(person=people.officer, department=department)
    return department


def proposed(case: ComplaintCase, people: Any, department: Any, amount: str) -> ComplaintCase:
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    case = services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="迟到",
        responsible_department=department,
    )
    return services.propose_remedy(
        case=case,
        by=people.officer,
        expected_version=None,
        remedy_kind="compensation",
        remedy_amount=amount,
    )


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_saved_views_and_is_scoped(
    client, people, customer, department, org_tree, make_user
) -> None:  # noqa: ANN001
    mine = ComplaintFactory.create(by=people.director, customer=customer)
    major = ComplaintFactory.create(by=people.agent, customer=customer, severity=Severity.MAJOR)
    waiting = proposed(
        ComplaintFactory.create(by=people.agent, customer=customer), people, department, "10"
    )
    with freeze_time("2026-01-05 10:00:00+08:00"):
        late = ComplaintFactory.create(by=people.agent, customer=customer)
    login(client, people.director)

    def numbers(**params: str) -> set[str]:
        response = client.get(reverse("complaints:list"), params)
        assert response.status_code == 200
        return {row.number for row in response.context["page"].rows}

    assert numbers() == {mine.number, major.number, waiting.number, late.number}
    assert numbers(view="mine") == {mine.number}
    assert numbers(view="major") == {major.number}
    assert numbers(view="awaiting_approval") == {waiting.number}
    assert late.number in numbers(view="overdue")
    assert numbers(q=mine.number) == {mine.number}
    assert numbers(severity="major") == {major.number}
    # the overdue case says why
    html = client.get(reverse("complaints:list"), {"view": "overdue"}).content.decode()
    assert "deadline passed" in html
    # another organisation sees none of them
    login(client, make_user(org_tree.other_client, Role.ADMIN))
    assert numbers() == set()


def test_the_list_and_the_case_take_a_bounded_number_of_queries(
    client, people, customer, department, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for _index in range(8):
        proposed(
            ComplaintFactory.create(by=people.agent, customer=customer), people, department, "5"
        )
    case = ComplaintCase.objects.first()
    assert case is not None
    login(client, people.director)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("complaints:list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(detail_url(case)).status_code == 200


def test_the_list_exports_csv(client, people, case) -> None:  # noqa: ANN001
    response = login(client, people.director).get(reverse("complaints:list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert case.number in body


# --- registration -----------------------------------------------------------------------------


def test_registering_a_complaint_from_the_page(client, people, customer, technician) -> None:  # noqa: ANN001
    login(client, people.agent)
    assert client.get(reverse("complaints:register")).status_code == 200
    response = client.post(
        reverse("complaints:register"),
        {
            "customer": customer.pk,
            "channel": "phone",
            "complaint_type": customer.pk and _type_id("late_arrival"),
            "severity": "general",
            "market": "domestic",
            "description": "约好上午上门，下午才到",
            "staff_1": technician.pk,
        },
        follow=True,
    )
    case = ComplaintCase.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(case)
    assert case.contact_phone == customer.phone
    assert list(case.staff_involved.all()) == [technician]
    assert case.number in response.content.decode()


def _type_id(code: str) -> int:
    from shouhou.complaints.models import ComplaintType

    return ComplaintType.objects.get(code=code).pk


def test_a_registration_without_a_complaint_keeps_the_form(client, people, customer) -> None:  # noqa: ANN001
    response = login(client, people.agent).post(
        reverse("complaints:register"),
        {"customer": customer.pk, "channel": "phone", "complaint_type": _type_id("other")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ComplaintCase.objects.exists()


def test_roles_without_the_permission_cannot_register(client, people, technician) -> None:  # noqa: ANN001
    assert login(client, technician).get(reverse("complaints:register")).status_code == 403
    assert client.get(reverse("complaints:list")).status_code == 403


# --- the case's page --------------------------------------------------------------------------


def test_the_page_offers_the_actions_of_the_step_per_role(client, people, case) -> None:  # noqa: ANN001
    director = login(client, people.director).get(detail_url(case))
    assert offered(director) == [
        "assign_handler",
        "reclassify",
        "start_investigation",
        "withdraw_complaint",
    ]
    assert "Service director: assign a handler" in director.content.decode()
    assert offered(login(client, people.agent).get(detail_url(case))) == []
    assert offered(login(client, people.officer).get(detail_url(case))) == []


def test_the_flow_on_the_page(client, people, case, department) -> None:  # noqa: ANN001
    login(client, people.director)
    response = client.post(
        action_url(case, "assign_handler"),
        {"version": case.version, "handler": people.officer.pk},
        follow=True,
    )
    assert response.status_code == 200
    case = fresh(case)
    assert case.handler == people.officer

    login(client, people.officer)
    for action, data in [
        ("start_investigation", {}),
        ("record_findings", {"cause": "迟到两小时", "responsible_department": department.pk}),
        ("propose_remedy", {"remedy_kind": "compensation", "remedy_amount": "200.00"}),
        ("approve_remedy", {}),
        ("inform_customer", {"reply_channel": "phone", "summary": "补偿200元"}),
        ("customer_accepts", {"reply": "满意"}),
    ]:
        response = client.post(action_url(case, action), {"version": fresh(case).version, **data})
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    case = fresh(case)
    assert case.status == S.CLOSED
    page = client.get(detail_url(case)).content.decode()
    assert "Revisit" in page
    assert "Customer accepts: close" in page  # the timeline


def test_a_refused_approval_is_shown_on_the_page(client, people, case, department) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "800")
    response = login(client, people.officer).post(
        action_url(case, "approve_remedy"), {"version": case.version}
    )
    assert response.status_code == 200
    assert "Your approval limit is 500.00 yuan" in response.content.decode()
    assert fresh(case).status == S.REMEDY_PROPOSED


def test_a_stale_version_comes_back_with_the_newer_one(client, people, case) -> None:  # noqa: ANN001
    read = case.version
    services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.director
    )
    response = login(client, people.director).post(
        action_url(case, "assign_handler"), {"version": read, "handler": people.officer.pk}
    )
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert response.context["forms"]["assign_handler"]["version"].value() == str(
        fresh(case).version
    )
    assert fresh(case).handler == people.director


def test_invalid_input_is_refused_on_the_page(client, people, case) -> None:  # noqa: ANN001
    response = login(client, people.director).post(
        action_url(case, "withdraw_complaint"), {"version": case.version, "reason": ""}
    )
    assert response.status_code == 200
    assert response.context["rejected"].key == "withdraw_complaint"
    assert fresh(case).status == S.REGISTERED


def test_another_organisations_case_is_not_found(client, case, org_tree, make_user) -> None:  # noqa: ANN001
    stranger = make_user(org_tree.other_client, Role.ADMIN)
    login(client, stranger)
    assert client.get(detail_url(case)).status_code == 404
    assert (
        client.post(
            action_url(case, "withdraw_complaint"), {"version": 1, "reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(action_url(case, "teleport"), {}).status_code == 404
    assert fresh(case).status == S.REGISTERED


def test_an_action_the_role_may_never_perform_is_forbidden(client, people, case) -> None:  # noqa: ANN001
    response = login(client, people.agent).post(
        action_url(case, "withdraw_complaint"), {"version": case.version, "reason": "x"}
    )
    assert response.status_code == 403


def test_the_decision_and_a_sanction_from_the_page(client, people, case, department) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "100")
    login(client, people.director)
    page = client.get(detail_url(case))
    assert "decision" in page.context["forms"]
    response = client.post(
        reverse("complaints:decision", args=[case.pk]),
        {
            "version": case.version,
            "loss_amount": "500.00",
            "department_1": department.pk,
            "percent_1": "100",
        },
    )
    assert response.status_code == 302
    assert Penalty.objects.get().amount == Decimal("500.00")
    # shares not adding up are refused with the service's message
    response = client.post(
        reverse("complaints:decision", args=[case.pk]),
        {
            "version": fresh(case).version,
            "loss_amount": "500",
            "department_1": department.pk,
            "percent_1": "90",
        },
    )
    assert "not 100" in response.content.decode()
    response = client.post(
        reverse("complaints:sanction", args=[case.pk]),
        {
            "version": fresh(case).version,
            "person": people.officer.pk,
            "kind": "warning",
            "units": 1,
        },
    )
    assert response.status_code == 302
    assert Penalty.objects.filter(kind="warning").get().amount == Decimal("400.00")


def test_the_revisit_from_the_page(client, people, case, department) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "1")
    case = services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.inform_customer(
        case=case, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
    )
    case = services.record_customer_acceptance(case=case, by=people.officer, expected_version=None)
    login(client, people.followup)
    page = client.get(detail_url(case))
    form = page.context["forms"]["revisit"]
    response = client.post(
        reverse("complaints:revisit", args=[case.pk]),
        {"version": form["version"].value(), "outcome": "satisfied", "note": "客户满意"},
    )
    assert response.status_code == 302
    assert fresh(case).revisit.outcome == "satisfied"


def test_a_case_from_another_round_links_its_rounds(client, people, case, department) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "1")
    case = services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.inform_customer(
        case=case, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
    )
    response = login(client, people.officer).post(
        action_url(case, "customer_rejects"), {"version": case.version, "reply": "要求更换"}
    )
    second = ComplaintCase.objects.get(round=2)
    assert response["Location"] == detail_url(second)
    page = client.get(detail_url(second)).content.decode()
    assert case.number in page


# --- ledger and reports -----------------------------------------------------------------------


def test_the_ledger_shows_the_carry_over(client, people, case, department) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "1")
    services.record_decision(
        case=case,
        by=people.director,
        expected_version=None,
        loss_amount="3000",
        lines=[services.ShareLine(share_percent=Decimal(100), person=people.officer)],
    )
    login(client, people.accountant)
    response = client.get(reverse("complaints:ledger"))
    assert response.status_code == 200
    (ledger,) = response.context["ledgers"]
    # a 2,000 bonus caps the month at 1,000: 2,000 still to deduct
    assert ledger.outstanding == Decimal("2000.00")
    assert "2000.00" in response.content.decode()
    person = client.get(reverse("complaints:ledger"), {"person": people.officer.pk})
    assert case.number in person.content.decode()
    assert login(client, people.agent).get(reverse("complaints:ledger")).status_code == 403


def test_the_monthly_report(client, people, customer, department, dispatcher) -> None:  # noqa: ANN001
    now = timezone.localtime()
    WorkOrderFactory.create(
        by=dispatcher, customer=customer, equipment=EquipmentFactory.create(customer=customer)
    )
    case = proposed(
        ComplaintFactory.create(by=people.agent, customer=customer), people, department, "5"
    )
    ComplaintFactory.create(by=people.agent, customer=customer, severity=Severity.MAJOR)
    case = services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.inform_customer(
        case=case, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
    )
    services.record_customer_acceptance(case=case, by=people.officer, expected_version=None)
    login(client, people.director)
    response = client.get(reverse("complaints:reports"), {"month": now.strftime("%Y-%m")})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.registered, report.closed, report.closed_on_time) == (2, 1, 1)
    assert report.on_time_rate == 100
    assert {row.label: row.count for row in report.by_severity} == {"General": 1, "Major": 1}
    assert report.service_calls >= 1
    assert report.per_10000_calls is not None
    assert len(report.trend) == 12
    assert report.trend[-1].registered == 2
    # last month by default
    default = client.get(reverse("complaints:reports")).context["report"]
    last = (now.date().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert default.month == last
    assert login(client, people.agent).get(reverse("complaints:reports")).status_code == 403


def test_opening_a_case_from_a_flagged_answer(
    client, people, dispatcher, technician, customer
) -> None:  # noqa: ANN001
    from tests.feedback.factories import GOOD, answered, invited

    answer = answered(
        invited(dispatcher=dispatcher, technician=technician, customer=customer),
        {**GOOD, "attitude": 1},
    )
    login(client, people.officer)
    response = client.post(reverse("complaints:from-feedback", args=[answer.pk]))
    case = ComplaintCase.objects.get()
    assert response["Location"] == detail_url(case)
    assert client.post(reverse("complaints:from-feedback", args=[999999])).status_code == 404


def test_the_answer_page_offers_to_open_a_case(
    client, people, dispatcher, technician, customer
) -> None:  # noqa: ANN001
    from tests.feedback.factories import GOOD, answered, invited

    invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
    answer = answered(invitation, {**GOOD, "attitude": 1})
    button = reverse("complaints:from-feedback", args=[answer.pk])
    page = login(client, people.officer).get(
        reverse("feedback:invitation-detail", args=[invitation.pk])
    )
    assert button in page.content.decode()
    client.post(button)
    # Once the case is open the flag is handled and the button is gone.
    page = client.get(reverse("feedback:invitation-detail", args=[invitation.pk]))
    assert button not in page.content.decode()
    assert ComplaintCase.objects.get().number in page.content.decode()


def test_the_follow_up_queue_lists_the_complaint_revisits_due(
    client, people, case, department
) -> None:  # noqa: ANN001
    case = proposed(case, people, department, "1")
    case = services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.inform_customer(
        case=case, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
    )
    case = services.record_customer_acceptance(case=case, by=people.officer, expected_version=None)
    queue = reverse("feedback:follow-up-queue")
    page = login(client, people.followup).get(queue)
    assert [revisit.case for revisit, _badge in page.context["complaint_revisits"]] == [case]
    assert reverse("complaints:detail", args=[case.pk]) in page.content.decode()
    # Recorded: off the queue.
    services.record_revisit(
        revisit=case.revisit, by=people.followup, expected_version=None, outcome="satisfied"
    )
    assert login(client, people.followup).get(queue).context["complaint_revisits"] == []
