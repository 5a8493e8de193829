"""Maintenance contracts (保养合同 / 维保合同) and the equipment they cover."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment
from shouhou.core.models import Organisation, Scope, TimeStampedModel
from shouhou.customers.models import Customer


class ServiceLevel(models.Model):
    """A named level of service a contract promises (e.g. standard, gold 7×24); the SLA engine
    attaches targets to it."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ContractKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance contract (保养)")
    FULL_SERVICE = "full_service", _("Full service contract (维保)")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Signed")
    TERMINATED = "terminated", _("Terminated")


class MaintenanceContract(TimeStampedModel):
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContractKind.choices, default=ContractKind.MAINTENANCE
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("serving provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_contracts",
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    service_level = models.ForeignKey(
        ServiceLevel, verbose_name=_("service level"), on_delete=models.PROTECT
    )
    fee_amount = models.DecimalField(
        _("fee (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    equipment = models.ManyToManyField(
        Equipment, verbose_name=_("covered equipment"), related_name="contracts", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="provider")

    class Meta:
        verbose_name = _("maintenance contract")
        verbose_name_plural = _("maintenance contracts")
        indexes = [models.Index(fields=["customer", "-ends_on"]), models.Index(fields=["ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contracts_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.pk])

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.status == ContractStatus.ACTIVE and self.starts_on <= day <= self.ends_on
