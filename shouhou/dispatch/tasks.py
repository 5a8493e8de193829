"""Background jobs of the dispatch app, each idempotent."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from shouhou.dispatch import services


@task()
def solve_plan_task(plan_id: int, language: str | None = None) -> str:
    """Solve one requested day plan (bounded by its time limit). Run twice, the second run
    finds the plan solved and does nothing; killed halfway, the plan is solved again."""
    with translation.override(language or settings.LANGUAGE_CODE):
        plan = services.solve_plan(plan_id=plan_id)
    return plan.status if plan is not None else "skipped"


@task()
def refresh_duration_estimates() -> int:
    """Recompute the typical time on site per product model and fault type from the history."""
    return services.recompute_duration_estimates()
