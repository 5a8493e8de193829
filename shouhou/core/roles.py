"""What each role may do, as data. A role is a Group of the same name (editable in the admin);
`sync_role_groups` adds the permissions listed here after every migrate, never removes any."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

from shouhou.core.models import Role

_VIEW_ARCHIVE = [
    "core.view_organisation",
    "customers.view_customer",
    "customers.view_site",
    "customers.view_contact",
    "assets.view_equipment",
    "assets.view_productmodel",
    "contracts.view_maintenancecontract",
]
_EDIT_ARCHIVE = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_site",
    "customers.change_site",
    "customers.add_contact",
    "customers.change_contact",
    "assets.add_equipment",
    "assets.change_equipment",
    "customers.import_customers",
    "assets.import_equipment",
]

_TICKETS_VIEW = ["tickets.view_workorder"]
_TICKETS_DESK = [
    *_TICKETS_VIEW,
    "tickets.add_workorder",
    "tickets.change_workorder",
    "tickets.escalate_workorder",
    "tickets.cancel_workorder",
]
_TICKETS_DISPATCH = [
    *_TICKETS_DESK,
    "tickets.dispatch_workorder",
    "tickets.close_workorder",
    "tickets.view_daily_reports",
]
_TICKETS_SUPERVISE = [*_TICKETS_DISPATCH, "tickets.inspect_workorder", "tickets.work_workorder"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        *_VIEW_ARCHIVE,
        *[
            f"sla.{verb}_{model}"
            for verb in ("view", "add", "change", "delete")
            for model in ("statutoryday", "businesscalendar", "workingperiod", "calendarday")
        ],
        *[f"sla.{verb}_slapolicy" for verb in ("view", "add", "change")],
        *[f"sla.{verb}_escalationstep" for verb in ("view", "add", "change")],
        *[f"notify.{verb}_messagetemplate" for verb in ("view", "change")],
        "notify.view_notification",
        *_EDIT_ARCHIVE,
        "core.add_organisation",
        "core.change_organisation",
        "core.view_auditentry",
        "core.view_operations",
        "contracts.add_maintenancecontract",
        "contracts.change_maintenancecontract",
        *_TICKETS_SUPERVISE,
    ],
    Role.SERVICE_MANAGER: [
        *_VIEW_ARCHIVE,
        *_EDIT_ARCHIVE,
        "core.view_auditentry",
        "contracts.add_maintenancecontract",
        "contracts.change_maintenancecontract",
        *_TICKETS_SUPERVISE,
    ],
    Role.DISPATCHER: [*_VIEW_ARCHIVE, *_EDIT_ARCHIVE, *_TICKETS_DISPATCH],
    Role.AGENT: [*_VIEW_ARCHIVE, *_EDIT_ARCHIVE, *_TICKETS_DESK],
    Role.TECHNICIAN: [
        *_VIEW_ARCHIVE,
        *_TICKETS_VIEW,
        "tickets.change_workorder",
        "tickets.work_workorder",
        "tickets.escalate_workorder",
    ],
    Role.ACCOUNTANT: [*_VIEW_ARCHIVE, *_TICKETS_VIEW],
    Role.FOLLOWUP_AGENT: [*_VIEW_ARCHIVE, *_TICKETS_VIEW],
    Role.QUALITY_OFFICER: [*_VIEW_ARCHIVE, *_TICKETS_VIEW],
    Role.CUSTOMER_USER: [
        "customers.view_customer",
        "customers.view_site",
        "assets.view_equipment",
        "contracts.view_maintenancecontract",
        *_TICKETS_VIEW,
    ],
}


def register_role_permissions(grants: dict[str, list[str]]) -> None:
    """Apps grant their own permissions to roles from AppConfig.ready(), so that adding an app
    never means editing this file: {Role.DISPATCHER: ["dispatch.view_plan", ...]}."""
    for role, permission_names in grants.items():
        ROLE_PERMISSIONS.setdefault(str(role), [])
        ROLE_PERMISSIONS[str(role)].extend(
            name for name in permission_names if name not in ROLE_PERMISSIONS[str(role)]
        )


def sync_role_groups(**kwargs: Any) -> None:
    """Create one Group per role and grant it the permissions listed in ROLE_PERMISSIONS."""
    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = Q(pk__in=[])
        for name in permission_names:
            app_label, codename = name.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        missing = Permission.objects.filter(wanted).exclude(group=group)
        group.permissions.add(*missing)


class RolePermissionBackend(ModelBackend):
    """ModelBackend that also grants the permissions of the group named after the user's role."""

    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        condition = Q(group__user=user_obj)
        if getattr(user_obj, "role", ""):
            condition |= Q(group__name=user_obj.role)
        return Permission.objects.filter(condition).distinct()
