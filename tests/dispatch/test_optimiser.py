"""The optimiser's core on plain data: plans never break a skill, shift, capacity or started-job
constraint; a job that can be on time is not planned late; re-planning keeps started jobs; the
greedy baseline is not better than the optimiser on a generated day; one urgent job goes in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.dispatch_day import generate_day
from shouhou.dispatch import optimiser
from shouhou.dispatch.optimiser import Job, Problem, Technician

MINUTE = 60
HOUR = 3600


def line_problem(
    positions: list[int],
    jobs: list[Job],
    technicians: list[Technician],
    *,
    minutes_per_unit: int = 1,
) -> Problem:
    """Places on a line: travel between two places is |a − b| units (a unit: a minute, a km)."""
    where = np.array(positions, dtype=np.int64)
    gaps = np.abs(where[:, None] - where[None, :])
    return Problem(
        jobs=tuple(jobs),
        technicians=tuple(technicians),
        durations=gaps * MINUTE * minutes_per_unit,
        distances=gaps * 1000,
    )


def assert_valid(problem: Problem, plan: optimiser.Plan) -> None:
    """Every constraint, checked from scratch (not trusting plan.violations)."""
    technicians = {t.key: t for t in problem.technicians}
    seen: list[object] = []
    for key, route in plan.routes.items():
        technician = technicians[key]
        for visit in route.visits:
            job = problem.job(visit.job)
            assert job.requires <= technician.skills, (key, visit.job)
            assert visit.start >= technician.shift_start
            assert visit.start >= visit.arrival
            seen.append(visit.job)
        if route.visits:
            assert route.ends_at <= technician.shift_end, key
        if technician.capacity is not None:
            assert sum(problem.job(v.job).demand for v in route.visits) <= technician.capacity
        assert route.jobs[: len(technician.fixed)] == list(technician.fixed)
    assert len(seen) == len(set(seen))
    assert sorted(map(str, seen + plan.unassigned)) == sorted(str(job.key) for job in problem.jobs)
    assert plan.violations == []


# --- property: never a broken constraint ----------------------------------------------------


@st.composite
def small_days(draw: st.DrawFn) -> Problem:
    skills = ["a", "b", "c"]
    job_count = draw(st.integers(min_value=1, max_value=9))
    technician_count = draw(st.integers(min_value=1, max_value=3))
    places = draw(
        st.lists(
            st.integers(min_value=0, max_value=90),
            min_size=technician_count + job_count,
            max_size=technician_count + job_count,
        )
    )
    jobs = [
        Job(
            key=f"j{number}",
            location=technician_count + number,
            service_seconds=draw(st.integers(min_value=5, max_value=90)) * MINUTE,
            due_at=draw(st.none() | st.integers(min_value=-HOUR, max_value=12 * HOUR)),
            requires=frozenset(draw(st.sets(st.sampled_from(skills), max_size=2))),
        )
        for number in range(job_count)
    ]
    used: set[str] = set()
    technicians = []
    for number in range(technician_count):
        start = draw(st.integers(min_value=6, max_value=10)) * HOUR
        own = frozenset(draw(st.sets(st.sampled_from(skills), max_size=3)))
        doable = [job.key for job in jobs if job.requires <= own and job.key not in used]
        fixed = (
            tuple(draw(st.lists(st.sampled_from(doable), max_size=1, unique=True)))
            if doable
            else ()
        )
        used |= set(fixed)
        technicians.append(
            Technician(
                key=f"t{number}",
                start_location=number,
                end_location=number if draw(st.booleans()) else None,
                shift_start=start,
                # Long enough for a started job to fit.
                shift_end=start + draw(st.integers(min_value=4, max_value=9)) * HOUR,
                skills=own,
                capacity=draw(st.none() | st.integers(min_value=1, max_value=4)),
                fixed=fixed,
            )
        )
    return line_problem(places, jobs, technicians)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_days())
def test_plans_never_break_a_skill_shift_capacity_or_started_job(problem: Problem) -> None:
    # given any small day; when the optimiser, the greedy baseline and an insertion plan it
    plan = optimiser.solve(problem, time_limit=0.15, seed=3)
    greedy = optimiser.greedy(problem)

    # then every constraint holds, and every job is planned once or reported unassigned
    assert_valid(problem, plan)
    assert_valid(problem, greedy)
    if plan.unassigned:
        job = problem.job(plan.unassigned[0])
        assert_valid(problem, optimiser.insert_job(problem, plan, job))


# --- deadlines before travel -----------------------------------------------------------------


def plane_problem(
    points: Sequence[tuple[float, float]], jobs: list[Job], technicians: list[Technician]
) -> Problem:
    """Places on a plane, in km; travel at 60 km/h (a km a minute)."""
    where = np.array(points, dtype=np.float64)
    km = np.sqrt(((where[:, None, :] - where[None, :, :]) ** 2).sum(axis=2))
    return Problem(
        jobs=tuple(jobs),
        technicians=tuple(technicians),
        durations=np.rint(km * MINUTE).astype(np.int64),
        distances=np.rint(km * 1000).astype(np.int64),
    )


def test_job_that_can_be_on_time_is_not_planned_late() -> None:
    # given Liu at home (0, 0) at 08:30 with a routine job 5 km north (due 17:00, an hour's
    # work) and an urgent one 30 km east (due 09:20, half an hour's work); he does not come home
    points = [(0, 0), (0, 5), (30, 0)]
    routine = Job("routine", location=1, service_seconds=60 * MINUTE, due_at=17 * HOUR)
    urgent = Job("urgent", location=2, service_seconds=30 * MINUTE, due_at=9 * HOUR + 20 * MINUTE)
    liu = Technician("liu", 0, 8 * HOUR + 30 * MINUTE, 17 * HOUR)
    problem = plane_problem(points, [routine, urgent], [liu])
    # (hand check) the shortest drive, routine first: 5 + 30.4 km; routine done 09:35, urgent
    # reached 10:05, 45 minutes late.
    shortest = optimiser.evaluate(problem, {"liu": ["routine", "urgent"]})
    assert shortest.distance == 5000 + 30414
    assert [round(v.lateness / MINUTE) for v in shortest.routes["liu"].visits] == [0, 45]
    # Urgent first: 30 + 30.4 km; there at 09:00, routine reached 10:00, both on time.
    on_time = optimiser.evaluate(problem, {"liu": ["urgent", "routine"]})
    assert on_time.late == []

    # when the optimiser plans the day
    plan = optimiser.solve(problem, time_limit=0.5)

    # then it takes the longer drive that is on time
    assert plan.late == []
    assert plan.unassigned == []
    assert plan.routes["liu"].jobs == ["urgent", "routine"]
    assert plan.distance == on_time.distance > shortest.distance


def test_impossible_day_still_gets_a_plan_with_its_breaches() -> None:
    # given a job already overdue and one a single technician cannot also reach in time
    positions = [0, 10, 60]
    overdue = Job("overdue", location=1, service_seconds=30 * MINUTE, due_at=7 * HOUR)
    tight = Job("tight", location=2, service_seconds=30 * MINUTE, due_at=9 * HOUR + 35 * MINUTE)
    technician = Technician("wang", 0, 8 * HOUR + 30 * MINUTE, 17 * HOUR, end_location=0)
    problem = line_problem(positions, [overdue, tight], [technician])

    # when planning
    plan = optimiser.solve(problem, time_limit=0.5)

    # then both jobs are served: the tight one on time (first), the overdue one late
    assert plan.unassigned == []
    assert plan.routes["wang"].jobs == ["tight", "overdue"]
    assert [visit.job for visit in plan.late] == ["overdue"]
    assert plan.breaches(problem) == 1


def test_job_nobody_may_do_is_left_unassigned() -> None:
    positions = [0, 5]
    job = Job("aircon", location=1, service_seconds=30 * MINUTE, requires=frozenset({"AC"}))
    technician = Technician("li", 0, 8 * HOUR, 17 * HOUR, skills=frozenset({"ATM"}))
    problem = line_problem(positions, [job], [technician])

    plan = optimiser.solve(problem, time_limit=0.3)

    assert plan.unassigned == ["aircon"]
    assert plan.routes["li"].jobs == []


# --- re-planning ----------------------------------------------------------------------------


def test_replanning_keeps_started_jobs_first_with_their_technician() -> None:
    # given Zhao on his way to a far job, with another technician much nearer to it
    positions = [0, 100, 98, 3]
    started = Job("started", location=2, service_seconds=30 * MINUTE, due_at=12 * HOUR)
    nearby = Job("nearby", location=3, service_seconds=30 * MINUTE, due_at=16 * HOUR)
    zhao = Technician("zhao", 0, 8 * HOUR, 17 * HOUR, fixed=("started",), available_from=9 * HOUR)
    qian = Technician("qian", 1, 8 * HOUR, 17 * HOUR, available_from=9 * HOUR)
    problem = line_problem(positions, [started, nearby], [zhao, qian])

    # when the rest of the day is planned again
    plan = optimiser.solve(problem, time_limit=0.5)

    # then the started job stays Zhao's and first; nothing starts before now (09:00)
    assert plan.routes["zhao"].jobs[0] == "started"
    assert plan.routes["qian"].jobs == [] or "started" not in plan.routes["qian"].jobs
    assert all(v.start >= 9 * HOUR for r in plan.routes.values() for v in r.visits)
    assert_valid(problem, plan)


# --- the optimiser against the greedy baseline ------------------------------------------------


def test_optimiser_is_not_worse_than_greedy_on_a_generated_day() -> None:
    # given a smaller generated day (the benchmark's generator)
    problem = generate_day(jobs=80, technicians=10, seed=5)

    # when both plan it
    greedy = optimiser.greedy(problem)
    plan = optimiser.solve(problem, time_limit=4.0, seed=1)

    # then the optimiser breaches no more SLAs and drives no further
    assert_valid(problem, greedy)
    assert_valid(problem, plan)
    assert plan.breaches(problem) <= greedy.breaches(problem)
    assert plan.distance <= greedy.distance


def test_urgent_job_is_inserted_without_breaking_the_plan() -> None:
    # given a planned day
    problem = generate_day(jobs=30, technicians=5, seed=2)
    urgent = Job(
        "urgent",
        location=problem.jobs[0].location,
        service_seconds=20 * MINUTE,
        due_at=11 * HOUR,
        requires=problem.jobs[0].requires,
    )
    plan = optimiser.solve(problem, time_limit=1.0)
    extended = Problem(
        jobs=(*problem.jobs, urgent),
        technicians=problem.technicians,
        durations=problem.durations,
        distances=problem.distances,
    )

    # when the urgent job is inserted
    inserted = optimiser.insert_job(extended, plan, urgent)

    # then it is planned, the plan stays valid, and only one route changed
    assert "urgent" not in inserted.unassigned
    assert_valid(extended, inserted)
    changed = [key for key in plan.routes if plan.routes[key].jobs != inserted.routes[key].jobs]
    assert len(changed) == 1


@pytest.mark.parametrize("seed", [1, 2])
def test_hard_deadlines_are_kept_when_asked(seed: int) -> None:
    # given a day where every deadline can be met, asked with hard deadlines (the benchmarks)
    positions = [0, 10, 20, 30, 40]
    jobs = [
        Job(f"j{n}", location=n, service_seconds=10 * MINUTE, due_at=(8 + n) * HOUR)
        for n in range(1, 5)
    ]
    technician = Technician("t", 0, 8 * HOUR, 18 * HOUR, end_location=0)
    problem = line_problem(positions, jobs, [technician])
    hard = Problem(problem.jobs, problem.technicians, problem.durations, problem.distances, True)

    plan = optimiser.solve(hard, time_limit=0.3, seed=seed)

    assert plan.unassigned == []
    assert plan.late == []
    assert sorted(plan.routes["t"].jobs) == ["j1", "j2", "j3", "j4"]
    assert plan.distance == 80 * 1000
