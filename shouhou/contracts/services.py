"""Writes on maintenance contracts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment
from shouhou.contracts.models import MaintenanceContract
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.errors import ShouhouError
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.core.numbering import next_number
from shouhou.core.services import ensure_visible_organisation

CONTRACT_FIELDS = [
    "number",
    "kind",
    "customer",
    "provider",
    "starts_on",
    "ends_on",
    "service_level",
    "fee_amount",
    "status",
    "notes",
]


def _check_equipment(
    contract: MaintenanceContract, equipment: Iterable[Equipment]
) -> list[Equipment]:
    units = list(equipment)
    foreign = [unit.serial for unit in units if unit.customer_id != contract.customer_id]
    if foreign:
        raise ShouhouError(
            _("These units belong to another customer: %(serials)s")
            % {"serials": ", ".join(foreign)},
            field="equipment",
        )
    return units


@transaction.atomic
def create_contract(
    *, by: User | None, equipment: Iterable[Equipment] = (), **fields: Any
) -> MaintenanceContract:
    """Record a maintenance contract; its number comes from the numbering service when blank."""
    if not fields.get("number"):
        fields["number"] = next_number(document_type="contract")
    contract = MaintenanceContract(**fields)
    contract.organisation_id = contract.customer.organisation_id
    ensure_visible_organisation(organisation=contract.customer.organisation, user=by)
    contract.full_clean()
    contract.save()
    units = _check_equipment(contract, equipment)
    contract.equipment.set(units)
    record_audit(
        actor=by,
        action="contract.created",
        instance=contract,
        changes={
            **created_changes(contract, CONTRACT_FIELDS),
            "equipment": [None, sorted(unit.serial for unit in units)],
        },
        organisation=contract.organisation,
    )
    return contract


@transaction.atomic
def update_contract(
    *,
    contract: MaintenanceContract,
    by: User | None,
    expected_version: int | None,
    equipment: Iterable[Equipment] | None = None,
    **changes: Any,
) -> MaintenanceContract:
    current = lock_for_update(
        MaintenanceContract, pk=contract.pk, expected_version=expected_version
    )
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.organisation_id = current.customer.organisation_id
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=[*changes, "organisation"])
    changed = diff(before, snapshot(current, list(changes)))
    if equipment is not None:
        old = sorted(current.equipment.values_list("serial", flat=True))
        units = _check_equipment(current, equipment)
        current.equipment.set(units)
        new = sorted(unit.serial for unit in units)
        if old != new:
            changed["equipment"] = [old, new]
    record_audit(
        actor=by,
        action="contract.updated",
        instance=current,
        changes=changed,
        organisation=current.organisation,
    )
    return current
