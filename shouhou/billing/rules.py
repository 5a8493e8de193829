"""Billing decisions that read the database: which fee schedule applies, what a work order's
charge facts are, whether its repair may go ahead (quote accepted) and how much deposit is still
missing. The arithmetic itself is in charges.py, pure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.billing.charges import (
    ZERO,
    ChargeFacts,
    ChargeLine,
    ChargeSheet,
    Kind,
    PartUse,
    Rates,
    calculate_charges,
    is_charged_to_customer,
    money,
)
from shouhou.billing.errors import BillingError, BillingErrorCode
from shouhou.billing.models import (
    Adjustment,
    AdjustmentStatus,
    BillingSettings,
    ChargeBasis,
    FeeSchedule,
    PaymentKind,
    Quote,
    QuoteStatus,
)
from shouhou.contracts.models import ContractKind
from shouhou.core.models import Organisation
from shouhou.customers.models import Zone
from shouhou.parts.models import MovementKind, StockMovement
from shouhou.tickets.models import PartLine, ServiceCategory, WorkOrder


def billing_settings() -> BillingSettings:
    """The one settings row (seeded by a migration; recreated with the seed values if gone)."""
    settings_row, _created = BillingSettings.objects.get_or_create(pk=1)
    return settings_row


def _lineage(organisation: Organisation | None) -> list[int]:
    """The organisation's id and its ancestors', nearest first."""
    if organisation is None:
        return []
    return [int(part) for part in organisation.path.strip("/").split("/") if part][::-1]


def schedule_for(*, organisation: Organisation | None, on: datetime.date) -> FeeSchedule | None:
    """The fee schedule in effect on `on` for work handled by `organisation`: the latest version
    of the nearest organisation (itself, then up the tree) that has one, else the company-wide
    one."""
    lineage = _lineage(organisation)
    candidates = list(
        FeeSchedule.objects.filter(effective_from__lte=on)
        .filter(organisation__isnull=True)
        .order_by("-effective_from", "-id")[:1]
    ) + list(
        FeeSchedule.objects.filter(effective_from__lte=on, organisation_id__in=lineage).order_by(
            "-effective_from", "-id"
        )
    )
    if not candidates:
        return None
    rank = {organisation_id: index for index, organisation_id in enumerate(lineage)}

    def nearness(schedule: FeeSchedule) -> int:
        if schedule.organisation_id is None:
            return len(lineage)
        return rank[schedule.organisation_id]

    best = min(nearness(schedule) for schedule in candidates)
    chosen = next(schedule for schedule in candidates if nearness(schedule) == best)
    prefetch_related_objects([chosen], "jobs", "call_out_fees")
    return chosen


def rates_of(schedule: FeeSchedule) -> Rates:
    return Rates(
        labour_basis=schedule.labour_basis,
        hourly_rate=schedule.hourly_rate,
        labour_increment_minutes=schedule.labour_increment_minutes,
        minimum_labour_minutes=schedule.minimum_labour_minutes,
        job_types={job.code: (job.name, job.amount) for job in schedule.jobs.all()},
        call_out_by_zone={fee.zone: fee.amount for fee in schedule.call_out_fees.all()},
        distance_rate_per_km=schedule.distance_rate_per_km,
        free_distance_km=schedule.free_distance_km,
    )


def work_order_day(work_order: WorkOrder) -> datetime.date:
    """The day whose fee schedule applies: the day of the call."""
    return timezone.localdate(work_order.reported_at)


def schedule_of(work_order: WorkOrder) -> FeeSchedule | None:
    return schedule_for(
        organisation=work_order.handling_organisation, on=work_order_day(work_order)
    )


def charge_basis_of(work_order: WorkOrder) -> ChargeBasis:
    """The order's charge basis, or the default one (not saved) when nobody set it."""
    basis = ChargeBasis.objects.filter(work_order=work_order).first()
    return basis or ChargeBasis(work_order=work_order)


def part_lines_of(work_order: WorkOrder) -> list[PartLine]:
    issues = StockMovement.objects.filter(kind=MovementKind.ISSUE)
    return list(
        PartLine.objects.filter(work_order=work_order)
        .select_related("part")
        .prefetch_related(Prefetch("stock_movements", queryset=issues, to_attr="issues"))
    )


def part_use(line: PartLine) -> PartUse:
    """A part line as the calculation sees it: its price, its cost (as issued, else the
    catalogue's) and whether the warranty covers it."""
    issues = getattr(line, "issues", None)
    if issues is None:
        issues = list(line.stock_movements.filter(kind=MovementKind.ISSUE))
    unit_cost = issues[0].unit_cost if issues else (line.part.unit_cost if line.part else None)
    return PartUse(
        code=line.part_code,
        name=line.part_name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        unit_cost=unit_cost,
        is_warranty_covered=line.part.is_warranty_covered if line.part is not None else True,
    )


def labour_minutes_of(work_order: WorkOrder) -> int:
    """Minutes on the repair card, without general administrative time (category D)."""
    total = (
        work_order.labour.exclude(category=ServiceCategory.ADMIN)
        .aggregate(total=Sum("minutes"))
        .get("total")
    )
    return int(total or 0)


