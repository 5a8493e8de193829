"""Permission codenames of the billing app (declared on the models' Meta.permissions)."""

from enum import StrEnum


class BillingPermission(StrEnum):
    VIEW_SCHEDULE = "billing.view_feeschedule"
    ADD_SCHEDULE = "billing.add_feeschedule"
    CHANGE_SCHEDULE = "billing.change_feeschedule"
    VIEW_QUOTE = "billing.view_quote"
    PREPARE_QUOTE = "billing.add_quote"
    DECIDE_QUOTE = "billing.decide_quote"
    SET_BASIS = "billing.change_chargebasis"
    VIEW_ADJUSTMENT = "billing.view_adjustment"
    REQUEST_ADJUSTMENT = "billing.add_adjustment"
    APPROVE_ADJUSTMENT = "billing.approve_adjustment"
    VIEW_PAYMENT = "billing.view_payment"
    RECORD_PAYMENT = "billing.add_payment"
    VIEW_HANDOVER = "billing.view_cashhandover"
    RECEIVE_HANDOVER = "billing.receive_handover"
    VIEW_INVOICE = "billing.view_invoice"
    ISSUE_INVOICE = "billing.add_invoice"
    VOID_INVOICE = "billing.void_invoice"
    VIEW_REPORTS = "billing.view_billing_reports"
