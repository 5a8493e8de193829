"""Monthly complaint statistics (客户投诉案件统计表, due by the 10th: 003 (九)10): cases by type,
severity, channel, product and responsible department, closure time, on-time closure and
overdue rates, responsibility shares, complaints per 10,000 service calls, and a 12-month
trend. Reads only, scoped to the asking user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.models import (
    ComplaintCase,
    ComplaintChannel,
    ComplaintStatus,
    ResponsibilityShare,
    Severity,
)
from shouhou.complaints.penalties import next_month
from shouhou.complaints.selectors import complaints_visible_to
from shouhou.core.models import User
from shouhou.tickets.selectors import work_orders_visible_to

TREND_MONTHS = 12
PER_CALLS = 10_000


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the next month's, in local time."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(next_month(month), datetime.time(), tzinfo=zone)
    return start, end


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int
    share: float  # % of the month's cases

    @property
    def bar(self) -> int:
        return round(self.share)


@dataclass(frozen=True)
class ShareRow:
    label: str
    cases: int
    amount: Decimal


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    registered: int
    closed: int
    closed_on_time: int

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass
class MonthlyReport:
    month: datetime.date
    registered: int = 0
    closed: int = 0
    closed_on_time: int = 0
    rejected: int = 0
    due: int = 0
    due_missed: int = 0
    mean_closure_days: float | None = None
    service_calls: int = 0
    by_type: list[CountRow] = field(default_factory=list)
    by_severity: list[CountRow] = field(default_factory=list)
    by_channel: list[CountRow] = field(default_factory=list)
    by_product: list[CountRow] = field(default_factory=list)
    by_department: list[CountRow] = field(default_factory=list)
    shares: list[ShareRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the cases closed in the month that closed by their deadline."""
        return 100 * self.closed_on_time / self.closed if self.closed else None

    @property
    def overdue_rate(self) -> float | None:
        """Share of the cases due in the month that were not closed by their deadline."""
        return 100 * self.due_missed / self.due if self.due else None

    @property
    def per_10000_calls(self) -> float | None:
        """Complaints registered per 10,000 service calls of the month (002 §16.1.7)."""
        return PER_CALLS * self.registered / self.service_calls if self.service_calls else None

    @property
    def trend_peak(self) -> int:
        return max((point.registered for point in self.trend), default=0) or 1


def _counts(
    queryset: QuerySet[ComplaintCase], key: str, total: int, labels: dict[Any, Any]
) -> list[CountRow]:
    rows = queryset.values(key).annotate(count=Count("pk")).order_by("-count", key)
    return [
        CountRow(
            label=str(labels.get(row[key], row[key])) if row[key] is not None else _("(none)"),
            count=row["count"],
            share=100 * row["count"] / total if total else 0.0,
        )
        for row in rows
    ]


def _named_counts(
    queryset: QuerySet[ComplaintCase], key: str, name: str, total: int
) -> list[CountRow]:
    rows = queryset.values(key, name).annotate(count=Count("pk")).order_by("-count", name)
    return [
        CountRow(
            label=row[name] if row[key] is not None else _("(none)"),
            count=row["count"],
            share=100 * row["count"] / total if total else 0.0,
        )
        for row in rows
    ]


def monthly_report(*, user: User | AnonymousUser, month: datetime.date) -> MonthlyReport:
    """The month's statistics of the cases the user sees."""
    start, end = month_bounds(month)
    cases = complaints_visible_to(user=user)
    registered = cases.filter(registered_at__gte=start, registered_at__lt=end)
    report = MonthlyReport(month=month.replace(day=1), registered=registered.count())
    total = report.registered
    report.by_type = _named_counts(registered, "complaint_type", "complaint_type__name", total)
    report.by_severity = _counts(registered, "severity", total, dict(Severity.choices))
    report.by_channel = _counts(registered, "channel", total, dict(ComplaintChannel.choices))
    report.by_product = _named_counts(
        registered,
        "equipment__product_model__product_type",
        "equipment__product_model__product_type__name",
        total,
    )
    report.by_department = _named_counts(
        registered, "responsible_department", "responsible_department__name", total
    )
    closed: list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = list(
        cases.filter(
            status=ComplaintStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
        ).values_list("registered_at", "closed_at", "due_at")  # type: ignore[arg-type]
    )
    report.closed = len(closed)
    report.closed_on_time = sum(1 for _opened, closed_at, due_at in closed if closed_at <= due_at)
    if closed:
        seconds = sum((closed_at - opened).total_seconds() for opened, closed_at, _due in closed)
        report.mean_closure_days = round(seconds / len(closed) / 86400, 1)
    report.rejected = cases.filter(rejected_at__gte=start, rejected_at__lt=end).count()
    due = cases.filter(due_at__gte=start, due_at__lt=end).exclude(status=ComplaintStatus.WITHDRAWN)
    report.due = due.count()
    now = timezone.now()
    report.due_missed = due.filter(
        Q(closed_at__gt=F("due_at"))
        | Q(rejected_at__gt=F("due_at"))
        | Q(
            closed_at__isnull=True,
            rejected_at__isnull=True,
            withdrawn_at__isnull=True,
            due_at__lt=now,
        )
    ).count()
    report.service_calls = (
        work_orders_visible_to(user=user)
        .filter(reported_at__gte=start, reported_at__lt=end)
        .count()
    )
    report.shares = responsibility_shares(cases=cases, start=start, end=end)
    report.trend = trend(cases=cases, until=month)
    return report


def responsibility_shares(
    *, cases: QuerySet[ComplaintCase], start: datetime.datetime, end: datetime.datetime
) -> list[ShareRow]:
    """The decided shares of the loss per department or person, for the decisions of the month
    (the GM office confirms the attribution and ratios monthly, 003 (九)10)."""
    rows = (
        ResponsibilityShare.objects.filter(
            case__in=cases.values("pk"), case__decided_at__gte=start, case__decided_at__lt=end
        )
        .values("department__name", "person__name", "person__username")
        .annotate(cases=Count("case", distinct=True), amount=Sum("amount"))
        .order_by("-amount", "department__name", "person__name")
    )
    return [
        ShareRow(
            label=row["department__name"] or row["person__name"] or row["person__username"],
            cases=row["cases"],
            amount=row["amount"] or Decimal("0.00"),
        )
        for row in rows
    ]


def trend(*, cases: QuerySet[ComplaintCase], until: datetime.date) -> list[TrendPoint]:
    """Registered and closed cases of the twelve months up to `until`."""
    first = until.replace(day=1)
    for _step in range(TREND_MONTHS - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    start, _end = month_bounds(first)
    _start, end = month_bounds(until)
    months = []
    month = first
    while month <= until.replace(day=1):
        months.append(month)
        month = next_month(month)
    registered = dict.fromkeys(months, 0)
    for moment in cases.filter(registered_at__gte=start, registered_at__lt=end).values_list(
        "registered_at", flat=True
    ):
        registered[timezone.localdate(moment).replace(day=1)] += 1
    closed = dict.fromkeys(months, 0)
    on_time = dict.fromkeys(months, 0)
    for closed_at, due_at in cases.filter(
        status=ComplaintStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
    ).values_list("closed_at", "due_at"):
        if closed_at is None:
            continue
        key = timezone.localdate(closed_at).replace(day=1)
        closed[key] += 1
        on_time[key] += closed_at <= due_at
    return [
        TrendPoint(
            month=month,
            registered=registered[month],
            closed=closed[month],
            closed_on_time=on_time[month],
        )
        for month in months
    ]
