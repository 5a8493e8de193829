"""Reads on billing, scoped to the asking user, and the money reports: what each technician
holds (reconciliation before the handover), receivables ageing, revenue from paid service and
contracts (服务产值), and service cost per work order and region (服务成本)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.billing.charges import FEN, ZERO, money
from shouhou.billing.models import (
    Adjustment,
    AdjustmentStatus,
    CashHandover,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Quote,
)
from shouhou.billing.rules import billing_settings
from shouhou.contracts.models import ContractStatus, MaintenanceContract
from shouhou.core.models import User
from shouhou.core.scoping import get_visible_or_404, scope_filter, scoped
from shouhou.parts.models import MovementKind
from shouhou.parts.selectors import movements_visible_to, top_regions
from shouhou.tickets.models import LabourLine, ServiceCategory, WorkOrder, WorkOrderStatus
from shouhou.tickets.selectors import work_orders_visible_to


def fee_schedules_visible_to(*, user: User | AnonymousUser) -> QuerySet[FeeSchedule]:
    """The company-wide schedules and those of the organisations the user sees."""
    condition = scope_filter(FeeSchedule, user)
    queryset = FeeSchedule.objects.select_related("organisation")
    if condition is None:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(condition | Q(organisation__isnull=True))


def fee_schedule_for_user(*, user: User | AnonymousUser, schedule_id: int) -> FeeSchedule:
    schedule = (
        fee_schedules_visible_to(user=user)
        .prefetch_related("jobs", "call_out_fees")
        .filter(pk=schedule_id)
        .first()
    )
    if schedule is None:
        raise Http404
    return schedule


def quotes_visible_to(*, user: User | AnonymousUser) -> QuerySet[Quote]:
    return scoped(
        Quote.objects.select_related("work_order", "work_order__customer", "created_by"), user
    )


def quote_for_user(*, user: User | AnonymousUser, quote_id: int) -> Quote:
    return get_visible_or_404(
        quotes_visible_to(user=user).prefetch_related("lines", "planned_parts__part"),
        user,
        pk=quote_id,
    )


def quotes_of(*, user: User | AnonymousUser, work_order: WorkOrder) -> list[Quote]:
    return list(
        quotes_visible_to(user=user)
        .filter(work_order=work_order)
        .prefetch_related("lines", "planned_parts__part")
        .order_by("-id")[:10]
    )


def adjustments_visible_to(*, user: User | AnonymousUser) -> QuerySet[Adjustment]:
    return scoped(
        Adjustment.objects.select_related(
            "work_order", "work_order__customer", "requested_by", "decided_by"
        ),
        user,
    )


def adjustment_for_user(*, user: User | AnonymousUser, adjustment_id: int) -> Adjustment:
    return get_visible_or_404(adjustments_visible_to(user=user), user, pk=adjustment_id)


def pending_adjustments(*, user: User | AnonymousUser) -> QuerySet[Adjustment]:
    return adjustments_visible_to(user=user).filter(status=AdjustmentStatus.REQUESTED)


def invoices_visible_to(*, user: User | AnonymousUser) -> QuerySet[Invoice]:
    return scoped(
        Invoice.objects.select_related("customer", "work_order", "organisation", "issued_by"),
        user,
    )


def invoice_for_user(*, user: User | AnonymousUser, invoice_id: int) -> Invoice:
    return get_visible_or_404(
        invoices_visible_to(user=user).prefetch_related("lines"), user, pk=invoice_id
    )


def payments_visible_to(*, user: User | AnonymousUser) -> QuerySet[Payment]:
    return scoped(
        Payment.objects.select_related(
            "customer", "work_order", "invoice", "collected_by", "handover", "recorded_by"
        ),
        user,
    )


def handovers_visible_to(*, user: User | AnonymousUser) -> QuerySet[CashHandover]:
    return scoped(CashHandover.objects.select_related("technician", "received_by"), user)


# --- technicians' cash ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldMoney:
    """What one technician collected on site and has not handed over yet."""

    technician: User
    count: int
    cash_amount: Decimal
    other_amount: Decimal
    oldest_at: datetime.datetime

    @property
    def total_amount(self) -> Decimal:
        return self.cash_amount + self.other_amount


def money_held_by_technicians(*, user: User | AnonymousUser) -> list[HeldMoney]:
    """The reconciliation list: per technician, the on-site collections not handed over."""
    held = payments_visible_to(user=user).filter(collected_by__isnull=False, handover__isnull=True)
    rows = (
        held.values("collected_by")
        .annotate(
            count=Count("id"),
            cash=Sum("amount", filter=Q(method=PaymentMethod.CASH)),
            total=Sum("amount"),
            oldest=Min("received_at"),
        )
        .order_by("collected_by")
    )
    people = User.objects.in_bulk([row["collected_by"] for row in rows])
    result = [
        HeldMoney(
            technician=people[row["collected_by"]],
            count=row["count"],
            cash_amount=money(row["cash"] or ZERO),
            other_amount=money((row["total"] or ZERO) - (row["cash"] or ZERO)),
            oldest_at=row["oldest"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda item: (-item.total_amount, item.technician.pk))


def payments_held_by(*, user: User | AnonymousUser, technician: User) -> list[Payment]:
    return list(
        payments_visible_to(user=user)
        .filter(collected_by=technician, handover__isnull=True)
        .order_by("received_at", "id")
    )


# --- receivables ageing -----------------------------------------------------------------------


@dataclass
class AgeingRow:
    """One customer's open balance, split by how long it is overdue."""

    label: str
    buckets: list[Decimal]
    invoices: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)


