"""Complaint cases (客户抱怨处理表) and what the complaint regulation needs around them: the
configurable types, deadlines, step targets and approval limits, the departments that answer
for a case, the decision on responsibility, the penalty ledger, chase notices (催办单) and the
revisit after closure (003 篇1 客户投诉管理办法, 行政/经济处罚准则; 001 第十九–二十一条;
000 第五篇)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment
from shouhou.core.models import Organisation, Role, Scope, TimeStampedModel
from shouhou.customers.models import Customer
from shouhou.sla.models import ClockKind
from shouhou.tickets.models import WorkOrder

NOT_NEGATIVE = [MinValueValidator(Decimal("0.00"))]

# --- configuration ----------------------------------------------------------------------------


class ComplaintType(models.Model):
    """What the complaint is about (product quality, service attitude, late arrival …); rows are
    seeded and edited in the admin."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_quality_problem = models.BooleanField(
        _("product quality problem"),
        default=False,
        help_text=_("Counted as a quality complaint; others have human causes (003 (四)1)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint type")
        verbose_name_plural = _("complaint types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ComplaintPolicy(models.Model):
    """The numbers the complaint regulation sets, one row (edited in the admin): closure within
    13 days domestic / 17 days abroad from registration (003 (十)), the revisit within 3 days of
    closure (000 第五篇 四.2), and the penalty amounts and cap (003 行政罚扣折算, 经济处罚准则)."""

    domestic_closure_days = models.PositiveSmallIntegerField(
        _("closure deadline, domestic (days)"), default=13, validators=[MinValueValidator(1)]
    )
    abroad_closure_days = models.PositiveSmallIntegerField(
        _("closure deadline, abroad (days)"), default=17, validators=[MinValueValidator(1)]
    )
    revisit_days = models.PositiveSmallIntegerField(
        _("revisit within (days after closure)"), default=3, validators=[MinValueValidator(1)]
    )
    warning_minimum_amount = models.DecimalField(
        _("warning: deduction at least (yuan)"),
        default=Decimal("400.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    minor_demerit_unit_amount = models.DecimalField(
        _("minor demerit: deduction per unit at least (yuan)"),
        default=Decimal("800.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    monthly_cap_percent = models.DecimalField(
        # xgettext:no-python-format
        _("monthly deduction cap (% of the efficiency bonus)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100.00"))],
    )

    class Meta:
        verbose_name = _("complaint policy")
        verbose_name_plural = _("complaint policy")

    def __str__(self) -> str:
        return str(_("Complaint policy"))


class ComplaintStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INVESTIGATING = "investigating", _("Under investigation")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy awaiting approval")
    APPROVED = "approved", _("Remedy approved")
    CUSTOMER_INFORMED = "customer_informed", _("Customer informed")
    CLOSED = "closed", _("Closed (accepted)")
    REJECTED = "rejected", _("Rejected by the customer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StepTarget(models.Model):
    """How long one step of the handling flow may take, in working time of the handling
    organisation's calendar or in calendar time. The regulation's per-unit table is missing from
    the seed (003 (十)2); the seeded values follow the times it names elsewhere."""

    step = models.CharField(
        _("step"),
        max_length=30,
        unique=True,
        choices=[
            (status.value, status.label)
            for status in ComplaintStatus
            if status
            not in (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED, ComplaintStatus.WITHDRAWN)
        ],
    )
    target_minutes = models.PositiveIntegerField(
        _("target (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    clock = models.CharField(
        _("counted in"), max_length=10, choices=ClockKind.choices, default=ClockKind.WORKING
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("step target")
        verbose_name_plural = _("step targets")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.target_minutes} min"


class ApprovalLimit(models.Model):
    """Who may approve a remedy of which amount (核决权限, 003 (九)6, 11): the largest amount a
    role may approve; empty means without limit. A role without a row approves nothing."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(
        _("largest amount (yuan)"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Empty: without limit."),
        max_digits=12,
        decimal_places=2,
    )

    class Meta:
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        ordering = ["max_amount"]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()}: {self.max_amount if self.max_amount is not None else '∞'}"
        )


# --- departments and staff --------------------------------------------------------------------


class Department(TimeStampedModel):
    """A department that may answer for a complaint (quality, manufacturing, sales, service …)
    and that receives the chase notices of its overdue steps."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="complaint_departments",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="complaints_department_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(TimeStampedModel):
    """A person's department, base points (基点数) and monthly efficiency bonus, which the
    economic penalties are computed from (003 经济处罚准则 (三)3, 4)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="complaint_profile",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    base_points = models.DecimalField(
        _("base points"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    monthly_bonus_amount = models.DecimalField(
        _("monthly efficiency bonus (yuan)"),
        default=Decimal("0.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )

    scope: ClassVar[Scope] = Scope(owner="department__organisation")

    class Meta:
        verbose_name = _("staff penalty profile")
        verbose_name_plural = _("staff penalty profiles")

    def __str__(self) -> str:
        return str(self.person)


class MonthlyBonus(models.Model):
    """A person's efficiency bonus of one month where it differs from the profile's amount."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="complaint_monthly_bonuses",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(
        _("efficiency bonus (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("monthly efficiency bonus")
        verbose_name_plural = _("monthly efficiency bonuses")
        ordering = ["person", "month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="complaints_bonus_month"),
            models.CheckConstraint(
                condition=Q(month__day=1), name="complaints_bonus_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m}"


# --- the case ---------------------------------------------------------------------------------


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter or email")
    SURVEY = "survey", _("Survey answer")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    PORTAL = "portal", _("Web portal")
    API = "api", _("API")


class Severity(models.TextChoices):
    """001 第十九条: major cases go to the deputy general manager and are answered in writing;
    general ones are handled by the service department, by letter or phone."""

    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class Market(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    ABROAD = "abroad", _("Abroad")


class RemedyKind(models.TextChoices):
    NONE = "none", _("None: complaint not upheld")
    APOLOGY = "apology", _("Apology")
    REPAIR = "repair", _("Repair")
    EXCHANGE = "exchange", _("Exchange")
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    DISCOUNT = "discount", _("Discount")


class ReplyChannel(models.TextChoices):
    LETTER = "letter", _("In writing (letter)")
    PHONE = "phone", _("By phone")


class ComplaintCase(TimeStampedModel):
    """One complaint form (客户抱怨处理表), numbered year-month + serial (003 (八)). A rejected
    outcome ends the round; the next round is a new case linked to it (003 (九)9)."""

    number = models.CharField(_("complaint number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.REGISTERED,
        editable=False,
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1, editable=False)
    previous_round = models.OneToOneField(
        "self",
        verbose_name=_("previous round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_round",
        editable=False,
    )
    first_round = models.ForeignKey(
        "self",
        verbose_name=_("first round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    handling_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="handled_complaints",
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=ComplaintChannel.choices,
        default=ComplaintChannel.PHONE,
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    staff_involved = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff involved"),
        blank=True,
        related_name="complaints_involved_in",
    )
    complaint_type = models.ForeignKey(
        ComplaintType, verbose_name=_("complaint type"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    market = models.CharField(
        _("market"), max_length=10, choices=Market.choices, default=Market.DOMESTIC
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=30, db_index=True)
    description = models.TextField(_("complaint"))
    customer_request = models.CharField(_("customer's request"), max_length=500, blank=True)
    # Where a case opened from another record came from (a survey answer): opens it only once.
    source_reference = models.CharField(max_length=100, null=True, blank=True, unique=True)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_complaint_cases",
        help_text=_("The service director, or the person they send (001 第二十一条)."),
    )
    # Investigation (quality management: cause, evidence, responsible department).
    cause = models.TextField(_("cause"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    investigation_started_at = models.DateTimeField(
        _("investigation started at"), null=True, blank=True
    )
    # The remedy proposed and approved.
    remedy_kind = models.CharField(
        _("remedy"), max_length=20, choices=RemedyKind.choices, blank=True
    )
    remedy_amount = models.DecimalField(
        _("remedy amount (yuan)"),
        default=Decimal("0.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    remedy_description = models.TextField(_("remedy details"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_note = models.CharField(_("approval note"), max_length=500, blank=True)
    # The answer to the customer and the customer's reply.
    reply_channel = models.CharField(
        _("customer informed"), max_length=10, choices=ReplyChannel.choices, blank=True
    )
    reply_summary = models.TextField(_("what the customer was told"), blank=True)
    informed_at = models.DateTimeField(_("customer informed at"), null=True, blank=True)
    customer_reply = models.CharField(_("customer's reply"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)
    # Deadlines: the whole case (13 / 17 days) and the step it is in now.
    due_at = models.DateTimeField(_("closure due at"))
    step_started_at = models.DateTimeField(_("step started at"))
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    # The decision on responsibility (003 (九)7, 行政处罚准则 (一)(二)).
    loss_amount = models.DecimalField(
        _("loss amount (yuan)"),
        default=Decimal("0.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    decided_at = models.DateTimeField(_("responsibility decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsibility decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    customer_flagged_at = models.DateTimeField(
        _("customer marked for attention at"), null=True, blank=True
    )

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        permissions = [
            ("assign_complaintcase", _("Can assign complaint handlers (service director)")),
            ("handle_complaintcase", _("Can investigate complaints and answer customers")),
            ("approve_complaintcase", _("Can approve complaint remedies within a limit")),
            ("review_major_complaintcase", _("Can review major complaints (deputy GM)")),
            ("decide_complaintcase", _("Can decide responsibility and penalties")),
            ("revisit_complaintcase", _("Can record the revisit after a complaint")),
            ("view_complaint_reports", _("Can view complaint reports")),
        ]
        indexes = [
            models.Index(fields=["handling_organisation", "status", "-registered_at"]),
            models.Index(fields=["organisation", "-registered_at"]),
            models.Index(fields=["status", "step_due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["customer", "-registered_at"]),
            models.Index(fields=["-registered_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def ended_at(self) -> datetime.datetime | None:
        return self.closed_at or self.rejected_at or self.withdrawn_at


FINAL_STATUSES = frozenset(
    {ComplaintStatus.CLOSED, ComplaintStatus.REJECTED, ComplaintStatus.WITHDRAWN}
)


class ResponsibilityShare(models.Model):
    """One line of the decision: a department or a person answers for `share_percent` of the
    loss; `amount` is that share in yuan (the lines add up to the loss to the cent)."""

    case = models.ForeignKey(
        ComplaintCase,
        verbose_name=_("complaint case"),
        on_delete=models.CASCADE,
        related_name="shares",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100.00"))],
    )
    amount = models.DecimalField(
        _("amount (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("responsibility share")
        verbose_name_plural = _("responsibility shares")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(person__isnull=False),
                name="complaints_share_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or self.department} {self.share_percent}%"


class PenaltyKind(models.TextChoices):
    """行政罚扣折算 (warning, minor and major demerit) and 经济处罚 (bonus deduction)."""

    WARNING = "warning", _("Warning")
    MINOR_DEMERIT = "minor_demerit", _("Minor demerit")
    MAJOR_DEMERIT = "major_demerit", _("Major demerit")
    DEDUCTION = "deduction", _("Bonus deduction (share of the loss)")


class Penalty(models.Model):
    """One penalty imposed on a person for a case, in the month it was imposed; the ledger
    deducts it from the efficiency bonus, at most the monthly cap each month."""

    case = models.ForeignKey(
        ComplaintCase,
        verbose_name=_("complaint case"),
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="complaint_penalties",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PenaltyKind.choices)
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    amount = models.DecimalField(
        _("amount (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    month = models.DateField(_("month imposed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope: ClassVar[Scope] = Scope(owner="department__organisation")

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["month", "id"]
        indexes = [models.Index(fields=["person", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="complaints_penalty_first_of_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.amount}"


class ChaseNotice(models.Model):
    """A chase notice (催办单) for one overdue step of one case, issued once: the unique key
    is the step and when it started, so the job may run any number of times."""

    case = models.ForeignKey(
        ComplaintCase,
        verbose_name=_("complaint case"),
        on_delete=models.CASCADE,
        related_name="chase_notices",
    )
    step = models.CharField(_("step"), max_length=30)
    step_started_at = models.DateTimeField(_("step started at"))
    due_at = models.DateTimeField(_("due at"))
    issued_at = models.DateTimeField(_("issued at"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    addressed_to = models.CharField(_("addressed to"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    notified = models.PositiveIntegerField(_("people notified"), default=0)

    class Meta:
        verbose_name = _("chase notice")
        verbose_name_plural = _("chase notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "step_started_at"], name="complaints_chase_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.step}"


class RevisitOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    UNREACHABLE = "unreachable", _("Not reached")


class Revisit(TimeStampedModel):
    """The follow-up call after a closed complaint, due within the policy's days (000 第五篇
    四.2); the follow-up queue lists the ones not done."""

    case = models.OneToOneField(
        ComplaintCase,
        verbose_name=_("complaint case"),
        on_delete=models.CASCADE,
        related_name="revisit",
    )
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=RevisitOutcome.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="case__organisation", provider="case__handling_organisation"
    )

    class Meta:
        verbose_name = _("complaint revisit")
        verbose_name_plural = _("complaint revisits")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.case} {self.due_at:%Y-%m-%d}"
