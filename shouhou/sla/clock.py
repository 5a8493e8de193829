"""Working-time arithmetic on a business calendar, without the database and without walking the
horizon day by day.

A calendar is a weekly pattern of working intervals plus a sorted table of exception days (a
statutory holiday, a make-up working day, an organisation's own closed or extra day). The
working time from a fixed epoch to any instant is

    F(t) = G(day) + C(day) + within(day, t)

where G counts the weekly pattern in whole weeks (arithmetic, no loop), C adds the exceptions'
differences before `day` (a prefix sum found by bisection), and `within` the day's intervals
before t. Working time between two instants is F(b) − F(a); adding n seconds inverts F with one
bisection over the exceptions and a scan of at most a week. Both cost O(log E), E the number of
exception days, whatever the distance: a deadline five years out is as cheap as tomorrow's.

Deadlines close at the end of working time: 60 minutes added at 16:30 to a day ending at 17:30
give 17:30 that day, not 08:30 the next morning."""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from zoneinfo import ZoneInfo

Interval = tuple[int, int]  # seconds from local midnight, start < end
DaySchedule = tuple[Interval, ...]

EPOCH = datetime.date(2000, 1, 3)  # a Monday: weekday index 0 at day number 0
DAY_SECONDS = 24 * 3600


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def normalise(intervals: Iterable[Interval]) -> DaySchedule:
    """Sorted, merged, validated intervals of one day."""
    cleaned = sorted((int(start), int(end)) for start, end in intervals if end > start)
    merged: list[list[int]] = []
    for start, end in cleaned:
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(f"interval {start}-{end} is not within one day")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _total(schedule: DaySchedule) -> int:
    return sum(end - start for start, end in schedule)


def _worked_before(schedule: DaySchedule, second: int) -> int:
    """Working seconds of the day before `second` (seconds from midnight)."""
    done = 0
    for start, end in schedule:
        if second <= start:
            break
        done += min(second, end) - start
    return done


def _instant_reaching(schedule: DaySchedule, needed: int) -> int:
    """The earliest second of the day by which `needed` (> 0) working seconds are done."""
    for start, end in schedule:
        length = end - start
        if needed <= length:
            return start + needed
        needed -= length
    raise ValueError("the day has less working time than needed")


@dataclass(frozen=True)
class WorkingTime:
    """The answer of `BusinessClock.add`: the instant, and whether it lies beyond the dates the
    calendar's holiday data covers (then it assumed the weekly pattern and may move)."""

    at: datetime.datetime
    is_provisional: bool


