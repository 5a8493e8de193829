"""Technicians (skills, regions, shifts, home base, positions), the dispatch settings the
business sets, service-duration estimates, day plans with their proposed assignments, and the
records of each trip for the field analytics (出发时长, 往返路程, 修复时长, 超负荷情况)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.assets.models import Brand, ProductModel, ProductType
from shouhou.core.models import Organisation, Region, Scope, TimeStampedModel

LATITUDE_VALIDATORS = [MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))]
LONGITUDE_VALIDATORS = [MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))]


class CertificationLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")


class TechnicianProfile(TimeStampedModel):
    """What dispatch knows about a technician: where they are based and start their day, what
    they can repair, where they go, and how many jobs a day they take."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="technician_profile",
    )
    home_centre = models.ForeignKey(
        Organisation,
        verbose_name=_("home service centre"),
        on_delete=models.PROTECT,
        related_name="technician_profiles",
    )
    certification_level = models.CharField(
        _("certification level"),
        max_length=20,
        choices=CertificationLevel.choices,
        default=CertificationLevel.JUNIOR,
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions covered"),
        blank=True,
        related_name="+",
        help_text=_("Empty: anywhere the service centre serves."),
    )
    home_latitude = models.DecimalField(
        _("home base latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LATITUDE_VALIDATORS,
    )
    home_longitude = models.DecimalField(
        _("home base longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LONGITUDE_VALIDATORS,
    )
    last_latitude = models.DecimalField(
        _("last known latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        editable=False,
    )
    last_longitude = models.DecimalField(
        _("last known longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        editable=False,
    )
    last_position_at = models.DateTimeField(
        _("last position at"), null=True, blank=True, editable=False
    )
    daily_capacity = models.PositiveSmallIntegerField(
        _("daily capacity (jobs)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Empty: the default of the dispatch settings."),
    )
    is_active = models.BooleanField(_("available for dispatch"), default=True)

    scope: ClassVar[Scope] = Scope(owner="home_centre")

    class Meta:
        verbose_name = _("technician profile")
        verbose_name_plural = _("technician profiles")
        ordering = ["home_centre__path", "user__name", "id"]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("dispatch:technician-detail", args=[self.pk])

    @property
    def has_home_base(self) -> bool:
        return self.home_latitude is not None and self.home_longitude is not None


class TechnicianSkill(models.Model):
    """A product type and/or brand the technician may repair (either may be empty: any)."""

    technician = models.ForeignKey(
        TechnicianProfile,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="skills",
    )
    product_type = models.ForeignKey(
        ProductType,
        verbose_name=_("product type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope: ClassVar[Scope] = Scope(owner="technician__home_centre")

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.CheckConstraint(
                condition=Q(product_type__isnull=False) | Q(brand__isnull=False),
                name="dispatch_skill_names_something",
            ),
            models.UniqueConstraint(
                fields=["technician", "product_type", "brand"], name="dispatch_skill_unique"
            ),
        ]

    def __str__(self) -> str:
        parts = [str(part) for part in (self.product_type, self.brand) if part is not None]
        return " · ".join(parts)

    def covers(self, *, product_type_id: int | None, brand_id: int | None) -> bool:
        return (self.product_type_id is None or self.product_type_id == product_type_id) and (
            self.brand_id is None or self.brand_id == brand_id
        )


class TechnicianShift(models.Model):
    """One day that differs from the service centre's business calendar for one technician:
    other hours, or a day off (both times empty)."""

    technician = models.ForeignKey(
        TechnicianProfile,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    day = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope: ClassVar[Scope] = Scope(owner="technician__home_centre")

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["technician", "day"], name="dispatch_one_shift_a_day"),
            models.CheckConstraint(
                condition=(Q(starts_at__isnull=True) & Q(ends_at__isnull=True))
                | Q(ends_at__gt=F("starts_at")),
                name="dispatch_shift_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.is_day_off:
            return f"{self.day} —"
        return f"{self.day} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def is_day_off(self) -> bool:
        return self.starts_at is None


class TravelProviderKind(models.TextChoices):
    GREAT_CIRCLE = "great_circle", _("Straight line × detour factor ÷ zone speed")
    OSRM = "osrm", _("OSRM-compatible routing server")


class DispatchSettings(TimeStampedModel):
    """The numbers the business sets for dispatch. An organisation uses its own row, else its
    nearest ancestor's, else the default row."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_settings",
    )
    is_default = models.BooleanField(_("default settings"), default=False)
    travel_provider = models.CharField(
        _("travel times from"),
        max_length=20,
        choices=TravelProviderKind.choices,
        default=TravelProviderKind.GREAT_CIRCLE,
    )
    osrm_url = models.URLField(
        _("routing server address"),
        blank=True,
        help_text=_("Base address of a server answering OSRM's /table/v1/driving/ requests."),
    )
    osrm_timeout_seconds = models.PositiveSmallIntegerField(
        _("routing server timeout (seconds)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    detour_factor = models.DecimalField(
        _("detour factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
        help_text=_("Road distance ÷ straight-line distance."),
    )
    urban_speed_kmh = models.DecimalField(
        _("urban speed (km/h)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(1))],
    )
    suburban_speed_kmh = models.DecimalField(
        _("suburban speed (km/h)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(1))],
    )
    default_service_minutes = models.PositiveIntegerField(
        _("default time on site (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("Used when the history has too few repairs of the model and fault."),
    )
    default_daily_capacity = models.PositiveSmallIntegerField(
        _("default daily capacity (jobs)"), validators=[MinValueValidator(1)]
    )
    plan_time_limit_seconds = models.PositiveIntegerField(
        _("time limit of a day plan (seconds)"),
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    history_days = models.PositiveIntegerField(
        _("history used for time estimates (days)"), validators=[MinValueValidator(1)]
    )
    min_history_samples = models.PositiveSmallIntegerField(
        _("repairs needed for an estimate"), validators=[MinValueValidator(1)]
    )

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="dispatch_one_default_settings",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation) if self.organisation else str(_("Default"))


class FaultType(models.Model):
    """A kind of fault recognised from what the caller says (the symptom): a duration estimate
    is kept per product model and fault type."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        help_text=_("Words of the fault symptom, separated by commas; any one of them matches."),
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("When several types match, the lowest rank wins.")
    )

    class Meta:
        verbose_name = _("fault type")
        verbose_name_plural = _("fault types")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [
            word.strip() for word in self.keywords.replace("，", ",").split(",") if word.strip()
        ]


class DurationEstimate(models.Model):
    """Typical time on site (arrival to repair), from the history: per product model and fault
    type, per product model, or per fault type. Recomputed by a daily job."""

    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fault_type = models.ForeignKey(
        FaultType,
        verbose_name=_("fault type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    samples = models.PositiveIntegerField(_("repairs"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("duration estimate")
        verbose_name_plural = _("duration estimates")
        indexes = [models.Index(fields=["product_model", "fault_type"])]

    def __str__(self) -> str:
        return f"{self.product_model or '*'} / {self.fault_type or '*'}: {self.minutes} min"


class PlanStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("dispatch plan", "Queued")
    SOLVING = "solving", pgettext_lazy("dispatch plan", "Planning")
    PROPOSED = "proposed", pgettext_lazy("dispatch plan", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("dispatch plan", "Accepted")
    DISCARDED = "discarded", pgettext_lazy("dispatch plan", "Discarded")
    FAILED = "failed", pgettext_lazy("dispatch plan", "Failed")


class Plan(TimeStampedModel):
    """A day's plan for one service centre (optionally one region): which technician does which
    work order in which order, proposed by the optimiser and accepted by the dispatcher."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("service centre"),
        on_delete=models.PROTECT,
        related_name="dispatch_plans",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlanStatus.choices,
        default=PlanStatus.QUEUED,
        editable=False,
    )
    planned_from = models.DateTimeField(_("planned from"))
    is_replan = models.BooleanField(_("rest of the day"), default=False)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solving time (seconds)"), default=0)
    travel_provider = models.CharField(
        _("travel times from"), max_length=20, choices=TravelProviderKind.choices, blank=True
    )
    job_count = models.PositiveIntegerField(_("work orders"), default=0)
    technician_count = models.PositiveIntegerField(_("technicians"), default=0)
    late_count = models.PositiveIntegerField(_("planned late"), default=0)
    unassigned_count = models.PositiveIntegerField(_("not planned"), default=0)
    total_distance_m = models.PositiveBigIntegerField(_("total distance (m)"), default=0)
    message = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("dispatch plan")
        verbose_name_plural = _("dispatch plans")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("accept_plan", _("Can accept dispatch plans")),
            ("view_dispatch_board", _("Can view the dispatch board")),
            ("view_field_report", _("Can view the field-work report")),
        ]
        indexes = [models.Index(fields=["organisation", "day", "-id"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.day:%Y-%m-%d} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:plan-detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (PlanStatus.QUEUED, PlanStatus.SOLVING)

    @property
    def breach_count(self) -> int:
        return self.late_count + self.unassigned_count

    @property
    def looks_abandoned(self) -> bool:
        """Still waiting long after its time limit: no worker is solving it."""
        limit = datetime.timedelta(seconds=self.time_limit_seconds) + datetime.timedelta(minutes=5)
        return self.is_running and timezone.now() - self.created_at > limit


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("dispatch plan", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("dispatch plan", "Accepted")
    SKIPPED = "skipped", pgettext_lazy("dispatch plan", "Not applied")
    DISCARDED = "discarded", pgettext_lazy("dispatch plan", "Discarded")


class PlanAssignment(models.Model):
    """One work order in a plan: its technician and place in their day, with the expected
    arrival and whether that is after the due time; no technician: not planned, and why."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments"
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    work_order_version = models.PositiveIntegerField()
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned before"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sequence = models.PositiveSmallIntegerField(_("order"), default=0)
    arrival_at = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    start_at = models.DateTimeField(_("expected start"), null=True, blank=True)
    end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    late_minutes = models.PositiveIntegerField(_("late by (minutes)"), default=0)
    service_minutes = models.PositiveIntegerField(_("time on site (minutes)"), default=0)
    travel_minutes = models.PositiveIntegerField(_("travel (minutes)"), default=0)
    travel_distance_m = models.PositiveIntegerField(_("travel (m)"), default=0)
    is_fixed = models.BooleanField(_("already started"), default=False)
    reason = models.CharField(_("why not planned"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PROPOSED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(owner="plan__organisation")

    class Meta:
        verbose_name = _("planned assignment")
        verbose_name_plural = _("planned assignments")
        ordering = ["plan", "technician", "sequence", "id"]
        indexes = [models.Index(fields=["work_order", "status"])]

    def __str__(self) -> str:
        return f"{self.plan} {self.work_order_id} → {self.technician_id or '—'}"

    @property
    def is_change(self) -> bool:
        return self.technician_id is not None and self.technician_id != self.previous_technician_id


class PositionEvent(models.TextChoices):
    PING = "ping", _("Position")
    DEPART = "depart", _("Departure")
    ARRIVE = "arrive", _("Arrival")
    COMPLETE = "complete", _("Completion")


class TechnicianPosition(models.Model):
    """A position the technician's phone reported (with their consent): their route for the
    manager, and the distances of the analytics."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE_VALIDATORS
    )
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    event = models.CharField(
        _("event"), max_length=10, choices=PositionEvent.choices, default=PositionEvent.PING
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("technician position")
        verbose_name_plural = _("technician positions")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["technician", "-at"])]

    def __str__(self) -> str:
        return f"{self.technician} {self.at:%Y-%m-%d %H:%M}"


class DistanceSource(models.TextChoices):
    POSITIONS = "positions", _("Phone positions")
    SITES = "sites", _("Home base and site addresses")
    NONE = "none", _("Unknown")


class FieldVisit(models.Model):
    """One trip of one technician to one work order: when and where they set off, arrived and
    finished, and how far it was there and back."""

    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="field_visits",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="field_visits",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    departed_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    departed_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    arrived_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    arrived_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    completed_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    outbound_distance_m = models.PositiveIntegerField(
        _("distance there (m)"), null=True, blank=True
    )
    return_distance_m = models.PositiveIntegerField(
        _("distance back to base (m)"), null=True, blank=True
    )
    distance_source = models.CharField(
        _("distance from"),
        max_length=10,
        choices=DistanceSource.choices,
        default=DistanceSource.NONE,
    )
    on_day = models.DateField(_("date"), db_index=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-on_day", "-id"]
        indexes = [models.Index(fields=["technician", "on_day"])]

    def __str__(self) -> str:
        return f"{self.work_order} {self.technician} {self.on_day}"

    @property
    def round_trip_m(self) -> int | None:
        if self.outbound_distance_m is None:
            return None
        return self.outbound_distance_m + (self.return_distance_m or 0)
