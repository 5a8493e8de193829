"""The navigation bar: only the entries the user's role may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION: list[tuple[Any, str, str | tuple[str, ...]]] = [
    (_("Register a call"), "tickets:intake", "tickets.add_workorder"),
    (_("Work orders"), "tickets:list", "tickets.view_workorder"),
    (_("Goods register"), "tickets:goods-register", "tickets.view_workorder"),
    (
        _("Daily reports"),
        "ticket_reports:technician-daily",
        ("tickets.work_workorder", "tickets.view_daily_reports"),
    ),
    (_("Service levels"), "sla:compliance", "tickets.view_daily_reports"),
    (_("Customers"), "customers:list", "customers.view_customer"),
    (_("Sites"), "customers:site-list", "customers.view_site"),
    (_("Equipment"), "assets:list", "assets.view_equipment"),
    (_("Distribution"), "assets:distribution", "assets.view_equipment"),
    (_("Contracts"), "contracts:list", "contracts.view_maintenancecontract"),
    (_("Organisations"), "core:organisation-list", "core.view_organisation"),
    (_("Operations"), "core:operations", "core.view_operations"),
]


def register_navigation(
    label: Any, url_name: str, permission: str | tuple[str, ...], *, after: str | None = None
) -> None:
    """Apps add their entries to the top bar from AppConfig.ready(); `after` is the URL name of
    the entry to follow (default: the end)."""
    entry = (label, url_name, permission)
    if any(existing[1] == url_name for existing in NAVIGATION):
        return
    names = [existing[1] for existing in NAVIGATION]
    position = names.index(after) + 1 if after in names else len(NAVIGATION)
    NAVIGATION.insert(position, entry)


# The top bar shows one menu per area; an entry's area follows from its URL namespace.
NAVIGATION_GROUPS: list[tuple[str, Any]] = [
    ("service", _("Service")),
    ("dispatch", _("Dispatch")),
    ("customers", _("Customers and equipment")),
    ("voice", _("Feedback and complaints")),
    ("money", _("Parts and money")),
    ("admin", _("Administration")),
]
GROUP_OF_NAMESPACE = {
    "tickets": "service",
    "ticket_reports": "service",
    "sla": "service",
    "dispatch": "dispatch",
    "customers": "customers",
    "assets": "customers",
    "contracts": "customers",
    "feedback": "voice",
    "complaints": "voice",
    "parts": "money",
    "billing": "money",
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries the user may open (`navigation`) and the same grouped into the top bar's
    menus (`navigation_groups`); a menu with a single entry is shown as that entry."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "navigation_groups": []}
    entries: list[dict[str, Any]] = []
    for label, url_name, permission in NAVIGATION:
        permissions = (permission,) if isinstance(permission, str) else permission
        if any(user.has_perm(name) for name in permissions):
            group = GROUP_OF_NAMESPACE.get(url_name.split(":", 1)[0], "admin")
            entries.append(
                {"label": label, "url": reverse(url_name), "active": False, "group": group}
            )
    # The entry whose address is the longest prefix of the page's is the current one.
    matching = [entry for entry in entries if request.path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    groups = []
    for key, label in NAVIGATION_GROUPS:
        members = [entry for entry in entries if entry["group"] == key]
        if members:
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "entries": members,
                    "active": any(entry["active"] for entry in members),
                }
            )
    return {"navigation": entries, "navigation_groups": groups}
