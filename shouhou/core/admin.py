from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shouhou.core import services
from shouhou.core.auth import acting_user
from shouhou.core.models import (
    AuditEntry,
    ImportJob,
    NumberingRule,
    NumberSequence,
    Organisation,
    PeriodicJobRun,
    Region,
    User,
    WorkerHeartbeat,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "version"]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        # Through the services, so that the tree paths and the audit log stay right.
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.update_organisation(
                organisation=obj, by=acting_user(request), expected_version=None, **values
            )
        else:
            created = services.create_organisation(by=acting_user(request), **form.cleaned_data)
            obj.pk = created.pk


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Shouhou"), {"fields": ("name", "organisation", "role", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Shouhou"), {"fields": ("name", "organisation", "role", "phone")}),
    )
    list_display = ["username", "name", "organisation", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "name", "phone", "email"]
    autocomplete_fields = ["organisation"]
    show_full_result_count = False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "object_id"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NumberingRule)
class NumberingRuleAdmin(admin.ModelAdmin):
    list_display = ["document_type", "pattern", "period_format", "description"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["document_type", "period", "last_value"]
    readonly_fields = ["document_type", "period", "last_value"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "backend", "last_seen_at"]


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "slot_start", "enqueued_at", "task_result_id"]
    list_filter = ["job"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "created_by", "total_rows", "imported_count"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
