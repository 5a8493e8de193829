"""Admin: the configuration (types, policy, step targets, approval limits, departments, staff
profiles, monthly bonuses) is edited here; cases, penalties, chase notices and revisits change
through their pages and services only, so they are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.complaints.models import (
    ApprovalLimit,
    ChaseNotice,
    ComplaintCase,
    ComplaintPolicy,
    ComplaintType,
    Department,
    MonthlyBonus,
    Penalty,
    ResponsibilityShare,
    Revisit,
    StaffProfile,
    StepTarget,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

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


class ShareInline(ReadOnlyInline):
    model = ResponsibilityShare


class PenaltyInline(ReadOnlyInline):
    model = Penalty
    fk_name = "case"


@admin.register(ComplaintCase)
class ComplaintCaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "customer", "complaint_type", "severity", "registered_at"]
    list_filter = ["status", "severity", "market", "channel", "complaint_type"]
    search_fields = ["number", "contact_phone"]
    raw_id_fields = ["customer", "equipment", "work_order", "handler"]
    inlines = [ShareInline, PenaltyInline]


@admin.register(ComplaintType)
class ComplaintTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_quality_problem", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "domestic_closure_days",
        "abroad_closure_days",
        "revisit_days",
        "warning_minimum_amount",
        "minor_demerit_unit_amount",
        "monthly_cap_percent",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: the migration seeds it.
        return not ComplaintPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StepTarget)
class StepTargetAdmin(admin.ModelAdmin):
    list_display = ["step", "target_minutes", "clock", "is_active"]


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "max_amount"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "head", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["organisation", "head"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "department", "base_points", "monthly_bonus_amount"]
    search_fields = ["person__name", "person__username"]
    raw_id_fields = ["person", "department"]


@admin.register(MonthlyBonus)
class MonthlyBonusAdmin(admin.ModelAdmin):
    list_display = ["person", "month", "amount"]
    raw_id_fields = ["person"]


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "amount", "month", "case", "department"]
    list_filter = ["kind", "month"]


@admin.register(ChaseNotice)
class ChaseNoticeAdmin(ReadOnlyAdmin):
    list_display = ["case", "step", "due_at", "issued_at", "addressed_to", "notified"]


@admin.register(Revisit)
class RevisitAdmin(ReadOnlyAdmin):
    list_display = ["case", "due_at", "done_at", "outcome"]
    list_filter = ["outcome"]


@admin.register(ResponsibilityShare)
class ResponsibilityShareAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "person", "share_percent", "amount"]
