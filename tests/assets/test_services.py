"""Equipment services: derived fields, coverage, serial rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from shouhou.assets import services
from shouhou.assets.models import CoverageStatus, WarrantyStart
from shouhou.assets.selectors import equipment_coverage
from shouhou.core.errors import ShouhouError
from tests.assets.factories import EquipmentFactory, ProductModelFactory
from tests.contracts.factories import ContractFactory
from tests.core.factories import RegionFactory
from tests.customers.factories import CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_registering_copies_owner_and_region_and_computes_warranty(org_tree, dispatcher) -> None:
    region = RegionFactory.create()
    site = SiteFactory.create(customer__organisation=org_tree.service_centre, region=region)
    model = ProductModelFactory.create(warranty_months=24)

    unit = services.register_equipment(
        by=dispatcher,
        serial=" ab-123 ",
        product_model=model,
        customer=site.customer,
        site=site,
        purchased_on=datetime.date(2025, 6, 1),
    )

    assert unit.serial == "AB-123"
    assert unit.organisation == org_tree.service_centre
    assert unit.region == region
    assert unit.warranty_ends_on == datetime.date(2027, 5, 31)


def test_own_warranty_term_overrides_the_models(org_tree) -> None:
    unit = EquipmentFactory.create(
        product_model=ProductModelFactory.create(warranty_months=12),
        warranty_months=36,
        purchased_on=datetime.date(2024, 1, 1),
    )
    assert unit.warranty_ends_on == datetime.date(2026, 12, 31)


def test_site_of_another_customer_is_refused(org_tree) -> None:
    site = SiteFactory.create()
    with pytest.raises(ShouhouError, match="another customer"):
        EquipmentFactory.create(customer=CustomerFactory.create(), site=site)


def test_duplicate_serial_is_refused_whatever_its_case(org_tree) -> None:
    EquipmentFactory.create(serial="XY-1")
    with pytest.raises(ValidationError, match="serial"):
        EquipmentFactory.create(serial="xy-1")


def test_coverage_says_warranty_contract_or_neither(org_tree) -> None:
    customer = CustomerFactory.create()
    in_warranty = EquipmentFactory.create(customer=customer, purchased_on=datetime.date(2026, 6, 1))
    old = EquipmentFactory.create(customer=customer, purchased_on=datetime.date(2020, 1, 1))
    old_under_contract = EquipmentFactory.create(
        customer=customer, purchased_on=datetime.date(2020, 1, 1)
    )
    ContractFactory.create(customer=customer, number="HT-1", equipment=[old_under_contract])
    day = datetime.date(2026, 11, 22)

    assert equipment_coverage(equipment=in_warranty, on=day).status == CoverageStatus.WARRANTY
    assert equipment_coverage(equipment=old, on=day).status == CoverageStatus.NONE
    covered = equipment_coverage(equipment=old_under_contract, on=day)
    assert covered.status == CoverageStatus.CONTRACT
    assert covered.contract_numbers == ["HT-1"]
    # After the contract's end the unit is covered by neither.
    assert (
        equipment_coverage(equipment=old_under_contract, on=datetime.date(2027, 1, 1)).status
        == CoverageStatus.NONE
    )


def test_changing_a_models_warranty_recomputes_its_units(org_tree, hq_admin) -> None:
    model = ProductModelFactory.create(warranty_months=12)
    unit = EquipmentFactory.create(product_model=model, purchased_on=datetime.date(2025, 1, 1))
    own_term = EquipmentFactory.create(
        product_model=model, purchased_on=datetime.date(2025, 1, 1), warranty_months=6
    )
    model.warranty_months = 36
    model.warranty_starts_from = WarrantyStart.PURCHASE
    model.save()

    changed = services.recompute_warranty_for_model(product_model=model, by=hq_admin)

    unit.refresh_from_db()
    own_term.refresh_from_db()
    assert changed == 1
    assert unit.warranty_ends_on == datetime.date(2027, 12, 31)
    assert own_term.warranty_ends_on == datetime.date(2025, 6, 30)


def test_updating_purchase_date_recomputes_warranty(org_tree, hq_admin) -> None:
    unit = EquipmentFactory.create(purchased_on=datetime.date(2025, 1, 1))
    updated = services.update_equipment(
        equipment=unit,
        by=hq_admin,
        expected_version=unit.version,
        purchased_on=datetime.date(2026, 1, 1),
    )
    assert updated.warranty_ends_on == datetime.date(2026, 12, 31)
