"""Maintenance contract pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.contracts.models import MaintenanceContract, ServiceLevel
from shouhou.core.models import Role
from tests.assets.factories import EquipmentFactory
from tests.contracts.factories import ContractFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, org_tree, make_user):
    client.force_login(make_user(org_tree.bank, Role.SERVICE_MANAGER))
    return client


def test_list_and_detail_are_scoped(manager_client, org_tree) -> None:
    mine = ContractFactory.create(customer=CustomerFactory.create(organisation=org_tree.outlet_a1))
    theirs = ContractFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.other_client)
    )

    listing = manager_client.get(reverse("contracts:list"))

    assert list(listing.context["page"].rows) == [mine]
    assert manager_client.get(reverse("contracts:detail", args=[mine.pk])).status_code == 200
    assert manager_client.get(reverse("contracts:detail", args=[theirs.pk])).status_code == 404


def test_create_with_covered_serials(manager_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    first, second = (
        EquipmentFactory.create(customer=customer),
        EquipmentFactory.create(customer=customer),
    )

    response = manager_client.post(
        reverse("contracts:create"),
        {
            "kind": "maintenance",
            "customer": customer.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "service_level": ServiceLevel.objects.get(code="standard").pk,
            "fee_amount": "12000.00",
            "status": "active",
            "equipment_serials": f"{first.serial.lower()}，{second.serial}",
        },
    )

    contract = MaintenanceContract.objects.get()
    assert response["Location"] == contract.get_absolute_url()
    assert set(contract.equipment.all()) == {first, second}


def test_unknown_serials_and_reversed_dates_are_form_errors(manager_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    foreign = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_a)
    )

    response = manager_client.post(
        reverse("contracts:create"),
        {
            "kind": "maintenance",
            "customer": customer.pk,
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
            "service_level": ServiceLevel.objects.get(code="standard").pk,
            "fee_amount": "1",
            "status": "active",
            "equipment_serials": f"{foreign.serial} NOPE-1",
        },
    )

    errors = response.context["form"].errors
    assert set(errors) == {"ends_on", "equipment_serials"}
    assert "NOPE-1" in errors["equipment_serials"][0]
    assert not MaintenanceContract.objects.exists()
