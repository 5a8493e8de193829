"""The work order's lifecycle as data: which action leads from which states to which state, for
which resolution modes, needing which permission. `apply_transition` is the only place a work
order's status changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import User
from shouhou.tickets.errors import TicketError, TicketErrorCode
from shouhou.tickets.models import ResolutionMode, WorkOrder, WorkOrderStatus
from shouhou.tickets.permissions import TicketPermission

S = WorkOrderStatus
M = ResolutionMode

# Goods of the customer are in our hands in these states: the order cannot be cancelled there.
HOLDING_GOODS = frozenset(
    {S.CARRIED_IN, S.IN_REPAIR, S.AWAITING_INSPECTION, S.AT_FACTORY, S.READY_TO_RETURN}
)
BEFORE_RESOLUTION = frozenset(
    {
        S.REGISTERED,
        S.DISPATCHED,
        S.ACCEPTED,
        S.EN_ROUTE,
        S.ON_SITE,
        S.WAITING_PARTS,
        S.WAITING_CUSTOMER,
    }
    | HOLDING_GOODS
)
WAITING = frozenset({S.WAITING_PARTS, S.WAITING_CUSTOMER})
FINAL = frozenset({S.CLOSED, S.CANCELLED})
# After the customer signed, nothing on the order changes any more but closing it.
READ_ONLY = frozenset({S.SIGNED, S.CLOSED, S.CANCELLED})
VISIT_MODES = frozenset({M.ON_SITE, M.CARRY_IN, M.RETURN_TO_FACTORY, M.EXCHANGE})
WORKSHOP_MODES = frozenset({M.CARRY_IN, M.RETURN_TO_FACTORY, M.EXCHANGE})
FACTORY_MODES = frozenset({M.RETURN_TO_FACTORY, M.EXCHANGE})


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    sources: frozenset[WorkOrderStatus]
    target: WorkOrderStatus | None  # None: back to the status the order waited in
    permission: TicketPermission
    modes: frozenset[ResolutionMode] | None = None  # None: any resolution mode
    stamp: str | None = None  # the timestamp field the action sets
    stays: bool = False  # the action changes something else, not the status


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "dispatch",
            _("Dispatch"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED}),
            S.DISPATCHED,
            TicketPermission.DISPATCH,
            stamp="dispatched_at",
        ),
        Action(
            "assign",
            _("Assign a technician"),
            HOLDING_GOODS | WAITING,
            None,
            TicketPermission.DISPATCH,
            stays=True,
        ),
        Action(
            "accept",
            _("Accept"),
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            TicketPermission.WORK,
            stamp="accepted_at",
        ),
        Action(
            "depart",
            _("Depart"),
            frozenset({S.ACCEPTED}),
            S.EN_ROUTE,
            TicketPermission.WORK,
            modes=VISIT_MODES,
            stamp="departed_at",
        ),
        Action(
            "arrive",
            _("Arrive on site"),
            frozenset({S.EN_ROUTE}),
            S.ON_SITE,
            TicketPermission.WORK,
            modes=VISIT_MODES,
            stamp="arrived_at",
        ),
        Action(
            "resolve_by_phone",
            _("Resolved by phone"),
            frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED}),
            S.RESOLVED,
            TicketPermission.EDIT,
            modes=frozenset({M.PHONE}),
            stamp="resolved_at",
        ),
        Action(
            "resolve_on_site",
            _("Resolved on site"),
            frozenset({S.ON_SITE}),
            S.RESOLVED,
            TicketPermission.WORK,
            modes=frozenset({M.ON_SITE}),
            stamp="resolved_at",
        ),
        Action(
            "take_in",
            _("Take the goods in"),
            frozenset({S.REGISTERED, S.ON_SITE}),
            S.CARRIED_IN,
            TicketPermission.WORK,
            modes=WORKSHOP_MODES | {M.ON_SITE},
        ),
        Action(
            "start_repair",
            _("Start repair"),
            frozenset({S.CARRIED_IN}),
            S.IN_REPAIR,
            TicketPermission.WORK,
            modes=frozenset({M.CARRY_IN}),
        ),
        Action(
            "request_inspection",
            _("Ask for inspection"),
            frozenset({S.IN_REPAIR}),
            S.AWAITING_INSPECTION,
            TicketPermission.WORK,
            modes=frozenset({M.CARRY_IN}),
        ),
        Action(
            "pass_inspection",
            _("Inspection passed"),
            frozenset({S.AWAITING_INSPECTION}),
            S.READY_TO_RETURN,
            TicketPermission.INSPECT,
        ),
        Action(
            "fail_inspection",
            _("Inspection failed"),
            frozenset({S.AWAITING_INSPECTION}),
            S.IN_REPAIR,
            TicketPermission.INSPECT,
            modes=frozenset({M.CARRY_IN}),
        ),
        Action(
            "send_to_factory",
            _("Send to the factory"),
            frozenset({S.CARRIED_IN, S.IN_REPAIR, S.AWAITING_INSPECTION}),
            S.AT_FACTORY,
            TicketPermission.WORK,
            modes=FACTORY_MODES,
            stamp="sent_to_factory_at",
        ),
        Action(
            "receive_from_factory",
            _("Received from the factory"),
            frozenset({S.AT_FACTORY}),
            S.AWAITING_INSPECTION,
            TicketPermission.WORK,
            modes=FACTORY_MODES,
            stamp="back_from_factory_at",
        ),
        Action(
            "return_goods",
            _("Return the goods"),
            frozenset({S.READY_TO_RETURN}),
            S.RESOLVED,
            TicketPermission.WORK,
            modes=WORKSHOP_MODES,
            stamp="resolved_at",
        ),
        Action(
            "wait_for_parts",
            _("Wait for parts"),
            frozenset({S.ACCEPTED, S.ON_SITE, S.CARRIED_IN, S.IN_REPAIR}),
            S.WAITING_PARTS,
            TicketPermission.WORK,
        ),
        Action(
            "wait_for_customer",
            _("Wait for the customer"),
            frozenset({S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.CARRIED_IN, S.READY_TO_RETURN}),
            S.WAITING_CUSTOMER,
            TicketPermission.WORK,
        ),
        Action("resume", _("Resume"), WAITING, None, TicketPermission.WORK),
        Action(
            "sign",
            _("Customer signs"),
            frozenset({S.RESOLVED}),
            S.SIGNED,
            TicketPermission.WORK,
            modes=VISIT_MODES,
            stamp="signed_at",
        ),
        Action(
            "close",
            _("Close"),
            frozenset({S.SIGNED}),
            S.CLOSED,
            TicketPermission.CLOSE,
            stamp="closed_at",
        ),
        Action(
            "close_without_signature",
            _("Close"),
            frozenset({S.RESOLVED}),
            S.CLOSED,
            TicketPermission.CLOSE,
            modes=frozenset({M.PHONE}),
            stamp="closed_at",
        ),
        Action(
            "cancel",
            _("Cancel"),
            BEFORE_RESOLUTION - HOLDING_GOODS,
            S.CANCELLED,
            TicketPermission.CANCEL,
            stamp="cancelled_at",
        ),
    ]
}

# Statuses where the resolution mode may still change, and to which modes.
MODE_CHANGES: dict[WorkOrderStatus, frozenset[ResolutionMode]] = {
    **{
        status: frozenset(M)
        for status in (S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE)
    },
    S.CARRIED_IN: WORKSHOP_MODES,
    S.IN_REPAIR: WORKSHOP_MODES,
}


def allowed(action: Action, work_order: WorkOrder) -> bool:
    """Whether the action applies to the order's status and resolution mode."""
    if work_order.status not in action.sources:
        return False
    return action.modes is None or work_order.resolution_mode in action.modes