def approved_discounts(work_order: WorkOrder) -> list[Decimal]:
    return list(
        Adjustment.objects.filter(work_order=work_order, status=AdjustmentStatus.APPROVED)
        .order_by("id")
        .values_list("amount", flat=True)
    )


def contract_covers_parts(work_order: WorkOrder) -> bool:
    contract = work_order.contract
    return contract is not None and contract.kind == ContractKind.FULL_SERVICE


def charge_facts(
    work_order: WorkOrder,
    *,
    parts: list[PartUse] | None = None,
    labour_minutes: int | None = None,
    with_discounts: bool = True,
    basis: ChargeBasis | None = None,
) -> ChargeFacts:
    """The facts of a work order for the calculation: as recorded, or with the planned parts
    and labour of an estimate."""
    basis = basis or charge_basis_of(work_order)
    return ChargeFacts(
        category=work_order.service_category,
        is_in_warranty=work_order.is_in_warranty,
        is_human_damage=work_order.is_human_damage,
        contract_covers_parts=contract_covers_parts(work_order),
        labour_minutes=labour_minutes_of(work_order) if labour_minutes is None else labour_minutes,
        job_type=basis.job_type,
        zone=work_order.zone,
        distance_km=basis.distance_km,
        is_call_out_charged=basis.is_call_out_charged,
        parts=[part_use(line) for line in part_lines_of(work_order)] if parts is None else parts,
        discounts=approved_discounts(work_order) if with_discounts else [],
    )


def charge_sheet_for(
    work_order: WorkOrder,
    *,
    schedule: FeeSchedule | None = None,
    basis: ChargeBasis | None = None,
) -> ChargeSheet | None:
    """The order's charges as recorded so far; None when no fee schedule applies. A caller
    that already read the schedule and the charge basis passes them."""
    schedule = schedule or schedule_of(work_order)
    if schedule is None:
        return None
    return calculate_charges(charge_facts(work_order, basis=basis), rates_of(schedule))


def is_customer_charged(work_order: WorkOrder) -> bool:
    return is_charged_to_customer(
        category=work_order.service_category, is_human_damage=work_order.is_human_damage
    )


def accepted_quote(work_order: WorkOrder) -> Quote | None:
    return (
        Quote.objects.filter(work_order=work_order, status=QuoteStatus.ACCEPTED)
        .order_by("-id")
        .first()
    )


def ensure_repair_may_proceed(work_order: WorkOrder) -> None:
    """Paid work starts only after the customer accepted a quote (001 第五篇 1.5); parts are not
    fitted before. Configurable (billing settings)."""
    if not is_customer_charged(work_order) or not billing_settings().quote_required_for_paid_work:
        return
    if accepted_quote(work_order) is None:
        raise BillingError(
            _(
                "%(order)s is charged to the customer: fit parts only after the customer "
                "accepted a quote."
            )
            % {"order": work_order.number},
            code=BillingErrorCode.QUOTE_REQUIRED,
            field="part",
        )


def deposit_required(work_order: WorkOrder) -> Decimal:
    quote = accepted_quote(work_order)
    return quote.deposit_amount if quote is not None else ZERO


def deposits_received(work_order: WorkOrder) -> Decimal:
    total = work_order.payments.filter(kind=PaymentKind.DEPOSIT).aggregate(total=Sum("amount"))
    return money(total["total"] or ZERO)


def deposit_shortfall(*, work_order: WorkOrder) -> Decimal:
    """How much of the deposit the accepted quote asks for is still to be received."""
    required = deposit_required(work_order)
    if required <= 0:
        return ZERO
    return max(ZERO, required - deposits_received(work_order))


def describe(line: ChargeLine) -> str:
    """A charge line as the customer reads it on a quote, the voucher or an invoice."""
    if line.kind == Kind.LABOUR:
        if line.description:
            return _("Labour: %(job)s") % {"job": line.description}
        return _("Labour, %(hours)s h") % {"hours": line.quantity}
    if line.kind == Kind.CALL_OUT:
        zone = Zone(line.description).label if line.description in Zone.values else line.description
        return _("Call-out fee (%(zone)s)") % {"zone": zone}
    if line.kind == Kind.DISTANCE:
        return _("Distance fee, %(km)s km beyond the free distance") % {"km": line.quantity}
    if line.kind == Kind.ADJUSTMENT:
        return _("Discount")
    return f"{line.code} {line.description}".strip()


@dataclass(frozen=True)
class PrintedCharges:
    """The charges as the service voucher prints them."""

    lines: list[tuple[str, Decimal]]
    covered_amount: Decimal
    discount_amount: Decimal
    due_amount: Decimal


def printed_charges(work_order: WorkOrder) -> PrintedCharges | None:
    """The customer's lines, what warranty or contract bears, discounts and the total due; None
    when no fee schedule applies (the voucher then keeps an empty box to fill in by hand)."""
    sheet = charge_sheet_for(work_order)
    if sheet is None:
        return None
    return PrintedCharges(
        lines=[
            (describe(line), line.amount)
            for line in sheet.customer_lines
            if line.kind != Kind.ADJUSTMENT
        ],
        covered_amount=sheet.covered_amount,
        discount_amount=sheet.discount_amount,
        due_amount=sheet.due_amount,
    )
