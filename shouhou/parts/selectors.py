"""Reads on parts and stock, scoped to the asking user, and the parts reports: parts used in
and out of warranty by region and month with their cost (003 篇4 三) and parts shipping
accuracy (003 篇6)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from shouhou.core.models import Region, User
from shouhou.core.scoping import get_visible_or_404, scoped, visible_organisations
from shouhou.parts.models import (
    MovementKind,
    OldPart,
    Part,
    PartsRequest,
    PartsRequestStatus,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shouhou.parts.services import parts_settings
from shouhou.tickets.models import WorkOrder

# --- catalogue and stock ----------------------------------------------------------------------


def parts_catalogue() -> QuerySet[Part]:
    """The catalogue is one for the whole company (like the product models parts fit)."""
    return Part.objects.all()


def part_for_user(*, user: User | AnonymousUser, part_id: int) -> Part:
    """Any catalogue part, to anyone allowed to view parts (the views check that)."""
    part = parts_catalogue().prefetch_related("compatible_models").filter(pk=part_id).first()
    if part is None:
        raise Http404
    return part


def part_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Part]:
    queryset = parts_catalogue().filter(is_active=True)
    if term:
        queryset = queryset.filter(Q(code__istartswith=term) | Q(name__icontains=term))
    model = params.get("product_model", "")
    if model.isdigit():
        queryset = queryset.filter(
            Q(compatible_models__id=int(model)) | Q(compatible_models__isnull=True)
        ).distinct()
    return queryset.order_by("code")


def warehouses_visible_to(*, user: User | AnonymousUser) -> QuerySet[Warehouse]:
    return scoped(Warehouse.objects.select_related("organisation", "technician", "keeper"), user)


def warehouse_for_user(*, user: User | AnonymousUser, warehouse_id: int) -> Warehouse:
    return get_visible_or_404(warehouses_visible_to(user=user), user, pk=warehouse_id)


def warehouse_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Warehouse]:
    queryset = warehouses_visible_to(user=user).filter(is_active=True)
    if term:
        queryset = queryset.filter(Q(code__istartswith=term) | Q(name__icontains=term))
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    return queryset.order_by("kind", "code")


def keepers_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active people of the organisations the user sees: who may keep a warehouse."""
    people = User.objects.filter(is_active=True).select_related("organisation")
    organisations = visible_organisations(user)
    if organisations is None:
        return people
    return people.filter(organisation__in=organisations.values("pk"))


def keeper_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    queryset = keepers_visible_to(user=user)
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(username__istartswith=term))
    return queryset.order_by("name", "username", "id")


def stock_levels_visible_to(*, user: User | AnonymousUser) -> QuerySet[StockLevel]:
    return scoped(StockLevel.objects.select_related("warehouse", "part"), user)


def stock_level_for_user(*, user: User | AnonymousUser, stock_level_id: int) -> StockLevel:
    return get_visible_or_404(stock_levels_visible_to(user=user), user, pk=stock_level_id)


def below_reorder_point(queryset: QuerySet[StockLevel]) -> QuerySet[StockLevel]:
    return queryset.filter(reorder_point__gt=0, reorder_point__gte=F("on_hand") - F("reserved"))


def movements_visible_to(*, user: User | AnonymousUser) -> QuerySet[StockMovement]:
    return scoped(
        StockMovement.objects.select_related(
            "warehouse", "part", "work_order", "counterpart", "by", "parts_request"
        ),
        user,
    )


def stock_of_part(*, user: User | AnonymousUser, part: Part) -> list[StockLevel]:
    return list(
        stock_levels_visible_to(user=user).filter(part=part).order_by("warehouse__code")[:200]
    )


def reservations_of(*, user: User | AnonymousUser, work_order: WorkOrder) -> list[Reservation]:
    return list(
        scoped(
            Reservation.objects.filter(work_order=work_order, status=ReservationStatus.ACTIVE)
            .select_related("stock_level__warehouse", "stock_level__part")
            .order_by("id"),
            user,
        )
    )


def issued_to(*, user: User | AnonymousUser, work_order: WorkOrder) -> list[StockMovement]:
    """Issues to and returns from the work order, oldest first."""
    return list(
        movements_visible_to(user=user)
        .filter(work_order=work_order, kind__in=[MovementKind.ISSUE, MovementKind.RETURN])
        .order_by("id")
    )


@dataclass(frozen=True)
class LedgerCheck:
    stock_level: StockLevel
    ledger_sum: int

    @property
    def is_consistent(self) -> bool:
        return self.stock_level.on_hand == self.ledger_sum


def ledger_discrepancies(*, warehouse: Warehouse | None = None) -> list[LedgerCheck]:
    """Stock levels whose on-hand figure differs from the sum of their movements (none, unless
    someone wrote to the database behind the services)."""
    levels = StockLevel.objects.select_related("warehouse", "part")
    if warehouse is not None:
        levels = levels.filter(warehouse=warehouse)
    sums = {
        (row["warehouse_id"], row["part_id"]): row["total"]
        for row in StockMovement.objects.values("warehouse_id", "part_id").annotate(
            total=Sum("quantity")
        )
    }
    checks = [
        LedgerCheck(level, int(sums.get((level.warehouse_id, level.part_id), 0) or 0))
        for level in levels
    ]
    return [check for check in checks if not check.is_consistent]


# --- parts requests and old parts -------------------------------------------------------------


def parts_requests_visible_to(*, user: User | AnonymousUser) -> QuerySet[PartsRequest]:
    return scoped(
        PartsRequest.objects.select_related(
            "requested_by", "source", "destination", "destination__technician", "work_order"
        ),
        user,
    )


