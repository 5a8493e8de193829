"""The dispatch app in the admin: settings and fault types are edited here; plans, positions
and field visits are read here (they are written by the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.dispatch.models import (
    DispatchSettings,
    DurationEstimate,
    FaultType,
    FieldVisit,
    Plan,
    PlanAssignment,
    TechnicianPosition,
    TechnicianProfile,
    TechnicianShift,
    TechnicianSkill,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the services write: the admin only reads them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SkillInline(admin.TabularInline):
    model = TechnicianSkill
    extra = 0


class ShiftInline(admin.TabularInline):
    model = TechnicianShift
    extra = 0


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "home_centre", "certification_level", "daily_capacity", "is_active"]
    list_filter = ["certification_level", "is_active"]
    search_fields = ["user__name", "user__username"]
    autocomplete_fields = ["user", "home_centre", "regions"]
    readonly_fields = ["version", "last_latitude", "last_longitude", "last_position_at"]
    inlines = [SkillInline, ShiftInline]


@admin.register(TechnicianSkill)
class TechnicianSkillAdmin(admin.ModelAdmin):
    list_display = ["technician", "product_type", "brand"]
    list_select_related = ["technician__user", "product_type", "brand"]


@admin.register(TechnicianShift)
class TechnicianShiftAdmin(admin.ModelAdmin):
    list_display = ["technician", "day", "starts_at", "ends_at", "note"]
    date_hierarchy = "day"


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "travel_provider",
        "detour_factor",
        "urban_speed_kmh",
        "suburban_speed_kmh",
        "default_service_minutes",
        "default_daily_capacity",
        "plan_time_limit_seconds",
    ]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["version"]


@admin.register(FaultType)
class FaultTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "keywords", "rank"]
    search_fields = ["name", "keywords"]


@admin.register(DurationEstimate)
class DurationEstimateAdmin(ReadOnlyAdmin):
    list_display = ["product_model", "fault_type", "minutes", "samples", "computed_at"]
    list_select_related = ["product_model__brand", "fault_type"]


class AssignmentInline(admin.TabularInline):
    model = PlanAssignment
    extra = 0
    can_delete = False
    fields = (
        "technician",
        "sequence",
        "work_order",
        "arrival_at",
        "due_at",
        "late_minutes",
        "status",
        "reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "status",
        "job_count",
        "late_count",
        "unassigned_count",
        "solve_seconds",
        "created_by",
    ]
    list_filter = ["status"]
    date_hierarchy = "day"
    inlines = [AssignmentInline]


@admin.register(PlanAssignment)
class PlanAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "work_order", "technician", "sequence", "late_minutes", "status"]
    list_select_related = ["plan__organisation", "work_order", "technician"]


@admin.register(TechnicianPosition)
class TechnicianPositionAdmin(ReadOnlyAdmin):
    list_display = ["technician", "at", "event", "latitude", "longitude", "work_order"]
    list_select_related = ["technician", "work_order"]
    date_hierarchy = "at"


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin):
    list_display = [
        "work_order",
        "technician",
        "on_day",
        "departed_at",
        "arrived_at",
        "completed_at",
        "outbound_distance_m",
        "return_distance_m",
    ]
    list_select_related = ["work_order", "technician"]
    date_hierarchy = "on_day"