@dataclass
class AgeingReport:
    headings: list[str]
    rows: list[AgeingRow]
    on: datetime.date
    total: AgeingRow = field(init=False)

    def __post_init__(self) -> None:
        sums = [sum((row.buckets[i] for row in self.rows), ZERO) for i in range(len(self.headings))]
        self.total = AgeingRow("", sums, sum(row.invoices for row in self.rows))


def bucket_headings(days: list[int]) -> list[str]:
    headings = [_("Not yet due")]
    lower = 1
    for upper in days:
        headings.append(_("%(low)s–%(high)s days") % {"low": lower, "high": upper})
        lower = upper + 1
    headings.append(_("Over %(days)s days") % {"days": days[-1]})
    return headings


def bucket_index(days_overdue: int, days: list[int]) -> int:
    """0: not yet due; then one bucket per limit; the last: beyond the largest limit."""
    if days_overdue <= 0:
        return 0
    for index, upper in enumerate(days, start=1):
        if days_overdue <= upper:
            return index
    return len(days) + 1


def receivables_ageing(
    *, user: User | AnonymousUser, on: datetime.date | None = None
) -> AgeingReport:
    """Unpaid invoice balances per customer, by days past the due date (buckets configured in
    the billing settings)."""
    day = on or timezone.localdate()
    days = billing_settings().bucket_days
    headings = bucket_headings(days)
    rows: dict[int, AgeingRow] = {}
    open_invoices = invoices_visible_to(user=user).filter(status=InvoiceStatus.ISSUED)
    for invoice in open_invoices.order_by("customer__name", "id").iterator(chunk_size=2000):
        balance = invoice.total_amount - invoice.paid_amount
        if balance <= 0:
            continue
        row = rows.setdefault(
            invoice.customer_id,
            AgeingRow(str(invoice.customer), [ZERO] * len(headings)),
        )
        row.buckets[bucket_index((day - invoice.due_on).days, days)] += balance
        row.invoices += 1
    ordered = sorted(rows.values(), key=lambda row: (-row.total, row.label))
    return AgeingReport(headings=headings, rows=ordered, on=day)


# --- revenue (服务产值) ------------------------------------------------------------------------


@dataclass
class RevenueRow:
    month: datetime.date
    paid_service: Decimal = ZERO
    other_service: Decimal = ZERO
    contracts: Decimal = ZERO
    collected: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.paid_service + self.other_service + self.contracts


