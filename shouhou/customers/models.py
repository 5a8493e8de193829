"""Customers (companies or people), their contacts and the sites where their equipment stands."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Organisation, Region, Scope, TimeStampedModel


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class CustomerGrade(models.TextChoices):
    A = "A", _("A (core)")
    B = "B", _("B (key)")
    C = "C", _("C (ordinary)")
    D = "D", _("D (potential)")
    E = "E", _("E (inactive)")


class CustomerSource(models.TextChoices):
    SALES = "sales", _("Our sales")
    DEALER = "dealer", _("Dealer")
    IMPORT = "import", _("Imported")
    CALL = "call", _("Service call")
    PORTAL = "portal", _("Web portal")
    OTHER = "other", _("Other")


class Zone(models.TextChoices):
    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")


class Customer(TimeStampedModel):
    """A customer file (客户档案). `organisation` is the organisation the record belongs to: the
    service centre responsible for it, or the client organisation it is part of."""

    code = models.CharField(_("customer number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    grade = models.CharField(
        _("grade"), max_length=1, choices=CustomerGrade.choices, default=CustomerGrade.C
    )
    is_target = models.BooleanField(
        _("target customer"),
        default=False,
        help_text=_(
            "VIP, group or government fleet, or a customer who complained: followed up 100%"
        ),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CustomerSource.choices, default=CustomerSource.SALES
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    notes = models.TextField(_("notes"), blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="organisation", provider="equipment__serving_provider", via_subquery=True
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("import_customers", _("Can import customers from a spreadsheet"))]
        indexes = [
            models.Index(fields=["organisation", "-id"]),
            models.Index(fields=["name"]),
            models.Index(fields=["region", "-id"]),
            models.Index(fields=["grade", "-id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])


class Contact(TimeStampedModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    scope: ClassVar[Scope] = Scope(
        owner="customer__organisation",
        provider="customer__equipment__serving_provider",
        via_subquery=True,
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    """A place where a customer's equipment stands; its zone decides the arrival promise."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices, default=Zone.URBAN)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="customer__organisation", provider="equipment__serving_provider", via_subquery=True
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [
            models.Index(fields=["customer", "name"]),
            models.Index(fields=["region", "-id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:site-detail", args=[self.pk])
