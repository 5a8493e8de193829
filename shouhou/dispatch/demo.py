"""Demo dispatch data for `seed_demo` (called by shouhou.core.demo): a dispatch profile for every
technician (home base near their service centre, skills, level, capacity), and for the demo's
past work orders the field visits a phone would have recorded (departure from the home base,
arrival and completion at the site, a few metres of GPS noise, distances by the default travel
provider) with their positions, then the duration estimates from that history.

Deterministic: its own `random.Random(seed)`, so the work-order simulation's draws are not
disturbed. Profiles go through the services (audited); visits and positions are bulk rows."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from shouhou.assets.models import ProductType
from shouhou.core.models import Organisation, User
from shouhou.dispatch.models import (
    CertificationLevel,
    DistanceSource,
    FieldVisit,
    PositionEvent,
    TechnicianPosition,
    TechnicianProfile,
)
from shouhou.dispatch.selectors import settings_for
from shouhou.dispatch.services import (
    add_skill,
    create_technician_profile,
    recompute_duration_estimates,
)
from shouhou.dispatch.travel import Point, great_circle_for
from shouhou.tickets.models import WorkOrder

LEVELS = (CertificationLevel.SENIOR, CertificationLevel.INTERMEDIATE, CertificationLevel.JUNIOR)
# Bank equipment for the provider; everything the catalogue has for the service centres.
PROVIDER_SKILLS = ("ATM", "CRS", "BCC")
HOME_SPREAD = 0.05  # degrees around the centre's district
GPS_NOISE = 0.0004  # degrees, some 40 m


@dataclass(frozen=True)
class DemoTechnician:
    user: User
    organisation: Organisation
    latitude: float
    longitude: float
    is_provider: bool


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _profiles(rng: random.Random, technicians: Sequence[DemoTechnician]) -> dict[int, Point]:
    types = list(ProductType.objects.order_by("code"))
    by_code = {kind.code: kind for kind in types}
    homes: dict[int, Point] = {}
    per_centre: dict[int, int] = {}
    for person in technicians:
        rank = per_centre.get(person.organisation.pk, 0)
        per_centre[person.organisation.pk] = rank + 1
        latitude = person.latitude + rng.uniform(-HOME_SPREAD, HOME_SPREAD)
        longitude = person.longitude + rng.uniform(-HOME_SPREAD, HOME_SPREAD)
        profile = create_technician_profile(
            by=None,
            user=person.user,
            home_centre=person.organisation,
            certification_level=LEVELS[min(rank, len(LEVELS) - 1)],
            home_latitude=_coordinate(latitude),
            home_longitude=_coordinate(longitude),
            daily_capacity=rng.choice((5, 6, 6, 8)),
        )
        homes[person.user.pk] = Point(latitude, longitude)
        if person.is_provider:
            skills = [by_code[code] for code in PROVIDER_SKILLS if code in by_code]
        else:
            # Everyone repairs the bank machines; each also has one or two other trades, so
            # that every product type has someone in every centre.
            skills = [by_code[code] for code in ("ATM", "CRS") if code in by_code]
            others = [kind for kind in types if kind.code not in ("ATM", "CRS")]
            if others:
                skills.append(others[rank % len(others)])
                if rng.random() < 0.5:
                    skills.append(others[(rank + 1) % len(others)])
        for kind in dict.fromkeys(skills):
            add_skill(profile=profile, by=None, product_type=kind)
    return homes


def _jitter(rng: random.Random, point: Point) -> Point:
    return Point(
        point.latitude + rng.uniform(-GPS_NOISE, GPS_NOISE),
        point.longitude + rng.uniform(-GPS_NOISE, GPS_NOISE),
        point.zone,
    )


def _visits(rng: random.Random, homes: dict[int, Point]) -> tuple[int, int]:
    provider = great_circle_for(settings_for(None))
    orders = (
        WorkOrder.objects.filter(technician_id__in=list(homes))
        .exclude(departed_at=None, arrived_at=None)
        .select_related("site")
        .order_by("number")
    )
    visits: list[FieldVisit] = []
    positions: list[TechnicianPosition] = []
    last: dict[int, tuple[datetime.datetime, Point]] = {}
    for order in orders.iterator(chunk_size=500):
        site = order.site
        if site is None or site.latitude is None or site.longitude is None:
            continue
        technician_id = order.technician_id
        assert technician_id is not None  # noqa: S101 - filtered above
        home = homes[technician_id]
        target = Point(float(site.latitude), float(site.longitude), order.zone)
        set_off = _jitter(rng, home)
        there = _jitter(rng, target)
        visit = FieldVisit(
            work_order=order,
            technician_id=technician_id,
            organisation_id=order.handling_organisation_id,
            dispatched_at=order.dispatched_at,
            departed_at=order.departed_at,
            arrived_at=order.arrived_at,
            on_day=timezone.localdate(order.arrived_at or order.departed_at),
        )
        events: list[tuple[str, datetime.datetime | None, Point]] = [
            (PositionEvent.DEPART, order.departed_at, set_off),
            (PositionEvent.ARRIVE, order.arrived_at, there),
        ]
        if order.departed_at is not None:
            visit.departed_latitude = _coordinate(set_off.latitude)
            visit.departed_longitude = _coordinate(set_off.longitude)
        if order.arrived_at is not None:
            visit.arrived_latitude = _coordinate(there.latitude)
            visit.arrived_longitude = _coordinate(there.longitude)
            table = provider.matrix([set_off, there, home])
            visit.outbound_distance_m = int(table.distances[0, 1])
            visit.distance_source = DistanceSource.POSITIONS
            if order.resolved_at is not None and order.resolved_at >= order.arrived_at:
                visit.completed_at = order.resolved_at
                visit.completed_latitude = visit.arrived_latitude
                visit.completed_longitude = visit.arrived_longitude
                visit.return_distance_m = int(table.distances[1, 2])
                events.append((PositionEvent.COMPLETE, order.resolved_at, there))
        visits.append(visit)
        for event, moment, point in events:
            if moment is None:
                continue
            positions.append(
                TechnicianPosition(
                    technician_id=technician_id,
                    organisation_id=order.handling_organisation_id,
                    at=moment,
                    latitude=_coordinate(point.latitude),
                    longitude=_coordinate(point.longitude),
                    accuracy_m=rng.randint(5, 30),
                    event=event,
                    work_order=order,
                )
            )
            if technician_id not in last or last[technician_id][0] < moment:
                last[technician_id] = (moment, point)
    FieldVisit.objects.bulk_create(visits, batch_size=1000)
    TechnicianPosition.objects.bulk_create(positions, batch_size=1000)
    for technician_id, (moment, point) in last.items():
        TechnicianProfile.objects.filter(user_id=technician_id).update(
            last_latitude=_coordinate(point.latitude),
            last_longitude=_coordinate(point.longitude),
            last_position_at=moment,
        )
    return len(visits), len(positions)


def seed_dispatch_demo(
    *,
    seed: int,
    technicians: Sequence[DemoTechnician],
    with_history: bool,
    now: datetime.datetime,
) -> dict[str, int]:
    """Profiles for `technicians`; with the history, their field visits and the estimates."""
    rng = random.Random(seed * 7919 + 5)  # noqa: S311 - reproducible demo data
    homes = _profiles(rng, technicians)
    counts = {"technician profiles": len(homes)}
    if with_history:
        visits, positions = _visits(rng, homes)
        counts["field visits"] = visits
        counts["technician positions"] = positions
        counts["duration estimates"] = recompute_duration_estimates(now=now)
    return counts
