"""The handling flow as data: every action from every state, and who may perform it."""

from __future__ import annotations

import pytest

from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import FINAL_STATUSES, ComplaintCase, ComplaintStatus
from shouhou.complaints.workflow import (
    ACTIONS,
    OPEN,
    STEP_OWNERS,
    Owner,
    actions_for,
    apply_transition,
    step_owner,
)
from shouhou.core.models import Role

pytestmark = pytest.mark.django_db
S = ComplaintStatus


def in_memory_case(status: ComplaintStatus, handler=None) -> ComplaintCase:  # noqa: ANN001
    return ComplaintCase(status=status, handler=handler)


@pytest.mark.parametrize("action_name", sorted(ACTIONS))
def test_action_applies_exactly_where_the_table_says(action_name, org_tree, make_user) -> None:  # noqa: ANN001
    """Allowed states move to the target (or stay) and start a new step; every other state is
    refused and changes nothing."""
    action = ACTIONS[action_name]
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in ComplaintStatus:
        case = in_memory_case(status, handler=admin)
        if status in action.sources:
            old = apply_transition(case=case, action_name=action_name, by=admin)
            assert old == status
            assert case.status == (action.target or status), status
            if action.target is not None:
                assert case.step_started_at is not None
            if action.stamp:
                assert getattr(case, action.stamp) is not None
        else:
            with pytest.raises(ComplaintError) as refused:
                apply_transition(case=case, action_name=action_name, by=admin)
            assert refused.value.code == ComplaintErrorCode.INVALID_TRANSITION
            assert case.status == status


def test_every_open_state_has_an_owner_and_a_way_forward(org_tree, make_user) -> None:  # noqa: ANN001
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in OPEN:
        assert status in STEP_OWNERS
        moves = [a for a in actions_for(in_memory_case(status, admin), admin) if a.target]
        assert moves, status


def test_final_states_accept_no_action(org_tree, make_user) -> None:  # noqa: ANN001
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in FINAL_STATUSES:
        assert actions_for(in_memory_case(status, admin), admin) == []
        assert step_owner(in_memory_case(status)) is None


def test_the_flow_from_registration_to_closure_or_a_new_round() -> None:
    path = [
        ("start_investigation", S.INVESTIGATING),
        ("propose_remedy", S.REMEDY_PROPOSED),
        ("approve_remedy", S.APPROVED),
        ("inform_customer", S.CUSTOMER_INFORMED),
    ]
    status = S.REGISTERED
    for name, target in path:
        assert status in ACTIONS[name].sources
        assert ACTIONS[name].target == target
        status = target
    assert ACTIONS["customer_accepts"].target == S.CLOSED
    assert ACTIONS["customer_rejects"].target == S.REJECTED
    assert ACTIONS["return_for_investigation"].target == S.INVESTIGATING


def test_owners_follow_the_regulation() -> None:
    assert STEP_OWNERS[S.REGISTERED] == Owner.SERVICE_DEPARTMENT
    assert STEP_OWNERS[S.INVESTIGATING] == Owner.HANDLER
    assert STEP_OWNERS[S.REMEDY_PROPOSED] == Owner.APPROVER


def test_handling_is_for_the_handler_or_the_service_director(org_tree, make_user) -> None:  # noqa: ANN001
    centre = org_tree.service_centre
    officer = make_user(centre, Role.QUALITY_OFFICER)
    colleague = make_user(centre, Role.QUALITY_OFFICER)
    director = make_user(centre, Role.SERVICE_MANAGER)
    agent = make_user(centre, Role.AGENT)
    case = in_memory_case(S.REGISTERED, handler=officer)

    assert [a.name for a in actions_for(case, officer)] == ["start_investigation"]
    assert actions_for(case, colleague) == []
    assert actions_for(case, agent) == []
    assert "start_investigation" in [a.name for a in actions_for(case, director)]
    assert "assign_handler" in [a.name for a in actions_for(case, director)]
    with pytest.raises(ComplaintError) as refused:
        apply_transition(case=case, action_name="start_investigation", by=colleague)
    assert refused.value.code == ComplaintErrorCode.NOT_ALLOWED
    assert case.status == S.REGISTERED


def test_only_approvers_approve_and_only_directors_withdraw(org_tree, make_user) -> None:  # noqa: ANN001
    centre = org_tree.service_centre
    agent = make_user(centre, Role.AGENT)
    officer = make_user(centre, Role.QUALITY_OFFICER)
    case = in_memory_case(S.REMEDY_PROPOSED, handler=agent)
    assert [a.name for a in actions_for(case, officer)] == [
        "return_for_investigation",
        "approve_remedy",
    ]
    assert actions_for(case, agent) == []


def test_unknown_action_is_refused(org_tree, make_user) -> None:  # noqa: ANN001
    admin = make_user(org_tree.hq, Role.ADMIN)
    with pytest.raises(ComplaintError, match="Unknown action"):
        apply_transition(case=in_memory_case(S.REGISTERED), action_name="teleport", by=admin)
