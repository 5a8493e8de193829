"""The dispatch optimiser's core: pure functions on plain data (jobs, technicians, a travel
matrix) that return routes. No Django here, so that the benchmarks and the tests call it
directly and the planning service (planning.py) only translates work orders into it and back.

The model is a vehicle-routing problem with time windows (VRPTW), solved by PyVRP:

- a job is a visit at one location with a service duration, an earliest start and a due time
  (the SLA's arrival deadline: the latest start that is still on time) and the skills it needs;
- a technician is a vehicle with a start location (home base or current position), an optional
  end location (home base), a shift (earliest start, latest return), skills and a daily capacity
  (jobs per day); a technician's started jobs (`fixed`) stay first on their route, in order;
- skills are sets of tokens: a job may go to a technician whose skills contain every token the
  job requires (the planning service turns product types, brands and regions into tokens).

Deadlines first, travel second. With `hard_deadlines` (the Solomon benchmarks) every job must
start within its window. Otherwise deadlines are soft: a first search keeps every deadline hard
but lets jobs go unserved at a large price (so it serves as many jobs on time as it can and
then drives as little as it can); a second search adds the jobs it could not serve on time with
their deadlines lifted, so an impossible day still gets a plan, and the plan reports its expected
breaches; what both searches still leave unserved goes, late, to its cheapest place that makes
no other job later (a cheap insertion: with skills splitting the technicians into many routing
profiles PyVRP seldom finds those places itself). Skills and shifts are hard: an edge into a job a
technician may not do costs more than any job is worth, and `evaluate` checks every plan against
every constraint again.

Also here: the greedy baseline ("nearest available skilled technician") the benchmarks compare
against, and the cheap insertion of one urgent job into an existing plan."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

# A job's or a technician's key: any hashable value (work order ids, user ids, names).
Key = Any
Matrix = np.ndarray[Any, np.dtype[np.int64]]

# An edge into a job the technician may not do: more than any job's prize, so the search always
# prefers leaving the job unserved.
FORBIDDEN_DISTANCE = 10**11
# What serving a job is worth to the search, in distance units: far more than any detour, so
# the number of jobs served (on time, in the first search) always comes first.
JOB_PRIZE = 10**8
HORIZON = 10**9  # "no deadline" / "no end of shift", in seconds from the origin
# Share of the time limit the first (deadlines hard) search gets when a second one may follow.
FIRST_SEARCH_SHARE = 0.7


@dataclass(frozen=True)
class Job:
    """One visit. Times are seconds from the problem's origin (the planning service uses the
    day's local midnight); `due_at` is the latest start that is still on time."""

    key: Key
    location: int
    service_seconds: int
    ready_at: int = 0
    due_at: int | None = None
    requires: frozenset[str] = frozenset()
    demand: int = 1


@dataclass(frozen=True)
class Technician:
    """One person (one vehicle). `end_location` None: the route ends at the last job.
    `available_from` (default: the shift start) is when they can leave `start_location`;
    `fixed` are the jobs they already started, done first and in this order."""

    key: Key
    start_location: int
    shift_start: int
    shift_end: int
    end_location: int | None = None
    skills: frozenset[str] = frozenset()
    capacity: int | None = None
    fixed: tuple[Key, ...] = ()
    available_from: int | None = None

    def may_do(self, job: Job) -> bool:
        return job.requires <= self.skills


@dataclass(frozen=True)
class Problem:
    jobs: tuple[Job, ...]
    technicians: tuple[Technician, ...]
    durations: Matrix  # seconds, durations[i, j] from location i to j
    distances: Matrix  # metres (or any integer distance unit)
    hard_deadlines: bool = False

    def job(self, key: Key) -> Job:
        return self._jobs_by_key()[key]

    def _jobs_by_key(self) -> dict[Key, Job]:
        cache = self.__dict__.get("_by_key")
        if cache is None:
            cache = {job.key: job for job in self.jobs}
            object.__setattr__(self, "_by_key", cache)
        return cache


@dataclass(frozen=True)
class Visit:
    job: Key
    arrival: int
    start: int
    end: int
    lateness: int  # seconds after the due time that the visit starts (0: on time)
    travel_seconds: int  # from the previous stop
    travel_distance: int
    is_fixed: bool = False


