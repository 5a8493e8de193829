"""The charge calculation: pure functions from a work order's facts and a fee schedule's rates
to the lines of its charges and who pays each one. No database, no clock: the same input
always gives the same sheet, to the fen.

Who pays (001 第一篇 categories; 第五篇 1.5 warranty rules):

* D (general administrative work) is internal: nothing is charged.
* Human damage is charged to the customer even within warranty or under a contract.
* A (paid service): the customer pays everything at the published rates.
* C (free service in warranty): the company bears labour, call-out, travel and the parts the
  warranty covers; parts the warranty does not cover (consumables) are charged.
* B (contract service): the contract covers labour, call-out and travel; parts are covered by a
  full-service contract, by the warranty when the unit is in warranty and the part is covered,
  and are charged otherwise.

Every amount is rounded half-up to the fen, line by line; totals are sums of lines."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int) -> Decimal:
    """Yuan to the fen, half-up."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class Payer(StrEnum):
    CUSTOMER = "customer"
    WARRANTY = "warranty"
    CONTRACT = "contract"
    INTERNAL = "internal"


class Kind(StrEnum):
    LABOUR = "labour"
    PART = "part"
    CALL_OUT = "call_out"
    DISTANCE = "distance"
    ADJUSTMENT = "adjustment"


class Category(StrEnum):
    PAID = "A"
    CONTRACT = "B"
    FREE = "C"
    ADMIN = "D"


@dataclass(frozen=True)
class Rates:
    """The part of a fee schedule the calculation needs."""

    labour_basis: str  # "hourly" or "job_type"
    hourly_rate: Decimal
    labour_increment_minutes: int
    minimum_labour_minutes: int
    job_types: Mapping[str, tuple[str, Decimal]]  # code -> (name, amount)
    call_out_by_zone: Mapping[str, Decimal]
    distance_rate_per_km: Decimal
    free_distance_km: Decimal


@dataclass(frozen=True)
class PartUse:
    code: str
    name: str
    quantity: int
    unit_price: Decimal | None  # None: a free-text line nobody priced
    unit_cost: Decimal | None = None
    is_warranty_covered: bool = True


@dataclass(frozen=True)
class ChargeFacts:
    category: str
    is_in_warranty: bool
    is_human_damage: bool
    contract_covers_parts: bool
    labour_minutes: int
    job_type: str
    zone: str
    distance_km: Decimal
    is_call_out_charged: bool
    parts: Sequence[PartUse] = ()
    discounts: Sequence[Decimal] = ()  # approved reductions, in yuan


@dataclass(frozen=True)
class ChargeLine:
    kind: Kind
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    payer: Payer
    cost: Decimal = ZERO
    code: str = ""


class SheetWarning(StrEnum):
    NO_JOB_TYPE = "no_job_type"
    UNKNOWN_JOB_TYPE = "unknown_job_type"
    UNPRICED_PART = "unpriced_part"
    DISCOUNT_CAPPED = "discount_capped"


@dataclass(frozen=True)
class ChargeSheet:
    lines: tuple[ChargeLine, ...]
    warnings: tuple[SheetWarning, ...] = field(default=())

    def total_for(self, payer: Payer) -> Decimal:
        return sum(
            (
                line.amount
                for line in self.lines
                if line.payer == payer and line.kind != Kind.ADJUSTMENT
            ),
            ZERO,
        )

    @property
    def gross_amount(self) -> Decimal:
        """The value of the work at published rates, whoever pays."""
        return sum((line.amount for line in self.lines if line.kind != Kind.ADJUSTMENT), ZERO)

    @property
    def customer_amount(self) -> Decimal:
        """What the customer is charged before discounts."""
        return self.total_for(Payer.CUSTOMER)

    @property
    def covered_amount(self) -> Decimal:
        """What warranty, contract or the company bears."""
        return self.gross_amount - self.customer_amount

    @property
    def discount_amount(self) -> Decimal:
        return -sum((line.amount for line in self.lines if line.kind == Kind.ADJUSTMENT), ZERO)

    @property
    def due_amount(self) -> Decimal:
        """What the customer owes after discounts."""
        return self.customer_amount - self.discount_amount

    @property
    def parts_cost(self) -> Decimal:
        return sum((line.cost for line in self.lines if line.kind == Kind.PART), ZERO)

    @property
    def customer_lines(self) -> tuple[ChargeLine, ...]:
        return tuple(
            line for line in self.lines if line.payer == Payer.CUSTOMER and line.amount != ZERO
        )


def is_charged_to_customer(*, category: str, is_human_damage: bool) -> bool:
    """Paid work, or human damage outside the internal category: the customer pays and a quote
    comes first."""
    if category == Category.ADMIN:
        return False
    return is_human_damage or category == Category.PAID


def _service_payer(facts: ChargeFacts) -> Payer:
    """Who pays labour, call-out and travel."""
    if facts.category == Category.ADMIN:
        return Payer.INTERNAL
    if facts.is_human_damage or facts.category == Category.PAID:
        return Payer.CUSTOMER
    if facts.category == Category.CONTRACT:
        return Payer.CONTRACT
    return Payer.WARRANTY


