"""Complaint services: registration from any channel with its number and deadlines, the flow to
closure with its revisit and the customer's flag, approval limits, major cases, rounds after a
rejection, optimistic locking, and bad input refused with nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from shouhou.complaints import services
from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import (
    ApprovalLimit,
    ComplaintCase,
    ComplaintChannel,
    ComplaintStatus,
    Market,
    Revisit,
    Severity,
)
from shouhou.complaints.selectors import rounds_of
from shouhou.core.errors import ConflictError
from shouhou.core.models import AuditEntry, Role
from shouhou.notify.models import Channel, Notification
from tests.assets.factories import EquipmentFactory
from tests.complaints.factories import ComplaintFactory, DepartmentFactory, complaint_type
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus
TZ = datetime.timezone(datetime.timedelta(hours=8))


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


def told(person: Any, template: str) -> int:
    return Notification.objects.filter(
        recipient=person, template_code=template, channel=Channel.IN_APP
    ).count()


def audit_actions(case: ComplaintCase) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="complaint.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def fresh(case: ComplaintCase) -> ComplaintCase:
    return ComplaintCase.objects.get(pk=case.pk)


@pytest.fixture
def service_dept(org_tree, people):  # noqa: ANN001, ANN201
    return DepartmentFactory.create(
        organisation=org_tree.service_centre, name="服务部", code="SVC", head=people.director
    )


def investigated(case: ComplaintCase, people: Any, department: Any) -> ComplaintCase:
    """Assigned to the quality officer, investigated, the cause and department recorded."""
    case = services.assign_handler(
        case=case, by=people.director, expected_version=case.version, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    return services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="技术员未按约定时间上门",
        evidence="派工记录与客户通话录音",
        responsible_department=department,
    )


def proposed(case: ComplaintCase, people: Any, department: Any, amount: str) -> ComplaintCase:
    case = investigated(case, people, department)
    return services.propose_remedy(
        case=case,
        by=people.officer,
        expected_version=None,
        remedy_kind="compensation",
        remedy_amount=amount,
        remedy_description="补偿上门误工费",
    )


# --- registration -----------------------------------------------------------------------------


@freeze_time("2026-11-09 10:00:00+08:00")
def test_registration_numbers_the_case_and_sets_its_deadlines(people, customer) -> None:  # noqa: ANN001
    # when the call centre registers a complaint on a Monday at 10:00
    case = ComplaintFactory.create(by=people.agent, customer=customer)

    # then it is numbered year-month + serial and closes within 13 calendar days
    assert case.number == "2611-0001"
    assert case.status == S.REGISTERED
    assert case.due_at == local("2026-11-22 10:00")
    # the first step (assigning a handler) has one working day (7.5 h): Tuesday 10:00
    assert case.step_due_at == local("2026-11-10 10:00")
    assert case.handling_organisation == people.agent.organisation
    assert audit_actions(case) == ["complaint.registered"]
    # the service director hears of it; the deputy GM only of major ones
    assert told(people.director, "complaint_registered") == 1
    assert told(people.deputy, "complaint_major") == 0


@freeze_time("2026-11-09 10:00:00+08:00")
def test_a_complaint_from_abroad_has_seventeen_days(people, customer) -> None:  # noqa: ANN001
    case = ComplaintFactory.create(by=people.agent, customer=customer, market=Market.ABROAD)
    assert case.due_at == local("2026-11-26 10:00")


def test_a_major_complaint_goes_to_the_deputy_general_manager(people, customer) -> None:  # noqa: ANN001
    ComplaintFactory.create(by=people.agent, customer=customer, severity=Severity.MAJOR)
    assert told(people.deputy, "complaint_major") == 1


def test_numbering_restarts_each_month(people, customer) -> None:  # noqa: ANN001
    with freeze_time("2026-11-30 23:50:00+08:00"):
        first = ComplaintFactory.create(by=people.agent, customer=customer)
        second = ComplaintFactory.create(by=people.agent, customer=customer)
    with freeze_time("2026-12-01 00:05:00+08:00"):
        december = ComplaintFactory.create(by=people.agent, customer=customer)
    # a complaint received in November but registered in December keeps its own month
    with freeze_time("2026-12-01 09:00:00+08:00"):
        late = ComplaintFactory.create(
            by=people.agent, customer=customer, registered_at=local("2026-11-30 18:00")
        )
    assert [first.number, second.number, december.number, late.number] == [
        "2611-0001",
        "2611-0002",
        "2612-0001",
        "2611-0003",
    ]


def test_a_case_links_customer_equipment_work_order_and_staff(
    people, customer, technician, dispatcher
) -> None:  # noqa: ANN001
    unit = EquipmentFactory.create(customer=customer)
    order = WorkOrderFactory.create(by=dispatcher, customer=customer, equipment=unit)

    case = ComplaintFactory.create(
        by=people.agent,
        customer=customer,
        work_order=order,
        staff_involved=[technician],
        channel=ComplaintChannel.WALK_IN,
    )

    # the unit comes from the work order
    assert (case.equipment, case.work_order, case.channel) == (unit, order, "walk_in")
    assert list(case.staff_involved.all()) == [technician]
    assert case.contact_phone.startswith("139")


@pytest.mark.parametrize("link", ["equipment", "work_order", "customer", "staff"])
def test_links_the_user_may_not_use_are_refused_and_nothing_is_created(
    link, people, customer, org_tree, dispatcher, make_user
) -> None:  # noqa: ANN001
    stranger = CustomerFactory.create(organisation=org_tree.service_centre)
    kwargs: dict[str, Any] = {"by": people.agent, "customer": customer}
    if link == "equipment":
        kwargs["equipment"] = EquipmentFactory.create(customer=stranger)
    elif link == "work_order":
        kwargs["work_order"] = WorkOrderFactory.create(
            by=dispatcher, customer=stranger, equipment=EquipmentFactory.create(customer=stranger)
        )
    elif link == "customer":
        kwargs["customer"] = CustomerFactory.create(organisation=org_tree.other_client)
    else:
        kwargs["staff_involved"] = [make_user(org_tree.other_client, Role.TECHNICIAN)]

    with pytest.raises(ComplaintError) as refused:
        ComplaintFactory.create(**kwargs)

    assert refused.value.field == ("staff_involved" if link == "staff" else link)
    assert ComplaintCase.objects.count() == 0


def test_a_blank_complaint_or_a_future_time_is_refused(people, customer) -> None:  # noqa: ANN001
    with pytest.raises(ComplaintError, match="Describe"):
        ComplaintFactory.create(by=people.agent, customer=customer, description="  ")
    with pytest.raises(ComplaintError, match="future"):
        ComplaintFactory.create(
            by=people.agent,
            customer=customer,
            registered_at=datetime.datetime.now(tz=TZ) + datetime.timedelta(days=1),
        )
    assert ComplaintCase.objects.count() == 0


# --- the flow ---------------------------------------------------------------------------------


def test_the_flow_closes_schedules_the_revisit_and_marks_the_customer(
    case, people, service_dept, customer
) -> None:  # noqa: ANN001
    # given a complaint investigated and a 300-yuan compensation proposed
    case = proposed(case, people, service_dept, "300.00")
    assert told(people.officer, "complaint_assigned") == 1
    assert told(people.director, "complaint_approval_needed") == 1  # within his limit

    # when it is approved, the customer told and accepts
    case = services.approve_remedy(case=case, by=people.officer, expected_version=case.version)
    case = services.inform_customer(
        case=case,
        by=people.officer,
        expected_version=case.version,
        reply_channel="phone",
        summary="补偿300元，已致歉",
    )
    case = services.record_customer_acceptance(
        case=case, by=people.officer, expected_version=case.version, reply="接受"
    )

    # then the case is closed, the revisit due within 3 days, the customer a target customer
    case = fresh(case)
    assert case.status == S.CLOSED
    assert case.step_due_at is None
    revisit = Revisit.objects.get(case=case)
    assert revisit.due_at == case.closed_at + datetime.timedelta(days=3)
    customer.refresh_from_db()
    assert customer.is_target
    assert case.number in customer.notes
    assert told(people.followup, "complaint_revisit_due") == 1
    assert audit_actions(case) == [
        "complaint.registered",
        "complaint.assign_handler",
        "complaint.start_investigation",
        "complaint.record_findings",
        "complaint.propose_remedy",
        "complaint.approve_remedy",
        "complaint.inform_customer",
        "complaint.customer_accepts",
        "complaint.revisit_scheduled",
    ]


def test_the_revisit_is_recorded_once(case, people, service_dept) -> None:  # noqa: ANN001
    case = proposed(case, people, service_dept, "0.01")
    for step in ("approve", "inform", "accept"):
        case = {
            "approve": lambda c: services.approve_remedy(
                case=c, by=people.officer, expected_version=None
            ),
            "inform": lambda c: services.inform_customer(
                case=c, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
            ),
            "accept": lambda c: services.record_customer_acceptance(
                case=c, by=people.officer, expected_version=None
            ),
        }[step](case)
    revisit = Revisit.objects.get(case=case)
    # scheduling again changes nothing
    assert services.schedule_revisit(case=fresh(case), by=people.officer) == revisit
    with pytest.raises(ComplaintError) as refused:
        services.record_revisit(
            revisit=revisit, by=people.agent, expected_version=None, outcome="satisfied"
        )
    assert refused.value.code == ComplaintErrorCode.NOT_ALLOWED

    services.record_revisit(
        revisit=revisit, by=people.followup, expected_version=revisit.version, outcome="satisfied"
    )
    with pytest.raises(ComplaintError, match="already recorded"):
        services.record_revisit(
            revisit=revisit, by=people.followup, expected_version=None, outcome="satisfied"
        )
    revisit.refresh_from_db()
    assert (revisit.outcome, revisit.done_by) == ("satisfied", people.followup)
    assert "complaint.complaint_revisited" in audit_actions(case)


def test_investigation_needs_a_handler_who_may_handle(case, people) -> None:  # noqa: ANN001
    with pytest.raises(ComplaintError, match="Assign a handler"):
        services.start_investigation(case=case, by=people.director, expected_version=None)
    with pytest.raises(ComplaintError) as refused:
        services.assign_handler(
            case=case, by=people.director, expected_version=None, handler=people.agent
        )
    assert refused.value.field == "handler"
    assert fresh(case).status == S.REGISTERED


def test_a_remedy_needs_the_findings_and_a_sensible_amount(case, people, service_dept) -> None:  # noqa: ANN001
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    with pytest.raises(ComplaintError, match="cause"):
        services.propose_remedy(
            case=case,
            by=people.officer,
            expected_version=None,
            remedy_kind="apology",
            remedy_amount=0,
        )
    case = services.record_findings(
        case=case, by=people.officer, expected_version=None, cause="态度问题"
    )
    with pytest.raises(ComplaintError, match="responsible department"):
        services.propose_remedy(
            case=case,
            by=people.officer,
            expected_version=None,
            remedy_kind="apology",
            remedy_amount=0,
        )
    case = services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="态度问题",
        responsible_department=service_dept,
    )
    refusals = [
        ("compensation", "0", "remedy_amount"),
        ("apology", "100", "remedy_amount"),
        ("refund", "1.005", "remedy_amount"),
        ("refund", "-5", "remedy_amount"),
        ("bribe", "5", "remedy_kind"),
    ]
    for kind, amount, field in refusals:
        with pytest.raises(ComplaintError) as refused:
            services.propose_remedy(
                case=case,
                by=people.officer,
                expected_version=None,
                remedy_kind=kind,
                remedy_amount=amount,
            )
        assert refused.value.field == field, (kind, amount)
    assert fresh(case).status == S.INVESTIGATING


def test_a_complaint_not_upheld_needs_no_department(case, people) -> None:  # noqa: ANN001
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    case = services.record_findings(
        case=case, by=people.officer, expected_version=None, cause="客户使用不当，非质量问题"
    )
    case = services.propose_remedy(
        case=case, by=people.officer, expected_version=None, remedy_kind="none", remedy_amount=0
    )
    assert case.status == S.REMEDY_PROPOSED


# --- approval limits and major cases ----------------------------------------------------------


def test_nobody_approves_beyond_their_limit(case, people, service_dept) -> None:  # noqa: ANN001
    # given a remedy of 800 yuan: above the officer's 500, within the director's 5,000
    case = proposed(case, people, service_dept, "800.00")
    before = fresh(case).version

    with pytest.raises(ComplaintError) as refused:
        services.approve_remedy(case=case, by=people.officer, expected_version=before)

    assert refused.value.code == ComplaintErrorCode.NOT_ALLOWED
    assert "500.00" in str(refused.value.message)
    assert (fresh(case).status, fresh(case).version) == (S.REMEDY_PROPOSED, before)
    # the director may
    approved = services.approve_remedy(case=case, by=people.director, expected_version=before)
    assert (approved.status, approved.approved_by) == (S.APPROVED, people.director)


def test_a_large_remedy_goes_up_to_the_general_manager(case, people, service_dept) -> None:  # noqa: ANN001
    case = proposed(case, people, service_dept, "6000.00")
    # only people whose limit covers it are asked
    assert told(people.director, "complaint_approval_needed") == 0
    assert told(people.deputy, "complaint_approval_needed") == 1
    with pytest.raises(ComplaintError):
        services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.approve_remedy(case=case, by=people.deputy, expected_version=None)
    assert case.status == S.APPROVED


def test_a_role_without_a_row_approves_nothing(case, people, service_dept) -> None:  # noqa: ANN001
    ApprovalLimit.objects.filter(role=Role.QUALITY_OFFICER).delete()
    case = proposed(case, people, service_dept, "0.01")
    with pytest.raises(ComplaintError, match="no approval limit"):
        services.approve_remedy(case=case, by=people.officer, expected_version=None)


def test_a_major_case_is_reviewed_by_the_deputy_and_answered_in_writing(
    people, customer, service_dept
) -> None:  # noqa: ANN001
    case = ComplaintFactory.create(by=people.agent, customer=customer, severity=Severity.MAJOR)
    case = proposed(case, people, service_dept, "100.00")
    with pytest.raises(ComplaintError, match="deputy general manager"):
        services.approve_remedy(case=case, by=people.director, expected_version=None)
    case = services.approve_remedy(case=case, by=people.deputy, expected_version=None)
    with pytest.raises(ComplaintError) as refused:
        services.inform_customer(
            case=case, by=people.officer, expected_version=None, reply_channel="phone", summary="x"
        )
    assert refused.value.field == "reply_channel"
    case = services.inform_customer(
        case=case, by=people.officer, expected_version=None, reply_channel="letter", summary="函告"
    )
    assert case.status == S.CUSTOMER_INFORMED


def test_the_approver_may_send_a_proposal_back(case, people, service_dept) -> None:  # noqa: ANN001
    case = proposed(case, people, service_dept, "100.00")
    with pytest.raises(ComplaintError) as refused:
        services.return_for_investigation(
            case=case, by=people.director, expected_version=None, note=" "
        )
    assert refused.value.field == "note"
    case = services.return_for_investigation(
        case=case, by=people.director, expected_version=None, note="赔偿依据不足"
    )
    assert (case.status, case.approval_note) == (S.INVESTIGATING, "赔偿依据不足")
    assert told(people.officer, "complaint_returned") == 1


# --- reclassifying, withdrawing, rounds -------------------------------------------------------


@freeze_time("2026-11-09 10:00:00+08:00")
def test_reclassifying_moves_the_deadline_and_tells_the_deputy(people, customer) -> None:  # noqa: ANN001
    case = ComplaintFactory.create(by=people.agent, customer=customer)
    case = services.classify_complaint(
        case=case,
        by=people.director,
        expected_version=None,
        complaint_type=complaint_type("product_quality"),
        severity=Severity.MAJOR,
        market=Market.ABROAD,
    )
    assert case.due_at == local("2026-11-26 10:00")
    assert told(people.deputy, "complaint_major") == 1


def test_the_severity_is_fixed_once_the_remedy_is_approved(case, people, service_dept) -> None:  # noqa: ANN001
    case = proposed(case, people, service_dept, "100.00")
    case = services.approve_remedy(case=case, by=people.director, expected_version=None)
    with pytest.raises(ComplaintError) as refused:
        services.classify_complaint(
            case=case,
            by=people.director,
            expected_version=None,
            complaint_type=case.complaint_type,
            severity=Severity.MAJOR,
            market=case.market,
        )
    assert refused.value.field == "severity"
    assert fresh(case).severity == Severity.GENERAL


def test_a_rejection_opens_a_new_round_attached_to_the_first(case, people, service_dept) -> None:  # noqa: ANN001
    def to_customer(current: ComplaintCase) -> ComplaintCase:
        current = proposed(current, people, service_dept, "100.00")
        current = services.approve_remedy(case=current, by=people.director, expected_version=None)
        return services.inform_customer(
            case=current,
            by=people.officer,
            expected_version=None,
            reply_channel="phone",
            summary="补偿100元",
        )

    first = to_customer(case)
    with pytest.raises(ComplaintError, match="does not accept"):
        services.record_customer_rejection(
            case=first, by=people.officer, expected_version=None, reply=""
        )

    second = services.record_customer_rejection(
        case=first, by=people.officer, expected_version=None, reply="要求退货"
    )
    third = services.record_customer_rejection(
        case=to_customer(second), by=people.officer, expected_version=None, reply="仍不接受"
    )

    assert fresh(first).status == S.REJECTED
    assert (second.round, second.previous_round, second.first_round) == (
        2,
        fresh(first),
        fresh(first),
    )
    assert (third.round, third.previous_round_id, third.first_round_id) == (3, second.pk, first.pk)
    assert second.customer_request == "要求退货"
    assert second.number != first.number
    assert (second.status, second.handler) == (S.REGISTERED, people.officer)
    assert [round.pk for round in rounds_of(case=third)] == [first.pk, second.pk, third.pk]
    assert "complaint.next_round_opened" in audit_actions(first)


def test_withdrawing_needs_a_reason_and_ends_the_case(case, people) -> None:  # noqa: ANN001
    with pytest.raises(ComplaintError):
        services.withdraw_complaint(case=case, by=people.director, expected_version=None, reason="")
    case = services.withdraw_complaint(
        case=case, by=people.director, expected_version=None, reason="重复登记"
    )
    assert (case.status, case.step_due_at, case.withdraw_reason) == (S.WITHDRAWN, None, "重复登记")
    with pytest.raises(ComplaintError) as refused:
        services.start_investigation(case=case, by=people.director, expected_version=None)
    assert refused.value.code == ComplaintErrorCode.INVALID_TRANSITION


def test_a_stale_version_is_refused_and_changes_nothing(case, people) -> None:  # noqa: ANN001
    read = case.version
    services.assign_handler(
        case=case, by=people.director, expected_version=read, handler=people.officer
    )
    with pytest.raises(ConflictError):
        services.assign_handler(
            case=case, by=people.director, expected_version=read, handler=people.director
        )
    current = fresh(case)
    assert (current.handler, current.version) == (people.officer, read + 1)


def test_staff_involved_change_while_open(case, people, technician, org_tree, make_user) -> None:  # noqa: ANN001
    case = services.update_staff_involved(
        case=case, by=people.officer, expected_version=case.version, staff_involved=[technician]
    )
    assert list(case.staff_involved.all()) == [technician]
    with pytest.raises(ComplaintError):
        services.update_staff_involved(
            case=case,
            by=people.officer,
            expected_version=None,
            staff_involved=[make_user(org_tree.other_client, Role.TECHNICIAN)],
        )
    with pytest.raises(ComplaintError) as refused:
        services.update_staff_involved(
            case=case, by=people.agent, expected_version=None, staff_involved=[]
        )
    assert refused.value.code == ComplaintErrorCode.NOT_ALLOWED
    assert list(fresh(case).staff_involved.all()) == [technician]


# --- from the feedback app --------------------------------------------------------------------


def test_a_follow_up_complaint_opens_one_case(people, customer) -> None:  # noqa: ANN001
    attempt = SimpleNamespace(
        pk=41,
        complaint="回访时客户投诉上次维修后仍有异响",
        follow_up=SimpleNamespace(customer=customer, work_order=None),
    )
    case = services.open_case_from_feedback(answer=attempt, by=people.officer)
    again = services.open_case_from_feedback(answer=attempt, by=people.officer)
    assert again == case
    assert (case.channel, case.description) == (
        ComplaintChannel.FOLLOW_UP,
        "回访时客户投诉上次维修后仍有异响",
    )
    assert ComplaintCase.objects.count() == 1


def test_feedback_without_a_complaint_opens_nothing(people, customer) -> None:  # noqa: ANN001
    attempt = SimpleNamespace(pk=1, complaint=" ", follow_up=SimpleNamespace(customer=customer))
    with pytest.raises(ComplaintError, match="no complaint"):
        services.open_case_from_feedback(answer=attempt, by=people.officer)
    assert ComplaintCase.objects.count() == 0


def test_a_flagged_survey_answer_opens_a_case_and_the_flag_is_handled(
    people, dispatcher, technician, customer
) -> None:  # noqa: ANN001
    from shouhou.feedback.selectors import flagged_answers_visible_to
    from tests.feedback.factories import GOOD, answered, invited

    # given a survey answer with the worst rating for the technician's attitude
    invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
    answer = answered(invitation, {**GOOD, "attitude": 1})
    assert answer.is_flagged

    # when the complaints officer opens a case from it
    case = services.open_case_from_feedback(answer=answer, by=people.officer)

    # then the case is a survey complaint about the work order, and the flag is handled
    assert (case.channel, case.work_order, case.customer) == (
        ComplaintChannel.SURVEY,
        answer.work_order,
        customer,
    )
    assert case.description
    assert not flagged_answers_visible_to(people.officer, only_open=True).exists()
    answer.refresh_from_db()
    assert case.number in answer.flag_note
    assert services.open_case_from_feedback(answer=answer, by=people.officer) == case


def test_decimal_amounts_keep_two_places(case, people, service_dept) -> None:  # noqa: ANN001
    case = proposed(case, people, service_dept, "120.5")
    assert fresh(case).remedy_amount == Decimal("120.50")