@dataclass
class Route:
    technician: Key
    visits: list[Visit]
    distance: int  # the whole route, the way home included
    travel_seconds: int
    ends_at: int  # back at the end location, or the end of the last job

    @property
    def jobs(self) -> list[Key]:
        return [visit.job for visit in self.visits]


@dataclass
class Plan:
    routes: dict[Key, Route]
    unassigned: list[Key]
    solve_seconds: float = 0.0
    method: str = ""
    violations: list[str] = field(default_factory=list)

    @property
    def distance(self) -> int:
        return sum(route.distance for route in self.routes.values())

    @property
    def late(self) -> list[Visit]:
        return [visit for route in self.routes.values() for visit in route.visits if visit.lateness]

    @property
    def assignment(self) -> dict[Key, list[Key]]:
        return {key: route.jobs for key, route in self.routes.items()}

    def breaches(self, problem: Problem) -> int:
        """Jobs that will miss their due time: planned late, or not planned at all."""
        unserved = sum(1 for key in self.unassigned if problem.job(key).due_at is not None)
        return len(self.late) + unserved

    def visit_of(self, key: Key) -> tuple[Key, Visit] | None:
        for technician, route in self.routes.items():
            for visit in route.visits:
                if visit.job == key:
                    return technician, visit
        return None


ProgressCallback = Callable[[float], None]


# --- evaluating a plan ----------------------------------------------------------------------


def _start_of(technician: Technician) -> int:
    if technician.available_from is None:
        return technician.shift_start
    return max(technician.shift_start, technician.available_from)


def schedule_route(problem: Problem, technician: Technician, jobs: Sequence[Key]) -> Route:
    """The route's timetable: leave as early as allowed, wait when early, never skip ahead."""
    durations, distances = problem.durations, problem.distances
    clock = _start_of(technician)
    here = technician.start_location
    visits: list[Visit] = []
    total_distance = total_travel = 0
    fixed = set(technician.fixed)
    for key in jobs:
        job = problem.job(key)
        travel = int(durations[here, job.location])
        metres = int(distances[here, job.location])
        arrival = clock + travel
        start = max(arrival, job.ready_at)
        end = start + job.service_seconds
        lateness = max(0, start - job.due_at) if job.due_at is not None else 0
        visits.append(
            Visit(key, arrival, start, end, lateness, travel, metres, is_fixed=key in fixed)
        )
        total_distance += metres
        total_travel += travel
        clock, here = end, job.location
    if technician.end_location is not None:
        total_distance += int(distances[here, technician.end_location])
        travel = int(durations[here, technician.end_location])
        total_travel += travel
        clock += travel
    return Route(technician.key, visits, total_distance, total_travel, clock)


def route_violations(problem: Problem, technician: Technician, route: Route) -> list[str]:
    """What is wrong with one route: skills, shift, capacity, started jobs, hard deadlines."""
    problems: list[str] = []
    for visit in route.visits:
        job = problem.job(visit.job)
        if not technician.may_do(job):
            problems.append(f"{technician.key} may not do {job.key}")
        if visit.start < technician.shift_start:
            problems.append(f"{job.key} starts before {technician.key}'s shift")
        if problem.hard_deadlines and visit.lateness:
            problems.append(f"{job.key} starts after its due time")
    if route.visits and route.ends_at > technician.shift_end:
        problems.append(f"{technician.key}'s route ends after the shift")
    if technician.capacity is not None:
        load = sum(problem.job(visit.job).demand for visit in route.visits)
        if load > technician.capacity:
            problems.append(f"{technician.key} has {load} jobs, more than {technician.capacity}")
    if route.jobs[: len(technician.fixed)] != list(technician.fixed):
        problems.append(f"{technician.key}'s started jobs are not kept first")
    return problems


def evaluate(
    problem: Problem,
    assignment: Mapping[Key, Sequence[Key]],
    *,
    solve_seconds: float = 0.0,
    method: str = "",
) -> Plan:
    """Timetable every route of `assignment` and list what breaks a constraint; jobs in no
    route are unassigned."""
    technicians = {technician.key: technician for technician in problem.technicians}
    routes: dict[Key, Route] = {}
    violations: list[str] = []
    placed: set[Key] = set()
    for key, technician in technicians.items():
        jobs = list(assignment.get(key, ()))
        route = schedule_route(problem, technician, jobs)
        routes[key] = route
        violations += route_violations(problem, technician, route)
        for job in jobs:
            if job in placed:
                violations.append(f"{job} is planned twice")
            placed.add(job)
    unassigned = [job.key for job in problem.jobs if job.key not in placed]
    return Plan(routes, unassigned, solve_seconds, method, violations)