class BusinessClock:
    """Working time on one calendar. Build it once (from the database, see calendars.py) and
    reuse it: every method is pure arithmetic."""

    def __init__(
        self,
        *,
        weekly: Sequence[Iterable[Interval]],
        exceptions: Mapping[datetime.date, Iterable[Interval]] | None = None,
        timezone: str = "Asia/Shanghai",
        known_until: datetime.date | None = None,
    ) -> None:
        if len(weekly) != 7:
            raise ValueError("weekly needs seven days, Monday first")
        self.tz = ZoneInfo(timezone)
        self.weekly: tuple[DaySchedule, ...] = tuple(normalise(day) for day in weekly)
        self.day_totals = tuple(_total(day) for day in self.weekly)
        self.week_total = sum(self.day_totals)
        # prefix[k]: working seconds of weekdays 0..k-1; the week starts on Monday (EPOCH).
        self.prefix = (0, *accumulate(self.day_totals))
        self.known_until = known_until
        table = sorted(
            (day_number(day), normalise(schedule)) for day, schedule in (exceptions or {}).items()
        )
        self.exception_days = [number for number, _ in table]
        self.exception_schedules = [schedule for _, schedule in table]
        deltas = [_total(schedule) - self.day_totals[number % 7] for number, schedule in table]
        # shift[i]: sum of the deltas of the exceptions before the i-th one.
        self.shift = [0, *accumulate(deltas)]
        # Cumulative working time at the start and at the end of each exception day.
        self.exception_starts = [
            self._regular(number) + self.shift[index]
            for index, number in enumerate(self.exception_days)
        ]
        self.exception_ends = [
            start + _total(schedule)
            for start, schedule in zip(self.exception_starts, self.exception_schedules, strict=True)
        ]
        if self.week_total == 0 and not any(self.exception_ends):
            raise ValueError("the calendar has no working time at all")

    # --- the cumulative function ------------------------------------------------------------

    def _regular(self, number: int) -> int:
        """G: working seconds of the weekly pattern from the epoch to the start of day `number`."""
        weeks, weekday = divmod(number, 7)
        return weeks * self.week_total + self.prefix[weekday]

    def _schedule(self, number: int) -> DaySchedule:
        index = bisect_left(self.exception_days, number)
        if index < len(self.exception_days) and self.exception_days[index] == number:
            return self.exception_schedules[index]
        return self.weekly[number % 7]

    def _day_start(self, number: int) -> int:
        """F at the start of day `number`."""
        return self._regular(number) + self.shift[bisect_left(self.exception_days, number)]

    def _local(self, moment: datetime.datetime) -> tuple[int, int]:
        if moment.tzinfo is None:
            raise ValueError("working-time arithmetic needs an aware datetime")
        local = moment.astimezone(self.tz)
        second = local.hour * 3600 + local.minute * 60 + local.second
        return day_number(local.date()), second

    def cumulative(self, moment: datetime.datetime) -> int:
        """F(moment): working seconds from the epoch up to `moment`."""
        number, second = self._local(moment)
        return self._day_start(number) + _worked_before(self._schedule(number), second)

    def _instant(self, number: int, second: int, microsecond: int = 0) -> datetime.datetime:
        day = EPOCH + datetime.timedelta(days=number)
        local = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return local + datetime.timedelta(seconds=second, microseconds=microsecond)

    # --- public arithmetic ------------------------------------------------------------------

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time from `start` to `end` (negative when end is earlier)."""
        return datetime.timedelta(seconds=self.cumulative(end) - self.cumulative(start))

    def is_working(self, moment: datetime.datetime) -> bool:
        number, second = self._local(moment)
        return any(start <= second < end for start, end in self._schedule(number))

    def add(self, moment: datetime.datetime, duration: datetime.timedelta) -> WorkingTime:
        """The earliest instant at which `duration` of working time has passed since `moment`."""
        seconds = int(duration.total_seconds())
        if seconds < 0:
            raise ValueError("working time cannot be negative")
        number, second = self._local(moment)
        if seconds == 0:
            return self._answer(moment, number)
        schedule = self._schedule(number)
        before = _worked_before(schedule, second)
        left_today = _total(schedule) - before
        if seconds <= left_today:
            at = self._instant(number, _instant_reaching(schedule, before + seconds))
            return self._answer(at, number)
        target = self._day_start(number) + before + seconds
        return self._reach(target, after=number)

    def _reach(self, target: int, *, after: int) -> WorkingTime:
        """The earliest instant where F reaches `target`, which lies after day `after`."""
        # The first exception day whose end reaches the target bounds the search.
        index = bisect_left(self.exception_ends, target)
        previous = self.exception_days[index - 1] if index > 0 else None
        base = after + 1 if previous is None else max(after + 1, previous + 1)
        if index < len(self.exception_days) and self.exception_starts[index] < target:
            number = self.exception_days[index]
            needed = target - self.exception_starts[index]
            second = _instant_reaching(self.exception_schedules[index], needed)
            return self._answer(self._instant(number, second), number)
        # Between `base` and that exception the weekly pattern holds.
        needed = target - self._day_start(base)
        if self.week_total == 0:
            raise ValueError("no working time before the end of the calendar's data")
        weeks = (needed - 1) // self.week_total
        number = base + 7 * weeks
        needed -= weeks * self.week_total
        while needed > self.day_totals[number % 7]:
            needed -= self.day_totals[number % 7]
            number += 1
        second = _instant_reaching(self.weekly[number % 7], needed)
        return self._answer(self._instant(number, second), number)

    def _answer(self, at: datetime.datetime, number: int) -> WorkingTime:
        provisional = self.known_until is not None and number > day_number(self.known_until)
        return WorkingTime(at=at, is_provisional=provisional)


def hours(start: str, end: str) -> Interval:
    """("08:30", "12:00") as seconds from midnight; "24:00" is the end of the day."""

    def seconds(text: str) -> int:
        hour, minute = (int(part) for part in text.split(":"))
        return hour * 3600 + minute * 60

    return seconds(start), seconds(end)
