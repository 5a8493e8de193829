"""seed_feedback_demo: feedback demo data on top of `seed_demo --size small`
(shouhou.feedback.demo).

Touches survey invitations and answers (with their outbox messages to the customers' mailbox
accounts, never delivered unless a worker runs), sampling decisions, follow-ups and their calls,
the customers flagged as target customers after a complaint, and the audit log. Refuses when
invitations already exist."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from shouhou.feedback.demo import seed_feedback_demo


class Command(BaseCommand):
    help = (
        "Invite the demo's closed work orders to the survey, answer about two thirds, draw the "
        "follow-up sample and make the calls due before --until (default: the demo's 2026-11-01 "
        "18:30). The same --seed gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            default="2026-11-01T18:30",
            help="The simulated now, as YYYY-MM-DDTHH:MM (local time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            until = datetime.datetime.fromisoformat(options["until"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        try:
            with transaction.atomic():
                counts = seed_feedback_demo(
                    seed=options["seed"], until=until, progress=self.stdout.write
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(self.style.SUCCESS("seed_feedback_demo finished"))
