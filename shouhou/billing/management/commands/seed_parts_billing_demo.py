"""seed_parts_billing_demo: add parts and billing demo data on top of `seed_demo --size small`.

Touches the parts catalogue, warehouses and vans, the stock ledger (deliveries, transfers),
reorder points, parts requests, and on the Shanghai service centre's paid work orders: quotes,
catalogue part lines (issued from the vans), a discount request, invoices and payments; plus the
audit log and the notification outbox. Runs once: it does nothing when parts or quotes exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from shouhou.billing.demo import seed_billing
from shouhou.parts.demo import seed_parts


class Command(BaseCommand):
    help = "Add deterministic parts and billing demo data (after seed_demo --size small)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            parts = seed_parts(seed=options["seed"])
            billing = seed_billing(seed=options["seed"])
        counts = {**parts, **billing}
        if not counts:
            self.stdout.write("Nothing to do: parts demo data exists, or seed_demo has not run.")
            return
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
