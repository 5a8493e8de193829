"""seed_demo: fill an empty database with deterministic demo data (shouhou.core.demo).

Touches regions, the product catalogue, organisations, the demo users (demo_*) and field
technicians (tech_*), customers, contacts, sites, equipment, maintenance contracts, the customer
and contract number sequences, the planner statistics (ANALYZE) and, for the small size only, the
audit log and ~300 work orders of the month before the demo date (with their labour and parts
lines, receipts, goods movements, signed vouchers and the signature images in MEDIA_ROOT).
Refuses a database that already has customers or organisations (with --if-empty it just says so
and exits)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouhou.core import demo


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data. small: 200 customers and 1,000 units, with an "
        "audit entry per row, and 300 work orders of the last 30 days in every state, played "
        "through the work-order services (labour lines for the daily reports, signed vouchers). "
        "large: 100,000 customers, 120,000 sites and 1,000,000 units, bulk inserted in a few "
        "minutes WITHOUT audit entries and WITHOUT work orders. Both end with ANALYZE. The same "
        "--seed always gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(demo.SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has customers or organisations.",
        )
        parser.add_argument(
            "--work-orders",
            type=int,
            help="Override the number of work orders (small: 300, large: none). They go through "
            "the services one by one, about ten a second: fewer make a quicker seed for tests.",
        )
        for name in ("customers", "sites", "equipment"):
            parser.add_argument(
                f"--{name}",
                type=int,
                help=f"Override the number of {name}; the others follow the large size's "
                "proportions (10 units and 1.2 sites a customer). For benchmarks and tests.",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["size"]
        if demo.database_has_data():
            if options["if_empty"]:
                self.stdout.write(_("The database already has data: demo data not seeded."))
                return
            raise CommandError(
                _(
                    "The database already has customers or organisations; seed_demo fills an empty "
                    "database only (use --if-empty to skip quietly)."
                )
            )
        volume = demo.SIZES[size]
        if any(options[name] is not None for name in ("customers", "sites", "equipment")):
            volume = demo.DemoVolume.scaled(
                equipment=options["equipment"]
                if options["equipment"] is not None
                else volume.equipment,
                customers=options["customers"],
                sites=options["sites"],
                audited=volume.audited,
                work_orders=volume.work_orders,
            )
        if options["work_orders"] is not None:
            volume = dataclasses.replace(volume, work_orders=options["work_orders"])
        try:
            volume.check()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Seeding %(size)s demo data (seed %(seed)d): %(customers)s customers, %(sites)s "
                "sites, %(equipment)s units."
            )
            % {
                "size": size,
                "seed": options["seed"],
                "customers": f"{volume.customers:,}",
                "sites": f"{volume.sites:,}",
                "equipment": f"{volume.equipment:,}",
            }
        )
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  {message} ({time.perf_counter() - started:.1f} s)")
            self.stdout.flush()

        summary = demo.seed_demo_data(volume=volume, seed=options["seed"], progress=progress)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                _("seed_demo %(size)s finished in %(seconds).1f s")
                % {"size": size, "seconds": time.perf_counter() - started}
            )
        )
