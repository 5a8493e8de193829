from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.tickets.models import (
    Attachment,
    CarryInReceipt,
    GoodsMovement,
    LabourLine,
    PartLine,
    ServiceVoucher,
    WorkOrder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Work orders change through their pages and services only (lifecycle, audit, locking)."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LabourInline(admin.TabularInline):
    model = LabourLine
    extra = 0
    can_delete = False


class PartInline(admin.TabularInline):
    model = PartLine
    extra = 0
    can_delete = False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "customer", "service_category", "technician", "reported_at"]
    list_filter = ["status", "service_category", "resolution_mode", "channel"]
    search_fields = ["number", "contact_phone"]
    list_select_related = ["customer", "technician"]
    inlines = [LabourInline, PartInline]


@admin.register(CarryInReceipt)
class CarryInReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "work_order", "issued_at", "voided_at"]
    search_fields = ["number"]


@admin.register(GoodsMovement)
class GoodsMovementAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "direction", "at", "by"]


@admin.register(ServiceVoucher)
class ServiceVoucherAdmin(ReadOnlyAdmin):
    list_display = ["number", "work_order", "signer_name", "signed_at"]
    search_fields = ["number"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "work_order", "kind", "size", "uploaded_at"]


@admin.register(LabourLine)
class LabourLineAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "technician", "worked_on", "category", "minutes"]
    list_filter = ["category"]