def _repair(problem: Problem, plan: Plan) -> Plan:
    """Drop the jobs that break a constraint (never expected after PyVRP: a safety net that
    makes "plans never break a skill or shift constraint" hold by construction)."""
    if not plan.violations:
        return plan
    technicians = {technician.key: technician for technician in problem.technicians}
    assignment: dict[Key, list[Key]] = {}
    for key, route in plan.routes.items():
        technician = technicians[key]
        kept = list(technician.fixed)
        for job in route.jobs[len(technician.fixed) :]:
            trial = schedule_route(problem, technician, [*kept, job])
            if technician.may_do(problem.job(job)) and not route_violations(
                problem, technician, trial
            ):
                kept.append(job)
        assignment[key] = kept
    repaired = evaluate(problem, assignment, solve_seconds=plan.solve_seconds, method=plan.method)
    return repaired


# --- preparing the search: started jobs, eligibility -----------------------------------------


@dataclass(frozen=True)
class _Start:
    """Where and when a technician is free after their started jobs."""

    location: int
    at: int
    capacity_left: int | None


def _after_fixed(problem: Problem, technician: Technician) -> _Start:
    route = schedule_route(problem, replace(technician, end_location=None), list(technician.fixed))
    location = (
        problem.job(technician.fixed[-1]).location
        if technician.fixed
        else technician.start_location
    )
    at = route.visits[-1].end if route.visits else _start_of(technician)
    capacity = technician.capacity
    if capacity is not None:
        capacity -= sum(problem.job(key).demand for key in technician.fixed)
    return _Start(location, at, capacity)


# --- the PyVRP model ------------------------------------------------------------------------


@dataclass
class _Model:
    """A Problem translated into PyVRP's terms, and back."""

    data: Any
    client_jobs: list[Job]
    type_members: list[list[Technician]]  # vehicle type → the technicians it stands for
    # The same problem with one profile, the real distances for everyone: PyVRP's granular
    # neighbourhoods are computed on it, so that a job some technicians may not do still has
    # its true neighbours (on a restricted profile every route into it looks 10^11 long).
    geography: Any = None


