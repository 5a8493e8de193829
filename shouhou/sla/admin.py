from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from shouhou.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationFiring,
    EscalationStep,
    SlaClock,
    SlaPause,
    SlaPolicy,
    StatutoryDay,
    WorkingPeriod,
)
from shouhou.sla.services import bump_calendar_revision


class CalendarEditAdmin(admin.ModelAdmin):
    """Any calendar edit bumps the revision so that every process reloads its calendars."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            bump_calendar_revision()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            bump_calendar_revision()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            bump_calendar_revision()


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(CalendarEditAdmin):
    list_display = ["name", "code", "organisation", "is_around_the_clock", "is_default"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["version"]
    inlines = [WorkingPeriodInline, CalendarDayInline]


@admin.register(StatutoryDay)
class StatutoryDayAdmin(CalendarEditAdmin):
    list_display = ["day", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "metric",
        "target_minutes",
        "clock",
        "zone",
        "priority",
        "rank",
        "is_active",
    ]
    list_filter = ["metric", "is_active"]


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "metric",
        "offset_minutes",
        "audience",
        "send_email",
        "send_sms",
        "is_active",
    ]
    list_filter = ["metric", "audience"]


class SlaPauseInline(admin.TabularInline):
    model = SlaPause
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "ended_at", "reason", "working_seconds"]


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["work_order", "metric", "started_at", "due_at", "met_at", "paused_since"]
    list_filter = ["metric"]
    search_fields = ["work_order__number"]
    readonly_fields = [field.name for field in SlaClock._meta.fields]
    inlines = [SlaPauseInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EscalationFiring)
class EscalationFiringAdmin(admin.ModelAdmin):
    list_display = ["clock", "step", "fired_at", "notified"]
    readonly_fields = ["clock", "step", "fired_at", "notified"]
    show_full_result_count = False
