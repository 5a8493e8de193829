"""The arithmetic of responsibility and penalties, without the database.

- `allocate`: split an amount into parts proportional to weights, to the cent, the parts adding
  up to the whole exactly (largest remainder): a shared loss never loses or gains a cent.
- `monthly_cap`: the most that may be deducted from a month's efficiency bonus (003 经济处罚准则
  (三)4: 50 % of the month's bonus).
- `schedule_deductions`: the cap-and-carry ledger: each month deducts what is due (carried in
  plus imposed that month) up to the month's cap, the rest carries into the next month."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> int:
    return int((value / CENT).to_integral_value(rounding=ROUND_DOWN))


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` (yuan, two places) split in proportion to `weights`, each part a whole number of
    cents, the parts summing to `total`. Ties in the remainders go to the earlier weights."""
    if total < 0:
        raise ValueError("the total cannot be negative")
    if total != total.quantize(CENT):
        raise ValueError("the total must be in whole cents")
    if not weights or any(weight < 0 for weight in weights) or sum(weights) <= 0:
        raise ValueError("the weights must be positive")
    whole = cents(total)
    weight_sum = sum(weights)
    exact = [Decimal(whole) * weight / weight_sum for weight in weights]
    floors = [int(value.to_integral_value(rounding=ROUND_DOWN)) for value in exact]
    left = whole - sum(floors)
    by_remainder = sorted(
        range(len(weights)), key=lambda index: (-(exact[index] - floors[index]), index)
    )
    for index in by_remainder[:left]:
        floors[index] += 1
    return [(Decimal(part) * CENT).quantize(CENT) for part in floors]


def monthly_cap(bonus: Decimal, percent: Decimal) -> Decimal:
    """The most a month may deduct: `percent` of the bonus, rounded down to the cent so that
    the cap is never exceeded."""
    if bonus < 0 or percent < 0:
        raise ValueError("bonus and percent cannot be negative")
    return (bonus * percent / Decimal(100)).quantize(CENT, rounding=ROUND_DOWN)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    """The first days of the months from `start`'s to `end`'s, both included."""
    month = first_of_month(start)
    last = first_of_month(end)
    while month <= last:
        yield month
        month = next_month(month)


@dataclass(frozen=True)
class LedgerMonth:
    """One month of one person's penalty ledger."""

    month: datetime.date
    carried_in: Decimal
    imposed: Decimal
    cap: Decimal
    deducted: Decimal
    carried_out: Decimal

    @property
    def due(self) -> Decimal:
        return self.carried_in + self.imposed


def schedule_deductions(
    *,
    imposed: Mapping[datetime.date, Decimal],
    cap_for: Callable[[datetime.date], Decimal],
    until: datetime.date,
) -> list[LedgerMonth]:
    """The ledger from the first month anything was imposed to `until`'s month: each month
    deducts min(carried in + imposed, cap), the rest carries over. Amounts imposed after
    `until` are not in it. Invariants: no month deducts more than its cap, and the deductions
    plus the last month's carry equal everything imposed up to `until`."""
    for month, amount in imposed.items():
        if month != first_of_month(month):
            raise ValueError("months are given by their first day")
        if amount < 0 or amount != amount.quantize(CENT):
            raise ValueError("imposed amounts are whole cents, not negative")
    if not imposed or min(imposed) > first_of_month(until):
        return []
    lines: list[LedgerMonth] = []
    carried = ZERO
    for month in months_between(min(imposed), until):
        cap = cap_for(month)
        if cap < 0 or cap != cap.quantize(CENT):
            raise ValueError("a cap is whole cents, not negative")
        added = imposed.get(month, ZERO)
        due = carried + added
        deducted = min(due, cap)
        lines.append(
            LedgerMonth(
                month=month,
                carried_in=carried,
                imposed=added,
                cap=cap,
                deducted=deducted,
                carried_out=due - deducted,
            )
        )
        carried = due - deducted
    return lines
