"""Warranty arithmetic: when a unit's free warranty ends."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(
    *,
    purchased_on: datetime.date | None,
    installed_on: datetime.date | None,
    months: int,
    starts_from_install: bool,
) -> datetime.date | None:
    """The last day of warranty: `months` after the start date, the day before the anniversary.

    The start is the purchase date (or the installation date when the model says so); when that
    date is unknown the other one is used; with neither there is no warranty to compute."""
    first, second = (
        (installed_on, purchased_on) if starts_from_install else (purchased_on, installed_on)
    )
    start = first or second
    if start is None or months <= 0:
        return None
    return add_months(start, months) - datetime.timedelta(days=1)
