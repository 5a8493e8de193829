"""Parts (配件): the catalogue, warehouses (a technician's van is one), stock levels, the stock
ledger, reservations for work orders, technicians' parts requests (配件申请单) and the old parts
taken out on repairs (旧件).

Stock on hand is the sum of the ledger's movements. The ledger is append-only: a movement is
never changed or deleted (the model, its queryset and, on the database, a trigger refuse it); a
mistake is corrected by a new movement. `StockLevel.on_hand` is the running sum, kept in the same
transaction as each movement, under the stock level's row lock, and never below zero (a check
constraint as well as the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import ProductModel
from shouhou.core.models import Organisation, Scope, TimeStampedModel

NOT_NEGATIVE = [MinValueValidator(Decimal("0.00"))]


class Part(TimeStampedModel):
    """A catalogue part: one list for the whole company, like the product models it fits."""

    code = models.CharField(_("part code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    compatible_models = models.ManyToManyField(
        ProductModel, verbose_name=_("compatible product models"), blank=True, related_name="+"
    )
    unit_cost = models.DecimalField(
        _("unit cost (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    sale_price = models.DecimalField(
        _("sale price (yuan)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    is_warranty_covered = models.BooleanField(
        _("covered by warranty"),
        default=True,
        help_text=_("Free of charge within the warranty period; consumables usually are not."),
    )
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("parts:part-detail", args=[self.pk])


class WarehouseKind(models.TextChoices):
    CENTRAL = "central", _("Central warehouse")
    BRANCH = "branch", _("Service-centre store")
    VAN = "van", _("Technician's van")


class Warehouse(TimeStampedModel):
    """A place stock is kept: a warehouse, a service centre's store or a technician's van."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=WarehouseKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="warehouses",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vans",
        help_text=_("The technician whose van this is."),
    )
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keeper"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kept_warehouses",
        help_text=_("Told about parts requests and stock below the reorder point."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["technician"],
                condition=Q(technician__isnull=False),
                name="parts_one_van_per_technician",
            ),
            models.CheckConstraint(
                condition=Q(kind="van", technician__isnull=False)
                | (~Q(kind="van") & Q(technician__isnull=True)),
                name="parts_van_has_technician",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parts:warehouse-detail", args=[self.pk])


class StockLevel(TimeStampedModel):
    """How many of a part a warehouse holds (the running sum of its movements), how many of
    those are reserved, and when to reorder. The version column is for edits of the reorder
    point; stock changes lock the row instead."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock"
    )
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)
    reserved = models.IntegerField(_("reserved"), default=0, editable=False)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"),
        default=0,
        help_text=_("The keeper is told when the stock available falls to this level."),
    )

    scope: ClassVar[Scope] = Scope(owner="warehouse__organisation")

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        permissions = [("manage_stock", _("Can receive, transfer and write off stock"))]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "part"], name="parts_stock_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="parts_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="parts_reserved_within_stock",
            ),
        ]
        indexes = [models.Index(fields=["part", "warehouse"])]

    def __str__(self) -> str:
        return f"{self.warehouse} · {self.part}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_below_reorder_point(self) -> bool:
        return self.reorder_point > 0 and self.available <= self.reorder_point


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue to a work order")
    RETURN = "return", _("Return from a work order")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    WRITE_OFF = "write_off", _("Write-off")


# The sign every kind's quantity has: receipts and returns add, the others take away.
INCOMING_KINDS = frozenset({MovementKind.RECEIPT, MovementKind.RETURN, MovementKind.TRANSFER_IN})


class LedgerError(Exception):
    """A movement of the stock ledger was about to be changed or deleted."""


class StockMovementQuerySet(models.QuerySet["StockMovement"]):
    def update(self, **kwargs: Any) -> int:
        raise LedgerError("Stock movements are append-only: record a correcting movement.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerError("Stock movements are append-only: record a correcting movement.")


class StockMovement(models.Model):
    """One line of the stock ledger. Positive quantities come in, negative ones go out;
    `balance_after` is the warehouse's stock of the part once this movement was booked."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="movements"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))
    balance_after = models.IntegerField(_("balance"))
    unit_cost = models.DecimalField(_("unit cost (yuan)"), max_digits=12, decimal_places=2)
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    part_line = models.ForeignKey(
        "tickets.PartLine",
        verbose_name=_("part line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    counterpart = models.ForeignKey(
        Warehouse,
        verbose_name=_("other warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parts_request = models.ForeignKey(
        "PartsRequest",
        verbose_name=_("parts request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Delivery note, invoice…")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = StockMovementQuerySet.as_manager()

    scope: ClassVar[Scope] = Scope(owner="warehouse__organisation")

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        permissions = [("view_parts_reports", _("Can view the parts reports"))]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="parts_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="parts_movement_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=sorted(INCOMING_KINDS)) & Q(quantity__gt=0))
                | (~Q(kind__in=sorted(INCOMING_KINDS)) & Q(quantity__lt=0)),
                name="parts_movement_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "part", "id"]),
            models.Index(fields=["work_order"]),
            models.Index(fields=["kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part.code} {self.quantity:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Not behaviour but the ledger's invariant: a booked movement never changes.
        if not self._state.adding:
            raise LedgerError("Stock movements are append-only: record a correcting movement.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerError("Stock movements are append-only: record a correcting movement.")

    @property
    def value_amount(self) -> Decimal:
        return (self.unit_cost * abs(self.quantity)).quantize(Decimal("0.01"))


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("Held")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


class Reservation(models.Model):
    """Stock held back for a work order (or for an approved parts request): it stays on hand
    but is no longer available to anyone else."""

    stock_level = models.ForeignKey(
        StockLevel,
        verbose_name=_("stock level"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_reservations",
    )
    request_line = models.ForeignKey(
        "PartsRequestLine",
        verbose_name=_("parts request line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReservationStatus.choices,
        default=ReservationStatus.ACTIVE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope: ClassVar[Scope] = Scope(owner="stock_level__warehouse__organisation")

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work_order__isnull=False) | Q(request_line__isnull=False),
                name="parts_reservation_has_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stock_level} × {self.quantity}"


class PartsRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    BACK_ORDERED = "back_ordered", _("Back-ordered")
    REJECTED = "rejected", _("Rejected")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PartsRequest(TimeStampedModel):
    """A technician's parts request (配件申请单): parts from a warehouse to their van, often for
    a work order; the warehouse approves (reserving the stock) or back-orders it, ships it (a
    transfer), and the technician confirms what arrived, which counts for shipping accuracy."""

    number = models.CharField(_("request number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PartsRequestStatus.choices,
        default=PartsRequestStatus.REQUESTED,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="parts_requests",
    )
    source = models.ForeignKey(
        Warehouse,
        verbose_name=_("from warehouse"),
        on_delete=models.PROTECT,
        related_name="outgoing_requests",
    )
    destination = models.ForeignKey(
        Warehouse,
        verbose_name=_("to warehouse"),
        on_delete=models.PROTECT,
        related_name="incoming_requests",
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts_requests",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
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
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipped by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    is_shipment_correct = models.BooleanField(_("shipment correct"), null=True, blank=True)
    receipt_note = models.CharField(_("what was wrong"), max_length=300, blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="destination__organisation", provider="source__organisation"
    )

    class Meta:
        verbose_name = _("parts request")
        verbose_name_plural = _("parts requests")
        ordering = ["-id"]
        permissions = [("approve_partsrequest", _("Can approve and ship parts requests"))]
        indexes = [
            models.Index(fields=["status", "-id"]),
            models.Index(fields=["requested_by", "-id"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("parts:request-detail", args=[self.pk])


class PartsRequestLine(models.Model):
    request = models.ForeignKey(
        PartsRequest,
        verbose_name=_("parts request"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )

    class Meta:
        verbose_name = _("parts request line")
        verbose_name_plural = _("parts request lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "part"], name="parts_request_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"


class OldPartStatus(models.TextChoices):
    WITH_TECHNICIAN = "with_technician", _("With the technician")
    IN_WAREHOUSE = "in_warehouse", _("Handed in to the warehouse")
    RETURNED_TO_CUSTOMER = "returned", _("Returned to the customer")
    SENT_TO_FACTORY = "factory", _("Sent back to the factory")
    SCRAPPED = "scrapped", _("Scrapped")


class OldPart(TimeStampedModel):
    """A defective part taken out on a repair (旧件): handed back to the customer, or handed in,
    inspected and sent back to the factory or scrapped (001 第五篇 1.3.5; 004 三包 old parts)."""

    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="old_parts",
    )
    part_line = models.OneToOneField(
        "tickets.PartLine",
        verbose_name=_("part line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="old_part",
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.CharField(_("part"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=OldPartStatus.choices, editable=False
    )
    intended = models.CharField(
        _("to be"),
        max_length=20,
        choices=OldPartStatus.choices,
        help_text=_("What the line said should become of it."),
    )
    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="old_parts",
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope: ClassVar[Scope] = Scope(
        owner="work_order__organisation", provider="work_order__handling_organisation"
    )

    class Meta:
        verbose_name = _("old part")
        verbose_name_plural = _("old parts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"])]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class PartsSettings(models.Model):
    """The numbers the business sets for parts (one row, seeded by a migration)."""

    shipping_accuracy_target_percent = models.DecimalField(
        _("parts shipping accuracy target (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("98.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Share of shipped parts requests that arrived as requested; the seed target is 98 %."
        ),
    )

    class Meta:
        verbose_name = _("parts settings")
        verbose_name_plural = _("parts settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