def revenue_report(
    *, user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> list[RevenueRow]:
    """Per month: invoiced paid service (category A), other invoiced service (parts outside
    warranty on B/C orders, human damage), contract fees of contracts starting that month, and
    money received."""
    window_start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    window_end = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    rows: dict[datetime.date, RevenueRow] = defaultdict(lambda: RevenueRow(datetime.date.min))

    def row_for(moment: datetime.datetime | datetime.date) -> RevenueRow:
        day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
        month = day.replace(day=1)
        row = rows[month]
        row.month = month
        return row

    invoices = (
        invoices_visible_to(user=user)
        .exclude(status=InvoiceStatus.VOID)
        .filter(issued_at__gte=window_start, issued_at__lt=window_end)
        .values("issued_at", "total_amount", "work_order__service_category")
    )
    for invoice in invoices:
        row = row_for(invoice["issued_at"])
        if invoice["work_order__service_category"] == ServiceCategory.PAID:
            row.paid_service += invoice["total_amount"]
        else:
            row.other_service += invoice["total_amount"]
    contracts = scoped(MaintenanceContract.objects.all(), user).filter(
        status=ContractStatus.ACTIVE, starts_on__gte=start, starts_on__lte=end
    )
    for contract in contracts.values("starts_on", "fee_amount"):
        row_for(contract["starts_on"]).contracts += contract["fee_amount"]
    payments = payments_visible_to(user=user).filter(
        received_at__gte=window_start, received_at__lt=window_end
    )
    for payment in payments.values("received_at", "amount"):
        row_for(payment["received_at"]).collected += payment["amount"]
    return [rows[month] for month in sorted(rows)]


# --- service cost (服务成本, 003 篇4) -----------------------------------------------------------

DONE_STATUSES = (WorkOrderStatus.RESOLVED, WorkOrderStatus.SIGNED, WorkOrderStatus.CLOSED)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class WorkOrderCost:
    """What one work order cost the company (parts at their issue cost, labour at the configured
    rate) against what the customer was invoiced for it."""

    work_order_id: int
    number: str
    region: str
    category: str
    done_at: datetime.datetime
    parts_cost: Decimal = ZERO
    labour_minutes: int = 0
    labour_cost: Decimal = ZERO
    charged: Decimal = ZERO

    @property
    def done_on(self) -> datetime.date:
        return timezone.localtime(self.done_at).date()

    @property
    def category_label(self) -> str:
        return str(ServiceCategory(self.category).label) if self.category else ""

    @property
    def labour_hours(self) -> Decimal:
        return _hours(self.labour_minutes)

    @property
    def total_cost(self) -> Decimal:
        return self.parts_cost + self.labour_cost

    @property
    def margin(self) -> Decimal:
        return self.charged - self.total_cost

    @property
    def borne_by_company(self) -> Decimal:
        """The part of the cost the customer's charges do not cover."""
        return max(-self.margin, ZERO)


@dataclass
class RegionCost:
    """The work orders of one top-level region done in one month, summed."""

    region: str
    month: datetime.date
    work_orders: int = 0
    parts_cost: Decimal = ZERO
    labour_minutes: int = 0
    labour_cost: Decimal = ZERO
    charged: Decimal = ZERO

    def add(self, row: WorkOrderCost | RegionCost) -> None:
        self.work_orders += row.work_orders if isinstance(row, RegionCost) else 1
        self.parts_cost += row.parts_cost
        self.labour_minutes += row.labour_minutes
        self.labour_cost += row.labour_cost
        self.charged += row.charged

    @property
    def labour_hours(self) -> Decimal:
        return _hours(self.labour_minutes)

    @property
    def total_cost(self) -> Decimal:
        return self.parts_cost + self.labour_cost

    @property
    def margin(self) -> Decimal:
        return self.charged - self.total_cost

    @property
    def borne_by_company(self) -> Decimal:
        return max(-self.margin, ZERO)


# Sort keys of the work-order table: key → (sort key of a row, descending).
COST_SORTS: dict[str, tuple[Callable[[WorkOrderCost], Any], bool]] = {
    "number": (lambda row: row.number, False),
    "-number": (lambda row: row.number, True),
    "cost": (lambda row: (row.total_cost, row.number), False),
    "-cost": (lambda row: (row.total_cost, row.number), True),
    "margin": (lambda row: (row.margin, row.number), False),
    "-margin": (lambda row: (row.margin, row.number), True),
}
DEFAULT_COST_SORT = "-cost"


@dataclass
class CostReport:
    """Service cost by region and month, and per work order (sorted as asked)."""

    start: datetime.date
    end: datetime.date
    labour_cost_per_hour: Decimal
    regions: list[RegionCost]
    work_orders: list[WorkOrderCost]
    sort: str = DEFAULT_COST_SORT

    @property
    def total(self) -> RegionCost:
        total = RegionCost(region="", month=datetime.date.min)
        for row in self.regions:
            total.add(row)
        return total


def _window(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """`start` to `end` inclusive, as local-time instants [from, to)."""
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
        ),
    )


