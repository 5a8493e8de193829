"""Run the background worker of whichever task backend is configured (database or Redis/RQ)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the task worker: db_worker by default, an RQ worker when REDIS_URL is set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            call_command(
                "rqworker", "default", job_class="django_tasks_rq.Job", burst=options["burst"]
            )
        else:
            call_command(
                "db_worker", queue_name="*", interval=1.0, batch=options["burst"], reload=False
            )
