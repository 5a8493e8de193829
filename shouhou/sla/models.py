"""Business calendars (working hours, China's statutory holidays and make-up days, an
organisation's own days), SLA policies, each work order's clocks, pauses and escalations."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.contracts.models import ServiceLevel
from shouhou.core.models import Organisation, Scope, TimeStampedModel
from shouhou.customers.models import CustomerGrade, Zone


class BusinessCalendar(TimeStampedModel):
    """When an organisation works. An organisation uses its own calendar, else its nearest
    ancestor's, else the default calendar."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, unique=True)
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar",
    )
    timezone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    is_around_the_clock = models.BooleanField(
        _("24 × 7"), default=False, help_text=_("Every minute of every day is working time.")
    )
    observes_statutory_holidays = models.BooleanField(
        _("closed on statutory holidays"), default=True
    )
    works_makeup_days = models.BooleanField(
        _("works the statutory make-up days"),
        default=True,
        help_text=_("Untick for an organisation that does not work the make-up Saturdays (调休)."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingPeriod(models.Model):
    """One stretch of working time on a weekday, e.g. Monday 08:30–12:00."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="sla_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class StatutoryDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday")
    MAKEUP_WORKDAY = "workday", _("Make-up working day")


class StatutoryDay(models.Model):
    """A day of the State Council's holiday schedule: a holiday, or a weekend day worked instead
    (调休). Seeded from the chinesecalendar package; later years are entered by an admin."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=StatutoryDayKind.choices)
    name = models.CharField(_("holiday"), max_length=100)
    source = models.CharField(_("source"), max_length=30, default="admin")

    class Meta:
        verbose_name = _("statutory holiday or make-up day")
        verbose_name_plural = _("statutory holidays and make-up days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class CalendarDayKind(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("calendar day", "Closed")
    WORKING = "working", _("Extra working day")


class CalendarDay(models.Model):
    """An organisation's own day: closed on a working day, or working on a day off. Overrides
    the weekly hours and the statutory schedule for that calendar."""

    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="sla_calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day} {self.get_kind_display()}"


class CalendarRevision(models.Model):
    """Bumped on every calendar edit; processes reload their compiled calendars when it moves."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return str(self.value)


class SlaMetric(models.TextChoices):
    RESPONSE = "response", _("Dispatch")
    ARRIVAL = "arrival", _("Arrival on site")
    RESOLUTION = "resolution", _("Resolution")
    RETURN_FROM_FACTORY = "factory", _("Return-to-factory repair")
    COMPLAINT_CLOSURE = "complaint", _("Complaint closure")


class ClockKind(models.TextChoices):
    WORKING = "working", _("Working time")
    ELAPSED = "elapsed", _("Calendar time")


class SlaPolicy(models.Model):
    """A promise: for orders matching the conditions (empty = any), `metric` is due within
    `target_minutes` of working (or calendar) time. The most specific matching policy wins."""

    name = models.CharField(_("name"), max_length=100)
    metric = models.CharField(_("metric"), max_length=20, choices=SlaMetric.choices)
    target_minutes = models.PositiveIntegerField(
        _("target (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    clock = models.CharField(
        _("counted in"), max_length=10, choices=ClockKind.choices, default=ClockKind.WORKING
    )
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices, blank=True)
    service_category = models.CharField(_("service category"), max_length=1, blank=True)
    service_level = models.ForeignKey(
        ServiceLevel,
        verbose_name=_("contract service level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    customer_grade = models.CharField(
        _("customer grade"), max_length=1, choices=CustomerGrade.choices, blank=True
    )
    target_customers_only = models.BooleanField(_("target / VIP customers only"), default=False)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    resolution_mode = models.CharField(_("resolution mode"), max_length=20, blank=True)
    pauses_for_customer = models.BooleanField(
        _("clock stops while waiting for the customer"), default=True
    )
    pauses_for_parts = models.BooleanField(_("clock stops while waiting for parts"), default=False)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("Among equally specific policies the lowest rank wins.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["metric", "rank", "id"]

    def __str__(self) -> str:
        return self.name


class SlaClock(models.Model):
    """One promise on one work order: when it started, when it is due, pauses, and when it was
    met. `due_at` is recomputed when the order's inputs change."""

    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="sla_clocks",
    )
    metric = models.CharField(_("metric"), max_length=20, choices=SlaMetric.choices)
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    clock = models.CharField(_("counted in"), max_length=10, choices=ClockKind.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    is_provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The due time lies beyond the holiday data entered so far."),
    )
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("paused working time (s)"), default=0)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # Stays the same across recomputations; the ladder's steps are counted from it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    handling_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("handled by")
    )

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "metric"], name="sla_one_clock_per_metric"
            )
        ]
        indexes = [models.Index(fields=["met_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.work_order} {self.get_metric_display()}"


class SlaPause(models.Model):
    """A stretch during which the clock stood still, and why."""

    clock = models.ForeignKey(
        SlaClock, verbose_name=_("SLA clock"), on_delete=models.CASCADE, related_name="pauses"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    working_seconds = models.PositiveBigIntegerField(_("working time paused (s)"), default=0)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.clock} {self.started_at:%Y-%m-%d %H:%M}"


class Audience(models.TextChoices):
    TECHNICIAN = "technician", _("The technician")
    DISPATCHER = "dispatcher", _("The dispatchers")
    SUPERVISOR = "supervisor", _("The service managers")
    GENERAL_MANAGER = "general_manager", _("The general manager")


class EscalationStep(models.Model):
    """A rung of the escalation ladder: `offset_minutes` around the due time (negative: before
    it), who hears about it, on which channels, with which message template."""

    metric = models.CharField(_("metric"), max_length=20, choices=SlaMetric.choices)
    name = models.CharField(_("name"), max_length=100)
    offset_minutes = models.IntegerField(
        _("minutes after the due time"), help_text=_("Negative: a warning before the due time.")
    )
    audience = models.CharField(_("who is told"), max_length=20, choices=Audience.choices)
    send_email = models.BooleanField(_("email"), default=True)
    send_sms = models.BooleanField(_("SMS"), default=True)
    template_code = models.CharField(_("message template"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["metric", "offset_minutes"]

    def __str__(self) -> str:
        return self.name


class EscalationFiring(models.Model):
    """A step fired for a clock; unique, so a step fires once per work order however often the
    scheduler runs."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="firings")
    step = models.ForeignKey(EscalationStep, on_delete=models.CASCADE, related_name="+")
    fired_at = models.DateTimeField(_("fired at"))
    notified = models.PositiveIntegerField(_("people notified"), default=0)

    class Meta:
        verbose_name = _("escalation fired")
        verbose_name_plural = _("escalations fired")
        constraints = [
            models.UniqueConstraint(fields=["clock", "step"], name="sla_step_fires_once")
        ]

    def __str__(self) -> str:
        return f"{self.clock} {self.step}"
