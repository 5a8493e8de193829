"""Background jobs of the SLA engine."""

from __future__ import annotations

from django_tasks import task

from shouhou.sla.services import fire_due_escalations as fire


@task()
def fire_due_escalations() -> int:
    """Fire the escalation steps that are due (each at most once per clock)."""
    return fire()
