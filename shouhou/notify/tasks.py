"""Background delivery of the notification outbox."""

from __future__ import annotations

from django_tasks import task

from shouhou.notify.services import deliver_due


@task()
def deliver_notifications() -> int:
    """Send every message that is due (idempotent: each message is claimed before sending)."""
    return deliver_due()