def parts_request_for_user(*, user: User | AnonymousUser, request_id: int) -> PartsRequest:
    return get_visible_or_404(
        parts_requests_visible_to(user=user).select_related("decided_by", "shipped_by"),
        user,
        pk=request_id,
    )


def old_parts_visible_to(*, user: User | AnonymousUser) -> QuerySet[OldPart]:
    return scoped(
        OldPart.objects.select_related("work_order", "part", "warehouse", "handled_by"), user
    )


def old_part_for_user(*, user: User | AnonymousUser, old_part_id: int) -> OldPart:
    return get_visible_or_404(old_parts_visible_to(user=user), user, pk=old_part_id)


# --- reports ----------------------------------------------------------------------------------


@dataclass
class UsageCell:
    quantity: int = 0
    cost: Decimal = Decimal("0.00")


@dataclass
class UsageRow:
    """One region's parts used in one month: in and out of warranty, counted and costed."""

    region: str
    month: datetime.date
    in_warranty: UsageCell = field(default_factory=UsageCell)
    out_of_warranty: UsageCell = field(default_factory=UsageCell)

    @property
    def total(self) -> UsageCell:
        return UsageCell(
            self.in_warranty.quantity + self.out_of_warranty.quantity,
            self.in_warranty.cost + self.out_of_warranty.cost,
        )


@dataclass
class UsageReport:
    rows: list[UsageRow]
    requests: int

    @property
    def total(self) -> UsageRow:
        row = UsageRow(region="", month=datetime.date.min)
        for line in self.rows:
            row.in_warranty.quantity += line.in_warranty.quantity
            row.in_warranty.cost += line.in_warranty.cost
            row.out_of_warranty.quantity += line.out_of_warranty.quantity
            row.out_of_warranty.cost += line.out_of_warranty.cost
        return row


def top_regions() -> dict[int, Region]:
    """Each region's top-level ancestor (东北, 华东… or the province), by region id."""
    regions = {region.pk: region for region in Region.objects.all()}
    tops: dict[int, Region] = {}
    for region_id, region in regions.items():
        top = region
        seen = {top.pk}
        while top.parent_id is not None and top.parent_id in regions and top.parent_id not in seen:
            top = regions[top.parent_id]
            seen.add(top.pk)
        tops[region_id] = top
    return tops


def parts_usage_report(
    *, user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> UsageReport:
    """Parts consumed on work orders between `start` and `end` (inclusive), by top-level region
    of the site (else of the customer) and month, in and out of warranty, with their cost at
    issue (net of parts returned unused); plus how many parts requests were made."""
    tz_start = datetime.datetime.combine(start, datetime.time.min)
    tz_end = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    window = {
        "at__gte": timezone.make_aware(tz_start),
        "at__lt": timezone.make_aware(tz_end),
    }
    movements = (
        movements_visible_to(user=user)
        .filter(kind__in=[MovementKind.ISSUE, MovementKind.RETURN], **window)
        .annotate(
            region_id=Coalesce("work_order__site__region_id", "work_order__customer__region_id")
        )
        .values("region_id", "work_order__is_in_warranty", "at", "quantity", "unit_cost")
    )
    tops = top_regions()
    rows: dict[tuple[str, datetime.date], UsageRow] = {}
    for movement in movements.iterator(chunk_size=2000):
        region = tops.get(movement["region_id"]) if movement["region_id"] else None
        name = region.name if region is not None else ""
        month = timezone.localtime(movement["at"]).date().replace(day=1)
        row = rows.setdefault((name, month), UsageRow(region=name, month=month))
        cell = row.in_warranty if movement["work_order__is_in_warranty"] else row.out_of_warranty
        used = -movement["quantity"]
        cell.quantity += used
        cell.cost += (movement["unit_cost"] * used).quantize(Decimal("0.01"))
    requests = (
        scoped(PartsRequest.objects.all(), user).filter(
            created_at__gte=window["at__gte"], created_at__lt=window["at__lt"]
        )
    ).count()
    ordered = sorted(rows.values(), key=lambda row: (row.month, row.region == "", row.region))
    return UsageReport(rows=ordered, requests=requests)


@dataclass(frozen=True)
class AccuracyRow:
    label: str
    shipped: int
    correct: int

    @property
    def percent(self) -> Decimal | None:
        if not self.shipped:
            return None
        return (Decimal(self.correct) * 100 / self.shipped).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class AccuracyReport:
    rows: list[AccuracyRow]
    total: AccuracyRow
    target_percent: Decimal

    @property
    def meets_target(self) -> bool | None:
        percent = self.total.percent
        return None if percent is None else percent >= self.target_percent


def shipping_accuracy_report(
    *, user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> AccuracyReport:
    """Parts shipping accuracy (配件出货正确率) by source warehouse: received requests the
    technician confirmed as correct, over all received ones, against the target."""
    received = parts_requests_visible_to(user=user).filter(
        status=PartsRequestStatus.RECEIVED,
        received_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        received_at__lt=timezone.make_aware(
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
        ),
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in received.values("source__name", "is_shipment_correct"):
        cell = counts[row["source__name"]]
        cell[0] += 1
        cell[1] += 1 if row["is_shipment_correct"] else 0
    rows = [
        AccuracyRow(name, shipped, correct) for name, (shipped, correct) in sorted(counts.items())
    ]
    total = AccuracyRow("", sum(row.shipped for row in rows), sum(row.correct for row in rows))
    return AccuracyReport(
        rows=rows,
        total=total,
        target_percent=parts_settings().shipping_accuracy_target_percent,
    )