def _build_model(
    problem: Problem,
    jobs: Sequence[Job],
    *,
    starts: Mapping[Key, _Start],
    deadline: Callable[[Job], int],
    required: Callable[[Job], bool],
) -> _Model:
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    technicians = [t for t in problem.technicians if starts[t.key].capacity_left != 0]
    if not technicians or not jobs:
        return _Model(data=None, client_jobs=list(jobs), type_members=[])
    # Matrix rows of PyVRP's locations: depots first (start and end locations), then one per job.
    # -1 stands for the open end of a route: free to reach.
    depot_rows: list[int] = []
    for technician in technicians:
        for row in (starts[technician.key].location, technician.end_location):
            row = -1 if row is None else row
            if row not in depot_rows:
                depot_rows.append(row)
    rows = depot_rows + [job.location for job in jobs]
    index = np.array([max(row, 0) for row in rows], dtype=np.int64)
    base_distance = problem.distances[np.ix_(index, index)].astype(np.int64)
    base_duration = problem.durations[np.ix_(index, index)].astype(np.int64)
    open_end = np.array([row == -1 for row in rows])
    base_distance[:, open_end] = 0
    base_duration[:, open_end] = 0
    base_distance[open_end, :] = 0
    base_duration[open_end, :] = 0
    locations = [Location(x=0, y=0) for _ in rows]
    depots = [Depot(location=i) for i in range(len(depot_rows))]
    clients = []
    for offset, job in enumerate(jobs):
        late = deadline(job)
        is_required = required(job)
        clients.append(
            Client(
                location=len(depot_rows) + offset,
                delivery=[job.demand],
                service_duration=job.service_seconds,
                tw_early=max(0, job.ready_at),
                tw_late=max(late, max(0, job.ready_at)),
                required=is_required,
                prize=0 if is_required else JOB_PRIZE,
            )
        )
    # One routing profile per distinct set of jobs the technicians may do.
    eligible_sets: dict[tuple[bool, ...], int] = {}
    type_keys: dict[tuple[Any, ...], int] = {}
    type_members: list[list[Technician]] = []
    vehicle_specs: list[dict[str, Any]] = []
    for technician in technicians:
        eligible = tuple(technician.may_do(job) for job in jobs)
        profile = eligible_sets.setdefault(eligible, len(eligible_sets))
        start = starts[technician.key]
        end_row = -1 if technician.end_location is None else technician.end_location
        signature = (
            start.location,
            start.at,
            end_row,
            technician.shift_end,
            start.capacity_left,
            profile,
        )
        if signature in type_keys:
            type_members[type_keys[signature]].append(technician)
            continue
        type_keys[signature] = len(type_members)
        type_members.append([technician])
        capacity = start.capacity_left if start.capacity_left is not None else 10**9
        vehicle_specs.append(
            {
                "capacity": [capacity],
                "start_depot": depot_rows.index(start.location),
                "end_depot": depot_rows.index(end_row),
                "tw_early": start.at,
                "tw_late": max(technician.shift_end, start.at),
                "profile": profile,
            }
        )
    vehicle_types = [
        VehicleType(num_available=len(members), **spec)
        for members, spec in zip(type_members, vehicle_specs, strict=True)
    ]
    distance_matrices: list[Any] = []
    duration_matrices: list[Any] = []
    offset = len(depot_rows)
    for eligible in eligible_sets:
        matrix = base_distance.copy()
        forbidden = [offset + i for i, allowed in enumerate(eligible) if not allowed]
        if forbidden:
            matrix[:, forbidden] = FORBIDDEN_DISTANCE
            np.fill_diagonal(matrix, 0)
        distance_matrices.append(matrix)
        duration_matrices.append(base_duration)
    if not distance_matrices:
        distance_matrices, duration_matrices = [base_distance], [base_duration]
    data = ProblemData(
        locations, clients, depots, vehicle_types, distance_matrices, duration_matrices
    )
    geography = data
    if len(distance_matrices) > 1:
        single: list[Any] = [base_distance, base_duration]
        geography = data.replace(
            vehicle_types=[kind.replace(profile=0) for kind in vehicle_types],
            distance_matrices=single[:1],
            duration_matrices=single[1:],
        )
    return _Model(data=data, client_jobs=list(jobs), type_members=type_members, geography=geography)


def _assignment_of(model: _Model, solution: Any) -> dict[Key, list[Key]]:
    used = [0] * len(model.type_members)
    assignment: dict[Key, list[Key]] = {}
    for route in solution.routes():
        kind = route.vehicle_type()
        technician = model.type_members[kind][used[kind]]
        used[kind] += 1
        assignment[technician.key] = [
            model.client_jobs[activity.idx].key for activity in route if activity.is_client()
        ]
    return assignment


def _routes_for(model: _Model, assignment: Mapping[Key, Sequence[Key]]) -> list[Any]:
    """An initial solution for `model` from an assignment (jobs not in the model are left out)."""
    from pyvrp import Route

    client_of = {job.key: index for index, job in enumerate(model.client_jobs)}
    routes = []
    for kind, members in enumerate(model.type_members):
        for technician in members:
            visits = [
                client_of[key] for key in assignment.get(technician.key, ()) if key in client_of
            ]
            if visits:
                routes.append(Route(model.data, visits, kind))
    return routes


class _Stop:
    """PyVRP's stopping criterion: a wall-clock limit that also reports progress."""

    def __init__(
        self, seconds: float, progress: ProgressCallback | None, share: tuple[float, float]
    ) -> None:
        self.seconds = seconds
        self.progress = progress
        self.share = share
        self.started = time.perf_counter()
        self.reported = 0.0

    def __call__(self, best_cost: int) -> bool:
        elapsed = time.perf_counter() - self.started
        if self.progress is not None and elapsed - self.reported >= 0.25:
            self.reported = elapsed
            low, high = self.share
            self.progress(low + (high - low) * min(elapsed / max(self.seconds, 1e-9), 1.0))
        return elapsed >= self.seconds


