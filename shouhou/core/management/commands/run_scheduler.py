"""Enqueue periodic jobs (heartbeat, SLA checks, reminders) every tick; touches PeriodicJobRun.

Safe to run more than once at a time: each job's slot is claimed under a unique constraint."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shouhou.core.scheduling import enqueue_due_jobs


class Command(BaseCommand):
    help = "Enqueue due periodic jobs every SCHEDULER_TICK_SECONDS (or once with --once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            close_old_connections()
            names = enqueue_due_jobs()
            if names:
                self.stdout.write(f"enqueued: {', '.join(names)}")
            if options["once"]:
                return
            time.sleep(settings.SCHEDULER_TICK_SECONDS)
