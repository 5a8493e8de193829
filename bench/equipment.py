"""The equipment archive at scale: list (unfiltered, filtered by product type + region, serial
prefix search) and detail pages at 1,000,000 units against 10,000, as an HQ user and as a
service-centre user. Target: p50 ratio (large / baseline) below 1.5 on every line.

Each size is a separate SQLite file under var/bench/, built once by `seed_demo --size large`
(scaled down for the baseline) and cached under a name made of the size, the seed, the demo
generator's version and the latest migrations, so a second run does not re-seed. Builds and
measurements run in child processes (bench.build, bench.measure), one database each."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.environment import BENCH_DIR, ROOT, setup_django

TARGET_RATIO = 1.5
SLOW_QUERY_MS = 2.0
SELECT_LIST = re.compile(r"^SELECT .*? FROM", re.DOTALL)
JOINS = re.compile(r" (?:INNER|LEFT OUTER) JOIN ")


@dataclass(frozen=True)
class Size:
    equipment: int
    # False: the full `seed_demo --size large`; True: `--equipment N` (large proportions).
    scaled: bool

    @property
    def label(self) -> str:
        return f"{self.equipment // 1000:,}k" if self.equipment < 1_000_000 else "1M"


def database_key(*, size: Size, seed: int) -> str:
    """Size, seed, generator version and the latest migration of every app: a change to any of
    them gives a new file instead of a stale one."""
    setup_django()
    from django.db.migrations.loader import MigrationLoader

    from shouhou.core.demo import GENERATOR_VERSION

    leaves = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    digest = hashlib.sha256(repr((GENERATOR_VERSION, leaves)).encode()).hexdigest()[:12]
    return f"equipment-{size.equipment}-seed{seed}-{digest}"


def ensure_database(*, size: Size, seed: int, rebuild: bool) -> Path:
    path = BENCH_DIR / f"{database_key(size=size, seed=seed)}.sqlite3"
    if path.exists() and not rebuild:
        print(f"{size.label}: cached database {path.relative_to(ROOT)}")
        return path
    temporary = path.with_suffix(".building")
    for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        leftover.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.build", "--database", str(temporary)]
    command += ["--seed", str(seed)]
    if size.scaled:
        command += ["--equipment", str(size.equipment)]
    print(f"{size.label}: building {path.relative_to(ROOT)} ({' '.join(command[1:])})")
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env=_child_environment())  # noqa: S603
    temporary.replace(path)
    print(f"{size.label}: built in {time.perf_counter() - started:.1f} s")
    return path


def measure(*, path: Path, requests: int, warmup: int, seed: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.measure", "--database", str(path)]
    command += ["--requests", str(requests), "--warmup", str(warmup), "--seed", str(seed)]
    completed = subprocess.run(  # noqa: S603
        command, check=True, cwd=ROOT, env=_child_environment(), stdout=subprocess.PIPE, text=True
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def measure_in_rounds(
    *, paths: list[Path], requests: int, warmup: int, seed: int, rounds: int
) -> list[dict[str, Any]]:
    """Measure the sizes in alternation, `rounds` times, and pool each case's samples: a burst
    of load from elsewhere on the machine then hits both sizes instead of one."""
    per_round = max(1, -(-requests // rounds))
    pooled: list[dict[str, Any]] = []
    for number in range(rounds):
        for index, path in enumerate(paths):
            print(f"round {number + 1}/{rounds}: measuring {path.name}", flush=True)
            result = measure(path=path, requests=per_round, warmup=warmup, seed=seed)
            if number == 0:
                pooled.append(result)
                continue
            for kept, fresh in zip(pooled[index]["results"], result["results"], strict=True):
                kept["samples_ms"] += fresh["samples_ms"]
                kept["queries"] = max(kept["queries"], fresh["queries"])
                kept["count_queries"] += fresh["count_queries"]
    for result in pooled:
        for row in result["results"]:
            samples = row["samples_ms"]
            row["p50_ms"] = statistics.median(samples)
            row["p95_ms"] = statistics.quantiles(samples, n=20)[-1]
    return pooled


def _child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    return environment


def report(*, baseline: dict[str, Any], large: dict[str, Any], sizes: tuple[Size, Size]) -> None:
    small_label, large_label = sizes[0].label, sizes[1].label
    print()
    requests = len(large["results"][0]["samples_ms"])
    print(
        f"Equipment pages: {large['equipment']:,} units against {baseline['equipment']:,}, "
        f"{requests} timed requests per case (p50/p95 in ms; ratio = {large_label} / "
        f"{small_label}; target p50 ratio < {TARGET_RATIO})"
    )
    header = (
        f"{'user':<15} {'page':<27} {'p50 ' + small_label:>9} {'p50 ' + large_label:>9} "
        f"{'ratio':>6} {'p95 ' + small_label:>9} {'p95 ' + large_label:>9} {'ratio':>6} "
        f"{'queries':>8}  verdict"
    )
    print(header)
    print("-" * len(header))
    count_queries: list[str] = []
    for small_row, large_row in zip(baseline["results"], large["results"], strict=True):
        p50_ratio = large_row["p50_ms"] / small_row["p50_ms"]
        p95_ratio = large_row["p95_ms"] / small_row["p95_ms"]
        same_queries = small_row["queries"] == large_row["queries"]
        queries = (
            str(large_row["queries"])
            if same_queries
            else f"{small_row['queries']}≠{large_row['queries']}"
        )
        verdict = "PASS" if p50_ratio < TARGET_RATIO and same_queries else "FAIL"
        print(
            f"{large_row['user']:<15} {large_row['page']:<27} {small_row['p50_ms']:>9.1f} "
            f"{large_row['p50_ms']:>9.1f} {p50_ratio:>6.2f} {small_row['p95_ms']:>9.1f} "
            f"{large_row['p95_ms']:>9.1f} {p95_ratio:>6.2f} {queries:>8}  {verdict}"
        )
        if large_row["page"].startswith("list"):
            count_queries += large_row["count_queries"] + small_row["count_queries"]
    print()
    if count_queries:
        print("FAIL: list pages ran COUNT queries:")
        for sql in count_queries:
            print(f"  {sql[:300]}")
    else:
        print("PASS: no list page query counts the equipment table.")
    print()
    slow = [row for row in large["results"] if row["slowest_query_ms"] >= SLOW_QUERY_MS]
    print(
        f"Slowest query of one request at {large_label}, where it took {SLOW_QUERY_MS} ms or more:"
    )
    for row in slow:
        sql = _shorten(row["slowest_query"])
        print(
            f"  {row['user']:<15} {row['page']:<27} {row['slowest_query_ms']:>7.1f} ms  {sql[:600]}"
        )
    if not slow:
        print("  none")


def _shorten(sql: str) -> str:
    """The query without its column list and joins: the table, the WHERE, ORDER BY and LIMIT."""
    sql = SELECT_LIST.sub("SELECT … FROM", sql, count=1)
    head, where, tail = sql.partition(" WHERE ")
    if not where:
        return sql
    return f"{JOINS.split(head, maxsplit=1)[0]} … WHERE {tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="10,000 against 100,000 units (about a minute)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
    parser.add_argument(
        "--warmup", type=int, default=5, help="untimed requests per case and round first"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternate the sizes this many times (3)"
    )
    parser.add_argument("--rebuild", action="store_true", help="re-seed even if cached")
    args = parser.parse_args(argv)

    sizes = (
        (Size(10_000, scaled=True), Size(100_000, scaled=True))
        if args.quick
        else (Size(10_000, scaled=True), Size(1_000_000, scaled=False))
    )
    load = os.getloadavg()[0]
    print(f"Load average before the run: {load:.2f} (on {os.cpu_count()} CPUs)")
    paths = [ensure_database(size=size, seed=args.seed, rebuild=args.rebuild) for size in sizes]
    results = measure_in_rounds(
        paths=paths,
        requests=args.requests,
        warmup=args.warmup,
        seed=args.seed,
        rounds=args.rounds,
    )
    report(baseline=results[0], large=results[1], sizes=sizes)
    return 0
