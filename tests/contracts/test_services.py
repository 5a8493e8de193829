"""Maintenance contract services."""

from __future__ import annotations

import datetime

import pytest

from shouhou.contracts import services
from shouhou.contracts.models import ServiceLevel
from shouhou.core.errors import ConflictError, ShouhouError
from tests.assets.factories import EquipmentFactory
from tests.contracts.factories import ContractFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_contract_is_numbered_by_year(org_tree, hq_admin) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    contract = services.create_contract(
        by=hq_admin,
        customer=customer,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        service_level=ServiceLevel.objects.get(code="standard"),
    )
    assert contract.number.startswith("HT2026-")
    assert contract.organisation == org_tree.branch_a


def test_units_of_another_customer_cannot_be_covered(org_tree) -> None:
    foreign = EquipmentFactory.create()
    with pytest.raises(ShouhouError, match="another customer"):
        ContractFactory.create(equipment=[foreign])


def test_covered_units_changes_are_audited(org_tree, hq_admin) -> None:
    customer = CustomerFactory.create()
    first, second = (
        EquipmentFactory.create(customer=customer),
        EquipmentFactory.create(customer=customer),
    )
    contract = ContractFactory.create(customer=customer, equipment=[first])

    services.update_contract(
        contract=contract, by=hq_admin, expected_version=contract.version, equipment=[first, second]
    )

    assert set(contract.equipment.all()) == {first, second}
    with pytest.raises(ConflictError):
        services.update_contract(contract=contract, by=hq_admin, expected_version=1, notes="stale")
