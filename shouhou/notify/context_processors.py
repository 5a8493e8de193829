"""The bell in the top bar: how many in-app messages the user has not read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shouhou.core.models import User
from shouhou.notify.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {"unread_notifications": unread_count(user=user)}
