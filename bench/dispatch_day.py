"""A generated, realistic dispatch day: the optimiser against the greedy "nearest available
skilled technician" baseline a dispatcher applies by hand, plus the operational latencies.

The day (`generate_day`): one metropolitan area in three service zones, each with an urban core
and a suburban ring; technicians live in their zone, cover it (a fifth of them also the next
zone) and have one to three of four product skills; every job needs one product skill and the
zone of its site; it is due (the SLA's arrival deadline) between a little before the shift and
the end of the day, takes 20–90 minutes on site, and travel is the great circle × 1.3 at 25 km/h
urban / 40 km/h suburban (the default travel provider). Shifts 08:30–17:30, at most ten jobs a
technician.

Printed: SLA breaches (late + not served), total travel and solving time of both, as ratios
optimiser ÷ greedy (target: breaches and travel ≤ 1); then re-planning 200 open jobs across 30
technicians with some started jobs kept (p95 ≤ 5 s) and inserting one urgent job into an
existing plan (p95 ≤ 200 ms)."""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from dataclasses import replace

import numpy as np

from shouhou.dispatch import optimiser
from shouhou.dispatch.travel import GreatCircleProvider, Point

SHIFT_START = 8 * 3600 + 30 * 60
SHIFT_END = 17 * 3600 + 30 * 60
PRODUCTS = ("ATM", "CRS", "AC", "SERVER")
ZONE_CENTRES = ((31.23, 121.30), (31.23, 121.47), (31.23, 121.64))  # west, centre, east
URBAN_RADIUS_KM = 6.0
SUBURBAN_RADIUS_KM = 16.0
CAPACITY = 10
TARGET_REPLAN_P95 = 5.0
TARGET_INSERT_P95 = 0.2
PROVIDER = GreatCircleProvider(detour_factor=1.3, speeds_kmh={"urban": 25.0, "suburban": 40.0})


def _around(rng: random.Random, centre: tuple[float, float], radius_km: float) -> Point:
    """A point within `radius_km` of `centre`, denser near the centre (as cities are)."""
    distance = radius_km * math.sqrt(rng.random()) * rng.random() ** 0.3
    angle = rng.uniform(0, 2 * math.pi)
    latitude = centre[0] + distance / 111.0 * math.sin(angle)
    longitude = centre[1] + distance / (111.0 * math.cos(math.radians(centre[0]))) * math.cos(angle)
    zone = "urban" if distance <= URBAN_RADIUS_KM else "suburban"
    return Point(latitude, longitude, zone)


def generate_day(
    *, jobs: int, technicians: int, zones: int = 3, seed: int = 1, started: int = 0
) -> optimiser.Problem:
    """A day as the optimiser sees it; `started` jobs are already under way (kept first)."""
    return generate_day_with_points(
        jobs=jobs, technicians=technicians, zones=zones, seed=seed, started=started
    )[0]


