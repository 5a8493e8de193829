"""The logged-in person as a User, for views that pass the actor to services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from shouhou.core.models import User


def acting_user(request: Any) -> User:
    """The request's user; views calling this already require a login."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
