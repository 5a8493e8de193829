"""Background jobs of billing; each is idempotent (it may run twice, or be killed halfway)."""

from __future__ import annotations

from django_tasks import task

from shouhou.billing.services import expire_quotes


@task()
def expire_quotes_task() -> int:
    """Mark sent quotes past their validity as expired (hourly)."""
    return expire_quotes()