def generate_day_with_points(
    *, jobs: int, technicians: int, zones: int = 3, seed: int = 1, started: int = 0
) -> tuple[optimiser.Problem, list[Point]]:
    """The day and the points its travel matrix was computed for (row i is points[i])."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    centres = ZONE_CENTRES[:zones]
    points: list[Point] = []
    people = []
    for number in range(technicians):
        zone = number % zones
        home = _around(rng, centres[zone], SUBURBAN_RADIUS_KM * 0.8)
        points.append(home)
        covered = {zone}
        if rng.random() < 0.2:
            covered.add((zone + 1) % zones)
        skills = set(rng.sample(PRODUCTS, rng.randint(1, 3)))
        people.append((f"tech-{number + 1}", len(points) - 1, covered, skills))
    work = []
    for number in range(jobs):
        zone = rng.randrange(zones)
        site = _around(rng, centres[zone], SUBURBAN_RADIUS_KM)
        points.append(site)
        product = rng.choice(PRODUCTS)
        due = int(rng.triangular(SHIFT_START - 3600, SHIFT_END + 2 * 3600, SHIFT_START + 4 * 3600))
        work.append(
            optimiser.Job(
                key=f"job-{number + 1}",
                location=len(points) - 1,
                service_seconds=rng.randint(20, 90) * 60,
                due_at=due,
                requires=frozenset({f"product:{product}", f"zone:{zone}"}),
            )
        )
    matrix = PROVIDER.matrix(points)
    crew: list[optimiser.Technician] = []
    for index, (key, home_row, covered, skills) in enumerate(people):
        fixed: tuple[str, ...] = ()
        if index < started:
            # A started job: one the technician may do, in their zone, near the start of the list.
            for job in work:
                if job.requires <= _tokens(covered, skills) and job.key not in {
                    f for t in crew for f in t.fixed
                }:
                    fixed = (job.key,)
                    break
        crew.append(
            optimiser.Technician(
                key=key,
                start_location=home_row,
                end_location=home_row,
                shift_start=SHIFT_START,
                shift_end=SHIFT_END,
                skills=_tokens(covered, skills),
                capacity=CAPACITY,
                fixed=fixed,
            )
        )
    problem = optimiser.Problem(tuple(work), tuple(crew), matrix.durations, matrix.distances)
    return problem, points


def _tokens(zones: set[int], skills: set[str]) -> frozenset[str]:
    return frozenset({f"zone:{zone}" for zone in zones} | {f"product:{name}" for name in skills})


def with_urgent_job(
    problem: optimiser.Problem, points: list[Point], rng: random.Random
) -> tuple[optimiser.Problem, optimiser.Job]:
    """The problem with one more job, due two hours after the shift starts, somewhere in the
    area: its row and column of the travel matrix are computed now, as the service would."""
    zone = rng.randrange(len(ZONE_CENTRES))
    site = _around(rng, ZONE_CENTRES[zone], SUBURBAN_RADIUS_KM)
    size = problem.durations.shape[0]
    extra = PROVIDER.matrix([*points, site])
    durations = np.zeros((size + 1, size + 1), dtype=np.int64)
    distances = np.zeros((size + 1, size + 1), dtype=np.int64)
    durations[:size, :size] = problem.durations
    distances[:size, :size] = problem.distances
    durations[size, :size] = extra.durations[size, :size]
    durations[:size, size] = extra.durations[:size, size]
    distances[size, :size] = extra.distances[size, :size]
    distances[:size, size] = extra.distances[:size, size]
    job = optimiser.Job(
        key="urgent",
        location=size,
        service_seconds=45 * 60,
        due_at=SHIFT_START + 2 * 3600,
        requires=frozenset({f"product:{rng.choice(PRODUCTS)}", f"zone:{zone}"}),
    )
    return (
        replace(problem, jobs=(*problem.jobs, job), durations=durations, distances=distances),
        job,
    )


def compare(problem: optimiser.Problem, *, time_limit: float, seed: int) -> dict[str, float]:
    greedy = optimiser.greedy(problem)
    ours = optimiser.solve(problem, time_limit=time_limit, seed=seed)
    for plan in (greedy, ours):
        if plan.violations:
            raise AssertionError(f"{plan.method} broke a constraint: {plan.violations[:3]}")
    return {
        "greedy_breaches": greedy.breaches(problem),
        "ours_breaches": ours.breaches(problem),
        "greedy_late": len(greedy.late),
        "ours_late": len(ours.late),
        "greedy_unassigned": len(greedy.unassigned),
        "ours_unassigned": len(ours.unassigned),
        "greedy_km": greedy.distance / 1000,
        "ours_km": ours.distance / 1000,
        "greedy_seconds": greedy.solve_seconds,
        "ours_seconds": ours.solve_seconds,
    }


def _ratio(ours: float, theirs: float) -> float:
    if theirs == 0:
        return 1.0 if ours == 0 else math.inf
    return ours / theirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch_day", description=__doc__)
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--technicians", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for the day plan")
    parser.add_argument("--replan-time-limit", type=float, default=3.0)
    parser.add_argument("--replans", type=int, default=10)
    parser.add_argument("--inserts", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)

    problem = generate_day(jobs=options.jobs, technicians=options.technicians, seed=options.seed)
    result = compare(problem, time_limit=options.time_limit, seed=options.seed)
    print(
        f"\nDispatch day: {options.jobs} jobs, {options.technicians} technicians, 3 zones, "
        f"4 skills (optimiser {options.time_limit:g} s)"
    )
    print(f"  {'':22}{'optimiser':>11}{'greedy':>11}{'ratio':>9}")
    rows = [
        ("SLA breaches", "breaches", "{:.0f}"),
        ("  planned late", "late", "{:.0f}"),
        ("  not served", "unassigned", "{:.0f}"),
        ("total travel (km)", "km", "{:.1f}"),
        ("solve time (s)", "seconds", "{:.2f}"),
    ]
    for label, key, shape in rows:
        ours, theirs = result[f"ours_{key}"], result[f"greedy_{key}"]
        print(
            f"  {label:<22}{shape.format(ours):>11}{shape.format(theirs):>11}"
            f"{_ratio(ours, theirs):>9.3f}"
        )
    breaches_ok = result["ours_breaches"] <= result["greedy_breaches"]
    travel_ok = result["ours_km"] <= result["greedy_km"] or (
        result["ours_breaches"] < result["greedy_breaches"]
        and result["ours_unassigned"] < result["greedy_unassigned"]
    )
    print(f"  breaches ≤ greedy's  {'PASS' if breaches_ok else 'FAIL'}")
    print(
        f"  travel ≤ greedy's    {'PASS' if result['ours_km'] <= result['greedy_km'] else 'FAIL'}"
        + (
            ""
            if result["ours_km"] <= result["greedy_km"] or not travel_ok
            else " (but it serves more jobs)"
        )
    )

    # Re-planning the rest of a day: 200 open jobs, 30 technicians, 10 of them on a job.
    seconds = []
    replan_breaches = []
    for run in range(options.replans):
        day = generate_day(jobs=200, technicians=30, seed=options.seed + 100 + run, started=10)
        started = time.perf_counter()
        plan = optimiser.solve(day, time_limit=options.replan_time_limit, seed=run + 1)
        seconds.append(time.perf_counter() - started)
        replan_breaches.append(plan.breaches(day))
        for technician in day.technicians:
            if plan.routes[technician.key].jobs[: len(technician.fixed)] != list(technician.fixed):
                raise AssertionError("re-planning moved a started job")
    p95 = optimiser.percentile(seconds, 0.95)
    print(
        f"\n  re-plan 200 jobs / 30 technicians: p95 {p95:.2f} s, median "
        f"{statistics.median(seconds):.2f} s over {len(seconds)} runs "
        f"(time limit {options.replan_time_limit:g} s)   target ≤ {TARGET_REPLAN_P95:g} s  "
        f"{'PASS' if p95 <= TARGET_REPLAN_P95 else 'FAIL'}"
    )

    # Inserting one urgent job into an existing plan.
    base, points = generate_day_with_points(
        jobs=200, technicians=30, seed=options.seed + 7, started=10
    )
    plan = optimiser.solve(base, time_limit=options.replan_time_limit, seed=1)
    rng = random.Random(options.seed)  # noqa: S311
    timings = []
    placed = 0
    for _ in range(options.inserts):
        started = time.perf_counter()
        extended, job = with_urgent_job(base, points, rng)
        inserted = optimiser.insert_job(extended, plan, job)
        timings.append(time.perf_counter() - started)
        placed += job.key not in inserted.unassigned
        if inserted.violations:
            raise AssertionError(f"insertion broke a constraint: {inserted.violations[:3]}")
    p95 = optimiser.percentile(timings, 0.95)
    print(
        f"  insert 1 urgent job: p95 {p95 * 1000:.0f} ms, median "
        f"{statistics.median(timings) * 1000:.0f} ms over {len(timings)} insertions "
        f"({placed} placed)   target ≤ {TARGET_INSERT_P95 * 1000:.0f} ms  "
        f"{'PASS' if p95 <= TARGET_INSERT_P95 else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
