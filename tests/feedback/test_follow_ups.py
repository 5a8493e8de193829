"""Follow-up calls: assignment to agents, attempts until the limit, the second call a week after
the first, a complaint passed to the managers with a call back within three days."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shouhou.core.errors import ConflictError
from shouhou.core.models import AuditEntry, Role
from shouhou.feedback import services
from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.models import (
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    LossReason,
    Selection,
)
from shouhou.feedback.services import CallOutcome
from shouhou.notify.models import Notification
from tests.feedback.factories import closed_work_order, customer_of

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()
CLOSED_AT = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=ZONE)
REACHED = CallOutcome(result=CallResult.REACHED, evaluation=Evaluation.SATISFIED)
NOT_REACHED = CallOutcome(result=CallResult.NOT_REACHED, notes="无人接听")


@pytest.fixture
def agent(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.hq, Role.FOLLOWUP_AGENT, name="孙悦")


@pytest.fixture
def manager(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.SERVICE_MANAGER, email="boss@example.com")


@pytest.fixture
def follow_up(dispatcher, technician, org_tree, agent) -> FollowUp:  # noqa: ANN001
    """The follow-up of a repair for a target customer, assigned to the agent."""
    customer = customer_of(org_tree.service_centre, is_target=True, name="市政府车队")
    closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer, at=CLOSED_AT)
    with freeze_time(CLOSED_AT + datetime.timedelta(hours=1)):
        services.create_follow_ups()
    return FollowUp.objects.get()


def call(follow_up: FollowUp, by, outcome: CallOutcome, at: datetime.datetime):  # noqa: ANN001, ANN201
    follow_up.refresh_from_db()
    with freeze_time(at):
        return services.record_follow_up_attempt(
            follow_up=follow_up, by=by, expected_version=follow_up.version, outcome=outcome
        )


def test_the_follow_up_goes_to_the_least_busy_agent(follow_up, agent) -> None:
    assert (follow_up.assigned_to, follow_up.selection) == (agent, Selection.TARGET)
    assert AuditEntry.objects.filter(action="follow_up.created").count() == 1


def test_not_reached_is_tried_again_until_the_limit(follow_up, agent) -> None:
    start = follow_up.start_at

    first = call(follow_up, agent, NOT_REACHED, start + datetime.timedelta(hours=1))
    follow_up.refresh_from_db()
    assert (first.number, follow_up.status, follow_up.attempt_count) == (1, FollowUpStatus.OPEN, 1)
    assert follow_up.next_attempt_at == first.called_at + datetime.timedelta(days=1)

    call(follow_up, agent, NOT_REACHED, start + datetime.timedelta(days=1, hours=2))
    third = call(follow_up, agent, NOT_REACHED, start + datetime.timedelta(days=2, hours=3))

    follow_up.refresh_from_db()
    assert (third.number, follow_up.status, follow_up.attempt_count) == (
        3,
        FollowUpStatus.UNREACHABLE,
        3,
    )
    assert follow_up.next_attempt_at is None
    assert follow_up.completed_at == third.called_at
    with pytest.raises(FeedbackError) as closed:
        call(follow_up, agent, NOT_REACHED, start + datetime.timedelta(days=3))
    assert closed.value.code == FeedbackErrorCode.INVALID_TRANSITION
    assert not FollowUp.objects.filter(kind=FollowUpKind.SECOND_CALL).exists()


def test_reached_is_done_and_plans_the_second_call_a_week_later(follow_up, agent) -> None:
    at = follow_up.start_at + datetime.timedelta(hours=3)

    attempt = call(
        follow_up,
        agent,
        CallOutcome(
            result=CallResult.REACHED,
            evaluation=Evaluation.VERY_SATISFIED,
            product_usage="车辆运行正常",
            new_needs="想了解保养套餐",
        ),
        at,
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_at) == (FollowUpStatus.DONE, at)
    assert (attempt.evaluation, attempt.new_needs) == (Evaluation.VERY_SATISFIED, "想了解保养套餐")
    second = FollowUp.objects.get(kind=FollowUpKind.SECOND_CALL)
    assert (second.parent, second.assigned_to, second.selection) == (
        follow_up,
        agent,
        Selection.FOLLOWS,
    )
    assert (second.start_at, second.due_at) == (
        at + datetime.timedelta(days=7),
        at + datetime.timedelta(days=14),
    )
    # a reached second call plans no third one
    call(second, agent, REACHED, second.start_at)
    assert FollowUp.objects.count() == 2


def test_refused_ends_the_follow_up(follow_up, agent) -> None:
    call(follow_up, agent, CallOutcome(result=CallResult.REFUSED), follow_up.start_at)

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.REFUSED
    assert FollowUp.objects.count() == 1


def test_a_complaint_goes_to_the_managers_and_is_called_back_within_three_days(
    follow_up, agent, manager
) -> None:
    at = follow_up.start_at + datetime.timedelta(hours=2)
    customer = follow_up.customer
    customer.is_target = False
    customer.save(update_fields=["is_target"])

    call(
        follow_up,
        agent,
        CallOutcome(
            result=CallResult.REACHED,
            evaluation=Evaluation.DISSATISFIED,
            complaint="维修后第二天又坏了",
        ),
        at,
    )

    callback = FollowUp.objects.get(kind=FollowUpKind.COMPLAINT_CALLBACK)
    assert (callback.parent, callback.assigned_to) == (follow_up, agent)
    assert callback.due_at == at + datetime.timedelta(days=3)
    told = Notification.objects.filter(template_code="follow_up_complaint", recipient=manager)
    assert told.count() == 2
    assert "维修后第二天又坏了" in told.get(channel="in_app").body
    customer.refresh_from_db()
    assert customer.is_target  # 回访中抱怨的客户 are target customers from now on
    assert FollowUp.objects.filter(kind=FollowUpKind.SECOND_CALL).count() == 1


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        (CallOutcome(result="maybe"), "result"),
        (CallOutcome(result=CallResult.REACHED), "evaluation"),
        (CallOutcome(result=CallResult.NOT_REACHED, complaint="投诉"), "result"),
        (
            CallOutcome(
                result=CallResult.REACHED, evaluation=Evaluation.SATISFIED, is_customer_lost=True
            ),
            "loss_reason",
        ),
    ],
)
def test_bad_outcomes_are_refused_and_nothing_changes(follow_up, agent, outcome, field) -> None:  # noqa: ANN001
    with pytest.raises(FeedbackError) as refused:
        call(follow_up, agent, outcome, follow_up.start_at)

    assert refused.value.field == field
    follow_up.refresh_from_db()
    assert (follow_up.attempt_count, follow_up.version, follow_up.attempts.count()) == (0, 1, 0)


def test_a_lost_customer_is_recorded_with_the_reason(follow_up, agent) -> None:
    price = LossReason.objects.get(code="price")

    attempt = call(
        follow_up,
        agent,
        CallOutcome(
            result=CallResult.REACHED,
            evaluation=Evaluation.DISSATISFIED,
            is_customer_lost=True,
            loss_reason=price,
        ),
        follow_up.start_at,
    )

    assert (attempt.is_customer_lost, attempt.loss_reason) == (True, price)


def test_a_stale_version_is_a_conflict(follow_up, agent) -> None:
    call(follow_up, agent, NOT_REACHED, follow_up.start_at)

    with pytest.raises(ConflictError):
        services.record_follow_up_attempt(
            follow_up=follow_up, by=agent, expected_version=1, outcome=NOT_REACHED
        )
    assert follow_up.attempts.count() == 1


def test_only_follow_up_agents_record_calls(follow_up, technician) -> None:
    with pytest.raises(FeedbackError) as refused:
        call(follow_up, technician, REACHED, follow_up.start_at)

    assert refused.value.code == FeedbackErrorCode.NOT_ALLOWED


def test_an_agent_takes_a_follow_up_and_a_manager_assigns_one(
    follow_up, org_tree, make_user, manager, agent
) -> None:
    colleague = make_user(org_tree.service_centre, Role.FOLLOWUP_AGENT)

    taken = services.assign_follow_up(
        follow_up=follow_up, to=colleague, by=colleague, expected_version=1
    )
    assert taken.assigned_to == colleague

    with pytest.raises(FeedbackError) as refused:
        services.assign_follow_up(follow_up=follow_up, to=colleague, by=agent, expected_version=2)
    assert refused.value.code == FeedbackErrorCode.NOT_ALLOWED

    given = services.assign_follow_up(follow_up=follow_up, to=agent, by=manager, expected_version=2)
    assert given.assigned_to == agent


def test_a_follow_up_cannot_go_to_someone_who_cannot_see_it(
    follow_up, org_tree, make_user, manager
) -> None:
    outsider = make_user(org_tree.provider, Role.FOLLOWUP_AGENT)

    with pytest.raises(FeedbackError) as refused:
        services.assign_follow_up(follow_up=follow_up, to=outsider, by=manager, expected_version=1)

    assert refused.value.field == "assigned_to"


def test_a_manager_cancels_with_a_reason(follow_up, manager) -> None:
    with pytest.raises(FeedbackError):
        services.cancel_follow_up(follow_up=follow_up, by=manager, expected_version=1, reason="")

    cancelled = services.cancel_follow_up(
        follow_up=follow_up, by=manager, expected_version=1, reason="客户要求不再回访"
    )

    assert cancelled.status == FollowUpStatus.CANCELLED
    assert AuditEntry.objects.filter(action="follow_up.cancelled").count() == 1
