"""The field-work report (002 §2.3.3 服务时长, §2.4.2 人员人力分析): per technician, how long
they took to set off (出发时长), to get there, how far they went there and back (往返路程), how
long the repairs took (修复时长), their working time, and the days they were overloaded
(超负荷情况: more jobs than their daily capacity)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum

from shouhou.core.models import Organisation, User
from shouhou.core.scoping import scoped
from shouhou.dispatch.models import TechnicianProfile
from shouhou.dispatch.selectors import field_visits_visible_to, settings_for
from shouhou.tickets.models import LabourLine


def _minutes(start: datetime.datetime | None, end: datetime.datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


@dataclass
class Measure:
    total: float = 0.0
    count: int = 0

    def add(self, value: float | None) -> None:
        if value is not None:
            self.total += value
            self.count += 1

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def hours(self) -> float | None:
        """The total, for a measure in minutes, in hours."""
        return self.total / 60 if self.count else None


@dataclass
class FieldRow:
    label: str
    technician: User | None
    visits: int = 0
    departure: Measure = field(default_factory=Measure)  # dispatched → departed, minutes
    travel: Measure = field(default_factory=Measure)  # departed → arrived, minutes
    distance: Measure = field(default_factory=Measure)  # there and back, km
    repair: Measure = field(default_factory=Measure)  # arrived → completed, minutes
    working_minutes: int = 0
    days: set[datetime.date] = field(default_factory=set)
    overloaded_days: list[datetime.date] = field(default_factory=list)
    capacity: int = 0

    @property
    def working_hours(self) -> float:
        return self.working_minutes / 60

    def merge(self, other: FieldRow) -> None:
        self.visits += other.visits
        for name in ("departure", "travel", "distance", "repair"):
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.total += theirs.total
            mine.count += theirs.count
        self.working_minutes += other.working_minutes
        self.overloaded_days += other.overloaded_days


@dataclass
class FieldReport:
    rows: list[FieldRow]
    total: FieldRow


def field_report(
    *,
    user: User | AnonymousUser,
    organisation: Organisation,
    date_from: datetime.date,
    date_to: datetime.date,
) -> FieldReport:
    """Completed field visits of the centre's technicians between two dates (inclusive)."""
    subtree = Organisation.objects.filter(path__startswith=organisation.path)
    visits = (
        field_visits_visible_to(user=user)
        .filter(organisation__in=subtree, on_day__gte=date_from, on_day__lte=date_to)
        .order_by("technician_id", "on_day", "id")
    )
    capacities = {
        profile.user_id: profile.daily_capacity
        for profile in TechnicianProfile.objects.filter(home_centre__in=subtree)
    }
    default_capacity = settings_for(organisation).default_daily_capacity
    rows: dict[int, FieldRow] = {}
    per_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for visit in visits.iterator(chunk_size=2000):
        row = rows.get(visit.technician_id)
        if row is None:
            row = rows[visit.technician_id] = FieldRow(
                label=str(visit.technician), technician=visit.technician
            )
            row.capacity = capacities.get(visit.technician_id) or default_capacity
        row.visits += 1
        row.days.add(visit.on_day)
        per_day[(visit.technician_id, visit.on_day)] += 1
        row.departure.add(_minutes(visit.dispatched_at, visit.departed_at))
        row.travel.add(_minutes(visit.departed_at, visit.arrived_at))
        row.repair.add(_minutes(visit.arrived_at, visit.completed_at))
        if visit.round_trip_m is not None:
            row.distance.add(visit.round_trip_m / 1000)
    for (technician_id, day), count in sorted(per_day.items()):
        row = rows[technician_id]
        if count > row.capacity:
            row.overloaded_days.append(day)
    labour = (
        scoped(LabourLine.objects.all(), user)
        .filter(technician_id__in=list(rows), worked_on__gte=date_from, worked_on__lte=date_to)
        .values_list("technician_id")
        .annotate(minutes=Sum("minutes"))
    )
    for technician_id, minutes in labour:
        rows[technician_id].working_minutes = minutes or 0
    ordered = sorted(rows.values(), key=lambda row: row.label)
    total = FieldRow(label="", technician=None)
    for row in ordered:
        total.merge(row)
    return FieldReport(rows=ordered, total=total)
