"""seed_complaints_demo: add the complaint demo (shouhou.complaints.demo) after seed_demo.

Touches complaint departments and staff profiles, complaint cases with their audit entries,
notifications, revisits, responsibility shares and penalties, the complaint number sequence and
the demo customers' target flag. Does nothing when complaints exist already."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from shouhou.complaints.demo import seed_complaint_demo


class Command(BaseCommand):
    help = "Add about forty demo complaints of the last three months (after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--count", type=int, default=40, help="How many complaints.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_complaint_demo(seed=options["seed"], count=options["count"])
        if not counts:
            self.stdout.write(
                _("Complaints exist already, or seed_demo has not run: nothing done.")
            )
            return
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in counts.items()))
