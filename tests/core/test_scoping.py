"""The scoping matrix: who sees which equipment, customers and organisations."""

from __future__ import annotations

import pytest
from django.http import Http404

from shouhou.assets.selectors import equipment_for_user, equipment_visible_to
from shouhou.core.models import Role
from shouhou.core.selectors import organisations_visible_to
from shouhou.customers.selectors import customers_visible_to
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank_equipment(org_tree):
    """One unit per bank node, one unit of another client served by the provider."""
    units = {}
    for key in ("bank", "branch_a", "outlet_a1", "branch_b"):
        customer = CustomerFactory.create(organisation=getattr(org_tree, key))
        units[key] = EquipmentFactory.create(customer=customer)
    other = CustomerFactory.create(organisation=org_tree.other_client)
    units["other_served"] = EquipmentFactory.create(
        customer=other, serving_provider=org_tree.provider
    )
    units["other_unserved"] = EquipmentFactory.create(customer=other)
    units["ours"] = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.service_centre)
    )
    return units


def visible_serials(user):
    return set(equipment_visible_to(user=user).values_list("serial", flat=True))


def test_head_office_sees_its_branches_equipment(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.bank, Role.CUSTOMER_USER)
    expected = {bank_equipment[k].serial for k in ("bank", "branch_a", "outlet_a1", "branch_b")}
    assert visible_serials(user) == expected


def test_branch_sees_only_its_own_subtree(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.branch_b, Role.CUSTOMER_USER)
    assert visible_serials(user) == {bank_equipment["branch_b"].serial}
    branch_a_user = make_user(org_tree.branch_a, Role.CUSTOMER_USER)
    assert visible_serials(branch_a_user) == {
        bank_equipment["branch_a"].serial,
        bank_equipment["outlet_a1"].serial,
    }


def test_provider_sees_only_what_it_serves(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.provider, Role.TECHNICIAN)
    assert visible_serials(user) == {bank_equipment["other_served"].serial}
    # ... and the customer owning it, but not that customer's other business.
    assert list(customers_visible_to(user=user)) == [bank_equipment["other_served"].customer]


def test_headquarters_sees_everything(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.hq, Role.SERVICE_MANAGER)
    assert visible_serials(user) == {unit.serial for unit in bank_equipment.values()}
    assert organisations_visible_to(user=user).count() == 8


def test_service_centre_sees_its_own_customers_only(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.service_centre, Role.DISPATCHER)
    assert visible_serials(user) == {bank_equipment["ours"].serial}


def test_another_organisations_record_is_not_found(org_tree, bank_equipment, make_user):
    user = make_user(org_tree.branch_b, Role.CUSTOMER_USER)
    with pytest.raises(Http404):
        equipment_for_user(user=user, equipment_id=bank_equipment["branch_a"].pk)


def test_user_without_organisation_sees_nothing(org_tree, bank_equipment, make_user):
    user = make_user(None, Role.DISPATCHER)
    assert visible_serials(user) == set()


def test_moving_a_branch_moves_what_its_users_see(org_tree, bank_equipment, make_user, hq_admin):
    from shouhou.core.services import update_organisation

    head_office_user = make_user(org_tree.bank, Role.CUSTOMER_USER)
    update_organisation(
        organisation=org_tree.branch_a,
        by=hq_admin,
        expected_version=org_tree.branch_a.version,
        parent=org_tree.other_client,
    )
    assert visible_serials(head_office_user) == {
        bank_equipment["bank"].serial,
        bank_equipment["branch_b"].serial,
    }
    other_user = make_user(org_tree.other_client, Role.CUSTOMER_USER)
    assert bank_equipment["outlet_a1"].serial in visible_serials(other_user)


@pytest.mark.parametrize("term", ["SN-1", "SN-1*", "SN-1?", "SN-1[", "sn-1"])
def test_prefix_search_matches_literally(org_tree, term) -> None:
    from shouhou.assets.models import Equipment

    for serial in ("SN-1*A", "SN-1?B", "SN-1[C", "SN-10", "SN-2"):
        EquipmentFactory.create(serial=serial)
    found = set(
        Equipment.objects.filter(serial__prefix=term.upper()).values_list("serial", flat=True)
    )
    expected = {
        s for s in ("SN-1*A", "SN-1?B", "SN-1[C", "SN-10", "SN-2") if s.startswith(term.upper())
    }
    assert found == expected
