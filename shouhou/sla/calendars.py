"""Business calendars compiled into BusinessClocks, cached in the process.

A computation never queries the database: the compiled clocks and the organisation → calendar
map live in memory. At most every CALENDAR_REFRESH_SECONDS a process reads the calendar
revision (one tiny query) and drops its cache when an edit moved it; the editing process drops
its own cache at once."""

from __future__ import annotations

import datetime
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.models import Organisation
from shouhou.sla.clock import BusinessClock, DaySchedule, Interval
from shouhou.sla.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarDayKind,
    CalendarRevision,
    StatutoryDay,
    StatutoryDayKind,
)

AROUND_THE_CLOCK: list[Interval] = [(0, 24 * 3600)]

_lock = threading.Lock()
_clocks: dict[int, BusinessClock] = {}
_organisation_calendars: dict[int, int] = {}
_state = {"revision": -1, "checked_at": 0.0}


def _seconds(moment: datetime.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def current_revision() -> int:
    row = CalendarRevision.objects.order_by("pk").first()
    return row.value if row is not None else 0


def forget_compiled_calendars() -> None:
    """Drop this process's compiled calendars (after an edit, or in tests)."""
    with _lock:
        _clocks.clear()
        _organisation_calendars.clear()
        _state["checked_at"] = 0.0


def _refresh_if_stale() -> None:
    now = time.monotonic()
    if now - _state["checked_at"] < settings.CALENDAR_REFRESH_SECONDS:
        return
    revision = current_revision()
    with _lock:
        if revision != _state["revision"]:
            _clocks.clear()
            _organisation_calendars.clear()
            _state["revision"] = revision
        _state["checked_at"] = now


def compile_calendar(calendar: BusinessCalendar) -> BusinessClock:
    """Read one calendar's rows and build its clock."""
    if calendar.is_around_the_clock:
        return BusinessClock(weekly=[AROUND_THE_CLOCK] * 7, timezone=calendar.timezone)
    weekly: list[list[Interval]] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        weekly[period.weekday].append((_seconds(period.starts_at), _seconds(period.ends_at)))
    # A make-up or extra working day works the hours of the first weekday that has any.
    standard: list[Interval] = next((day for day in weekly if day), [])
    exceptions: dict[datetime.date, list[Interval] | DaySchedule] = {}
    known_until = None
    if calendar.observes_statutory_holidays:
        for day, kind in StatutoryDay.objects.values_list("day", "kind"):
            if kind == StatutoryDayKind.HOLIDAY:
                exceptions[day] = []
            elif calendar.works_makeup_days:
                exceptions[day] = standard
        last = StatutoryDay.objects.filter(kind=StatutoryDayKind.HOLIDAY).order_by("-day").first()
        known_until = datetime.date(last.day.year, 12, 31) if last else None
    for day, kind in CalendarDay.objects.filter(calendar=calendar).values_list("day", "kind"):
        exceptions[day] = standard if kind == CalendarDayKind.WORKING else []
    return BusinessClock(
        weekly=weekly, exceptions=exceptions, timezone=calendar.timezone, known_until=known_until
    )


def clock_for_calendar(calendar_id: int) -> BusinessClock:
    _refresh_if_stale()
    clock = _clocks.get(calendar_id)
    if clock is None:
        calendar = BusinessCalendar.objects.prefetch_related("periods").get(pk=calendar_id)
        clock = compile_calendar(calendar)
        with _lock:
            _clocks[calendar_id] = clock
    return clock


def _calendar_id_for(organisation: Organisation) -> int:
    ancestors = [int(part) for part in organisation.path.strip("/").split("/") if part]
    own = dict(
        BusinessCalendar.objects.filter(organisation_id__in=ancestors).values_list(
            "organisation_id", "pk"
        )
    )
    for ancestor in reversed(ancestors):
        if ancestor in own:
            return own[ancestor]
    default = BusinessCalendar.objects.filter(is_default=True).values_list("pk", flat=True).first()
    if default is None:
        raise BusinessCalendar.DoesNotExist(_("There is no default business calendar."))
    return default


def clock_for_organisation(organisation: Organisation) -> BusinessClock:
    """The clock of the organisation's own calendar, else its nearest ancestor's, else the
    default one."""
    _refresh_if_stale()
    calendar_id = _organisation_calendars.get(organisation.pk)
    if calendar_id is None:
        calendar_id = _calendar_id_for(organisation)
        with _lock:
            _organisation_calendars[organisation.pk] = calendar_id
    return clock_for_calendar(calendar_id)


def known_years() -> list[int]:
    years: dict[int, int] = defaultdict(int)
    for day in StatutoryDay.objects.filter(kind=StatutoryDayKind.HOLIDAY).values_list(
        "day", flat=True
    ):
        years[day.year] += 1
    return sorted(years)


def holiday_data_warning(*, today: datetime.date | None = None) -> str | None:
    """From November on, say so when next year's statutory holidays have not been entered."""
    day = today or timezone.localdate()
    if day.month < 11:
        return None
    if StatutoryDay.objects.filter(day__year=day.year + 1, kind=StatutoryDayKind.HOLIDAY).exists():
        return None
    return _(
        "The statutory holidays of %(year)s have not been entered yet: deadlines in %(year)s are "
        "computed on the weekly hours alone and marked provisional. Enter the State Council's "
        "schedule under Service levels › Statutory holidays."
    ) % {"year": day.year + 1}
