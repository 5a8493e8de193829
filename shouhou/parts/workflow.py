"""Two small lifecycles as data: the parts request (配件申请单: requested → approved or
back-ordered → shipped → received) and the old part (旧件: with the technician → returned to the
customer, or handed in → sent back to the factory or scrapped). `apply_request_action` and
`apply_old_part_action` are the only places their statuses change."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import User
from shouhou.parts.errors import PartsError, PartsErrorCode
from shouhou.parts.models import (
    OldPart,
    OldPartStatus,
    PartsRequest,
    PartsRequestStatus,
)
from shouhou.parts.permissions import PartsPermission

R = PartsRequestStatus
O = OldPartStatus  # noqa: E741 - reads like the table's letter


@dataclass(frozen=True)
class RequestAction:
    name: str
    label: str | Promise
    sources: frozenset[PartsRequestStatus]
    target: PartsRequestStatus
    # Who may: the warehouse (approve permission), the requester, or either.
    by_warehouse: bool
    by_requester: bool
    stamp: str | None = None


REQUEST_ACTIONS: dict[str, RequestAction] = {
    action.name: action
    for action in [
        RequestAction(
            "approve",
            _("Approve"),
            frozenset({R.REQUESTED, R.BACK_ORDERED}),
            R.APPROVED,
            by_warehouse=True,
            by_requester=False,
            stamp="decided_at",
        ),
        RequestAction(
            "back_order",
            _("Back-order"),
            frozenset({R.REQUESTED}),
            R.BACK_ORDERED,
            by_warehouse=True,
            by_requester=False,
            stamp="decided_at",
        ),
        RequestAction(
            "reject",
            _("Reject"),
            frozenset({R.REQUESTED, R.BACK_ORDERED}),
            R.REJECTED,
            by_warehouse=True,
            by_requester=False,
            stamp="decided_at",
        ),
        RequestAction(
            "ship",
            _("Ship"),
            frozenset({R.APPROVED}),
            R.SHIPPED,
            by_warehouse=True,
            by_requester=False,
            stamp="shipped_at",
        ),
        RequestAction(
            "receive",
            _("Confirm receipt"),
            frozenset({R.SHIPPED}),
            R.RECEIVED,
            by_warehouse=False,
            by_requester=True,
            stamp="received_at",
        ),
        RequestAction(
            "cancel",
            _("Cancel"),
            frozenset({R.REQUESTED, R.BACK_ORDERED, R.APPROVED}),
            R.CANCELLED,
            by_warehouse=True,
            by_requester=True,
        ),
    ]
}
OPEN_REQUEST_STATUSES = frozenset({R.REQUESTED, R.BACK_ORDERED, R.APPROVED, R.SHIPPED})


def may_perform_request_action(action: RequestAction, request: PartsRequest, user: User) -> bool:
    """The warehouse side needs the approve permission; the requester side is the technician
    who asked (or whose van receives the parts)."""
    if action.by_warehouse and user.has_perm(PartsPermission.APPROVE_REQUESTS):
        return True
    if action.by_requester:
        return user.pk in (request.requested_by_id, request.destination.technician_id)
    return False


def request_actions_for(request: PartsRequest, user: User) -> list[RequestAction]:
    return [
        action
        for action in REQUEST_ACTIONS.values()
        if request.status in action.sources and may_perform_request_action(action, request, user)
    ]


def apply_request_action(
    *, request: PartsRequest, action_name: str, by: User
) -> PartsRequestStatus:
    """Move the request along `action_name` in memory (the caller saves); returns the old
    status."""
    action = REQUEST_ACTIONS.get(action_name)
    if action is None:
        raise PartsError(
            gettext("Unknown action %(action)s.") % {"action": action_name},
            code=PartsErrorCode.INVALID_TRANSITION,
        )
    if request.status not in action.sources:
        raise PartsError(
            gettext("“%(action)s” is not possible for a parts request that is %(status)s.")
            % {"action": action.label, "status": request.get_status_display()},
            code=PartsErrorCode.INVALID_TRANSITION,
        )
    if not may_perform_request_action(action, request, by):
        raise PartsError(
            gettext("You may not “%(action)s” this parts request.") % {"action": action.label},
            code=PartsErrorCode.NOT_ALLOWED,
        )
    old = PartsRequestStatus(request.status)
    request.status = action.target
    if action.stamp:
        setattr(request, action.stamp, timezone.now())
    return old


@dataclass(frozen=True)
class OldPartAction:
    name: str
    label: str | Promise
    sources: frozenset[OldPartStatus]
    target: OldPartStatus
    permission: PartsPermission


OLD_PART_ACTIONS: dict[str, OldPartAction] = {
    action.name: action
    for action in [
        OldPartAction(
            "return_to_customer",
            _("Returned to the customer"),
            frozenset({O.WITH_TECHNICIAN}),
            O.RETURNED_TO_CUSTOMER,
            PartsPermission.HANDLE_OLD_PARTS,
        ),
        OldPartAction(
            "hand_in",
            _("Hand in to the warehouse"),
            frozenset({O.WITH_TECHNICIAN}),
            O.IN_WAREHOUSE,
            PartsPermission.HANDLE_OLD_PARTS,
        ),
        OldPartAction(
            "send_to_factory",
            _("Send back to the factory"),
            frozenset({O.IN_WAREHOUSE}),
            O.SENT_TO_FACTORY,
            PartsPermission.MANAGE_STOCK,
        ),
        OldPartAction(
            "scrap",
            _("Scrap"),
            frozenset({O.IN_WAREHOUSE}),
            O.SCRAPPED,
            PartsPermission.MANAGE_STOCK,
        ),
    ]
}
FINAL_OLD_PART_STATUSES = frozenset({O.RETURNED_TO_CUSTOMER, O.SENT_TO_FACTORY, O.SCRAPPED})


def old_part_actions_for(old_part: OldPart, user: User) -> list[OldPartAction]:
    return [
        action
        for action in OLD_PART_ACTIONS.values()
        if old_part.status in action.sources and user.has_perm(action.permission)
    ]


def apply_old_part_action(*, old_part: OldPart, action_name: str, by: User) -> OldPartStatus:
    action = OLD_PART_ACTIONS.get(action_name)
    if action is None:
        raise PartsError(
            gettext("Unknown action %(action)s.") % {"action": action_name},
            code=PartsErrorCode.INVALID_TRANSITION,
        )
    if old_part.status not in action.sources:
        raise PartsError(
            gettext("“%(action)s” is not possible for an old part that is %(status)s.")
            % {"action": action.label, "status": old_part.get_status_display()},
            code=PartsErrorCode.INVALID_TRANSITION,
        )
    if not by.has_perm(action.permission):
        raise PartsError(
            gettext("You may not “%(action)s” this old part.") % {"action": action.label},
            code=PartsErrorCode.NOT_ALLOWED,
        )
    old = OldPartStatus(old_part.status)
    old_part.status = action.target
    old_part.handled_at = timezone.now()
    old_part.handled_by = by
    return old
