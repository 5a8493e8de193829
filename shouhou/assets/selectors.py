"""Reads on the product catalogue and the installed equipment, scoped to the asking user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shouhou.assets.models import (
    Brand,
    CoverageStatus,
    Equipment,
    EquipmentStatus,
    ProductModel,
    ProductType,
)
from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import User
from shouhou.core.scoping import get_visible_or_404, scoped

DISTRIBUTION_DIMENSIONS = {
    "region": ("region__name",),
    "product_type": ("product_model__product_type__name",),
    "brand": ("product_model__brand__name",),
    "product_model": ("product_model__brand__name", "product_model__name"),
    "status": ("status",),
}


def equipment_visible_to(*, user: User | AnonymousUser) -> QuerySet[Equipment]:
    """Equipment owned in the user's organisation subtree or served by their provider."""
    return scoped(
        Equipment.objects.select_related(
            "product_model",
            "product_model__brand",
            "product_model__product_type",
            "customer",
            "site",
            "region",
            "serving_provider",
        ),
        user,
    )


def equipment_for_user(*, user: User | AnonymousUser, equipment_id: int) -> Equipment:
    return get_visible_or_404(
        equipment_visible_to(user=user).select_related("organisation"), user, pk=equipment_id
    )


def equipment_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Equipment]:
    """Equipment whose serial number starts with `term` (serials are stored upper-case)."""
    queryset = equipment_visible_to(user=user)
    if customer_id := params.get("customer"):
        if not customer_id.isdigit():
            return queryset.none()
        queryset = queryset.filter(customer_id=int(customer_id))
    if term:
        queryset = queryset.filter(serial__prefix=term.strip().upper())
    return queryset.order_by("serial")


def product_types() -> QuerySet[ProductType]:
    """The catalogue is shared reference data: every organisation sees all of it."""
    return ProductType.objects.all()


def brands() -> QuerySet[Brand]:
    return Brand.objects.all()


def product_models() -> QuerySet[ProductModel]:
    return ProductModel.objects.select_related("brand", "product_type")


def product_model_search(
    *, user: User, term: str, params: dict[str, str]
) -> QuerySet[ProductModel]:
    queryset = product_models().filter(is_active=True)
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(brand__name__icontains=term))
    return queryset.order_by("brand__name", "name")


@dataclass(frozen=True)
class Coverage:
    status: CoverageStatus
    warranty_ends_on: datetime.date | None
    contract_numbers: list[str]


def equipment_coverage(*, equipment: Equipment, on: datetime.date | None = None) -> Coverage:
    """Whether a unit is in warranty, under a contract in force, or neither, on `on` (today)."""
    from shouhou.contracts.selectors import contracts_in_force_for

    day = on or timezone.localdate()
    contracts = contracts_in_force_for(equipment=equipment, on=day)
    numbers = [contract.number for contract in contracts]
    if equipment.is_in_warranty_on(day):
        status = CoverageStatus.WARRANTY
    elif numbers:
        status = CoverageStatus.CONTRACT
    else:
        status = CoverageStatus.NONE
    return Coverage(
        status=status, warranty_ends_on=equipment.warranty_ends_on, contract_numbers=numbers
    )


@dataclass(frozen=True)
class DistributionRow:
    label: str
    count: int
    share: int  # percent of the largest group, for the bar


def equipment_distribution(
    *, queryset: QuerySet[Equipment], dimension: str, limit: int = 200
) -> list[DistributionRow]:
    """Counts of equipment grouped by one dimension (机具分布), largest groups first."""
    fields = DISTRIBUTION_DIMENSIONS[dimension]
    grouped = (
        queryset.order_by()
        .values(*fields)
        .annotate(count=Count("id"))
        .order_by("-count", *fields)[:limit]
    )
    status_labels = dict(EquipmentStatus.choices)
    rows: list[tuple[str, int]] = []
    for row in grouped:
        label = " ".join(str(row[field] or "—") for field in fields)
        if dimension == "status":
            label = str(status_labels.get(label, label))
        rows.append((label, int(row["count"])))
    largest = max((count for _, count in rows), default=0)
    return [
        DistributionRow(label=label, count=count, share=count * 100 // largest if largest else 0)
        for label, count in rows
    ]


def register_autocomplete_sources() -> None:
    register(
        "product_models",
        AutocompleteSource(search=product_model_search, permission="assets.view_productmodel"),
    )
    register(
        "equipment",
        AutocompleteSource(
            search=equipment_search,
            permission="assets.view_equipment",
            label=lambda unit: f"{unit.serial} · {unit.product_model}",
        ),
    )
