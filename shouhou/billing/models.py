"""Billing (收费): fee schedules with effective dates, what a work order is charged on, quotes the
customer accepts or declines before paid repairs, discounts and waivers approved by role and
amount, deposits and payments (on-site collection handed over to the accountant), invoices and
the numbers the business sets (tax rate, deposit share, limits).

Money is yuan as Decimal with two places; every computed amount is rounded half-up to the fen.
Prices in fee schedules and the parts catalogue are what the customer pays, tax included; an
invoice splits each line into net amount and tax (see services.invoice_lines)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Organisation, Role, Scope, TimeStampedModel
from shouhou.customers.models import Customer, Zone

NOT_NEGATIVE = [MinValueValidator(Decimal("0.00"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def validate_bucket_days(value: str) -> None:
    try:
        days = [int(part) for part in value.split(",")]
    except ValueError as bad:
        raise ValidationError(_("Give whole numbers of days separated by commas.")) from bad
    if not days or any(day <= 0 for day in days) or days != sorted(set(days)):
        raise ValidationError(_("Give increasing positive numbers of days, e.g. 30,60,90."))


class BillingSettings(models.Model):
    """The numbers the business sets for charging (one row, seeded by a migration)."""

    tax_rate_percent = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("13.00"),
        validators=PERCENT,
        help_text=_("VAT on repair services; prices are tax-inclusive."),
    )
    deposit_percent = models.DecimalField(
        # xgettext:no-python-format
        _("deposit (% of expensive parts)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=PERCENT,
        help_text=_("At least half of the price of expensive parts to be prepared."),
    )
    expensive_part_price = models.DecimalField(
        _("expensive part from (yuan)"),
        default=Decimal("1000.00"),
        validators=NOT_NEGATIVE,
        help_text=_("A part whose unit price reaches this amount needs a deposit."),
        max_digits=12,
        decimal_places=2,
    )
    on_site_cash_limit = models.DecimalField(
        _("on-site cash limit (yuan)"),
        default=Decimal("500.00"),
        validators=NOT_NEGATIVE,
        help_text=_(
            "Charges up to this amount may be collected in cash on site; larger ones are "
            "invoiced and collected afterwards."
        ),
        max_digits=12,
        decimal_places=2,
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    quote_validity_days = models.PositiveSmallIntegerField(
        _("quote valid for (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    ageing_bucket_days = models.CharField(
        _("ageing buckets (days overdue)"),
        max_length=50,
        default="30,60,90",
        validators=[validate_bucket_days],
    )
    quote_required_for_paid_work = models.BooleanField(
        _("paid repairs need an accepted quote"), default=True
    )
    labour_cost_per_hour = models.DecimalField(
        _("labour cost per hour (yuan)"),
        default=Decimal("80.00"),
        validators=NOT_NEGATIVE,
        help_text=_(
            "What an hour of a technician's time costs the company; the service cost report "
            "costs labour lines at this rate."
        ),
        max_digits=12,
        decimal_places=2,
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def bucket_days(self) -> list[int]:
        return [int(part) for part in self.ageing_bucket_days.split(",")]


class LabourBasis(models.TextChoices):
    HOURLY = "hourly", _("By the hour")
    JOB_TYPE = "job_type", _("By job type")


class FeeSchedule(TimeStampedModel):
    """The published fee standard (收费标准) from a date on: labour by the hour or by job type,
    call-out fee by zone, distance fee. A schedule already in effect is never edited; a new
    version with a later date replaces it. `organisation` empty: the company-wide schedule;
    otherwise it applies to the work orders that organisation (or one below it) handles."""

    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: company-wide."),
    )
    effective_from = models.DateField(_("effective from"))
    labour_basis = models.CharField(_("labour charged"), max_length=10, choices=LabourBasis.choices)
    hourly_rate = models.DecimalField(
        _("hourly rate (yuan)"),
        default=Decimal("0.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    labour_increment_minutes = models.PositiveSmallIntegerField(
        _("billed per started (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(480)],
    )
    minimum_labour_minutes = models.PositiveSmallIntegerField(
        _("minimum labour (minutes)"), default=60, validators=[MaxValueValidator(1440)]
    )
    distance_rate_per_km = models.DecimalField(
        _("distance fee per km (yuan)"),
        default=Decimal("0.00"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    free_distance_km = models.DecimalField(
        _("free distance (km)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=NOT_NEGATIVE,
    )
    notes = models.TextField(_("notes"), blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(organisation__isnull=True),
                name="billing_one_company_schedule_per_day",
            ),
            models.UniqueConstraint(
                fields=["organisation", "effective_from"],
                condition=Q(organisation__isnull=False),
                name="billing_one_schedule_per_organisation_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from.isoformat()})"

    def get_absolute_url(self) -> str:
        return reverse("billing:schedule-detail", args=[self.pk])


class JobTypeRate(models.Model):
    """A flat labour charge for one kind of job (项目定价)."""

    schedule = models.ForeignKey(
        FeeSchedule, verbose_name=_("fee schedule"), on_delete=models.CASCADE, related_name="jobs"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("job type"), max_length=100)
    amount = models.DecimalField(
        _("amount (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("job type rate")
        verbose_name_plural = _("job type rates")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "code"], name="billing_job_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CallOutFee(models.Model):
    schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("fee schedule"),
        on_delete=models.CASCADE,
        related_name="call_out_fees",
    )
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    amount = models.DecimalField(
        _("call-out fee (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("call-out fee")
        verbose_name_plural = _("call-out fees")
        ordering = ["zone"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "zone"], name="billing_call_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_zone_display()} {self.amount}"


class ChargeBasis(TimeStampedModel):
    """What a work order is charged on beyond its labour and parts lines: the job type (when
    labour is charged by job), the distance travelled and whether the call-out fee applies."""

    work_order = models.OneToOneField(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="charge_basis",
    )
    job_type = models.CharField(_("job type"), max_length=30, blank=True)
    distance_km = models.DecimalField(
        _("distance (km)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
    )
    is_call_out_charged = models.BooleanField(_("call-out fee applies"), default=True)

    scope: ClassVar[Scope] = Scope(
        owner="work_order__organisation", provider="work_order__handling_organisation"
    )

    class Meta:
        verbose_name = _("charge basis")
        verbose_name_plural = _("charge bases")

    def __str__(self) -> str:
        return str(self.work_order)


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Awaiting the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    DECLINED = "declined", _("Declined by the customer")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class DecisionChannel(models.TextChoices):
    PORTAL = "portal", _("On the customer's link")
    STAFF = "staff", _("Recorded by staff")


class Quote(TimeStampedModel):
    """The estimate for out-of-warranty work (维修估价单): repair fee plus parts from the price
    list; the repair starts only after the customer accepts it (001 第五篇 1.5)."""

    number = models.CharField(_("quote number"), max_length=30, unique=True)
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuoteStatus.choices,
        default=QuoteStatus.DRAFT,
        editable=False,
    )
    labour_minutes = models.PositiveIntegerField(
        _("estimated labour (minutes)"), default=0, validators=[MaxValueValidator(100 * 60)]
    )
    total_amount = models.DecimalField(
        _("total (yuan)"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    deposit_amount = models.DecimalField(
        _("deposit required (yuan)"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_channel = models.CharField(
        _("decided"), max_length=10, choices=DecisionChannel.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer_name = models.CharField(_("customer's name"), max_length=100, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="work_order__organisation", provider="work_order__handling_organisation"
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-id"]
        permissions = [("decide_quote", _("Can record the customer's decision on a quote"))]
        indexes = [models.Index(fields=["work_order", "-id"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("billing:quote-detail", args=[self.pk])


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")
    CALL_OUT = "call_out", _("Call-out fee")
    DISTANCE = "distance", _("Distance fee")
    ADJUSTMENT = "adjustment", _("Discount")


class QuoteLine(models.Model):
    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class QuotePart(models.Model):
    """A part the quote plans to use; the quote's lines are computed from these."""

    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="planned_parts"
    )
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )

    class Meta:
        verbose_name = _("planned part")
        verbose_name_plural = _("planned parts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "part"], name="billing_quote_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"


class ApprovalLimit(models.Model):
    """How large a discount or waiver a role may grant (001 第四篇 十: reductions need the
    manager's approval). Empty limits: no limit; a role without a row grants nothing."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(
        _("up to (yuan)"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Empty: any amount."),
        max_digits=12,
        decimal_places=2,
    )
    max_percent = models.DecimalField(
        # xgettext:no-python-format
        _("up to (% of the charges)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Empty: any share, up to a full waiver."),
    )

    class Meta:
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        ordering = ["role"]

    def __str__(self) -> str:
        return self.get_role_display()


class AdjustmentKind(models.TextChoices):
    DISCOUNT = "discount", _("Discount")
    WAIVER = "waiver", _("Waiver")


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Adjustment(TimeStampedModel):
    """A reduction (降低) or waiver (免收) of a work order's charges, applied only once someone
    whose role's limit covers it approved it."""

    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="charge_adjustments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        validators=[MinValueValidator(Decimal("0.01"))],
        max_digits=12,
        decimal_places=2,
    )
    base_amount = models.DecimalField(
        _("charges when requested (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.REQUESTED,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="work_order__organisation", provider="work_order__handling_organisation"
    )

    class Meta:
        verbose_name = _("discount or waiver")
        verbose_name_plural = _("discounts and waivers")
        ordering = ["-id"]
        permissions = [("approve_adjustment", _("Can approve discounts and waivers"))]
        indexes = [models.Index(fields=["status", "-id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def percent(self) -> Decimal:
        if not self.base_amount:
            return Decimal("100.00")
        return (self.amount * 100 / self.base_amount).quantize(Decimal("0.01"))


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


class Invoice(TimeStampedModel):
    """An invoice to the customer (发票) with its lines; paid once its payments cover it. No
    external tax system is called: the invoices can be exported for one."""

    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_tax_number = models.CharField(_("buyer's tax number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.ISSUED,
        editable=False,
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    tax_rate_percent = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(_("amount before tax (yuan)"), max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(_("tax (yuan)"), max_digits=12, decimal_places=2)
    total_amount = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="customer__organisation")

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-id"]
        permissions = [
            ("void_invoice", _("Can void invoices")),
            ("view_billing_reports", _("Can view the billing reports")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(work_order__isnull=False) & ~Q(status="void"),
                name="billing_one_live_invoice_per_work_order",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gt=0), name="billing_invoice_total_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["customer", "-id"]),
            models.Index(fields=["-issued_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("billing:invoice-detail", args=[self.pk])

    @property
    def balance_amount(self) -> Decimal:
        if self.status == InvoiceStatus.VOID:
            return Decimal("0.00")
        return self.total_amount - self.paid_amount


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount incl. tax (yuan)"), max_digits=12, decimal_places=2)
    net_amount = models.DecimalField(_("amount before tax (yuan)"), max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(_("tax (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    PAYMENT = "payment", _("Payment")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    MOBILE = "mobile", _("Mobile payment")
    CARD = "card", _("Bank card")


class CashHandover(models.Model):
    """Money a technician collected on site, handed over to the accountant (收款交予财务)."""

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="cash_handovers",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    total_amount = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("cash handover")
        verbose_name_plural = _("cash handovers")
        ordering = ["-id"]
        permissions = [("receive_handover", _("Can receive money handed over by technicians"))]

    def __str__(self) -> str:
        return f"{self.technician} {self.total_amount}"


class Payment(models.Model):
    """Money received: a deposit or a payment, against a work order and/or an invoice; collected
    on site by a technician (held by them until handed over) or received by the office."""

    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        validators=[MinValueValidator(Decimal("0.01"))],
        max_digits=12,
        decimal_places=2,
    )
    received_at = models.DateTimeField(_("received at"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected on site by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collected_payments",
    )
    handover = models.ForeignKey(
        CashHandover,
        verbose_name=_("handed over"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="customer__organisation")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["collected_by", "handover"]),
            models.Index(fields=["work_order"]),
            models.Index(fields=["-received_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_held_by_technician(self) -> bool:
        return self.collected_by_id is not None and self.handover_id is None
