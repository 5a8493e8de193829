"""Working-time arithmetic: lunch breaks, weekends, China's holidays and make-up days."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.sla.clock import BusinessClock, hours

TZ = ZoneInfo("Asia/Shanghai")
DAY = [hours("08:30", "12:00"), hours("13:30", "17:30")]  # 7.5 working hours
WEEKDAYS = [DAY] * 5 + [[], []]


def statutory_exceptions(years: range) -> dict[datetime.date, list[tuple[int, int]]]:
    """China's holidays (no work) and make-up working days (a normal day's hours)."""
    table: dict[datetime.date, list[tuple[int, int]]] = {}
    for day in chinese_calendar.holidays:
        if day.year in years:
            table[day] = []
    for day in chinese_calendar.workdays:
        if day.year in years:
            table[day] = list(DAY)
    return table


CLOCK = BusinessClock(
    weekly=WEEKDAYS,
    exceptions=statutory_exceptions(range(2024, 2027)),
    known_until=datetime.date(2026, 12, 31),
)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


def deadline(start: str, minutes: int) -> datetime.datetime:
    return CLOCK.add(at(start), datetime.timedelta(minutes=minutes)).at


def test_within_the_morning() -> None:
    assert deadline("2026-11-23T09:00", 60) == at("2026-11-23T10:00")


def test_across_lunch() -> None:
    assert deadline("2026-11-23T11:30", 60) == at("2026-11-23T14:00")


def test_ends_at_closing_time_not_next_morning() -> None:
    assert deadline("2026-11-23T16:30", 60) == at("2026-11-23T17:30")


def test_six_working_hours_from_a_friday_afternoon() -> None:
    # 2026-11-27 is a Friday: 2.5 h that day, 3.5 h on Monday.
    assert deadline("2026-11-27T15:00", 360) == at("2026-11-30T12:00")


def test_a_call_out_of_hours_starts_at_the_next_opening() -> None:
    assert deadline("2026-11-23T20:00", 30) == at("2026-11-24T09:00")
    assert deadline("2026-11-23T06:00", 30) == at("2026-11-23T09:00")
    assert deadline("2026-11-23T12:30", 30) == at("2026-11-23T14:00")


def test_national_day_2026_and_its_make_up_days() -> None:
    # Oct 1–7 are holidays; Sunday Sept 20 and Saturday Oct 10 are working days.
    assert deadline("2026-09-30T17:00", 60) == at("2026-10-08T09:00")
    assert deadline("2026-09-18T17:00", 60) == at("2026-09-20T09:00")
    assert deadline("2026-10-09T17:00", 60) == at("2026-10-10T09:00")


def test_spring_festival_2026() -> None:
    # Holidays Feb 15–23; Saturday Feb 14 and Saturday Feb 28 are working days.
    assert deadline("2026-02-13T17:00", 60) == at("2026-02-14T09:00")
    assert deadline("2026-02-14T17:00", 60) == at("2026-02-24T09:00")


def test_a_call_at_17_29_the_day_before_a_holiday() -> None:
    # Sept 30, 2026 is a Wednesday; the next working day is Oct 8.
    # One minute that day, then 3.5 h on the morning of Oct 8 and 2 h 29 min after lunch.
    assert deadline("2026-09-30T17:29", 6 * 60) == at("2026-10-08T15:59")


def test_between_counts_only_working_time() -> None:
    assert CLOCK.between(at("2026-11-27T15:00"), at("2026-11-30T12:00")) == datetime.timedelta(
        hours=6
    )
    assert CLOCK.between(at("2026-09-30T12:00"), at("2026-10-08T08:30")) == datetime.timedelta(
        hours=4
    )
    assert CLOCK.between(at("2026-10-08T08:30"), at("2026-09-30T12:00")) == datetime.timedelta(
        hours=-4
    )


def test_beyond_the_holiday_data_the_answer_is_provisional() -> None:
    inside = CLOCK.add(at("2026-12-30T09:00"), datetime.timedelta(hours=7))
    beyond = CLOCK.add(at("2026-12-31T09:00"), datetime.timedelta(hours=10))
    assert not inside.is_provisional
    assert beyond.is_provisional
    assert beyond.at == at("2027-01-01T11:30")  # Jan 1, 2027 is a Friday: weekly pattern


def test_a_deadline_five_years_out() -> None:
    start = at("2026-11-23T08:30")
    five_years = datetime.timedelta(hours=7.5 * 261 * 5)
    far = CLOCK.add(start, five_years)
    assert CLOCK.between(start, far.at) == five_years
    assert far.is_provisional


def test_around_the_clock_calendar() -> None:
    clock = BusinessClock(weekly=[[hours("00:00", "24:00")]] * 7)
    assert clock.add(at("2026-09-30T17:29"), datetime.timedelta(hours=30)).at == at(
        "2026-10-01T23:29"
    )


def test_organisation_closed_on_a_national_make_up_saturday() -> None:
    """A bank that does not work the national make-up Saturdays."""
    exceptions = statutory_exceptions(range(2026, 2027))
    exceptions[datetime.date(2026, 10, 10)] = []
    bank = BusinessClock(weekly=WEEKDAYS, exceptions=exceptions)
    assert bank.add(at("2026-10-09T17:00"), datetime.timedelta(hours=1)).at == at(
        "2026-10-12T09:00"
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CLOCK.add(datetime.datetime(2026, 11, 23, 9), datetime.timedelta(hours=1))  # noqa: DTZ001


instants = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1),  # noqa: DTZ001 - naive bounds, zone added below
    max_value=datetime.datetime(2026, 12, 31),  # noqa: DTZ001
).map(lambda moment: moment.replace(microsecond=0, tzinfo=TZ))


@settings(max_examples=500, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=60 * 24 * 200))
def test_add_then_measure_round_trips(start: datetime.datetime, minutes: int) -> None:
    duration = datetime.timedelta(minutes=minutes)
    end = CLOCK.add(start, duration).at
    assert CLOCK.between(start, end) == duration
    assert end >= start
    if minutes:
        # Earliest: one second earlier the work is not done yet.
        assert CLOCK.between(start, end - datetime.timedelta(seconds=1)) < duration


@settings(max_examples=300, deadline=None)
@given(first=instants, second=instants, third=instants)
def test_between_is_additive(first, second, third) -> None:  # noqa: ANN001
    assert CLOCK.between(first, third) == CLOCK.between(first, second) + CLOCK.between(
        second, third
    )
