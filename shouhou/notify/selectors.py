"""Reads on notifications: a person sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from shouhou.core.models import User
from shouhou.notify.models import Channel, Notification


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP)


def unread_count(*, user: User) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()
