"""The navigation bar: only the entries the user's role may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    (_("Customers"), "customers:list", "customers.view_customer"),
    (_("Sites"), "customers:site-list", "customers.view_site"),
    (_("Equipment"), "assets:list", "assets.view_equipment"),
    (_("Distribution"), "assets:distribution", "assets.view_equipment"),
    (_("Contracts"), "contracts:list", "contracts.view_maintenancecontract"),
    (_("Organisations"), "core:organisation-list", "core.view_organisation"),
    (_("Operations"), "core:operations", "core.view_operations"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.path
    entries = []
    for label, url_name, permission in NAVIGATION:
        if user.has_perm(permission):
            url = reverse(url_name)
            entries.append({"label": label, "url": url, "active": current.startswith(url)})
    return {"navigation": entries}
