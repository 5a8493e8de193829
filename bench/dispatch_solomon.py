"""The dispatch optimiser's core on the Solomon VRPTW instances, against their best-known
solutions and against OR-Tools' routing solver in the same run.

Convention of the `.sol` files beside the instances (the DIMACS one): the objective is the total
distance only, every arc's Euclidean length is truncated to one decimal, time windows are hard,
travel time equals distance, and at most the instance's vehicle count is used. Both solvers get
the same integer data (tenths) and the same time limit per instance, on one core.

Targets: mean gap to the best-known ≤ 1 %, every solution feasible, and our total cost ≤ 0.95 ×
OR-Tools' (printed per instance and over all instances)."""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shouhou.dispatch import optimiser

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "shared" / "bench-data" / "solomon"
DEFAULT_INSTANCES = ("C101", "C201", "R101", "R211", "RC101", "RC208")
TARGET_MEAN_GAP = 1.0  # percent
TARGET_RATIO = 0.95
SCALE = 10  # one decimal


@dataclass(frozen=True)
class Customer:
    number: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    customers: list[Customer]  # customers[0] is the depot

    @property
    def distances(self) -> np.ndarray:
        """Euclidean distances truncated to one decimal, in tenths (integers)."""
        x = np.array([c.x for c in self.customers])
        y = np.array([c.y for c in self.customers])
        exact = np.sqrt((x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2)
        return np.floor(exact * SCALE + 1e-9).astype(np.int64)


def read_instance(path: Path) -> Instance:
    """A file in Solomon's text format: name, VEHICLE (number, capacity), CUSTOMER rows."""
    lines = [line.split() for line in path.read_text().splitlines()]
    lines = [line for line in lines if line]
    name = lines[0][0]
    vehicles = capacity = None
    customers: list[Customer] = []
    for index, words in enumerate(lines):
        if words[0].upper() == "NUMBER" and vehicles is None:
            vehicles, capacity = int(lines[index + 1][0]), int(lines[index + 1][1])
        elif words[0].isdigit() and vehicles is not None and len(words) == 7:
            number, x, y, demand, ready, due, service = words
            customers.append(
                Customer(
                    int(number),
                    float(x),
                    float(y),
                    int(float(demand)),
                    int(float(ready)),
                    int(float(due)),
                    int(float(service)),
                )
            )
    if vehicles is None or capacity is None or not customers:
        raise ValueError(f"{path} is not in Solomon's format")
    customers.sort(key=lambda customer: customer.number)
    return Instance(name, vehicles, capacity, customers)


def read_best_known(path: Path) -> float | None:
    """The "Cost" line of a .sol file."""
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        if line.lower().startswith("cost"):
            return float(line.split()[1])
    return None


def as_problem(instance: Instance) -> optimiser.Problem:
    """Customers become jobs; the fleet becomes identical technicians based at the depot."""
    depot = instance.customers[0]
    jobs = tuple(
        optimiser.Job(
            key=customer.number,
            location=index,
            service_seconds=customer.service * SCALE,
            ready_at=customer.ready * SCALE,
            due_at=customer.due * SCALE,
            demand=customer.demand,
        )
        for index, customer in enumerate(instance.customers)
        if index > 0
    )
    technicians = tuple(
        optimiser.Technician(
            key=f"vehicle-{number + 1}",
            start_location=0,
            end_location=0,
            shift_start=depot.ready * SCALE,
            shift_end=depot.due * SCALE,
            capacity=instance.capacity,
        )
        for number in range(instance.vehicles)
    )
    distances = instance.distances
    return optimiser.Problem(jobs, technicians, distances, distances, hard_deadlines=True)


def check(instance: Instance, routes: list[list[int]]) -> tuple[float, list[str]]:
    """The cost in the .sol convention and what makes the routes infeasible, if anything."""
    distances = instance.distances
    customers = instance.customers
    problems: list[str] = []
    seen: list[int] = []
    total = 0
    if len([route for route in routes if route]) > instance.vehicles:
        problems.append("too many vehicles")
    for route in routes:
        if not route:
            continue
        time_now = customers[0].ready * SCALE
        load = 0
        here = 0
        for number in route:
            customer = customers[number]
            total += int(distances[here, number])
            arrival = time_now + int(distances[here, number])
            start = max(arrival, customer.ready * SCALE)
            if start > customer.due * SCALE:
                problems.append(f"customer {number} served late")
            time_now = start + customer.service * SCALE
            load += customer.demand
            here = number
            seen.append(number)
        total += int(distances[here, 0])
        if time_now + int(distances[here, 0]) > customers[0].due * SCALE:
            problems.append("a route returns after the depot closes")
        if load > instance.capacity:
            problems.append("a route exceeds the capacity")
    if sorted(seen) != list(range(1, len(customers))):
        problems.append("not every customer is served exactly once")
    return total / SCALE, problems


def solve_ours(instance: Instance, seconds: float, seed: int) -> list[list[int]]:
    plan = optimiser.solve(as_problem(instance), time_limit=seconds, seed=seed)
    return [[int(key) for key in route.jobs] for route in plan.routes.values() if route.jobs]


def solve_ortools(
    instance: Instance, seconds: float, strategy: str = "PARALLEL_CHEAPEST_INSERTION"
) -> list[list[int]]:
    """OR-Tools' routing solver: a first solution by `strategy`, then guided local search; a time
    dimension with the windows (service time counted on the arc leaving a customer), a capacity
    dimension, arc cost = distance. The default start is parallel cheapest insertion: with
    OR-Tools' usual path-cheapest-arc start it finds no feasible first solution of R101 and
    RC101 within 10 s at all, which would make the comparison meaningless."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    distances = instance.distances
    customers = instance.customers
    size = len(customers)
    manager = pywrapcp.RoutingIndexManager(size, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    distance_list = distances.tolist()
    service = [customer.service * SCALE for customer in customers]

    def distance_callback(from_index: int, to_index: int) -> int:
        return distance_list[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]

    def time_callback(from_index: int, to_index: int) -> int:
        origin = manager.IndexToNode(from_index)
        return distance_list[origin][manager.IndexToNode(to_index)] + service[origin]

    def demand_callback(from_index: int) -> int:
        return customers[manager.IndexToNode(from_index)].demand

    distance_index = routing.RegisterTransitCallback(distance_callback)
    routing.SetArcCostEvaluatorOfAllVehicles(distance_index)
    time_index = routing.RegisterTransitCallback(time_callback)
    horizon = customers[0].due * SCALE
    routing.AddDimension(time_index, horizon, horizon, False, "time")
    time_dimension = routing.GetDimensionOrDie("time")
    for node, customer in enumerate(customers):
        if node == 0:
            continue
        index = manager.NodeToIndex(node)
        time_dimension.CumulVar(index).SetRange(customer.ready * SCALE, customer.due * SCALE)
    for vehicle in range(instance.vehicles):
        time_dimension.CumulVar(routing.Start(vehicle)).SetRange(
            customers[0].ready * SCALE, horizon
        )
        time_dimension.CumulVar(routing.End(vehicle)).SetRange(customers[0].ready * SCALE, horizon)
    demand_index = routing.RegisterUnaryTransitCallback(demand_callback)
    routing.AddDimensionWithVehicleCapacity(
        demand_index, 0, [instance.capacity] * instance.vehicles, True, "capacity"
    )
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return []
    routes = []
    for vehicle in range(instance.vehicles):
        index = routing.Start(vehicle)
        route = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                route.append(node)
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def _paths(names: list[str]) -> list[Path]:
    if not names:
        return [DEFAULT_DIRECTORY / f"{name}.txt" for name in DEFAULT_INSTANCES]
    return [Path(name) for name in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch_solomon", description=__doc__)
    parser.add_argument("instances", nargs="*", help="Solomon instance files (default: the six)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-ortools", action="store_true", help="skip the OR-Tools baseline")
    parser.add_argument(
        "--no-routes", dest="routes", action="store_false", help="do not print the routes"
    )
    parser.add_argument(
        "--ortools-start",
        default="PARALLEL_CHEAPEST_INSERTION",
        help="OR-Tools' first-solution strategy (a FirstSolutionStrategy name)",
    )
    options = parser.parse_args(argv)

    print(f"\nDispatch optimiser on Solomon VRPTW instances ({options.time_limit:g} s each)")
    gaps: list[float] = []
    ratios: list[float] = []
    ours_total = theirs_total = 0.0
    all_feasible = True
    header = (
        f"  {'instance':<9}{'ours':>10}{'best':>10}{'gap %':>8}{'OR-Tools':>10}{'ratio':>7}  routes"
    )
    print(header)
    for path in _paths(options.instances):
        instance = read_instance(path)
        best = read_best_known(path.with_suffix(".sol"))
        started = time.perf_counter()
        routes = solve_ours(instance, options.time_limit, options.seed)
        our_seconds = time.perf_counter() - started
        cost, problems = check(instance, routes)
        all_feasible &= not problems
        gap = (cost - best) / best * 100 if best else math.nan
        if best:
            gaps.append(gap)
        theirs = math.nan
        their_problems: list[str] = []
        if not options.no_ortools:
            their_routes = solve_ortools(instance, options.time_limit, options.ortools_start)
            theirs, their_problems = (
                check(instance, their_routes) if their_routes else (math.nan, ["no solution"])
            )
        ratio = cost / theirs if theirs and not math.isnan(theirs) else math.nan
        if not math.isnan(ratio):
            ratios.append(ratio)
            ours_total += cost
            theirs_total += theirs
        used = len([route for route in routes if route])
        flag = "" if not problems else "  INFEASIBLE: " + "; ".join(sorted(set(problems)))
        their_flag = "" if not their_problems else "  (OR-Tools: " + "; ".join(their_problems) + ")"
        print(
            f"  {instance.name:<9}{cost:>10.1f}{best or math.nan:>10.1f}{gap:>8.2f}"
            f"{theirs:>10.1f}{ratio:>7.3f}  {used:>3}   ({our_seconds:.1f} s){flag}{their_flag}"
        )
        if options.routes:
            for number, route in enumerate((r for r in routes if r), start=1):
                print(f"      Route #{number}: {' '.join(str(n) for n in route)}")
    mean_gap = statistics.fmean(gaps) if gaps else math.nan
    overall = ours_total / theirs_total if theirs_total else math.nan
    print(
        f"  mean gap        {mean_gap:.2f} %   target ≤ {TARGET_MEAN_GAP} %  "
        f"{'PASS' if mean_gap <= TARGET_MEAN_GAP else 'FAIL'}"
    )
    print(
        f"  all feasible    {'yes' if all_feasible else 'no'}            "
        f"{'PASS' if all_feasible else 'FAIL'}"
    )
    if ratios:
        print(
            f"  ours ÷ OR-Tools {overall:.3f} (total distance over the {len(ratios)} instances "
            f"both solved; per instance {min(ratios):.3f}–{max(ratios):.3f})   "
            f"target ≤ {TARGET_RATIO}  {'PASS' if overall <= TARGET_RATIO else 'FAIL'}"
        )
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
