"""Deadlines per second: Shouhou's working-time clock against the `businesstimedelta` library,
on the same inputs (China's 2024–2026 holidays and make-up days, 08:30–12:00 and 13:30–17:30,
starts at any second, durations from a minute to 15 working days).

Shouhou computes all 1,000,000 deadlines; the reference computes the first REFERENCE_SAMPLE of
the same list (at its speed the whole million would take about half an hour) and its throughput
is measured on those. Target: at least 20× the reference's throughput on one core."""

from __future__ import annotations

import argparse
import random
import time

from tests.sla.test_reference import SHOUHOU, random_duration, random_instant, reference_add

TARGET_RATIO = 20
REFERENCE_SAMPLE = 5_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sla_deadlines", description=__doc__)
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    rng = random.Random(options.seed)
    cases = [(random_instant(rng), random_duration(rng)) for _ in range(options.deadlines)]

    started = time.perf_counter()
    ours = [SHOUHOU.add(moment, duration).at for moment, duration in cases]
    ours_rate = len(cases) / (time.perf_counter() - started)

    sample = cases[:REFERENCE_SAMPLE]
    started = time.perf_counter()
    theirs = [reference_add(moment, duration) for moment, duration in sample]
    theirs_rate = len(sample) / (time.perf_counter() - started)

    agree = sum(1 for a, b in zip(ours, theirs, strict=False) if a == b)
    ratio = ours_rate / theirs_rate
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(f"\nSLA deadlines ({len(cases):,} computed by Shouhou, {len(sample):,} by the reference)")
    print(f"  Shouhou            {ours_rate:>12,.0f} deadlines/s")
    print(f"  businesstimedelta  {theirs_rate:>12,.0f} deadlines/s")
    print(f"  ratio              {ratio:>12,.1f}×   target ≥ {TARGET_RATIO}×  {verdict}")
    print(f"  same answers on the sample: {agree:,} of {len(sample):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