def _run_pyvrp(model: _Model, *, stop: _Stop, seed: int, initial: Any) -> Any:
    """pyvrp.solve, with the neighbourhood computed on the model's geography (see _Model)."""
    from pyvrp import RandomNumberGenerator, Solution
    from pyvrp.IteratedLocalSearch import IteratedLocalSearch
    from pyvrp.PenaltyManager import PenaltyManager
    from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
    from pyvrp.solve import SolveParams

    params = SolveParams()
    rng = RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(model.geography, params.neighbourhood)
    search = LocalSearch(model.data, rng, neighbours, PerturbationManager(params.perturbation))
    for operator in params.operators:
        if operator.supports(model.data):
            search.add_operator(operator(model.data))
    penalties = PenaltyManager(params.penalty.midpoint_penalties(model.data), params.penalty)
    if initial is None:
        start = Solution.make_random(model.data, rng)
        initial = search(start, penalties.max_cost_evaluator(), exhaustive=True)
    algorithm = IteratedLocalSearch(model.data, penalties, search, initial, params.ils)
    return algorithm.run(stop, collect_stats=False, display=False)


def _search(
    model: _Model,
    *,
    seconds: float,
    seed: int,
    initial: dict[Key, list[Key]] | None,
    progress: ProgressCallback | None,
    share: tuple[float, float],
) -> dict[Key, list[Key]] | None:
    from pyvrp import Solution
    from pyvrp.exceptions import PenaltyBoundWarning

    if model.data is None or not model.client_jobs or not model.type_members:
        return {}
    initial_solution = None
    if initial:
        candidate = Solution(model.data, _routes_for(model, initial))
        if candidate.is_feasible():
            initial_solution = candidate
    with warnings.catch_warnings():
        # Prize-collecting with forbidden edges drives PyVRP's penalties to their bound on
        # purpose; the warning says nothing the final feasibility check does not.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = _run_pyvrp(
            model, stop=_Stop(seconds, progress, share), seed=seed, initial=initial_solution
        )
    if not result.best.is_feasible():
        return None
    return _assignment_of(model, result.best)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 1,
    progress: ProgressCallback | None = None,
    initial: Mapping[Key, Sequence[Key]] | None = None,
) -> Plan:
    """The best plan found within `time_limit` seconds (see the module's docstring)."""
    started = time.perf_counter()
    starts = {t.key: _after_fixed(problem, t) for t in problem.technicians}
    fixed = {key for technician in problem.technicians for key in technician.fixed}
    free_jobs = [job for job in problem.jobs if job.key not in fixed]
    prefix = {t.key: list(t.fixed) for t in problem.technicians}
    seed_routes: dict[Key, list[Key]] | None = None
    if initial:
        seed_routes = {
            key: [job for job in jobs if job not in fixed] for key, jobs in initial.items()
        }

    def with_prefix(assignment: Mapping[Key, list[Key]]) -> dict[Key, list[Key]]:
        return {key: [*prefix[key], *assignment.get(key, [])] for key in prefix}

    if problem.hard_deadlines:
        model = _build_model(
            problem,
            free_jobs,
            starts=starts,
            deadline=lambda job: HORIZON if job.due_at is None else job.due_at,
            required=lambda job: True,
        )
        found = _search(
            model,
            seconds=time_limit,
            seed=seed,
            initial=seed_routes,
            progress=progress,
            share=(0.0, 1.0),
        )
        assignment = with_prefix(found or {})
        plan = evaluate(
            problem, assignment, solve_seconds=time.perf_counter() - started, method="pyvrp"
        )
        return _repair(problem, plan)

    # First search: every deadline hard, every job optional (worth JOB_PRIZE).
    earliest = min((start.at for start in starts.values()), default=0)
    can_be_on_time = [
        job for job in free_jobs if job.due_at is None or job.due_at >= max(earliest, job.ready_at)
    ]
    model = _build_model(
        problem,
        can_be_on_time,
        starts=starts,
        deadline=lambda job: HORIZON if job.due_at is None else job.due_at,
        required=lambda job: False,
    )
    first_seconds = time_limit * FIRST_SEARCH_SHARE
    on_time = (
        _search(
            model,
            seconds=first_seconds,
            seed=seed,
            initial=seed_routes,
            progress=progress,
            share=(0.0, FIRST_SEARCH_SHARE),
        )
        or {}
    )
    served = {key for jobs in on_time.values() for key in jobs}
    # Second search: the jobs served on time keep their deadlines and must stay; the others come
    # back without a deadline (bounded by the shifts) and are served where they cost least.
    model = _build_model(
        problem,
        free_jobs,
        starts=starts,
        deadline=lambda job: HORIZON if job.due_at is None or job.key not in served else job.due_at,
        required=lambda job: job.key in served,
    )
    # A little of the budget stays for serving the leftovers (see _insert_leftovers).
    remaining = max(time_limit * 0.97 - (time.perf_counter() - started), 0.05)
    found = _search(
        model,
        seconds=remaining,
        seed=seed + 1,
        initial=on_time,
        progress=progress,
        share=(FIRST_SEARCH_SHARE, 1.0),
    )
    assignment = _insert_leftovers(problem, with_prefix(found if found is not None else on_time))
    plan = evaluate(
        problem, assignment, solve_seconds=time.perf_counter() - started, method="pyvrp"
    )
    if progress is not None:
        progress(1.0)
    return _repair(problem, plan)


