"""The product catalogue and the installed equipment (机具档案)."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Organisation, Region, Scope, TimeStampedModel
from shouhou.customers.models import Customer, Site


class ProductType(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WarrantyStart(models.TextChoices):
    PURCHASE = "purchase", _("Purchase date")
    INSTALL = "install", _("Installation date")


class ProductModel(models.Model):
    """A model of product we sell or service, with its default warranty term."""

    product_type = models.ForeignKey(
        ProductType, verbose_name=_("product type"), on_delete=models.PROTECT, related_name="models"
    )
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="models"
    )
    name = models.CharField(_("model"), max_length=100)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=12, validators=[MaxValueValidator(600)]
    )
    warranty_starts_from = models.CharField(
        _("warranty starts from"),
        max_length=10,
        choices=WarrantyStart.choices,
        default=WarrantyStart.PURCHASE,
        help_text=_(
            "The date the warranty counts from; the other date is used when it is missing."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["brand__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="assets_productmodel_brand_name")
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    UNDER_REPAIR = "under_repair", _("Under repair")
    IN_STOCK = "in_stock", _("In stock")
    RETIRED = "retired", _("Retired")


class CoverageStatus(models.TextChoices):
    WARRANTY = "warranty", _("In warranty")
    CONTRACT = "contract", _("Under contract")
    NONE = "none", _("Neither warranty nor contract")


class Equipment(TimeStampedModel):
    """One installed unit, known by its serial number. `organisation` is the owner's organisation
    (copied from the customer), `serving_provider` the organisation that services it."""

    serial = models.CharField(_("serial number"), max_length=100, unique=True)
    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="equipment"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    # Copied from the customer and the site by the services, so that scoping and the archive's
    # region filter are single-column index lookups on a million rows.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    serving_provider = models.ForeignKey(
        Organisation,
        verbose_name=_("serving provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_equipment",
    )
    purchased_on = models.DateField(_("purchase date"), null=True, blank=True)
    installed_on = models.DateField(_("installation date"), null=True, blank=True)
    has_purchase_proof = models.BooleanField(
        _("proof of purchase on file"),
        default=True,
        help_text=_("Without proof of purchase a repair is handled as out of warranty."),
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
        help_text=_("Leave empty to use the product model's warranty term."),
    )
    warranty_ends_on = models.DateField(_("warranty end"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    notes = models.TextField(_("notes"), blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="serving_provider")

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        permissions = [("import_equipment", _("Can import equipment from a spreadsheet"))]
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["serving_provider", "-id"]),
            models.Index(fields=["product_model", "-id"]),
            models.Index(fields=["region", "-id"]),
            models.Index(fields=["customer", "-id"]),
            models.Index(fields=["installed_on", "id"]),
            models.Index(fields=["warranty_ends_on", "id"]),
            models.Index(fields=["status", "-id"]),
        ]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", args=[self.pk])

    def is_in_warranty_on(self, day: datetime.date) -> bool:
        return self.warranty_ends_on is not None and day <= self.warranty_ends_on
