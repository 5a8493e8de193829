"""Service requests and work orders: the repair-call register (叫修登记簿), the service voucher
(服务凭证), the carry-in receipt (客户商品领取收据), the goods in/out register (客户商品进出登记簿)
and the repair card's labour and parts lines (修护卡)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment, ProductModel
from shouhou.contracts.models import MaintenanceContract
from shouhou.core.models import Organisation, Scope, TimeStampedModel
from shouhou.customers.models import Customer, Site, Zone


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter or email")
    WALK_IN = "walk_in", _("Walk-in")
    PORTAL = "portal", _("Web portal")
    API = "api", _("API")


class ServiceCategory(models.TextChoices):
    """The four kinds of after-sales work (001 第一篇): also the daily report's time codes."""

    PAID = "A", _("A · Paid service")
    CONTRACT = "B", _("B · Contract service")
    FREE = "C", _("C · Free service in warranty")
    ADMIN = "D", _("D · General administrative work")


class ResolutionMode(models.TextChoices):
    PHONE = "phone", _("Phone fix")
    ON_SITE = "on_site", _("On-site visit")
    CARRY_IN = "carry_in", _("Carry-in to workshop")
    RETURN_TO_FACTORY = "return_to_factory", _("Return to factory")
    EXCHANGE = "exchange", _("Exchange")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class WorkOrderStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
    CARRIED_IN = "carried_in", _("Goods received")
    IN_REPAIR = "in_repair", _("In repair")
    AWAITING_INSPECTION = "awaiting_inspection", _("Awaiting inspection")
    AT_FACTORY = "at_factory", _("At the factory")
    READY_TO_RETURN = "ready_to_return", _("Ready to return")
    RESOLVED = "resolved", _("Resolved")
    SIGNED = "signed", _("Signed by customer")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PartDisposition(models.TextChoices):
    """What became of the replaced part (001 第五篇 1.3.5)."""

    RETURNED_TO_CUSTOMER = "returned", _("Returned to the customer")
    DISPOSED = "disposed", _("Disposed of")
    BACK_TO_FACTORY = "factory", _("Sent back to the factory")


