"""Organisations, users, audit log, numbering, regions and the worker's bookkeeping."""

from __future__ import annotations

import re
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change instants plus a version column for optimistic locking."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Scope:
    """How a model's rows are scoped: the field naming the owning organisation, and optionally a
    path to the organisation that serves the row (an external service provider)."""

    def __init__(self, *, owner: str, provider: str | None = None, via_subquery: bool = False):
        self.owner = owner
        self.provider = provider
        # True when `provider` crosses a to-many relation: scope with a subquery, not a join.
        self.via_subquery = via_subquery


class OrganisationKind(models.TextChoices):
    HEADQUARTERS = "hq", _("Headquarters")
    SERVICE_CENTRE = "branch", _("Service centre")
    CLIENT = "client", _("Client organisation")
    PROVIDER = "provider", _("Service provider")


class Organisation(TimeStampedModel):
    """A node of the organisation tree. `path` holds the ids from the root ("/1/7/12/") so that a
    subtree is one indexed prefix query, whatever its depth."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope: ClassVar[Scope] = Scope(owner="pk")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:organisation-detail", args=[self.pk])

    @property
    def sees_everything(self) -> bool:
        return self.kind == OrganisationKind.HEADQUARTERS

    def is_descendant_of(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    DISPATCHER = "dispatcher", _("Dispatcher / clerk")
    TECHNICIAN = "technician", _("Technician")
    AGENT = "agent", _("Call-centre agent")
    ACCOUNTANT = "accountant", _("Accountant")
    FOLLOWUP_AGENT = "followup_agent", _("Follow-up agent")
    QUALITY_OFFICER = "quality_officer", _("Quality / complaints officer")
    CUSTOMER_USER = "customer_user", _("Customer user")


class User(AbstractUser):
    """A person who logs in. Belongs to one organisation with one role; the role's group holds the
    permissions (see roles.py), the organisation decides which rows they see (see scoping.py)."""

    name = models.CharField(_("full name"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username


class Region(models.Model):
    """An administrative area (province, city, district) used to group customers and sites."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """Who changed which record when, and how (field: [old, new])."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=80)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


_PATTERN_FIELD = re.compile(r"\{([^{}]*)\}")
_ALLOWED_PLACEHOLDER = re.compile(r"^(period|serial(:0\d{1,2}d)?)$")


def validate_number_pattern(pattern: str) -> None:
    placeholders = _PATTERN_FIELD.findall(pattern)
    if "serial" not in {p.split(":")[0] for p in placeholders}:
        raise ValidationError(_("The pattern must contain {serial}."))
    for placeholder in placeholders:
        if not _ALLOWED_PLACEHOLDER.match(placeholder):
            raise ValidationError(
                _("Unknown placeholder {%(name)s}: use {period} and {serial} or {serial:04d}."),
                params={"name": placeholder},
            )


class NumberingRule(models.Model):
    """How documents of one type are numbered: e.g. complaints "{period}-{serial:04d}" with the
    period "%y%m", so the counter restarts every month (2611-0007)."""

    document_type = models.CharField(_("document type"), max_length=50, unique=True)
    pattern = models.CharField(_("pattern"), max_length=100, validators=[validate_number_pattern])
    period_format = models.CharField(
        _("period format"),
        max_length=20,
        blank=True,
        help_text=_("strftime format of the counter's period, e.g. %y%m; empty: never restarts"),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("numbering rule")
        verbose_name_plural = _("numbering rules")

    def __str__(self) -> str:
        return self.document_type


class NumberSequence(models.Model):
    """The last number handed out for one document type in one period."""

    document_type = models.CharField(max_length=50)
    period = models.CharField(max_length=20, blank=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "period"], name="core_numbersequence_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.period}: {self.last_value}"


class WorkerHeartbeat(models.Model):
    """Written by the heartbeat task each time a worker runs it: proof the queue is served."""

    worker = models.CharField(max_length=100, unique=True)
    backend = models.CharField(max_length=100)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        permissions = [("view_operations", _("Can view the operations page"))]

    def __str__(self) -> str:
        return self.worker


class PeriodicJobRun(models.Model):
    """One slot of one periodic job; the unique constraint makes enqueueing idempotent when
    several schedulers run or one restarts."""

    job = models.CharField(max_length=100)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot_start"], name="core_periodicjobrun_slot")
        ]
        indexes = [models.Index(fields=["job", "-slot_start"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot_start}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking rows")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded spreadsheet and the progress of its import (see imports.py). All rows are
    imported in one transaction or none is; `errors` lists the bad rows when none is."""

    kind = models.CharField(_("kind"), max_length=30)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported_count = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 7, "field": "phone", "message": "..."}], at most imports.MAX_REPORTED_ERRORS.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-id"])]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:import-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress for the bar: checking fills the first half, saving the second."""
        if self.status == ImportJobStatus.DONE:
            return 100
        done = (
            min(self.processed_rows, self.total_rows) * 50 // self.total_rows
            if self.total_rows
            else 0
        )
        return 50 + done if self.status == ImportJobStatus.IMPORTING else done
