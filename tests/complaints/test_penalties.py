"""The arithmetic of responsibility and penalties: exact shares, the monthly cap, and the
cap-and-carry ledger (003 经济处罚准则 (三)4), by example and as properties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.complaints.penalties import (
    allocate,
    monthly_cap,
    months_between,
    next_month,
    schedule_deductions,
)

D = Decimal
JAN = datetime.date(2026, 1, 1)


def month(index: int) -> datetime.date:
    """The first day of the month `index` months after January 2026."""
    result = JAN
    for _step in range(index):
        result = next_month(result)
    return result


# --- allocate ---------------------------------------------------------------------------------


def test_a_loss_split_three_ways_loses_no_cent() -> None:
    # given 100 yuan shared equally by three people
    # when it is split
    parts = allocate(D("100.00"), [D(1), D(1), D(1)])
    # then the parts add up to the whole, the odd cent going to the first
    assert parts == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(parts) == D("100.00")


def test_shares_follow_the_weights() -> None:
    assert allocate(D("1000.00"), [D("60"), D("40")]) == [D("600.00"), D("400.00")]
    # base points: loss ÷ the department's points × one's points
    assert allocate(D("900.00"), [D("1.5"), D("1.0"), D("0.5")]) == [
        D("450.00"),
        D("300.00"),
        D("150.00"),
    ]


def test_a_zero_loss_gives_zero_parts() -> None:
    assert allocate(D("0.00"), [D(3), D(1)]) == [D("0.00"), D("0.00")]


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (D("-1.00"), [D(1)]),
        (D("1.005"), [D(1)]),
        (D("1.00"), []),
        (D("1.00"), [D(0), D(0)]),
        (D("1.00"), [D(1), D(-1)]),
    ],
)
def test_allocate_refuses_what_is_no_split(total: Decimal, weights: list[Decimal]) -> None:
    with pytest.raises(ValueError, match="total|weights"):
        allocate(total, weights)


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
weights = st.lists(
    st.decimals(min_value=D("0.01"), max_value=1000, places=2, allow_nan=False),
    min_size=1,
    max_size=12,
)


@given(total=amounts, weights=weights)
def test_the_parts_always_add_up_to_the_whole(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts)
    # each part is within a cent of its exact proportional share
    exact = [total * weight / sum(weights) for weight in weights]
    assert all(abs(part - share) < D("0.01") for part, share in zip(parts, exact, strict=True))


# --- the monthly cap --------------------------------------------------------------------------


def test_the_cap_is_half_the_bonus_rounded_down() -> None:
    assert monthly_cap(D("3000.00"), D("50")) == D("1500.00")
    assert monthly_cap(D("1000.01"), D("50")) == D("500.00")
    assert monthly_cap(D("0.00"), D("50")) == D("0.00")


# --- cap and carry ----------------------------------------------------------------------------


def test_a_deduction_above_the_cap_carries_over_several_months() -> None:
    # given a 2,000-yuan deduction in January and a bonus of 1,200 a month (cap 600)
    lines = schedule_deductions(
        imposed={JAN: D("2000.00")}, cap_for=lambda _month: D("600.00"), until=month(4)
    )
    # then 600 a month is deducted until the rest, 200, goes in April
    assert [(line.deducted, line.carried_out) for line in lines] == [
        (D("600.00"), D("1400.00")),
        (D("600.00"), D("800.00")),
        (D("600.00"), D("200.00")),
        (D("200.00"), D("0.00")),
        (D("0.00"), D("0.00")),
    ]
    assert [line.month for line in lines] == list(months_between(JAN, month(4)))


def test_a_new_penalty_joins_what_is_carried() -> None:
    # given 900 in January and 500 more in February, with the cap 400 in February (a smaller
    # bonus that month) and 600 otherwise
    caps = {month(1): D("400.00")}
    lines = schedule_deductions(
        imposed={JAN: D("900.00"), month(1): D("500.00")},
        cap_for=lambda m: caps.get(m, D("600.00")),
        until=month(3),
    )
    # then February owes 300 carried + 500 new and deducts its own cap only
    assert [(line.carried_in, line.imposed, line.deducted, line.carried_out) for line in lines] == [
        (D("0.00"), D("900.00"), D("600.00"), D("300.00")),
        (D("300.00"), D("500.00"), D("400.00"), D("400.00")),
        (D("400.00"), D("0.00"), D("400.00"), D("0.00")),
        (D("0.00"), D("0.00"), D("0.00"), D("0.00")),
    ]


def test_without_a_bonus_nothing_is_deducted_and_everything_carries() -> None:
    lines = schedule_deductions(
        imposed={JAN: D("400.00")}, cap_for=lambda _month: D("0.00"), until=month(2)
    )
    assert [line.carried_out for line in lines] == [D("400.00")] * 3
    assert sum(line.deducted for line in lines) == 0


def test_the_ledger_starts_at_the_first_penalty_and_ignores_later_ones() -> None:
    assert schedule_deductions(imposed={}, cap_for=lambda _m: D(1), until=JAN) == []
    later = schedule_deductions(imposed={month(5): D("1.00")}, cap_for=lambda _m: D(1), until=JAN)
    assert later == []


def test_months_are_given_by_their_first_day() -> None:
    with pytest.raises(ValueError, match="first day"):
        schedule_deductions(
            imposed={datetime.date(2026, 1, 15): D("1.00")}, cap_for=lambda _m: D(1), until=JAN
        )


penalty_plans = st.dictionaries(
    keys=st.integers(min_value=0, max_value=23),
    values=st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False),
    min_size=1,
    max_size=10,
)
bonus_plans = st.lists(
    st.decimals(min_value=0, max_value=20_000, places=2, allow_nan=False), min_size=36, max_size=36
)


@given(plan=penalty_plans, bonuses=bonus_plans, horizon=st.integers(min_value=0, max_value=35))
def test_deducted_plus_carried_is_what_was_imposed_and_no_month_passes_its_cap(
    plan: dict[int, Decimal], bonuses: list[Decimal], horizon: int
) -> None:
    imposed = {month(index): amount for index, amount in plan.items()}
    caps = {month(index): monthly_cap(bonus, D("50")) for index, bonus in enumerate(bonuses)}
    until = month(horizon)
    lines = schedule_deductions(imposed=imposed, cap_for=caps.__getitem__, until=until)
    imposed_so_far = sum((a for m, a in imposed.items() if m <= until), D("0.00"))
    if not lines:
        assert min(imposed) > until
        return
    # the invariant of the ledger
    assert sum(line.deducted for line in lines) + lines[-1].carried_out == imposed_so_far
    for line in lines:
        # no month above its cap, and no more than what is owed
        assert 0 <= line.deducted <= line.cap
        assert line.deducted <= line.carried_in + line.imposed
        # what is owed is deducted as fast as the cap allows
        assert line.deducted == min(line.cap, line.carried_in + line.imposed)
        assert line.carried_out == line.carried_in + line.imposed - line.deducted
    # each month carries in what the previous one carried out
    for previous, current in zip(lines, lines[1:], strict=False):
        assert current.carried_in == previous.carried_out
        assert current.month == next_month(previous.month)