def _insert_leftovers(problem: Problem, assignment: dict[Key, list[Key]]) -> dict[Key, list[Key]]:
    """Serve late what the searches left unserved, where it makes no other job later: each
    job (by due time) at its cheapest valid place. PyVRP rarely finds these places when skills
    split the technicians into many routing profiles."""
    placed = {key for jobs in assignment.values() for key in jobs}
    leftovers = sorted(
        (job for job in problem.jobs if job.key not in placed),
        key=lambda job: (job.due_at is None, job.due_at or 0),
    )
    routes = {
        t.key: schedule_route(problem, t, assignment.get(t.key, [])) for t in problem.technicians
    }
    for job in leftovers:
        best: tuple[tuple[int, int], Technician, list[Key], Route] | None = None
        for technician in problem.technicians:
            if not technician.may_do(job):
                continue
            jobs = assignment.get(technician.key, [])
            if technician.capacity is not None:
                load = sum(problem.job(key).demand for key in jobs)
                if load + job.demand > technician.capacity:
                    continue
            before = {visit.job: visit.lateness for visit in routes[technician.key].visits}
            for position in range(len(technician.fixed), len(jobs) + 1):
                trial = [*jobs[:position], job.key, *jobs[position:]]
                route = schedule_route(problem, technician, trial)
                if route_violations(problem, technician, route):
                    continue
                if any(
                    visit.lateness > before[visit.job]
                    for visit in route.visits
                    if visit.job != job.key
                ):
                    continue
                own = next(visit.lateness for visit in route.visits if visit.job == job.key)
                score = (own, route.distance - routes[technician.key].distance)
                if best is None or score < best[0]:
                    best = (score, technician, trial, route)
        if best is not None:
            _, technician, trial, route = best
            assignment[technician.key] = trial
            routes[technician.key] = route
    return assignment


# --- the greedy baseline --------------------------------------------------------------------


def greedy(problem: Problem) -> Plan:
    """What a dispatcher does by hand: take the jobs by due time, give each to the nearest
    technician who has the skills and can still fit it in their shift (appended to their day)."""
    started = time.perf_counter()
    state: dict[Key, tuple[int, int, int]] = {}  # technician → (location, free at, load)
    routes: dict[Key, list[Key]] = {}
    for technician in problem.technicians:
        start = _after_fixed(problem, technician)
        load = sum(problem.job(key).demand for key in technician.fixed)
        state[technician.key] = (start.location, start.at, load)
        routes[technician.key] = list(technician.fixed)
    fixed = {key for technician in problem.technicians for key in technician.fixed}
    order = sorted(
        (job for job in problem.jobs if job.key not in fixed),
        key=lambda job: (job.due_at is None, job.due_at or 0),
    )
    for job in order:
        best: tuple[int, Key] | None = None
        for technician in problem.technicians:
            location, free_at, load = state[technician.key]
            if not technician.may_do(job):
                continue
            if technician.capacity is not None and load + job.demand > technician.capacity:
                continue
            travel = int(problem.durations[location, job.location])
            end = max(free_at + travel, job.ready_at) + job.service_seconds
            back = (
                int(problem.durations[job.location, technician.end_location])
                if technician.end_location is not None
                else 0
            )
            if end + back > technician.shift_end:
                continue
            if best is None or travel < best[0]:
                best = (travel, technician.key)
        if best is None:
            continue
        travel, key = best
        location, free_at, load = state[key]
        end = max(free_at + travel, job.ready_at) + job.service_seconds
        state[key] = (job.location, end, load + job.demand)
        routes[key].append(job.key)
    return evaluate(problem, routes, solve_seconds=time.perf_counter() - started, method="greedy")


