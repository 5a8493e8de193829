"""From work orders and technicians to the optimiser's problem, and back: one service centre's
day (which jobs, which technicians on shift, where they start, how long each job takes, when it
is due), each technician's current queue for the board, and the ranking of technicians for one
work order ("suggest")."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.models import Organisation, Region, User
from shouhou.dispatch import optimiser
from shouhou.dispatch.estimates import DurationTable, Estimate
from shouhou.dispatch.models import (
    AssignmentStatus,
    CertificationLevel,
    DispatchSettings,
    PlanAssignment,
    TechnicianProfile,
    TechnicianShift,
    TechnicianSkill,
)
from shouhou.dispatch.selectors import settings_for
from shouhou.dispatch.travel import Point, TravelMatrix, TravelProvider, provider_for
from shouhou.sla.calendars import clock_for_organisation
from shouhou.sla.models import SlaClock, SlaMetric
from shouhou.tickets.models import Channel, ResolutionMode, WorkOrder, WorkOrderStatus

S = WorkOrderStatus
# Waiting for a technician, or given to one who has not set off: the plan may (re)assign them.
MOVABLE = (S.REGISTERED, S.DISPATCHED, S.ACCEPTED)
# The technician is on the way or on site: re-planning keeps these where they are.
STARTED = (S.EN_ROUTE, S.ON_SITE)
IN_QUEUE = (S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE)
LEVEL_RANK = {
    CertificationLevel.JUNIOR: 0,
    CertificationLevel.INTERMEDIATE: 1,
    CertificationLevel.SENIOR: 2,
}


def needs_visit(queryset: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Orders a technician goes out for: not phone fixes, not goods brought to the counter."""
    return queryset.exclude(resolution_mode=ResolutionMode.PHONE).exclude(channel=Channel.WALK_IN)


def subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def region_subtree_ids(region: Region) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Region.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, todo = set(), [region.pk]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


# --- one day -------------------------------------------------------------------------------


@dataclass
class TechnicianDay:
    profile: TechnicianProfile
    shift_start: datetime.datetime | None
    shift_end: datetime.datetime | None
    capacity: int
    start_point: Point | None
    start_label: str
    end_point: Point | None
    unavailable: str = ""

    @property
    def user(self) -> User:
        return self.profile.user

    @property
    def is_available(self) -> bool:
        return not self.unavailable


@dataclass
class JobInfo:
    work_order: WorkOrder
    point: Point | None
    due_at: datetime.datetime | None
    due_metric: str
    estimate: Estimate
    product_token: str | None
    region_id: int | None

    @property
    def pk(self) -> int:
        return self.work_order.pk

    @property
    def is_started(self) -> bool:
        return self.work_order.status in STARTED


@dataclass
class Built:
    """A problem ready for the optimiser, with the maps back to the database rows."""

    problem: optimiser.Problem
    jobs: dict[int, JobInfo]
    technicians: dict[int, TechnicianDay]
    unplannable: dict[int, str]
    travel: TravelMatrix
    labels: dict[int, str] = field(default_factory=dict)  # location index → place name


