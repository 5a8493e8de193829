"""A banner for whoever maintains the calendars: next year's holidays are missing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shouhou.core.models import User
from shouhou.sla.calendars import holiday_data_warning


def calendar_warning(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.has_perm("sla.add_statutoryday"):
        return {}
    return {"calendar_warning": holiday_data_warning()}