# --- one urgent job into an existing plan ----------------------------------------------------


def _route_score(problem: Problem, route: Route) -> tuple[int, int, int]:
    late = sum(1 for visit in route.visits if visit.lateness)
    lateness = sum(visit.lateness for visit in route.visits)
    return late, lateness, route.distance


def _best_order(
    problem: Problem, technician: Technician, jobs: list[Key], *, rounds: int = 2
) -> list[Key]:
    """A short improvement of one route: move single jobs (after the started ones) to better
    positions while that lowers (late jobs, lateness, distance) and keeps the route valid."""
    best = jobs
    best_score = _route_score(problem, schedule_route(problem, technician, best))
    first = len(technician.fixed)
    for _ in range(rounds):
        improved = False
        for i in range(first, len(best)):
            for j in range(first, len(best)):
                if i == j:
                    continue
                trial = best[:i] + best[i + 1 :]
                trial.insert(j, best[i])
                route = schedule_route(problem, technician, trial)
                score = _route_score(problem, route)
                if score < best_score and not route_violations(problem, technician, route):
                    best, best_score, improved = trial, score, True
        if not improved:
            break
    return best


def best_insertion(
    problem: Problem, plan: Plan, job: Job, technician: Technician
) -> tuple[int, Route, tuple[int, int, int]] | None:
    """The best place for `job` in the technician's route of `plan`: (position, the new route,
    the change in (late jobs, lateness, distance)); None when no place keeps the route valid."""
    if not technician.may_do(job):
        return None
    current = plan.routes.get(technician.key)
    jobs = [key for key in (current.jobs if current is not None else []) if key != job.key]
    if technician.capacity is not None:
        load = sum(problem.job(key).demand for key in jobs)
        if load + job.demand > technician.capacity:
            return None
    before = _route_score(problem, schedule_route(problem, technician, jobs))
    best: tuple[int, Route, tuple[int, int, int]] | None = None
    for position in range(len(technician.fixed), len(jobs) + 1):
        trial = [*jobs[:position], job.key, *jobs[position:]]
        route = schedule_route(problem, technician, trial)
        if route_violations(problem, technician, route):
            continue
        after = _route_score(problem, route)
        delta = (after[0] - before[0], after[1] - before[1], after[2] - before[2])
        if best is None or delta < best[2]:
            best = (position, route, delta)
    return best


def insert_job(problem: Problem, plan: Plan, job: Job) -> Plan:
    """Put `job` (which `problem` must list) where it adds the fewest late jobs, then the least
    lateness, then the least distance, over every valid position of every eligible route; then
    improve that route a little. The job stays unassigned when it fits nowhere."""
    started = time.perf_counter()
    assignment = {key: list(route.jobs) for key, route in plan.routes.items()}
    best: tuple[tuple[int, int, int], Technician, list[Key]] | None = None
    for technician in problem.technicians:
        option = best_insertion(problem, plan, job, technician)
        if option is not None and (best is None or option[2] < best[0]):
            best = (option[2], technician, option[1].jobs)
    if best is not None:
        _, technician, jobs = best
        assignment[technician.key] = _best_order(problem, technician, jobs)
    return evaluate(
        problem,
        assignment,
        solve_seconds=time.perf_counter() - started,
        method="insertion",
    )


# --- travel ---------------------------------------------------------------------------------

EARTH_RADIUS_METRES = 6_371_008.8


def great_circle_metres(
    latitudes: Iterable[float], longitudes: Iterable[float]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The haversine distance between every pair of points, in metres."""
    lat = np.radians(np.asarray(list(latitudes), dtype=np.float64))
    lon = np.radians(np.asarray(list(longitudes), dtype=np.float64))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]