class DayPlanner:
    """Everything about one service centre's day that planning, the board and the suggestions
    share: shifts, due times, estimates, eligibility, travel."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        day: datetime.date,
        now: datetime.datetime | None = None,
        settings: DispatchSettings | None = None,
        provider: TravelProvider | None = None,
    ) -> None:
        self.organisation = organisation
        self.day = day
        self.now = now or timezone.now()
        zone = timezone.get_current_timezone()
        self.origin = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        self.end_of_day = self.origin + datetime.timedelta(days=1)
        self.is_today = timezone.localdate(self.now) == day
        self.is_past = day < timezone.localdate(self.now)
        self.settings = settings or settings_for(organisation)
        self.provider = provider or provider_for(self.settings)
        self.durations = DurationTable.load(self.settings)
        self._region_parents: dict[int, int | None] | None = None

    # --- times ---------------------------------------------------------------------------

    def seconds(self, moment: datetime.datetime) -> int:
        return int((moment - self.origin).total_seconds())

    def instant(self, seconds: int) -> datetime.datetime:
        return timezone.localtime(self.origin + datetime.timedelta(seconds=seconds))

    @property
    def starts_from(self) -> datetime.datetime | None:
        """Nothing is planned before this instant (now, for today's plans)."""
        return self.now if self.is_today else None

    # --- technicians ---------------------------------------------------------------------

    def profiles(self, *, region: Region | None = None) -> QuerySet[TechnicianProfile]:
        queryset = TechnicianProfile.objects.filter(
            home_centre__in=subtree(self.organisation)
        ).select_related("user", "home_centre")
        if region is not None:
            covering = self._ancestors_of(region.pk) | {region.pk}
            queryset = queryset.filter(Q(regions__isnull=True) | Q(regions__in=covering)).distinct()
        return queryset.prefetch_related(
            Prefetch(
                "skills", queryset=TechnicianSkill.objects.select_related("product_type", "brand")
            ),
            "regions",
            Prefetch("shifts", queryset=TechnicianShift.objects.filter(day=self.day)),
        )

    def shift(
        self, profile: TechnicianProfile
    ) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The technician's working hours that day: their own shift row, else the business
        calendar of their service centre (first to last working minute); None: not working."""
        own = next(iter(profile.shifts.all()), None)
        if own is not None:
            if own.is_day_off or own.starts_at is None or own.ends_at is None:
                return None
            zone = self.origin.tzinfo
            return (
                datetime.datetime.combine(self.day, own.starts_at, tzinfo=zone),
                datetime.datetime.combine(self.day, own.ends_at, tzinfo=zone),
            )
        clock = clock_for_organisation(profile.home_centre)
        total = clock.between(self.origin, self.end_of_day)
        if total <= datetime.timedelta(0):
            return None
        second = datetime.timedelta(seconds=1)
        start = clock.add(self.origin, second).at - second
        end = clock.add(self.origin, total).at
        return start, end

    def technician_day(self, profile: TechnicianProfile) -> TechnicianDay:
        shift = self.shift(profile)
        capacity = profile.daily_capacity or self.settings.default_daily_capacity
        home = (
            Point(float(profile.home_latitude), float(profile.home_longitude))
            if profile.home_latitude is not None and profile.home_longitude is not None
            else None
        )
        start, label = home, _("home base")
        last_seen_today = (
            self.is_today
            and profile.last_position_at is not None
            and timezone.localdate(profile.last_position_at) == self.day
            and profile.last_latitude is not None
            and profile.last_longitude is not None
        )
        if last_seen_today:
            start = Point(float(profile.last_latitude), float(profile.last_longitude))  # type: ignore[arg-type]
            label = _("last known position")
        reason = ""
        if not profile.is_active or not profile.user.is_active:
            reason = _("not available for dispatch")
        elif shift is None:
            reason = _("not working on this day")
        elif start is None:
            reason = _("no home base on the map")
        elif self.is_today and shift[1] <= self.now:
            reason = _("the shift is over")
        return TechnicianDay(
            profile=profile,
            shift_start=shift[0] if shift else None,
            shift_end=shift[1] if shift else None,
            capacity=capacity,
            start_point=start,
            start_label=str(label),
            end_point=home or start,
            unavailable=str(reason),
        )

    # --- jobs ----------------------------------------------------------------------------

    def due_times(self, work_order_ids: Iterable[int]) -> dict[int, tuple[datetime.datetime, str]]:
        """The arrival promise's due time of each order, else its resolution's (running
        promises only)."""
        found: dict[int, tuple[datetime.datetime, str]] = {}
        rows = SlaClock.objects.filter(
            work_order_id__in=list(work_order_ids),
            met_at__isnull=True,
            paused_since__isnull=True,
            metric__in=[SlaMetric.ARRIVAL, SlaMetric.RESOLUTION],
        ).values_list("work_order_id", "metric", "due_at")
        for work_order_id, metric, due in rows:
            if metric == SlaMetric.ARRIVAL or work_order_id not in found:
                found[work_order_id] = (due, metric)
        return found

    def job_infos(self, work_orders: Sequence[WorkOrder]) -> list[JobInfo]:
        dues = self.due_times(order.pk for order in work_orders)
        infos = []
        for order in work_orders:
            site = order.site
            point = None
            if site is not None and site.latitude is not None and site.longitude is not None:
                point = Point(float(site.latitude), float(site.longitude), order.zone)
            estimate = self.durations.estimate(
                product_model_id=order.product_model_id, symptom=order.symptom
            )
            due, metric = dues.get(order.pk, (None, ""))
            if due is not None and metric == SlaMetric.RESOLUTION:
                # Arriving is due early enough to finish the repair in time.
                due = due - datetime.timedelta(minutes=estimate.minutes)
            model = order.product_model
            infos.append(
                JobInfo(
                    work_order=order,
                    point=point,
                    due_at=due,
                    due_metric=metric,
                    estimate=estimate,
                    product_token=(
                        f"product:{model.product_type_id}:{model.brand_id}" if model else None
                    ),
                    region_id=site.region_id if site is not None else None,
                )
            )
        return infos

    # --- eligibility ---------------------------------------------------------------------

    def _ancestors_of(self, region_id: int) -> set[int]:
        if self._region_parents is None:
            self._region_parents = dict(Region.objects.values_list("pk", "parent_id"))
        found: set[int] = set()
        current = self._region_parents.get(region_id)
        while current is not None and current not in found:
            found.add(current)
            current = self._region_parents.get(current)
        return found

    def why_not(self, technician: TechnicianDay, job: JobInfo) -> str:
        """Why the technician may not take the job ("" if they may)."""
        model = job.work_order.product_model
        if model is not None and not self._covers_product(
            technician, model.product_type_id, model.brand_id
        ):
            return _("cannot repair %(model)s") % {"model": model}
        if job.region_id is not None and not self._covers_region(technician, job.region_id):
            return _("does not cover the site's region")
        return ""

    def skill_note(self, technician: TechnicianDay, job: JobInfo) -> str:
        model = job.work_order.product_model
        level = technician.profile.get_certification_level_display()
        skills = list(technician.profile.skills.all())
        if model is None or not skills:
            return _("any product, %(level)s") % {"level": level}
        exact = any(
            skill.product_type_id == model.product_type_id and skill.brand_id == model.brand_id
            for skill in skills
        )
        if exact:
            return _("certified for %(model)s, %(level)s") % {
                "model": f"{model.product_type} · {model.brand}",
                "level": level,
            }
        return _("repairs %(type)s, %(level)s") % {"type": model.product_type, "level": level}

    # --- building the problem ------------------------------------------------------------

    def build(
        self,
        technicians: Sequence[TechnicianDay],
        jobs: Sequence[JobInfo],
        *,
        fixed: dict[int, list[int]] | None = None,
    ) -> Built:
        """The optimiser's problem: technicians (by user id) and jobs (by work order id).
        `fixed` lists each technician's started jobs, kept first in that order."""
        fixed = fixed or {}
        unplannable: dict[int, str] = {}
        plannable = []
        for job in jobs:
            if job.point is None:
                unplannable[job.pk] = _("the site has no position on the map")
            else:
                plannable.append(job)
        points: list[Point] = []
        labels: dict[int, str] = {}

        def place(point: Point, label: str) -> int:
            points.append(point)
            labels[len(points) - 1] = label
            return len(points) - 1

        by_user: dict[int, TechnicianDay] = {}
        starts: dict[int, tuple[int, int | None]] = {}
        for technician in technicians:
            if not technician.is_available and not fixed.get(technician.user.pk):
                continue
            if technician.start_point is None:
                continue
            by_user[technician.user.pk] = technician
            start_point = technician.start_point
            on_site = [
                job
                for job in plannable
                if job.pk in fixed.get(technician.user.pk, [])
                and job.work_order.status == S.ON_SITE
            ]
            start_label = technician.start_label
            if on_site:
                start_point, start_label = on_site[0].point, on_site[0].work_order.number  # type: ignore[assignment]
            start = place(start_point, start_label)
            end = (
                place(technician.end_point, str(_("home base")))
                if technician.end_point is not None
                else None
            )
            starts[technician.user.pk] = (start, end)
        job_location = {job.pk: place(job.point, job.work_order.number) for job in plannable}  # type: ignore[arg-type]
        travel = self.provider.matrix(points)

        tokens_needed = {job.product_token for job in plannable if job.product_token}
        regions_needed = {job.region_id for job in plannable if job.region_id is not None}
        optimiser_jobs = []
        for job in plannable:
            requires = set()
            if job.product_token:
                requires.add(job.product_token)
            if job.region_id is not None:
                requires.add(f"region:{job.region_id}")
            service = job.estimate.minutes * 60
            if job.work_order.status == S.ON_SITE and job.work_order.arrived_at is not None:
                elapsed = (self.now - job.work_order.arrived_at).total_seconds()
                service = max(int(service - elapsed), 0)
            optimiser_jobs.append(
                optimiser.Job(
                    key=job.pk,
                    location=job_location[job.pk],
                    service_seconds=service,
                    due_at=self.seconds(job.due_at) if job.due_at is not None else None,
                    requires=frozenset(requires),
                )
            )
        jobs_by_pk = {job.pk: job for job in plannable}
        optimiser_technicians = []
        for user_id, technician in by_user.items():
            skills = set()
            for token in tokens_needed:
                _kind, type_id, brand_id = token.split(":")
                if self._covers_product(technician, int(type_id), int(brand_id)):
                    skills.add(token)
            for region_id in regions_needed:
                if self._covers_region(technician, region_id):
                    skills.add(f"region:{region_id}")
            # A started job stays with its technician, whatever the skills say.
            for key in fixed.get(user_id, []):
                if key in jobs_by_pk:
                    skills |= next(j.requires for j in optimiser_jobs if j.key == key)
            start, end = starts[user_id]
            shift_start = technician.shift_start or self.now
            shift_end = technician.shift_end or self.now
            optimiser_technicians.append(
                optimiser.Technician(
                    key=user_id,
                    start_location=start,
                    end_location=end,
                    shift_start=self.seconds(shift_start),
                    shift_end=max(self.seconds(shift_end), self.seconds(shift_start)),
                    skills=frozenset(skills),
                    capacity=technician.capacity,
                    fixed=tuple(key for key in fixed.get(user_id, []) if key in jobs_by_pk),
                    available_from=(
                        self.seconds(self.starts_from) if self.starts_from is not None else None
                    ),
                )
            )
        problem = optimiser.Problem(
            jobs=tuple(optimiser_jobs),
            technicians=tuple(optimiser_technicians),
            durations=travel.durations,
            distances=travel.distances,
        )
        return Built(problem, jobs_by_pk, by_user, unplannable, travel, labels)

    def _covers_product(self, technician: TechnicianDay, type_id: int, brand_id: int) -> bool:
        skills = list(technician.profile.skills.all())
        return not skills or any(
            skill.covers(product_type_id=type_id, brand_id=brand_id) for skill in skills
        )

    def _covers_region(self, technician: TechnicianDay, region_id: int) -> bool:
        regions = {region.pk for region in technician.profile.regions.all()}
        return not regions or bool(({region_id} | self._ancestors_of(region_id)) & regions)


# --- what the board shows --------------------------------------------------------------------


def centre_work_orders(
    organisation: Organisation, *, statuses: Iterable[str]
) -> QuerySet[WorkOrder]:
    return (
        needs_visit(WorkOrder.objects.filter(handling_organisation__in=subtree(organisation)))
        .filter(status__in=list(statuses))
        .select_related(
            "customer",
            "site",
            "product_model",
            "product_model__product_type",
            "product_model__brand",
            "technician",
        )
    )


def planned_days(work_order_ids: Iterable[int]) -> dict[int, tuple[datetime.date, int]]:
    """(day, order in the day) of each order's latest accepted plan assignment."""
    found: dict[int, tuple[datetime.date, int]] = {}
    rows = (
        PlanAssignment.objects.filter(
            work_order_id__in=list(work_order_ids),
            status=AssignmentStatus.ACCEPTED,
            technician__isnull=False,
        )
        .order_by("plan__created_at", "plan_id")
        .values_list("work_order_id", "plan__day", "sequence")
    )
    for work_order_id, day, sequence in rows:
        found[work_order_id] = (day, sequence)
    return found


@dataclass
class DayQueues:
    """The unassigned orders and each technician's queue of the day, in order."""

    unassigned: list[WorkOrder]
    queues: dict[int, list[WorkOrder]]  # technician user id → orders


def day_queues(
    planner: DayPlanner, *, region_ids: set[int] | None = None, unassigned_limit: int = 200
) -> DayQueues:
    """Unassigned: registered visits called in before the day ends. A technician's queue, for
    today and later days: their open visits not planned for another day, started ones first,
    then in the accepted plan's order, then by due time."""
    end = planner.end_of_day
    unassigned_qs = centre_work_orders(planner.organisation, statuses=[S.REGISTERED]).filter(
        reported_at__lt=end
    )
    if region_ids is not None:
        unassigned_qs = unassigned_qs.filter(site__region_id__in=region_ids)
    unassigned = list(unassigned_qs.order_by("reported_at", "id")[:unassigned_limit])
    queues: dict[int, list[WorkOrder]] = defaultdict(list)
    if planner.is_past:
        return DayQueues(unassigned=[], queues=queues)
    assigned = list(
        centre_work_orders(planner.organisation, statuses=IN_QUEUE).filter(technician__isnull=False)
    )
    planned = planned_days(order.pk for order in assigned)
    today = timezone.localdate(planner.now)
    dues = planner.due_times(order.pk for order in assigned)
    for order in assigned:
        day, _sequence = planned.get(order.pk, (None, 0))
        effective = day if day is not None and day >= today else None
        if order.status in STARTED and not planner.is_today:
            continue
        if effective is not None and effective != planner.day and order.status not in STARTED:
            continue
        queues[order.technician_id].append(order)  # type: ignore[index]
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def order_key(order: WorkOrder) -> tuple[int, int, datetime.datetime, int]:
        started = 0 if order.status == S.ON_SITE else 1 if order.status == S.EN_ROUTE else 2
        day, sequence = planned.get(order.pk, (None, 0))
        in_plan = sequence if day == planner.day else 10_000
        due = dues.get(order.pk, (far, ""))[0]
        return started, in_plan, due, order.pk

    for orders in queues.values():
        orders.sort(key=order_key)
    return DayQueues(unassigned=unassigned, queues=queues)


@dataclass
class Block:
    """One job on a technician's line of the board."""

    work_order: WorkOrder
    start: datetime.datetime
    end: datetime.datetime
    arrival: datetime.datetime | None
    due_at: datetime.datetime | None
    late_minutes: int
    travel_minutes: int
    is_done: bool = False


@dataclass
class Lane:
    technician: TechnicianDay
    blocks: list[Block]
    load: int
    ends_at: datetime.datetime | None
    is_overloaded: bool = False


def schedule_queues(
    planner: DayPlanner, technicians: Sequence[TechnicianDay], queues: DayQueues
) -> dict[int, Lane]:
    """Time each technician's queue from now (today) or their shift start."""
    orders = [order for queue in queues.queues.values() for order in queue]
    infos = {info.pk: info for info in planner.job_infos(orders)}
    fixed = {
        user_id: [order.pk for order in queue if order.status in STARTED]
        for user_id, queue in queues.queues.items()
    }
    # A technician is drawn with their queue even when off shift (the board shows the problem).
    built = planner.build(
        [
            technician if technician.is_available else _on_paper(planner, technician)
            for technician in technicians
        ],
        list(infos.values()),
        fixed=fixed,
    )
    assignment = {
        user_id: [order.pk for order in queue if order.pk in built.jobs]
        for user_id, queue in queues.queues.items()
        if user_id in built.technicians
    }
    plan = optimiser.evaluate(built.problem, assignment)
    lanes: dict[int, Lane] = {}
    for technician in technicians:
        user_id = technician.user.pk
        route = plan.routes.get(user_id)
        blocks = []
        if route is not None:
            for visit in route.visits:
                info = built.jobs[int(visit.job)]
                blocks.append(
                    Block(
                        work_order=info.work_order,
                        start=planner.instant(visit.start),
                        end=planner.instant(visit.end),
                        arrival=planner.instant(visit.arrival),
                        due_at=info.due_at,
                        late_minutes=math.ceil(visit.lateness / 60),
                        travel_minutes=round(visit.travel_seconds / 60),
                    )
                )
        load = len(queues.queues.get(user_id, []))
        ends = planner.instant(route.ends_at) if route is not None and route.visits else None
        overloaded = load > technician.capacity or (
            ends is not None and technician.shift_end is not None and ends > technician.shift_end
        )
        lanes[user_id] = Lane(technician, blocks, load, ends, overloaded)
    return lanes


def _on_paper(planner: DayPlanner, technician: TechnicianDay) -> TechnicianDay:
    """An unavailable technician drawn on the board anyway: a nominal shift from now."""
    start = technician.shift_start or planner.starts_from or planner.origin
    return TechnicianDay(
        profile=technician.profile,
        shift_start=start,
        shift_end=technician.shift_end or start,
        capacity=technician.capacity,
        start_point=technician.start_point,
        start_label=technician.start_label,
        end_point=technician.end_point,
        unavailable="",
    )


# --- suggestions ---------------------------------------------------------------------------


@dataclass
class Suggestion:
    technician: TechnicianDay
    eligible: bool
    reasons: list[str]
    arrival_at: datetime.datetime | None = None
    late_minutes: int = 0
    others_late: int = 0
    travel_minutes: int = 0
    added_distance_m: int = 0
    load: int = 0
    position: int = 0
    score: tuple[Any, ...] = ()


def _duration_text(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    return _("%(minutes)d min") % {"minutes": rest}


def suggest(
    planner: DayPlanner,
    work_order: WorkOrder,
    *,
    technicians: Sequence[TechnicianDay],
    queues: DayQueues,
) -> list[Suggestion]:
    """Every technician of the centre ranked for `work_order`: first who may take it (skills,
    region, shift, capacity), then who gets there on time, makes no other job late, drives
    least and has the lightest day. Each with the reasons."""
    target = planner.job_infos([work_order])[0]
    lanes_orders = {
        user_id: [order for order in queue if order.pk != work_order.pk]
        for user_id, queue in queues.queues.items()
    }
    infos = {
        info.pk: info
        for info in planner.job_infos([order for queue in lanes_orders.values() for order in queue])
    }
    infos[target.pk] = target
    fixed = {
        user_id: [order.pk for order in queue if order.status in STARTED]
        for user_id, queue in lanes_orders.items()
    }
    candidates = [t for t in technicians if t.is_available]
    built = planner.build(candidates, list(infos.values()), fixed=fixed)
    results: list[Suggestion] = []
    if target.pk not in built.jobs:
        reason = built.unplannable.get(target.pk, _("the site has no position on the map"))
        return [Suggestion(t, False, [reason]) for t in technicians]
    problem = built.problem
    assignment = {
        user_id: [order.pk for order in lanes_orders.get(user_id, []) if order.pk in built.jobs]
        for user_id in built.technicians
    }
    current = optimiser.evaluate(problem, assignment)
    job = problem.job(target.pk)
    by_key = {t.key: t for t in problem.technicians}
    for technician in technicians:
        user_id = technician.user.pk
        load = len(lanes_orders.get(user_id, []))
        if not technician.is_available:
            results.append(Suggestion(technician, False, [technician.unavailable], load=load))
            continue
        refusal = planner.why_not(technician, target)
        if refusal:
            results.append(Suggestion(technician, False, [refusal], load=load))
            continue
        if load >= technician.capacity:
            results.append(
                Suggestion(
                    technician,
                    False,
                    [
                        _("full: %(load)d of %(capacity)d jobs")
                        % {"load": load, "capacity": technician.capacity}
                    ],
                    load=load,
                )
            )
            continue
        option = optimiser.best_insertion(problem, current, job, by_key[user_id])
        if option is None:
            results.append(
                Suggestion(technician, False, [_("no time left in the shift")], load=load)
            )
            continue
        position, route, delta = option
        visit = route.visits[position]
        previous = (
            built.labels.get(problem.job(route.visits[position - 1].job).location, "")
            if position > 0
            else built.labels.get(by_key[user_id].start_location, technician.start_label)
        )
        arrival = planner.instant(visit.arrival)
        late = math.ceil(visit.lateness / 60)
        others_late = max(delta[0] - (1 if visit.lateness else 0), 0)
        reasons = [planner.skill_note(technician, target)]
        reasons.append(
            _("%(time)s drive (%(km).1f km) from %(place)s")
            % {
                "time": _duration_text(round(visit.travel_seconds / 60)),
                "km": visit.travel_distance / 1000,
                "place": previous,
            }
        )
        if target.due_at is None:
            reasons.append(_("arrives %(at)s; no due time") % {"at": f"{arrival:%H:%M}"})
        elif late:
            reasons.append(
                _("arrives %(at)s, %(late)s after the due time")
                % {"at": f"{arrival:%H:%M}", "late": _duration_text(late)}
            )
        else:
            spare = int((target.due_at - planner.instant(visit.start)).total_seconds() // 60)
            reasons.append(
                _("arrives %(at)s, %(spare)s before the due time")
                % {"at": f"{arrival:%H:%M}", "spare": _duration_text(spare)}
            )
        reasons.append(
            _("%(load)d of %(capacity)d jobs that day")
            % {"load": load + 1, "capacity": technician.capacity}
        )
        if others_late:
            reasons.append(_("makes %(count)d other job(s) late") % {"count": others_late})
        score = (
            1 if late else 0,
            others_late,
            late,
            delta[2],
            load / technician.capacity,
            -LEVEL_RANK.get(CertificationLevel(technician.profile.certification_level), 0),
        )
        results.append(
            Suggestion(
                technician,
                True,
                reasons,
                arrival_at=arrival,
                late_minutes=late,
                others_late=others_late,
                travel_minutes=round(visit.travel_seconds / 60),
                added_distance_m=delta[2],
                load=load,
                position=position,
                score=score,
            )
        )
    eligible = sorted((s for s in results if s.eligible), key=lambda s: s.score)
    others = [s for s in results if not s.eligible]
    return eligible + others


# --- a day plan ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a plan, ready to be stored as a PlanAssignment."""

    work_order: WorkOrder
    technician_id: int | None
    sequence: int = 0
    arrival_at: datetime.datetime | None = None
    start_at: datetime.datetime | None = None
    end_at: datetime.datetime | None = None
    due_at: datetime.datetime | None = None
    late_minutes: int = 0
    service_minutes: int = 0
    travel_minutes: int = 0
    travel_distance_m: int = 0
    is_fixed: bool = False
    reason: str = ""


@dataclass
class DayPlan:
    rows: list[Row]
    technician_count: int
    plan: optimiser.Plan
    travel_source: str
    travel_note: str

    @property
    def late_count(self) -> int:
        return sum(1 for row in self.rows if row.technician_id and row.late_minutes)

    @property
    def unassigned_count(self) -> int:
        return sum(1 for row in self.rows if row.technician_id is None)


def plan_day(
    planner: DayPlanner,
    *,
    region: Region | None,
    time_limit: float,
    progress: optimiser.ProgressCallback | None = None,
) -> DayPlan:
    """Plan the day: every unassigned visit and every queued one that has not started goes to
    the technician and place that serve the most jobs on time, then drive least; today, started
    jobs stay first with their technician, and nothing is planned before now."""
    region_ids = region_subtree_ids(region) if region is not None else None
    technicians = [planner.technician_day(profile) for profile in planner.profiles(region=region)]
    in_plan = {technician.user.pk for technician in technicians}
    queues = day_queues(planner, region_ids=region_ids, unassigned_limit=10_000)
    orders = list(queues.unassigned)
    fixed: dict[int, list[int]] = {}
    current: dict[int, list[int]] = {}
    for user_id, queue in queues.queues.items():
        if user_id not in in_plan:
            continue
        for order in queue:
            orders.append(order)
            if order.status in STARTED:
                fixed.setdefault(user_id, []).append(order.pk)
            current.setdefault(user_id, []).append(order.pk)
    infos = planner.job_infos(orders)
    built = planner.build(technicians, infos, fixed=fixed)
    initial = {
        user_id: [key for key in keys if key in built.jobs]
        for user_id, keys in current.items()
        if user_id in built.technicians
    }
    result = optimiser.solve(
        built.problem, time_limit=time_limit, progress=progress, initial=initial
    )
    rows: list[Row] = []
    for user_id, route in result.routes.items():
        for sequence, visit in enumerate(route.visits, start=1):
            info = built.jobs[int(visit.job)]
            job = built.problem.job(visit.job)
            rows.append(
                Row(
                    work_order=info.work_order,
                    technician_id=int(user_id),
                    sequence=sequence,
                    arrival_at=planner.instant(visit.arrival),
                    start_at=planner.instant(visit.start),
                    end_at=planner.instant(visit.end),
                    due_at=info.due_at,
                    late_minutes=math.ceil(visit.lateness / 60),
                    service_minutes=math.ceil(job.service_seconds / 60),
                    travel_minutes=round(visit.travel_seconds / 60),
                    travel_distance_m=visit.travel_distance,
                    is_fixed=visit.is_fixed,
                )
            )
    available = [t for t in built.technicians.values() if t.is_available]
    for key in result.unassigned:
        info = built.jobs[int(key)]
        if not any(not planner.why_not(t, info) for t in available):
            reason = _("No technician on shift may repair it or covers its region.")
        else:
            reason = _("No technician has time for it on this day.")
        rows.append(
            Row(work_order=info.work_order, technician_id=None, due_at=info.due_at, reason=reason)
        )
    info_by_pk = {info.pk: info for info in infos}
    for work_order_id, reason in built.unplannable.items():
        info = info_by_pk[work_order_id]
        rows.append(
            Row(work_order=info.work_order, technician_id=None, due_at=info.due_at, reason=reason)
        )
    return DayPlan(
        rows=rows,
        technician_count=len(available),
        plan=result,
        travel_source=built.travel.source,
        travel_note=built.travel.note,
    )