def work_orders_done_between(
    *, user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> QuerySet[WorkOrder]:
    """The work orders the user sees that were resolved (else closed) between `start` and `end`
    inclusive, annotated with `done_at`."""
    window_start, window_end = _window(start, end)
    return (
        work_orders_visible_to(user=user)
        .filter(status__in=DONE_STATUSES)
        .annotate(done_at=Coalesce("resolved_at", "closed_at"))
        .filter(done_at__gte=window_start, done_at__lt=window_end)
    )


def service_cost_report(
    *,
    user: User | AnonymousUser,
    start: datetime.date,
    end: datetime.date,
    sort: str = DEFAULT_COST_SORT,
) -> CostReport:
    """Per work order resolved (else closed) in the period: parts issued to it net of those
    returned, at the unit cost they were issued at; its labour lines at the labour cost per hour
    of the billing settings (rounded half-up to the fen per work order); and what it was invoiced
    (void invoices excluded). Summed by top-level region of the site (else of the customer) and
    month of completion. Each figure counts only records the user may see. Six queries
    whatever the number of work orders."""
    rate = billing_settings().labour_cost_per_hour
    orders = work_orders_done_between(user=user, start=start, end=end)
    order_ids = orders.values("pk")
    tops = top_regions()
    costs: dict[int, WorkOrderCost] = {}
    rows = orders.annotate(
        region_id=Coalesce("site__region_id", "customer__region_id")
    ).values_list("pk", "number", "service_category", "done_at", "region_id")
    for pk, number, category, done_at, region_id in rows.iterator(chunk_size=2000):
        region = tops.get(region_id) if region_id is not None else None
        costs[pk] = WorkOrderCost(
            work_order_id=pk,
            number=number,
            region=region.name if region is not None else "",
            category=category,
            done_at=done_at,
        )
    issued = (
        movements_visible_to(user=user)
        .filter(kind__in=[MovementKind.ISSUE, MovementKind.RETURN], work_order__in=order_ids)
        .values_list("work_order_id", "unit_cost")
        .annotate(quantity=Sum("quantity"))
        .order_by()
    )
    # A work order that finished after the first query is not in `costs`: its rows are skipped.
    for work_order_id, unit_cost, quantity in issued:
        # issues take stock out (negative), returns put it back: the net used is -quantity
        if (row := costs.get(work_order_id)) is not None:
            row.parts_cost += money(unit_cost * -quantity)
    labour = (
        scoped(LabourLine.objects.filter(work_order__in=order_ids), user)
        .values_list("work_order_id")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for work_order_id, minutes in labour:
        if (row := costs.get(work_order_id)) is not None:
            row.labour_minutes = int(minutes or 0)
            row.labour_cost = money(rate * row.labour_minutes / 60)
    invoiced = (
        invoices_visible_to(user=user)
        .exclude(status=InvoiceStatus.VOID)
        .filter(work_order__in=order_ids)
        .values_list("work_order_id", "total_amount")
        .order_by()
    )
    for work_order_id, amount in invoiced:
        if (row := costs.get(work_order_id)) is not None:
            row.charged += amount
    regions: dict[tuple[str, datetime.date], RegionCost] = {}
    for row in costs.values():
        month = timezone.localtime(row.done_at).date().replace(day=1)
        regions.setdefault((row.region, month), RegionCost(region=row.region, month=month)).add(row)
    if sort not in COST_SORTS:
        sort = DEFAULT_COST_SORT
    key, descending = COST_SORTS[sort]
    return CostReport(
        start=start,
        end=end,
        labour_cost_per_hour=rate,
        regions=sorted(regions.values(), key=lambda row: (row.month, row.region == "", row.region)),
        work_orders=sorted(costs.values(), key=key, reverse=descending),
        sort=sort,
    )
