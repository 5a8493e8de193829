"""Reads of the SLA engine: badges for due times, the overdue view, a work order's clocks, and
compliance reports."""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.models import Organisation, User
from shouhou.core.scoping import scoped
from shouhou.sla.calendars import clock_for_organisation
from shouhou.sla.clock import BusinessClock
from shouhou.sla.models import EscalationFiring, SlaClock, SlaMetric

# A promise closer than this to its due time shows amber.
AMBER_BEFORE = datetime.timedelta(hours=1)


def open_clocks() -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(met_at__isnull=True)


def with_next_due(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate work orders with the due time of their most urgent running promise."""
    nearest = (
        open_clocks()
        .filter(work_order=OuterRef("pk"), paused_since__isnull=True)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return queryset.annotate(next_due_at=Subquery(nearest))


def overdue(queryset: QuerySet[Any], *, now: datetime.datetime | None = None) -> QuerySet[Any]:
    """Work orders with a running promise already past its due time."""
    late = open_clocks().filter(
        work_order=OuterRef("pk"), paused_since__isnull=True, due_at__lt=now or timezone.now()
    )
    return queryset.filter(Exists(late))


@dataclass(frozen=True)
class DueBadge:
    css: str  # ok / warn / bad / muted
    text: str


def due_badge(
    due_at: datetime.datetime | None, *, now: datetime.datetime | None = None
) -> DueBadge | None:
    """Green while there is time, amber in the last hour, red once late."""
    if due_at is None:
        return None
    now = now or timezone.now()
    text = f"{timezone.localtime(due_at):%m-%d %H:%M}"
    if due_at < now:
        return DueBadge("bad", _("late since %(due)s") % {"due": text})
    if due_at - now <= AMBER_BEFORE:
        return DueBadge("warn", _("due %(due)s") % {"due": text})
    return DueBadge("ok", _("due %(due)s") % {"due": text})


@dataclass(frozen=True)
class ClockRow:
    clock: SlaClock
    badge: DueBadge | None
    paused_hours: float
    firings: list[EscalationFiring]


def clocks_of(*, work_order_id: int) -> list[ClockRow]:
    """The SLA timeline of one order the caller already fetched through a scoped selector."""
    clocks = list(
        SlaClock.objects.filter(work_order_id=work_order_id)
        .select_related("policy")
        .prefetch_related("pauses", "firings__step")
    )
    order = {metric: index for index, metric in enumerate(SlaMetric.values)}
    rows = []
    for clock in sorted(clocks, key=lambda c: order.get(c.metric, 99)):
        badge = None if clock.met_at else due_badge(clock.due_at)
        if clock.met_at is not None:
            late = clock.met_at > clock.due_at
            badge = DueBadge("bad" if late else "ok", _("met late") if late else _("met in time"))
        elif clock.paused_since is not None:
            badge = DueBadge("muted", _("paused"))
        rows.append(
            ClockRow(
                clock=clock,
                badge=badge,
                paused_hours=round(clock.paused_seconds / 3600, 1),
                firings=sorted(clock.firings.all(), key=lambda f: f.fired_at),
            )
        )
    return rows


@dataclass(frozen=True)
class ComplianceRow:
    label: str
    total: int
    met: int
    mean_hours: float | None
    p90_hours: float | None

    @property
    def share_met(self) -> float:
        return self.met * 100 / self.total if self.total else 0.0


COMPLIANCE_DIMENSIONS = {
    "region": "work_order__site__region__name",
    "category": "work_order__service_category",
    "technician": "work_order__technician__name",
    "handled_by": "handling_organisation__name",
}


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def sla_compliance(
    *,
    user: User | AnonymousUser,
    metric: str,
    month: datetime.date,
    dimension: str,
    now: datetime.datetime | None = None,
) -> list[ComplianceRow]:
    """For promises that started in `month` and are settled (met, or already late): how many
    were met in time, and the mean and 90th percentile of the time taken, in working hours on
    the handling organisation's calendar (pauses excluded)."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    end = datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=zone)
    clocks = scoped(SlaClock.objects.all(), user).filter(
        metric=metric, started_at__gte=start, started_at__lt=end
    )
    field = COMPLIANCE_DIMENSIONS[dimension]
    rows = clocks.select_related("handling_organisation").values_list(
        field,
        "started_at",
        "due_at",
        "met_at",
        "paused_seconds",
        "clock",
        "handling_organisation_id",
    )
    groups: dict[str, list[tuple[bool, float | None]]] = defaultdict(list)
    business_clocks: dict[int, BusinessClock] = {}
    for label, started, due, met, paused, kind, organisation_id in rows.iterator(chunk_size=2000):
        if met is None and due >= now:
            continue  # still running: neither met nor missed yet
        taken = None
        if met is not None:
            if kind == "elapsed":
                seconds = (met - started).total_seconds() - paused
            else:
                if organisation_id not in business_clocks:
                    business_clocks[organisation_id] = clock_for_organisation(
                        Organisation.objects.get(pk=organisation_id)
                    )
                worked = business_clocks[organisation_id].between(started, met)
                seconds = worked.total_seconds() - paused
            taken = max(seconds, 0) / 3600
        groups[str(label or "—")].append((met is not None and met <= due, taken))
    result = []
    for label, items in sorted(groups.items()):
        durations = [taken for _, taken in items if taken is not None]
        result.append(
            ComplianceRow(
                label=label,
                total=len(items),
                met=sum(1 for on_time, _ in items if on_time),
                mean_hours=round(statistics.fmean(durations), 2) if durations else None,
                p90_hours=round(p90, 2) if (p90 := _p90(durations)) is not None else None,
            )
        )
    return result
