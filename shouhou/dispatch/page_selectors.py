"""What the dispatch pages show, assembled from selectors and the planner: the board's lanes and
cards positioned on the day's timeline, and the technician's day on the phone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.utils import timezone

from shouhou.core.models import Organisation, Region, User
from shouhou.dispatch.models import AssignmentStatus, FieldVisit, PlanAssignment
from shouhou.dispatch.planning import (
    STARTED,
    Block,
    DayPlanner,
    DayQueues,
    Lane,
    TechnicianDay,
    day_queues,
    region_subtree_ids,
    schedule_queues,
)
from shouhou.dispatch.selectors import recent_plans
from shouhou.sla.models import SlaClock, SlaMetric
from shouhou.sla.selectors import DueBadge, due_badge
from shouhou.tickets.models import WorkOrder, WorkOrderStatus

EARLIEST_HOUR = 7
LATEST_HOUR = 20


@dataclass
class Card:
    """An unassigned work order on the board."""

    work_order: WorkOrder
    due_at: datetime.datetime | None
    badge: DueBadge | None
    minutes: int


@dataclass
class PlacedBlock:
    block: Block
    left: float  # % of the timeline
    width: float
    badge: DueBadge | None


@dataclass
class PlacedLane:
    lane: Lane
    blocks: list[PlacedBlock]
    shift_left: float
    shift_width: float


@dataclass
class Board:
    centre: Organisation
    day: datetime.date
    region: Region | None
    planner: DayPlanner
    cards: list[Card]
    lanes: list[PlacedLane]
    hours: list[tuple[str, float]]
    now_left: float | None
    plans: list[Any]
    unassigned_total: int


def _timeline(
    planner: DayPlanner, technicians: list[TechnicianDay], lanes: dict[int, Lane]
) -> tuple[datetime.datetime, datetime.datetime]:
    start = planner.origin + datetime.timedelta(hours=EARLIEST_HOUR)
    end = planner.origin + datetime.timedelta(hours=LATEST_HOUR)
    for technician in technicians:
        if technician.shift_start is not None:
            start = min(start, technician.shift_start)
        if technician.shift_end is not None:
            end = max(end, technician.shift_end)
    for lane in lanes.values():
        for block in lane.blocks:
            start = min(start, block.start)
            end = max(end, block.end)
    # Whole hours, and at most the day (a block running past midnight is cut at the edge).
    start = max(start.replace(minute=0, second=0, microsecond=0), planner.origin)
    end = min(
        end.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1),
        planner.end_of_day,
    )
    return start, end


def _position(
    start: datetime.datetime, end: datetime.datetime, a: datetime.datetime, b: datetime.datetime
) -> tuple[float, float]:
    span = (end - start).total_seconds()
    left = max(0.0, min(100.0, (a - start).total_seconds() / span * 100))
    right = max(0.0, min(100.0, (b - start).total_seconds() / span * 100))
    return round(left, 2), round(max(right - left, 0.6), 2)


def done_blocks(planner: DayPlanner, technician_ids: list[int]) -> dict[int, list[Block]]:
    """The day's finished visits of the technicians (arrival to completion), for the board."""
    found: dict[int, list[Block]] = {}
    visits = (
        FieldVisit.objects.filter(
            technician_id__in=technician_ids,
            arrived_at__gte=planner.origin,
            arrived_at__lt=planner.end_of_day,
            completed_at__isnull=False,
        )
        .select_related("work_order", "work_order__customer")
        .order_by("arrived_at")
    )
    for visit in visits:
        found.setdefault(visit.technician_id, []).append(
            Block(
                work_order=visit.work_order,
                start=visit.arrived_at,  # type: ignore[arg-type]
                end=visit.completed_at,  # type: ignore[arg-type]
                arrival=visit.arrived_at,
                due_at=None,
                late_minutes=0,
                travel_minutes=0,
                is_done=True,
            )
        )
    return found


def board(
    *, user: User, centre: Organisation, day: datetime.date, region: Region | None = None
) -> Board:
    """The dispatch board of one centre and day."""
    planner = DayPlanner(organisation=centre, day=day)
    region_ids = region_subtree_ids(region) if region is not None else None
    technicians = [planner.technician_day(p) for p in planner.profiles(region=region)]
    queues: DayQueues = day_queues(planner, region_ids=region_ids)
    known = {technician.user.pk for technician in technicians}
    queues.queues = {key: value for key, value in queues.queues.items() if key in known}
    lanes = schedule_queues(planner, technicians, queues) if technicians else {}
    for user_id, blocks in done_blocks(planner, list(known)).items():
        lanes[user_id].blocks = blocks + lanes[user_id].blocks
    start, end = _timeline(planner, technicians, lanes)
    now = planner.now
    placed_lanes = []
    for technician in sorted(technicians, key=lambda t: (not t.is_available, str(t.user))):
        lane = lanes[technician.user.pk]
        placed = []
        for block in lane.blocks:
            left, width = _position(start, end, block.start, block.end)
            badge = None if block.is_done else due_badge(block.due_at, now=now)
            placed.append(PlacedBlock(block, left, width, badge))
        shift_left, shift_width = (0.0, 0.0)
        if technician.shift_start and technician.shift_end:
            shift_left, shift_width = _position(
                start, end, technician.shift_start, technician.shift_end
            )
        placed_lanes.append(PlacedLane(lane, placed, shift_left, shift_width))
    infos = planner.job_infos(queues.unassigned)
    cards = sorted(
        (
            Card(
                work_order=info.work_order,
                due_at=info.due_at,
                badge=due_badge(info.due_at, now=now),
                minutes=info.estimate.minutes,
            )
            for info in infos
        ),
        key=lambda card: (card.due_at is None, card.due_at or now),
    )
    hours = []
    moment = start
    while moment < end:
        hours.append((f"{timezone.localtime(moment):%H}", _position(start, end, moment, moment)[0]))
        moment += datetime.timedelta(hours=1)
    now_left = _position(start, end, now, now)[0] if start <= now <= end else None
    return Board(
        centre=centre,
        day=day,
        region=region,
        planner=planner,
        cards=cards,
        lanes=placed_lanes,
        hours=hours,
        now_left=now_left,
        plans=recent_plans(user=user, organisation=centre),
        unassigned_total=len(queues.unassigned),
    )


