"""What the billing app registers at start-up: role permissions and the audit log's verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shouhou.billing.permissions import BillingPermission as B
from shouhou.core.audit import register_audit_labels
from shouhou.core.models import Role

VIEW = [
    B.VIEW_SCHEDULE,
    B.VIEW_QUOTE,
    B.VIEW_ADJUSTMENT,
    B.VIEW_PAYMENT,
    B.VIEW_HANDOVER,
    B.VIEW_INVOICE,
    "billing.view_chargebasis",
]
DESK = [B.PREPARE_QUOTE, B.DECIDE_QUOTE, B.SET_BASIS, B.REQUEST_ADJUSTMENT, B.RECORD_PAYMENT]
ROLE_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: [
        *VIEW,
        *DESK,
        B.ADD_SCHEDULE,
        B.CHANGE_SCHEDULE,
        B.APPROVE_ADJUSTMENT,
        B.RECEIVE_HANDOVER,
        B.ISSUE_INVOICE,
        B.VOID_INVOICE,
        B.VIEW_REPORTS,
    ],
    # The competent manager approves reductions (001 第四篇 十), within the approval limits.
    Role.SERVICE_MANAGER: [
        *VIEW,
        *DESK,
        B.ADD_SCHEDULE,
        B.CHANGE_SCHEDULE,
        B.APPROVE_ADJUSTMENT,
        B.ISSUE_INVOICE,
        B.VIEW_REPORTS,
    ],
    Role.DISPATCHER: [*VIEW, *DESK],
    Role.AGENT: [B.VIEW_SCHEDULE, B.VIEW_QUOTE],
    # On site: prepare the quote, record the answer, collect small charges (001 第四篇 十).
    Role.TECHNICIAN: [
        B.VIEW_SCHEDULE,
        B.VIEW_QUOTE,
        B.VIEW_ADJUSTMENT,
        B.VIEW_PAYMENT,
        "billing.view_chargebasis",
        *DESK,
    ],
    # Finance: invoices, payments, the technicians' handover, the reports.
    Role.ACCOUNTANT: [
        *VIEW,
        B.RECORD_PAYMENT,
        B.RECEIVE_HANDOVER,
        B.ISSUE_INVOICE,
        B.VOID_INVOICE,
        B.VIEW_REPORTS,
    ],
}


def register_audit_verbs() -> None:
    register_audit_labels(
        actions={
            "charge_basis_set": _("Charge basis set"),
            "quote_prepared": _("Quote prepared"),
            "quote_sent": _("Quote sent to the customer"),
            "quote_accepted": _("Quote accepted by the customer"),
            "quote_declined": _("Quote declined by the customer"),
            "quote_withdrawn": _("Quote withdrawn"),
            "quote_expired": _("Quote expired"),
            "part_planned": _("Part planned"),
            "adjustment_requested": _("Discount requested"),
            "adjustment_decided": _("Discount decided"),
            "adjustment_cancelled": _("Discount cancelled"),
            "payment_recorded": _("Payment recorded"),
            "payment_applied": _("Payment applied"),
            "invoiced": _("Invoiced"),
            "issued": _("Issued"),
            "voided": _("Voided"),
            "received": _("Handover received"),
        },
        keys={
            "quote": _("quote"),
            "quote_total": _("quote total (yuan)"),
            "quote_customer": _("customer's name"),
            "quote_reason": _("reason for declining"),
            "job_type": _("job type"),
            "distance_km": _("distance (km)"),
            "is_call_out_charged": _("call-out fee applies"),
            "collected_by": _("collected on site by"),
            "adjustment": _("discount"),
            "payment": _("payment"),
            "invoice": _("invoice"),
            "call_out": _("call-out fee"),
            "jobs": _("job types"),
            "rates": _("rates"),
            "payments": _("payments"),
        },
    )
