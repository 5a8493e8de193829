"""Warranty arithmetic."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from shouhou.assets.warranty import add_months, warranty_end


def test_twelve_months_end_the_day_before_the_anniversary() -> None:
    end = warranty_end(
        purchased_on=datetime.date(2025, 3, 10),
        installed_on=None,
        months=12,
        starts_from_install=False,
    )
    assert end == datetime.date(2026, 3, 9)


def test_month_end_is_clamped() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 2, 29)


def test_install_date_is_used_when_the_model_says_so() -> None:
    end = warranty_end(
        purchased_on=datetime.date(2025, 1, 1),
        installed_on=datetime.date(2025, 2, 1),
        months=24,
        starts_from_install=True,
    )
    assert end == datetime.date(2027, 1, 31)


def test_the_other_date_stands_in_when_one_is_missing() -> None:
    end = warranty_end(
        purchased_on=None,
        installed_on=datetime.date(2025, 2, 1),
        months=12,
        starts_from_install=False,
    )
    assert end == datetime.date(2026, 1, 31)


def test_no_dates_means_no_warranty() -> None:
    assert (
        warranty_end(purchased_on=None, installed_on=None, months=12, starts_from_install=False)
        is None
    )


@given(
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
def test_warranty_lasts_between_28_and_31_days_per_month(start: datetime.date, months: int) -> None:
    end = warranty_end(
        purchased_on=start, installed_on=None, months=months, starts_from_install=False
    )
    assert end is not None
    days = (end - start).days + 1
    assert 28 * months <= days <= 31 * months
    # Adding months never goes backwards and lands in the right calendar month.
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