# --- the technician's phone ------------------------------------------------------------------

PHONE_STATUSES = (
    WorkOrderStatus.DISPATCHED,
    WorkOrderStatus.ACCEPTED,
    WorkOrderStatus.EN_ROUTE,
    WorkOrderStatus.ON_SITE,
    WorkOrderStatus.WAITING_PARTS,
    WorkOrderStatus.WAITING_CUSTOMER,
    WorkOrderStatus.RESOLVED,
)


@dataclass
class PhoneJob:
    work_order: WorkOrder
    sequence: int | None
    planned_arrival: datetime.datetime | None
    due_at: datetime.datetime | None
    badge: DueBadge | None
    map_url: str
    geo_url: str


def map_links(work_order: WorkOrder) -> tuple[str, str]:
    """An amap (高德) link and a geo: link to the site, when it has a position."""
    site = work_order.site
    if site is None or site.latitude is None or site.longitude is None:
        return "", ""
    lat, lng = f"{site.latitude:.6f}", f"{site.longitude:.6f}"
    name = quote(work_order.address or site.name)
    amap = f"https://uri.amap.com/marker?position={lng},{lat}&name={name}&coordinate=wgs84"
    return amap, f"geo:{lat},{lng}?q={lat},{lng}"


def my_jobs(*, user: User, now: datetime.datetime | None = None) -> list[PhoneJob]:
    """The technician's open jobs today, in the planned order: started first, then the order of
    today's accepted plan, then by due time; resolved ones waiting for a signature last."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    orders = list(
        WorkOrder.objects.filter(technician=user, status__in=PHONE_STATUSES)
        .select_related("customer", "site", "product_model")
        .order_by("id")[:100]
    )
    planned = {
        row.work_order_id: row
        for row in PlanAssignment.objects.filter(
            work_order__in=[order.pk for order in orders],
            technician=user,
            status=AssignmentStatus.ACCEPTED,
            plan__day=today,
        ).order_by("plan__created_at")
    }
    dues: dict[int, datetime.datetime] = {}
    for work_order_id, metric, due_at in SlaClock.objects.filter(
        work_order__in=[order.pk for order in orders],
        met_at__isnull=True,
        metric__in=[SlaMetric.ARRIVAL, SlaMetric.RESOLUTION],
    ).values_list("work_order_id", "metric", "due_at"):
        if metric == SlaMetric.ARRIVAL or work_order_id not in dues:
            dues[work_order_id] = due_at
    jobs = []
    for order in orders:
        row = planned.get(order.pk)
        amap, geo = map_links(order)
        due = dues.get(order.pk)
        jobs.append(
            PhoneJob(
                work_order=order,
                sequence=row.sequence if row else None,
                planned_arrival=row.arrival_at if row else None,
                due_at=due,
                badge=due_badge(due, now=now),
                map_url=amap,
                geo_url=geo,
            )
        )
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    rank = {WorkOrderStatus.ON_SITE: 0, WorkOrderStatus.EN_ROUTE: 1}

    def key(job: PhoneJob) -> tuple[int, int, datetime.datetime, int]:
        status = job.work_order.status
        if status in STARTED:
            group = rank[WorkOrderStatus(status)]
        elif status == WorkOrderStatus.RESOLVED:
            group = 4
        elif status in (WorkOrderStatus.WAITING_PARTS, WorkOrderStatus.WAITING_CUSTOMER):
            group = 3
        else:
            group = 2
        return group, job.sequence or 10_000, job.due_at or far, job.work_order.pk

    return sorted(jobs, key=key)


def my_job(*, user: User, work_order_id: int) -> PhoneJob | None:
    for job in my_jobs(user=user):
        if job.work_order.pk == work_order_id:
            return job
    return None


def assignments_of(plan_rows: QuerySet[PlanAssignment]) -> dict[Any, list[PlanAssignment]]:
    """A plan's rows grouped by technician (None: not planned), in their order."""
    grouped: dict[Any, list[PlanAssignment]] = {}
    for row in plan_rows:
        grouped.setdefault(row.technician, []).append(row)
    return grouped
