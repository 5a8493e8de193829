"""Admin of the billing app. Settings, approval limits and fee schedules are edited here;
money records (quotes, discounts, payments, handovers, invoices) are read-only: they change only
through the services, which audit every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.billing.models import (
    Adjustment,
    ApprovalLimit,
    BillingSettings,
    CallOutFee,
    CashHandover,
    ChargeBasis,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    JobTypeRate,
    Payment,
    Quote,
    QuoteLine,
    QuotePart,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "tax_rate_percent",
        "deposit_percent",
        "expensive_part_price",
        "on_site_cash_limit",
        "payment_terms_days",
        "labour_cost_per_hour",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not BillingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "max_amount", "max_percent"]


class CallOutFeeInline(admin.TabularInline):
    model = CallOutFee
    extra = 0


class JobTypeRateInline(admin.TabularInline):
    model = JobTypeRate
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "effective_from", "labour_basis", "hourly_rate"]
    list_filter = ["labour_basis"]
    inlines = [CallOutFeeInline, JobTypeRateInline]
    readonly_fields = ["version"]


@admin.register(CallOutFee)
class CallOutFeeAdmin(admin.ModelAdmin):
    list_display = ["schedule", "zone", "amount"]


@admin.register(JobTypeRate)
class JobTypeRateAdmin(admin.ModelAdmin):
    list_display = ["schedule", "code", "name", "amount"]


@admin.register(ChargeBasis)
class ChargeBasisAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "job_type", "distance_km", "is_call_out_charged"]


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "work_order", "status", "total_amount", "valid_until"]
    list_filter = ["status"]
    search_fields = ["number", "work_order__number"]
    inlines = [QuoteLineInline]


@admin.register(QuoteLine)
class QuoteLineAdmin(ReadOnlyAdmin):
    list_display = ["quote", "kind", "description", "amount"]


@admin.register(QuotePart)
class QuotePartAdmin(ReadOnlyAdmin):
    list_display = ["quote", "part", "quantity"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "kind", "amount", "status", "requested_by", "decided_by"]
    list_filter = ["status", "kind"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "kind", "method", "amount", "received_at", "collected_by"]
    list_filter = ["kind", "method"]
    search_fields = ["number"]
    show_full_result_count = False


@admin.register(CashHandover)
class CashHandoverAdmin(ReadOnlyAdmin):
    list_display = ["technician", "received_by", "at", "total_amount"]


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "issued_at", "total_amount", "paid_amount", "status"]
    list_filter = ["status"]
    search_fields = ["number", "buyer_name"]
    inlines = [InvoiceLineInline]
    show_full_result_count = False


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "description", "amount", "tax_amount"]
