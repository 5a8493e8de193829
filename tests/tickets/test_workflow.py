"""The lifecycle table: every action from every status in every resolution mode."""

from __future__ import annotations

import pytest

from shouhou.core.models import Role
from shouhou.tickets.errors import TicketError, TicketErrorCode
from shouhou.tickets.models import ResolutionMode, WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import ACTIONS, WAITING, actions_for, allowed, apply_transition

pytestmark = pytest.mark.django_db


def in_memory_order(status: WorkOrderStatus, mode: ResolutionMode, technician) -> WorkOrder:  # noqa: ANN001
    return WorkOrder(
        status=status,
        resolution_mode=mode,
        technician=technician,
        resume_status=WorkOrderStatus.ON_SITE if status in WAITING else "",
    )


@pytest.mark.parametrize("action_name", sorted(ACTIONS))
def test_action_applies_exactly_where_the_table_says(action_name, org_tree, make_user) -> None:
    """Allowed (status, mode) pairs move to the target; every other pair is refused and
    changes nothing."""
    action = ACTIONS[action_name]
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in WorkOrderStatus:
        for mode in ResolutionMode:
            order = in_memory_order(status, mode, admin)
            permitted = status in action.sources and (action.modes is None or mode in action.modes)
            if permitted:
                apply_transition(work_order=order, action_name=action_name, by=admin)
                expected = status if action.stays else action.target or WorkOrderStatus.ON_SITE
                assert order.status == expected, (status, mode)
                if action.stamp:
                    assert getattr(order, action.stamp) is not None
            else:
                with pytest.raises(TicketError) as refused:
                    apply_transition(work_order=order, action_name=action_name, by=admin)
                assert refused.value.code == TicketErrorCode.INVALID_TRANSITION
                assert order.status == status, (status, mode)


def test_every_status_but_the_final_ones_has_a_way_forward(org_tree, make_user) -> None:
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in WorkOrderStatus:
        if status in (WorkOrderStatus.CLOSED, WorkOrderStatus.CANCELLED):
            continue
        modes_with_a_way = [
            mode
            for mode in ResolutionMode
            if any(
                allowed(action, in_memory_order(status, mode, admin)) for action in ACTIONS.values()
            )
        ]
        assert modes_with_a_way, status


def test_closed_and_cancelled_orders_accept_no_action(org_tree, make_user) -> None:
    admin = make_user(org_tree.hq, Role.ADMIN)
    for status in (WorkOrderStatus.CLOSED, WorkOrderStatus.CANCELLED):
        for mode in ResolutionMode:
            assert actions_for(in_memory_order(status, mode, admin), admin) == []


def test_waiting_remembers_where_to_resume(org_tree, make_user) -> None:
    admin = make_user(org_tree.hq, Role.ADMIN)
    order = in_memory_order(WorkOrderStatus.IN_REPAIR, ResolutionMode.CARRY_IN, admin)
    apply_transition(work_order=order, action_name="wait_for_parts", by=admin)
    assert (order.status, order.resume_status) == (
        WorkOrderStatus.WAITING_PARTS,
        WorkOrderStatus.IN_REPAIR,
    )
    apply_transition(work_order=order, action_name="resume", by=admin)
    assert (order.status, order.resume_status) == (WorkOrderStatus.IN_REPAIR, "")


def test_technician_acts_only_on_own_orders(org_tree, make_user) -> None:
    assigned = make_user(org_tree.service_centre, Role.TECHNICIAN)
    colleague = make_user(org_tree.service_centre, Role.TECHNICIAN)
    dispatcher = make_user(org_tree.service_centre, Role.DISPATCHER)
    order = in_memory_order(WorkOrderStatus.DISPATCHED, ResolutionMode.ON_SITE, assigned)

    assert [a.name for a in actions_for(order, assigned)] == ["accept", "wait_for_customer"]
    assert actions_for(order, colleague) == []
    with pytest.raises(TicketError) as refused:
        apply_transition(work_order=order, action_name="accept", by=colleague)
    assert refused.value.code == TicketErrorCode.NOT_ALLOWED
    # The dispatcher may record it on the technician's behalf (e.g. a phone call).
    assert "accept" in [a.name for a in actions_for(order, dispatcher)]


def test_customer_user_cannot_act(org_tree, make_user) -> None:
    customer_user = make_user(org_tree.bank, Role.CUSTOMER_USER)
    order = in_memory_order(WorkOrderStatus.REGISTERED, ResolutionMode.ON_SITE, None)
    assert actions_for(order, customer_user) == []


def test_unknown_action_is_refused(org_tree, make_user) -> None:
    admin = make_user(org_tree.hq, Role.ADMIN)
    order = in_memory_order(WorkOrderStatus.REGISTERED, ResolutionMode.ON_SITE, admin)
    with pytest.raises(TicketError, match="Unknown action"):
        apply_transition(work_order=order, action_name="teleport", by=admin)
