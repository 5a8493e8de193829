"""Writes on installed equipment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment, ProductModel, WarrantyStart
from shouhou.assets.warranty import warranty_end
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.errors import ShouhouError
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Customer, Site

EQUIPMENT_FIELDS = [
    "serial",
    "product_model",
    "customer",
    "site",
    "serving_provider",
    "purchased_on",
    "installed_on",
    "has_purchase_proof",
    "warranty_months",
    "status",
    "notes",
]
DERIVED_FIELDS = ["organisation", "region", "warranty_ends_on"]


def normalise_serial(serial: str) -> str:
    """Serials are kept upper-case without surrounding spaces, so lookups are exact."""
    return serial.strip().upper()


def compute_warranty_end(equipment: Equipment) -> None:
    model = equipment.product_model
    months = (
        equipment.warranty_months
        if equipment.warranty_months is not None
        else model.warranty_months
    )
    equipment.warranty_ends_on = warranty_end(
        purchased_on=equipment.purchased_on,
        installed_on=equipment.installed_on,
        months=months,
        starts_from_install=model.warranty_starts_from == WarrantyStart.INSTALL,
    )


def _derive(equipment: Equipment) -> None:
    """Copy the owner's organisation and the site's region, and compute the warranty end."""
    site = equipment.site
    if site is not None and site.customer_id != equipment.customer_id:
        raise ShouhouError(_("The site belongs to another customer."), field="site")
    equipment.organisation_id = equipment.customer.organisation_id
    equipment.region_id = site.region_id if site is not None else equipment.customer.region_id
    compute_warranty_end(equipment)


@transaction.atomic
def register_equipment(*, by: User | None, **fields: Any) -> Equipment:
    """Add a unit to the installed base."""
    fields["serial"] = normalise_serial(fields["serial"])
    equipment = Equipment(**fields)
    ensure_visible_organisation(organisation=equipment.customer.organisation, user=by)
    _derive(equipment)
    equipment.full_clean()
    equipment.save()
    record_audit(
        actor=by,
        action="equipment.registered",
        instance=equipment,
        changes=created_changes(equipment, EQUIPMENT_FIELDS + DERIVED_FIELDS),
        organisation=equipment.organisation,
    )
    return equipment


@transaction.atomic
def update_equipment(
    *, equipment: Equipment, by: User | None, expected_version: int | None, **changes: Any
) -> Equipment:
    """Change a unit; the organisation, region and warranty end follow the new values."""
    current = lock_for_update(Equipment, pk=equipment.pk, expected_version=expected_version)
    if "serial" in changes:
        changes["serial"] = normalise_serial(changes["serial"])
    if "customer" in changes:
        ensure_visible_organisation(organisation=changes["customer"].organisation, user=by)
    audited = list(changes) + DERIVED_FIELDS
    before = snapshot(current, audited)
    for name, value in changes.items():
        setattr(current, name, value)
    _derive(current)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes) + DERIVED_FIELDS)
    record_audit(
        actor=by,
        action="equipment.updated",
        instance=current,
        changes=diff(before, snapshot(current, audited)),
        organisation=current.organisation,
    )
    return current


def follow_customer_organisation(*, customer: Customer) -> int:
    """Copy a customer's new organisation onto its equipment (inside the caller's transaction)."""
    return (
        Equipment.objects.filter(customer=customer)
        .exclude(organisation_id=customer.organisation_id)
        .update(organisation_id=customer.organisation_id)
    )


def follow_site_region(*, site: Site) -> int:
    """Copy a site's new region onto the equipment standing there."""
    stale = Equipment.objects.filter(site=site)
    if site.region_id is None:
        return stale.exclude(region__isnull=True).update(region=None)
    return stale.exclude(region_id=site.region_id).update(region_id=site.region_id)


@transaction.atomic
def recompute_warranty_for_model(*, product_model: ProductModel, by: User | None) -> int:
    """After a model's warranty term changed: recompute the end date of its units that use it."""
    changed = 0
    units = Equipment.objects.filter(product_model=product_model).filter(
        Q(warranty_months__isnull=True)
    )
    batch: list[Equipment] = []
    for unit in units.select_related("product_model").iterator(chunk_size=2000):
        old = unit.warranty_ends_on
        compute_warranty_end(unit)
        if unit.warranty_ends_on != old:
            batch.append(unit)
        if len(batch) >= 2000:
            changed += Equipment.objects.bulk_update(batch, ["warranty_ends_on"])
            batch = []
    if batch:
        changed += Equipment.objects.bulk_update(batch, ["warranty_ends_on"])
    record_audit(
        actor=by,
        action="product_model.warranty_recomputed",
        instance=product_model,
        changes={"equipment_updated": [None, changed]},
    )
    return changed
