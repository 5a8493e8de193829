"""Admin of the parts app. The stock ledger is read-only here as everywhere: movements are
booked by the services and never changed; stock levels move only with them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.parts.models import (
    OldPart,
    Part,
    PartsRequest,
    PartsRequestLine,
    PartsSettings,
    Reservation,
    StockLevel,
    StockMovement,
    Warehouse,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit_cost", "sale_price", "is_warranty_covered", "is_active"]
    list_filter = ["is_warranty_covered", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["compatible_models"]
    readonly_fields = ["version"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "organisation", "technician", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["organisation", "technician", "keeper"]
    readonly_fields = ["version"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["warehouse", "part", "on_hand", "reserved", "reorder_point"]
    list_select_related = ["warehouse", "part"]
    search_fields = ["part__code", "warehouse__code"]
    show_full_result_count = False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "warehouse", "kind", "part", "quantity", "balance_after", "work_order"]
    list_filter = ["kind"]
    list_select_related = ["warehouse", "part", "work_order"]
    search_fields = ["part__code", "reference"]
    show_full_result_count = False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["stock_level", "quantity", "work_order", "status", "created_at"]
    list_filter = ["status"]


class PartsRequestLineInline(admin.TabularInline):
    model = PartsRequestLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PartsRequest)
class PartsRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "requested_by", "source", "destination", "created_at"]
    list_filter = ["status"]
    search_fields = ["number"]
    inlines = [PartsRequestLineInline]


@admin.register(PartsRequestLine)
class PartsRequestLineAdmin(ReadOnlyAdmin):
    list_display = ["request", "part", "quantity"]


@admin.register(OldPart)
class OldPartAdmin(ReadOnlyAdmin):
    list_display = ["description", "quantity", "work_order", "status", "intended"]
    list_filter = ["status", "intended"]


@admin.register(PartsSettings)
class PartsSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "shipping_accuracy_target_percent"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not PartsSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