class WorkOrder(TimeStampedModel):
    """One repair call and everything done about it. `organisation` is the customer's
    organisation (who owns the request), `handling_organisation` the service centre or provider
    doing the work; both see it."""

    number = models.CharField(_("work order number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=WorkOrderStatus.choices,
        default=WorkOrderStatus.REGISTERED,
        editable=False,
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    handling_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="handled_work_orders",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="work_orders"
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_serial = models.CharField(_("serial number given"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=30, db_index=True)
    address = models.CharField(_("address"), max_length=300)
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices, default=Zone.URBAN)
    symptom = models.TextField(_("fault symptom"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    service_category = models.CharField(
        _("service category"), max_length=1, choices=ServiceCategory.choices
    )
    category_reason = models.CharField(_("reason for the category"), max_length=300, blank=True)
    resolution_mode = models.CharField(
        _("resolution mode"),
        max_length=20,
        choices=ResolutionMode.choices,
        default=ResolutionMode.ON_SITE,
    )
    is_in_warranty = models.BooleanField(_("in warranty"), default=False)
    warranty_note = models.CharField(_("warranty decision"), max_length=200, blank=True)
    has_purchase_proof = models.BooleanField(_("proof of purchase shown"), default=True)
    is_human_damage = models.BooleanField(_("human damage"), default=False)
    contract = models.ForeignKey(
        MaintenanceContract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_work_orders",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("call time"))
    promised_at = models.DateTimeField(_("repair time told to the caller"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    sent_to_factory_at = models.DateTimeField(_("sent to the factory at"), null=True, blank=True)
    back_from_factory_at = models.DateTimeField(
        _("back from the factory at"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Where a waiting order goes back to when the wait ends.
    resume_status = models.CharField(
        max_length=30, choices=WorkOrderStatus.choices, blank=True, editable=False
    )
    wait_reason = models.CharField(_("reason for waiting"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalation_note = models.CharField(_("escalation note"), max_length=500, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    replacement_serial = models.CharField(
        _("serial number of the replacement unit"), max_length=100, blank=True
    )
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_note = models.CharField(_("inspection note"), max_length=500, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        permissions = [
            ("dispatch_workorder", _("Can dispatch work orders")),
            ("work_workorder", _("Can work on assigned work orders")),
            ("inspect_workorder", _("Can inspect repaired goods")),
            ("escalate_workorder", _("Can escalate work orders")),
            ("cancel_workorder", _("Can cancel work orders")),
            ("close_workorder", _("Can close work orders")),
            ("view_daily_reports", _("Can view daily reports")),
        ]
        indexes = [
            models.Index(fields=["handling_organisation", "status", "-reported_at"]),
            models.Index(fields=["organisation", "-reported_at"]),
            models.Index(fields=["status", "reported_at"]),
            models.Index(fields=["technician", "status"]),
            models.Index(fields=["customer", "-reported_at"]),
            models.Index(fields=["equipment", "-reported_at"]),
            models.Index(fields=["-reported_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (WorkOrderStatus.CLOSED, WorkOrderStatus.CANCELLED)


class LabourLine(models.Model):
    """Time a technician spent on a work order (修护卡 / 技术员工作日报表)."""

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE, related_name="labour"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="labour_lines",
    )
    worked_on = models.DateField(_("date"))
    category = models.CharField(
        _("service category"), max_length=1, choices=ServiceCategory.choices
    )
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    description = models.CharField(_("work done"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope: ClassVar[Scope] = Scope(
        owner="work_order__organisation", provider="work_order__handling_organisation"
    )

    class Meta:
        verbose_name = _("labour line")
        verbose_name_plural = _("labour lines")
        ordering = ["worked_on", "id"]
        indexes = [models.Index(fields=["technician", "worked_on"])]

    def __str__(self) -> str:
        return f"{self.work_order} {self.minutes} min"


class PartLine(models.Model):
    """A part replaced or used on a work order; the parts issue brings a catalogue and stock."""

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE, related_name="parts"
    )
    part_code = models.CharField(_("part code"), max_length=50, blank=True)
    part_name = models.CharField(_("part"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    disposition = models.CharField(
        _("replaced part"),
        max_length=10,
        choices=PartDisposition.choices,
        default=PartDisposition.RETURNED_TO_CUSTOMER,
    )
    # A catalogue part is issued from stock (parts app); a free-text line is not.
    part = models.ForeignKey(
        "parts.Part",
        verbose_name=_("catalogue part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_price = models.DecimalField(
        _("unit price (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("part line")
        verbose_name_plural = _("part lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.part_name} × {self.quantity}"


class CarryInReceipt(models.Model):
    """The receipt handed to the customer when goods are taken to the workshop; collected and
    voided when the goods go back (001 第五条, 第六条)."""

    work_order = models.OneToOneField(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="receipt"
    )
    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT
    )
    items = models.CharField(_("goods received"), max_length=300)
    accessories = models.CharField(_("accessories"), max_length=300, blank=True)
    condition = models.CharField(_("condition on receipt"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("carry-in receipt")
        verbose_name_plural = _("carry-in receipts")

    def __str__(self) -> str:
        return self.number

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class GoodsDirection(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class GoodsMovement(models.Model):
    """A line of the goods in/out register (客户商品进出登记簿)."""

    receipt = models.ForeignKey(
        CarryInReceipt,
        verbose_name=_("receipt"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    direction = models.CharField(_("direction"), max_length=3, choices=GoodsDirection.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("goods movement")
        verbose_name_plural = _("goods movements")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["-at"])]

    def __str__(self) -> str:
        return f"{self.receipt} {self.direction}"


class ServiceVoucher(models.Model):
    """The service voucher the customer signs (服务凭证); read-only once signed."""

    work_order = models.OneToOneField(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="voucher"
    )
    number = models.CharField(_("voucher number"), max_length=30, unique=True)
    signer_name = models.CharField(_("signed by"), max_length=100)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("service voucher")
        verbose_name_plural = _("service vouchers")

    def __str__(self) -> str:
        return self.number


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class Attachment(models.Model):
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
