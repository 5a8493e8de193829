"""Agreement with an independent implementation: the `businesstimedelta` library, fed the same
working hours, China's holidays and make-up days, on 10,000 random cases."""

from __future__ import annotations

import datetime
import random
from bisect import bisect_left
from zoneinfo import ZoneInfo

import chinese_calendar
import pytz
from businesstimedelta import BusinessTimeDelta, HolidayRule, LunchTimeRule, Rules, WorkDayRule
from businesstimedelta.rules.rule import Rule

from shouhou.sla.clock import BusinessClock, hours

ZONE = "Asia/Shanghai"
TZ = ZoneInfo(ZONE)
PYTZ = pytz.timezone(ZONE)
YEARS = range(2024, 2027)
HOLIDAYS = sorted(day for day in chinese_calendar.holidays if day.year in YEARS)
MAKE_UP_DAYS = sorted(day for day in chinese_calendar.workdays if day.year in YEARS)
OPEN, LUNCH_START, LUNCH_END, CLOSE = (
    datetime.time(8, 30),
    datetime.time(12),
    datetime.time(13, 30),
    datetime.time(17, 30),
)
CASES = 10_000


class MakeUpDaysRule(Rule):
    """Working hours on given dates (China's make-up working days), for the reference library."""

    def __init__(self, dates: list[datetime.date], tz: pytz.BaseTzInfo) -> None:
        super().__init__(tz=tz, time_off=False)
        self.dates = dates

    def next(self, dt: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
        local = dt.astimezone(self.tz)
        index = bisect_left(self.dates, local.date())
        if index < len(self.dates) and self.dates[index] == local.date() and local.time() >= CLOSE:
            index += 1
        if index == len(self.dates):
            far = self.tz.localize(datetime.datetime(2100, 1, 1))  # noqa: DTZ001 - pytz localizes
            return far, far + datetime.timedelta(hours=1)
        day = self.dates[index]
        start = self.tz.localize(datetime.datetime.combine(day, OPEN))
        end = self.tz.localize(datetime.datetime.combine(day, CLOSE))
        return (max(start, dt), end) if start < dt < end else (start, end)


REFERENCE = Rules(
    [
        WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4], tz=PYTZ),
        MakeUpDaysRule(MAKE_UP_DAYS, PYTZ),
        LunchTimeRule(
            start_time=LUNCH_START, end_time=LUNCH_END, working_days=list(range(7)), tz=PYTZ
        ),
        # The library fails when it finds no holiday within five years; a sentinel far beyond the
        # cases (which end before 2027) keeps it going without changing any answer.
        HolidayRule({*HOLIDAYS, datetime.date(2027, 12, 31)}, tz=PYTZ),
    ]
)
DAY = [hours("08:30", "12:00"), hours("13:30", "17:30")]
SHOUHOU = BusinessClock(
    weekly=[DAY] * 5 + [[], []],
    exceptions={**{day: [] for day in HOLIDAYS}, **dict.fromkeys(MAKE_UP_DAYS, DAY)},
)


def random_instant(rng: random.Random) -> datetime.datetime:
    """Any second of 2024-01-01 … 2026-09-30: nights, weekends, lunch and holidays included."""
    start = datetime.datetime(2024, 1, 1, tzinfo=TZ)
    return start + datetime.timedelta(seconds=rng.randrange(0, 1000 * 24 * 3600))


def random_duration(rng: random.Random) -> datetime.timedelta:
    """From a minute to 15 working days, weighted towards the seeds' promises (6 h, 7 h, 7 d)."""
    minutes = rng.choice(
        [rng.randint(1, 60), rng.randint(60, 7 * 60), rng.randint(7 * 60, 15 * 450)]
    )
    return datetime.timedelta(minutes=minutes)


def reference_add(moment: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
    return (moment + BusinessTimeDelta(REFERENCE, timedelta=duration)).astimezone(TZ)


def reference_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    return REFERENCE.difference(start, end).timedelta


def test_deadlines_and_working_time_agree_with_the_reference() -> None:
    rng = random.Random(20261122)
    disagreements: list[tuple[object, ...]] = []
    for case in range(CASES):
        start = random_instant(rng)
        duration = random_duration(rng)
        if case % 4 == 3:
            # Pause and resume: the clock stops while waiting (e.g. over a weekend).
            paused_at = start + datetime.timedelta(seconds=rng.randrange(0, 5 * 24 * 3600))
            resumed_at = paused_at + datetime.timedelta(seconds=rng.randrange(0, 4 * 24 * 3600))
            worked = SHOUHOU.between(start, paused_at)
            expected_worked = reference_between(start, paused_at)
            if worked >= duration:
                # Due before the pause began: nothing is left to add after resuming.
                ours, theirs = SHOUHOU.add(start, duration).at, reference_add(start, duration)
            else:
                ours = SHOUHOU.add(resumed_at, duration - worked).at
                theirs = reference_add(resumed_at, duration - expected_worked)
            if worked != expected_worked or ours != theirs:
                disagreements.append(
                    ("pause", start, paused_at, resumed_at, duration, ours, theirs)
                )
            continue
        ours = SHOUHOU.add(start, duration).at
        theirs = reference_add(start, duration)
        if ours != theirs:
            disagreements.append(("add", start, duration, ours, theirs))
        end = start + datetime.timedelta(seconds=rng.randrange(0, 20 * 24 * 3600))
        if SHOUHOU.between(start, end) != reference_between(start, end):
            disagreements.append(("between", start, end))
    assert disagreements == [], f"{len(disagreements)} disagreements, first: {disagreements[:3]}"