def part_payer(facts: ChargeFacts, part: PartUse) -> Payer:
    """Who pays one part."""
    service = _service_payer(facts)
    if service in (Payer.INTERNAL, Payer.CUSTOMER):
        return service
    if service == Payer.CONTRACT and facts.contract_covers_parts:
        return Payer.CONTRACT
    if facts.is_in_warranty and part.is_warranty_covered:
        return Payer.WARRANTY
    if service == Payer.WARRANTY and part.is_warranty_covered:
        # Category C given by the dispatcher for a unit the archive had out of warranty.
        return Payer.WARRANTY
    return Payer.CUSTOMER


def billable_minutes(minutes: int, rates: Rates) -> int:
    """Labour minutes charged: per started increment, at least the minimum (when any work)."""
    if minutes <= 0:
        return 0
    increment = max(1, rates.labour_increment_minutes)
    rounded = math.ceil(minutes / increment) * increment
    return max(rounded, rates.minimum_labour_minutes)


def _labour_line(
    facts: ChargeFacts, rates: Rates, payer: Payer
) -> tuple[ChargeLine | None, list[SheetWarning]]:
    if rates.labour_basis == "job_type":
        if not facts.job_type:
            return None, [SheetWarning.NO_JOB_TYPE] if facts.labour_minutes > 0 else []
        found = rates.job_types.get(facts.job_type)
        if found is None:
            return None, [SheetWarning.UNKNOWN_JOB_TYPE]
        name, amount = found
        line = ChargeLine(
            Kind.LABOUR, name, Decimal(1), money(amount), money(amount), payer, code=facts.job_type
        )
        return line, []
    minutes = billable_minutes(facts.labour_minutes, rates)
    if minutes == 0:
        return None, []
    hours = (Decimal(minutes) / 60).quantize(FEN, rounding=ROUND_HALF_UP)
    amount = money(rates.hourly_rate * minutes / 60)
    return ChargeLine(Kind.LABOUR, "", hours, money(rates.hourly_rate), amount, payer), []


def calculate_charges(facts: ChargeFacts, rates: Rates) -> ChargeSheet:
    """The charge sheet of a work order (or of a quote's estimate)."""
    payer = _service_payer(facts)
    lines: list[ChargeLine] = []
    warnings: list[SheetWarning] = []
    labour, labour_warnings = _labour_line(facts, rates, payer)
    warnings += labour_warnings
    if labour is not None:
        lines.append(labour)
    if facts.is_call_out_charged:
        fee = rates.call_out_by_zone.get(facts.zone, ZERO)
        if fee > 0:
            lines.append(
                ChargeLine(Kind.CALL_OUT, facts.zone, Decimal(1), money(fee), money(fee), payer)
            )
    distance = max(Decimal(0), Decimal(facts.distance_km) - rates.free_distance_km)
    if distance > 0 and rates.distance_rate_per_km > 0:
        lines.append(
            ChargeLine(
                Kind.DISTANCE,
                "",
                distance.quantize(Decimal("0.1")),
                money(rates.distance_rate_per_km),
                money(distance * rates.distance_rate_per_km),
                payer,
            )
        )
    for part in facts.parts:
        if part.unit_price is None:
            warnings.append(SheetWarning.UNPRICED_PART)
        price = money(part.unit_price) if part.unit_price is not None else ZERO
        cost = money((part.unit_cost or ZERO) * part.quantity)
        lines.append(
            ChargeLine(
                Kind.PART,
                part.name,
                Decimal(part.quantity),
                price,
                money(price * part.quantity),
                part_payer(facts, part),
                cost=cost,
                code=part.code,
            )
        )
    customer = sum((line.amount for line in lines if line.payer == Payer.CUSTOMER), ZERO)
    room = customer
    for discount in facts.discounts:
        granted = min(money(discount), room)
        if granted < money(discount):
            warnings.append(SheetWarning.DISCOUNT_CAPPED)
        if granted > 0:
            lines.append(
                ChargeLine(Kind.ADJUSTMENT, "", Decimal(1), -granted, -granted, Payer.CUSTOMER)
            )
            room -= granted
    return ChargeSheet(lines=tuple(lines), warnings=tuple(dict.fromkeys(warnings)))


def required_deposit(parts: Sequence[PartUse], *, threshold: Decimal, percent: Decimal) -> Decimal:
    """The deposit for preparing expensive parts: `percent` of the price of the parts whose unit
    price reaches `threshold` (004: at least half the price), rounded up to the fen so that it is
    never less than the share."""
    expensive = sum(
        (
            money(part.unit_price) * part.quantity
            for part in parts
            if part.unit_price is not None and part.unit_price >= threshold and threshold > 0
        ),
        ZERO,
    )
    return (expensive * percent / 100).quantize(FEN, rounding=ROUND_CEILING)


@dataclass(frozen=True)
class TaxSplit:
    net: Decimal
    tax: Decimal


def split_tax(gross: Decimal, *, rate_percent: Decimal) -> TaxSplit:
    """A tax-inclusive amount split into net and tax, per line: tax = gross × r / (1 + r) rounded
    half-up, net = gross − tax, so that net + tax is exactly the gross."""
    tax = money(gross * rate_percent / (100 + rate_percent))
    return TaxSplit(net=gross - tax, tax=tax)
