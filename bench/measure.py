"""Child process of the benchmark: time the equipment pages on one seeded database.

python -m bench.measure --database PATH --requests N --warmup N --seed N
Prints one JSON object on stdout: the unit count and, per user and page, the latency of each
timed request, the SQL query count of one request, any COUNT queries it ran and its slowest
query."""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.environment import setup_django

# (label, demo username): headquarters sees everything, the Shanghai service centre its subtree
# plus what it serves.
USERS = (("HQ", "demo_manager"), ("service centre", "demo_dispatcher"))
SEARCH_PREFIXES = 10
DETAIL_UNITS = 50
ATM_TYPE_CODE = "ATM"
PUDONG_REGION_CODE = "310115"


@dataclass
class Case:
    page: str
    urls: list[str]
    expected: list[str]  # text each response must contain (same order as urls), "" for none


def _sample_units(user: Any, rng: random.Random, count: int) -> list[tuple[int, str]]:
    """`count` units the user can see, spread over the id range (not timed)."""
    from django.db.models import Max, Min

    from shouhou.assets.models import Equipment
    from shouhou.assets.selectors import equipment_visible_to

    bounds = Equipment.objects.aggregate(low=Min("pk"), high=Max("pk"))
    visible = equipment_visible_to(user=user).order_by("pk")
    units: list[tuple[int, str]] = []
    while len(units) < count:
        start = rng.randint(bounds["low"], bounds["high"])
        unit = visible.filter(pk__gte=start).values_list("pk", "serial").first()
        if unit is not None and unit not in units:
            units.append(unit)
    return units


def cases_for(user: Any, rng: random.Random) -> list[Case]:
    from django.urls import reverse

    from shouhou.assets.models import ProductType
    from shouhou.core.models import Region

    listing = reverse("assets:list")
    atm = ProductType.objects.get(code=ATM_TYPE_CODE).pk
    pudong = Region.objects.get(code=PUDONG_REGION_CODE).pk
    searched = _sample_units(user, rng, SEARCH_PREFIXES)
    detailed = _sample_units(user, rng, DETAIL_UNITS)
    return [
        Case("list", [listing], [""]),
        Case("list ?product_type&region", [f"{listing}?product_type={atm}&region={pudong}"], [""]),
        Case(
            "list ?q=serial prefix",
            [f"{listing}?q={serial[:-2]}" for _pk, serial in searched],
            [serial for _pk, serial in searched],
        ),
        Case(
            "detail",
            [reverse("assets:detail", args=[pk]) for pk, _serial in detailed],
            [serial for _pk, serial in detailed],
        ),
    ]


def run_case(client: Any, case: Case, *, requests: int, warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(index: int) -> float:
        url = case.urls[index % len(case.urls)]
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        expected = case.expected[index % len(case.urls)]
        if response.status_code != 200 or expected.encode() not in response.content:
            raise SystemExit(f"{url}: status {response.status_code}, expected text {expected!r}")
        return elapsed

    for index in range(warmup):
        get(index)
    samples = [get(index) for index in range(requests)]
    with CaptureQueriesContext(connection) as captured:
        get(0)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda query: float(query["time"]))
    return {
        "page": case.page,
        "samples_ms": [sample * 1000 for sample in samples],
        "queries": len(queries),
        # The page's own table; the top bar's unread-message count is per user and tiny.
        "count_queries": [
            query["sql"]
            for query in queries
            if "COUNT(" in query["sql"].upper() and "assets_equipment" in query["sql"]
        ],
        "slowest_query_ms": float(slowest["time"]) * 1000,
        "slowest_query": slowest["sql"],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django(args.database)

    from django.test import Client

    from shouhou.assets.models import Equipment
    from shouhou.core.models import User

    rng = random.Random(args.seed)
    results = []
    for label, username in USERS:
        user = User.objects.select_related("organisation").get(username=username)
        client = Client()
        client.force_login(user)
        for case in cases_for(user, rng):
            result = run_case(client, case, requests=args.requests, warmup=args.warmup)
            results.append({"user": label, "organisation": str(user.organisation), **result})
    print(json.dumps({"equipment": Equipment.objects.count(), "results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
