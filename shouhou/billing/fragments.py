"""The money panel of the work order's page: parts used and held, the charges and who pays
them, the quote and the customer's decision, discounts, deposit and payments, the invoice, with
the forms the user may post. The work order's page loads it on its own (htmx), so that the page
itself keeps its bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.billing import rules, selectors
from shouhou.billing.charges import ZERO, ChargeLine, ChargeSheet, Payer
from shouhou.billing.forms import (
    AdjustmentDecisionForm,
    AdjustmentRequestForm,
    ChargeBasisForm,
    InvoiceIssueForm,
    PaymentForm,
    QuotePrepareForm,
)
from shouhou.billing.models import (
    AdjustmentStatus,
    Invoice,
    InvoiceStatus,
    PaymentKind,
    QuoteStatus,
)
from shouhou.billing.permissions import BillingPermission as B
from shouhou.billing.services import INVOICEABLE, limit_covers
from shouhou.core.models import User
from shouhou.parts.forms import IssuePartForm, ReservePartForm, ReturnPartForm
from shouhou.parts.permissions import PartsPermission
from shouhou.parts.selectors import issued_to, old_parts_visible_to, reservations_of
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import READ_ONLY, may_record_work


@dataclass(frozen=True)
class ShownLine:
    line: ChargeLine
    text: str

    @property
    def payer_label(self) -> str:
        return str(PAYER_LABELS[self.line.payer])


PAYER_LABELS = {
    Payer.CUSTOMER: _("customer"),
    Payer.WARRANTY: _("warranty"),
    Payer.CONTRACT: _("contract"),
    Payer.INTERNAL: _("internal"),
}
WARNING_TEXTS = {
    "no_job_type": _("Labour is charged by job type: choose the job type."),
    "unknown_job_type": _("The job type is not in the fee schedule that applies."),
    "unpriced_part": _("A part line without a catalogue part has no price: it is not charged."),
    "discount_capped": _("An approved discount is more than is charged now: it is capped."),
}


def _sheet_rows(sheet: ChargeSheet | None) -> list[ShownLine]:
    if sheet is None:
        return []
    return [ShownLine(line, rules.describe(line)) for line in sheet.lines]


def _form(form_class: type[forms.Form], user: User, **kwargs: Any) -> forms.Form:
    return form_class(user=user, **kwargs)  # type: ignore[call-arg]


def work_order_money(*, user: User, work_order: WorkOrder) -> dict[str, Any]:
    """Everything the panel shows for `work_order` (already fetched through a scoped
    selector), for `user`."""
    editable = work_order.status not in READ_ONLY
    schedule = rules.schedule_of(work_order)
    basis = rules.charge_basis_of(work_order)
    sheet = (
        rules.charge_sheet_for(work_order, schedule=schedule, basis=basis)
        if schedule is not None
        else None
    )
    quotes = selectors.quotes_of(user=user, work_order=work_order)
    open_quote = next(
        (quote for quote in quotes if quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT)), None
    )
    accepted = next((quote for quote in quotes if quote.status == QuoteStatus.ACCEPTED), None)
    adjustments = list(
        selectors.adjustments_visible_to(user=user).filter(work_order=work_order).order_by("-id")
    )
    payments = list(
        selectors.payments_visible_to(user=user).filter(work_order=work_order).order_by("id")
    )
    invoice: Invoice | None = (
        selectors.invoices_visible_to(user=user)
        .filter(work_order=work_order)
        .exclude(status=InvoiceStatus.VOID)
        .first()
    )
    deposit_required = accepted.deposit_amount if accepted is not None else ZERO
    deposit_received = sum(
        (payment.amount for payment in payments if payment.kind == PaymentKind.DEPOSIT), ZERO
    )
    paid = sum((payment.amount for payment in payments), ZERO)
    due = sheet.due_amount if sheet is not None else ZERO
    charged = rules.is_customer_charged(work_order)
    quote_needed = (
        charged and rules.billing_settings().quote_required_for_paid_work and accepted is None
    )
    may_work = (
        editable
        and work_order.status != WorkOrderStatus.REGISTERED
        and may_record_work(work_order, user)
    )
    job_types = [(job.code, job.name) for job in schedule.jobs.all()] if schedule else []
    context: dict[str, Any] = {
        "work_order": work_order,
        "schedule": schedule,
        "sheet": sheet,
        "sheet_rows": _sheet_rows(sheet),
        "warnings": [WARNING_TEXTS[str(code)] for code in (sheet.warnings if sheet else ())],
        "basis": basis,
        "is_customer_charged": charged,
        "quote_needed": quote_needed,
        "quotes": quotes,
        "open_quote": open_quote,
        "accepted_quote": accepted,
        "adjustments": adjustments,
        "payments": payments,
        "invoice": invoice,
        "deposit_required": deposit_required,
        "deposit_received": deposit_received,
        "deposit_missing": max(ZERO, deposit_required - deposit_received),
        "paid": paid,
        "balance": max(ZERO, due - paid) if invoice is None else invoice.balance_amount,
        "issued": issued_to(user=user, work_order=work_order)
        if user.has_perm(PartsPermission.VIEW_MOVEMENTS)
        else [],
        "reservations": reservations_of(user=user, work_order=work_order)
        if user.has_perm(PartsPermission.VIEW_RESERVATIONS)
        else [],
        "old_parts": list(old_parts_visible_to(user=user).filter(work_order=work_order))
        if user.has_perm(PartsPermission.VIEW_OLD_PARTS)
        else [],
        "forms": {},
    }
    page_forms: dict[str, forms.Form] = context["forms"]
    if may_work:
        page_forms["issue"] = _form(IssuePartForm, user, initial={"version": work_order.version})
        page_forms["return"] = _form(ReturnPartForm, user, initial={"version": work_order.version})
    if editable and work_order.is_open and user.has_perm(PartsPermission.RESERVE):
        page_forms["reserve"] = _form(
            ReservePartForm, user, initial={"version": work_order.version}
        )
    if editable and invoice is None and user.has_perm(B.SET_BASIS) and schedule is not None:
        page_forms["basis"] = ChargeBasisForm(
            user=user,
            job_types=job_types,
            initial={
                "job_type": basis.job_type,
                "distance_km": basis.distance_km,
                "is_call_out_charged": basis.is_call_out_charged,
                "version": basis.version if basis.pk else None,
            },
        )
    if editable and work_order.is_open and user.has_perm(B.PREPARE_QUOTE) and schedule:
        page_forms["quote"] = _form(QuotePrepareForm, user)
    if editable and invoice is None and due > 0 and user.has_perm(B.REQUEST_ADJUSTMENT):
        page_forms["adjustment"] = _form(AdjustmentRequestForm, user)
    if user.has_perm(B.RECORD_PAYMENT) and (due > paid or deposit_required > deposit_received):
        kind = PaymentKind.DEPOSIT if deposit_required > deposit_received else PaymentKind.PAYMENT
        page_forms["payment"] = _form(
            PaymentForm,
            user,
            initial={
                "kind": kind,
                "amount": (deposit_required - deposit_received)
                if kind == PaymentKind.DEPOSIT
                else max(Decimal("0.00"), due - paid),
                "collected_on_site": user.has_perm("tickets.work_workorder")
                and not user.has_perm(B.RECEIVE_HANDOVER),
            },
        )
    if (
        invoice is None
        and due > 0
        and work_order.status in INVOICEABLE
        and user.has_perm(B.ISSUE_INVOICE)
    ):
        page_forms["invoice"] = _form(InvoiceIssueForm, user)
    context["decidable"] = [
        (
            adjustment,
            AdjustmentDecisionForm(user=user, initial={"version": adjustment.version}),
        )
        for adjustment in adjustments
        if adjustment.status == AdjustmentStatus.REQUESTED
        and limit_covers(user, amount=adjustment.amount, percent=adjustment.percent)
    ]
    return context