def may_perform(action: Action, work_order: WorkOrder, user: User) -> bool:
    """Whether `user` may perform `action`. A technician's action is for the assigned
    technician, or for someone who may dispatch (recording it on their behalf)."""
    if action.permission == TicketPermission.WORK:
        if user.has_perm(TicketPermission.DISPATCH):
            return True
        return user.has_perm(TicketPermission.WORK) and work_order.technician_id == user.pk
    return user.has_perm(action.permission)


def may_record_work(work_order: WorkOrder, user: User) -> bool:
    """Labour and parts lines: the assigned technician, or someone who may dispatch."""
    if user.has_perm(TicketPermission.DISPATCH):
        return True
    return user.has_perm(TicketPermission.WORK) and work_order.technician_id == user.pk


def apply_transition(*, work_order: WorkOrder, action_name: str, by: User) -> WorkOrderStatus:
    """Move the order along `action_name` (in memory; the caller saves). Returns the old status."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TicketError(
            gettext("Unknown action %(action)s.") % {"action": action_name},
            code=TicketErrorCode.INVALID_TRANSITION,
        )
    if not allowed(action, work_order):
        raise TicketError(
            gettext("“%(action)s” is not possible for a work order that is %(status)s (%(mode)s).")
            % {
                "action": action.label,
                "status": work_order.get_status_display(),
                "mode": work_order.get_resolution_mode_display(),
            },
            code=TicketErrorCode.INVALID_TRANSITION,
        )
    if not may_perform(action, work_order, by):
        raise TicketError(
            gettext("You may not “%(action)s” this work order.") % {"action": action.label},
            code=TicketErrorCode.NOT_ALLOWED,
        )
    old = WorkOrderStatus(work_order.status)
    if action.stays:
        pass
    elif action.target is None:
        work_order.status = work_order.resume_status
        work_order.resume_status = ""
    else:
        if action.target in WAITING:
            work_order.resume_status = old
        work_order.status = action.target
    if action.stamp:
        setattr(work_order, action.stamp, timezone.now())
    return old


def actions_for(work_order: WorkOrder, user: User) -> list[Action]:
    """The actions `user` may perform on the order now, in the table's order."""
    return [
        action
        for action in ACTIONS.values()
        if allowed(action, work_order) and may_perform(action, work_order, user)
    ]
