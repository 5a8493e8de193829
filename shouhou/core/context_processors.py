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


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries: list[dict[str, Any]] = []
    for label, url_name, permission in NAVIGATION:
        permissions = (permission,) if isinstance(permission, str) else permission
        if any(user.has_perm(name) for name in permissions):
            entries.append({"label": label, "url": reverse(url_name), "active": False})
    # The entry whose address is the longest prefix of the page's is the current one.
    matching = [entry for entry in entries if request.path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    return {"navigation": entries}
