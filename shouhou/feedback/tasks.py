"""Background jobs of the feedback app; each is idempotent (a second run, or two at once, does
nothing twice) and registered as a periodic job in apps.py."""

from __future__ import annotations

from django_tasks import task

from shouhou.feedback import services


@task()
def invite_closed_work_orders() -> int:
    """Invite the closed work orders that have no survey invitation yet."""
    return services.invite_closed_work_orders()


@task()
def remind_and_expire_invitations() -> str:
    """Remind unanswered invitations and expire those whose link ran out."""
    result = services.remind_and_expire_invitations()
    return f"reminded {result.reminded}, expired {result.expired}"


@task()
def create_follow_ups() -> int:
    """Decide and create the follow-up calls of recent repairs and installations."""
    return services.create_follow_ups()
