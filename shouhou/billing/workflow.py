"""The lifecycles of billing as data: quotes (draft → sent → accepted, declined, expired or
withdrawn), discounts and waivers (requested → approved, rejected or cancelled) and invoices
(issued → paid or void). The apply functions are the only places their statuses change."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.billing.errors import BillingError, BillingErrorCode
from shouhou.billing.models import (
    Adjustment,
    AdjustmentStatus,
    Invoice,
    InvoiceStatus,
    Quote,
    QuoteStatus,
)
from shouhou.billing.permissions import BillingPermission
from shouhou.core.models import User

Q = QuoteStatus


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    # None: only the system or the customer's signed link performs it.
    permission: BillingPermission | None


QUOTE_ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "send",
            _("Send to the customer"),
            frozenset({Q.DRAFT}),
            Q.SENT,
            BillingPermission.PREPARE_QUOTE,
        ),
        Action(
            "accept",
            _("Customer accepts"),
            frozenset({Q.SENT}),
            Q.ACCEPTED,
            BillingPermission.DECIDE_QUOTE,
        ),
        Action(
            "decline",
            _("Customer declines"),
            frozenset({Q.SENT}),
            Q.DECLINED,
            BillingPermission.DECIDE_QUOTE,
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            frozenset({Q.DRAFT, Q.SENT}),
            Q.WITHDRAWN,
            BillingPermission.PREPARE_QUOTE,
        ),
        Action("expire", _("Expired"), frozenset({Q.SENT}), Q.EXPIRED, None),
    ]
}
OPEN_QUOTE_STATUSES = frozenset({Q.DRAFT, Q.SENT})
# What the customer may do on the signed link.
CUSTOMER_QUOTE_ACTIONS = frozenset({"accept", "decline"})

A = AdjustmentStatus
ADJUSTMENT_ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "approve",
            _("Approve"),
            frozenset({A.REQUESTED}),
            A.APPROVED,
            BillingPermission.APPROVE_ADJUSTMENT,
        ),
        Action(
            "reject",
            _("Reject"),
            frozenset({A.REQUESTED}),
            A.REJECTED,
            BillingPermission.APPROVE_ADJUSTMENT,
        ),
        Action(
            "cancel",
            _("Cancel"),
            frozenset({A.REQUESTED}),
            A.CANCELLED,
            BillingPermission.REQUEST_ADJUSTMENT,
        ),
    ]
}

INVOICE_ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("pay", _("Paid"), frozenset({InvoiceStatus.ISSUED}), InvoiceStatus.PAID, None),
        Action(
            "reopen",
            _("Reopened"),
            frozenset({InvoiceStatus.PAID}),
            InvoiceStatus.ISSUED,
            None,
        ),
        Action(
            "void",
            _("Void"),
            frozenset({InvoiceStatus.ISSUED}),
            InvoiceStatus.VOID,
            BillingPermission.VOID_INVOICE,
        ),
    ]
}


def _apply(
    table: dict[str, Action],
    record: Quote | Adjustment | Invoice,
    *,
    action_name: str,
    by: User | None,
    noun: str | Promise,
) -> str:
    action = table.get(action_name)
    if action is None:
        raise BillingError(
            gettext("Unknown action %(action)s.") % {"action": action_name},
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    if record.status not in action.sources:
        raise BillingError(
            gettext("“%(action)s” is not possible for a %(noun)s that is %(status)s.")
            % {"action": action.label, "noun": noun, "status": record.get_status_display()},
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    if by is not None and action.permission is not None and not by.has_perm(action.permission):
        raise BillingError(
            gettext("You may not “%(action)s” this %(noun)s.")
            % {"action": action.label, "noun": noun},
            code=BillingErrorCode.NOT_ALLOWED,
        )
    old = str(record.status)
    record.status = action.target
    return old


def apply_quote_action(*, quote: Quote, action_name: str, by: User | None) -> str:
    """`by` None: the customer on the signed link, or the system (expiry)."""
    return _apply(QUOTE_ACTIONS, quote, action_name=action_name, by=by, noun=_("quote"))


def apply_adjustment_action(*, adjustment: Adjustment, action_name: str, by: User) -> str:
    return _apply(
        ADJUSTMENT_ACTIONS, adjustment, action_name=action_name, by=by, noun=_("discount")
    )


def apply_invoice_action(*, invoice: Invoice, action_name: str, by: User | None) -> str:
    return _apply(INVOICE_ACTIONS, invoice, action_name=action_name, by=by, noun=_("invoice"))


def quote_actions_for(quote: Quote, user: User) -> list[Action]:
    return [
        action
        for action in QUOTE_ACTIONS.values()
        if quote.status in action.sources
        and action.permission is not None
        and user.has_perm(action.permission)
    ]
