"""The complaint's handling flow as data: the states, who owns each step, which action leads
from which states to which, needing which permission. `apply_transition` is the only place a
case's status changes.

registered → investigation (cause, evidence, responsible department) → remedy proposed →
approved within the approval limits → customer informed → accepted (closed) or rejected (the
round ends; a new round, linked to it, starts at registered: 003 (九)9)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import FINAL_STATUSES, ComplaintCase, ComplaintStatus
from shouhou.complaints.permissions import ComplaintPermission
from shouhou.core.models import User

S = ComplaintStatus
P = ComplaintPermission

OPEN = frozenset(S) - FINAL_STATUSES
# After the investigation: a decision on responsibility may be recorded from here on.
INVESTIGATED = frozenset({S.REMEDY_PROPOSED, S.APPROVED, S.CUSTOMER_INFORMED, S.CLOSED, S.REJECTED})


class Owner(StrEnum):
    """Who must move a step on, and so who gets its chase notice."""

    SERVICE_DEPARTMENT = "service_department"
    HANDLER = "handler"
    APPROVER = "approver"


OWNER_LABELS: dict[Owner, str | Promise] = {
    Owner.SERVICE_DEPARTMENT: _("Service director: assign a handler"),
    Owner.HANDLER: _("Handler"),
    Owner.APPROVER: _("Approver within the approval limits"),
}

# Every open state is a step with an owner; its target time is a StepTarget row.
STEP_OWNERS: dict[ComplaintStatus, Owner] = {
    S.REGISTERED: Owner.SERVICE_DEPARTMENT,
    S.INVESTIGATING: Owner.HANDLER,
    S.REMEDY_PROPOSED: Owner.APPROVER,
    S.APPROVED: Owner.HANDLER,
    S.CUSTOMER_INFORMED: Owner.HANDLER,
}


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    sources: frozenset[ComplaintStatus]
    target: ComplaintStatus | None  # None: the status stays (the action changes something else)
    permission: ComplaintPermission
    stamp: str | None = None  # the timestamp field the action sets


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("assign_handler", _("Assign the handler"), OPEN, None, P.ASSIGN),
        Action("reclassify", _("Reclassify"), OPEN, None, P.ASSIGN),
        Action(
            "start_investigation",
            _("Start the investigation"),
            frozenset({S.REGISTERED}),
            S.INVESTIGATING,
            P.HANDLE,
            stamp="investigation_started_at",
        ),
        Action(
            "record_findings",
            _("Record the findings"),
            frozenset({S.INVESTIGATING}),
            None,
            P.HANDLE,
        ),
        Action(
            "propose_remedy",
            _("Propose a remedy"),
            frozenset({S.INVESTIGATING}),
            S.REMEDY_PROPOSED,
            P.HANDLE,
            stamp="proposed_at",
        ),
        Action(
            "return_for_investigation",
            _("Send back for investigation"),
            frozenset({S.REMEDY_PROPOSED}),
            S.INVESTIGATING,
            P.APPROVE,
        ),
        Action(
            "approve_remedy",
            _("Approve the remedy"),
            frozenset({S.REMEDY_PROPOSED}),
            S.APPROVED,
            P.APPROVE,
            stamp="approved_at",
        ),
        Action(
            "inform_customer",
            _("Customer informed"),
            frozenset({S.APPROVED}),
            S.CUSTOMER_INFORMED,
            P.HANDLE,
            stamp="informed_at",
        ),
        Action(
            "customer_accepts",
            _("Customer accepts: close"),
            frozenset({S.CUSTOMER_INFORMED}),
            S.CLOSED,
            P.HANDLE,
            stamp="closed_at",
        ),
        Action(
            "customer_rejects",
            _("Customer rejects: new round"),
            frozenset({S.CUSTOMER_INFORMED}),
            S.REJECTED,
            P.HANDLE,
            stamp="rejected_at",
        ),
        Action(
            "withdraw_complaint", _("Withdraw"), OPEN, S.WITHDRAWN, P.ASSIGN, stamp="withdrawn_at"
        ),
    ]
}


def allowed(action: Action, case: ComplaintCase) -> bool:
    """Whether the action applies to the case's status."""
    return case.status in action.sources


def may_perform(action: Action, case: ComplaintCase, user: User) -> bool:
    """Whether `user` may perform `action`. Handling is for the case's handler; the service
    director (who may assign) may act in their place (001 第二十一条: handles it personally or
    sends someone)."""
    if action.permission == P.HANDLE:
        if user.has_perm(P.ASSIGN) and user.has_perm(P.HANDLE):
            return True
        return user.has_perm(P.HANDLE) and case.handler_id == user.pk
    return user.has_perm(action.permission)


def apply_transition(*, case: ComplaintCase, action_name: str, by: User) -> ComplaintStatus:
    """Move the case along `action_name` (in memory; the caller saves). A new step starts when
    the status changes. Returns the old status."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise ComplaintError(
            gettext("Unknown action %(action)s.") % {"action": action_name},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    if not allowed(action, case):
        raise ComplaintError(
            gettext("“%(action)s” is not possible for a complaint that is %(status)s.")
            % {"action": action.label, "status": case.get_status_display()},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    if not may_perform(action, case, by):
        raise ComplaintError(
            gettext("You may not “%(action)s” on this complaint.") % {"action": action.label},
            code=ComplaintErrorCode.NOT_ALLOWED,
        )
    old = ComplaintStatus(case.status)
    now = timezone.now()
    if action.target is not None:
        case.status = action.target
        case.step_started_at = now
    if action.stamp:
        setattr(case, action.stamp, now)
    return old


def actions_for(case: ComplaintCase, user: User) -> list[Action]:
    """The actions `user` may perform on the case now, in the table's order."""
    return [
        action
        for action in ACTIONS.values()
        if allowed(action, case) and may_perform(action, case, user)
    ]


def step_owner(case: ComplaintCase) -> Owner | None:
    return STEP_OWNERS.get(ComplaintStatus(case.status))
