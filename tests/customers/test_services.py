"""Customer, contact and site services: numbering, audit, optimistic locking, scoping."""

from __future__ import annotations

import pytest

from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.models import AuditEntry, Role
from shouhou.customers import services
from shouhou.customers.models import Customer
from tests.assets.factories import EquipmentFactory
from tests.core.factories import RegionFactory
from tests.customers.factories import CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_new_customer_gets_a_number_and_an_audit_entry(org_tree, dispatcher) -> None:
    customer = services.create_customer(
        by=dispatcher, name="上海宏达机电", organisation=org_tree.service_centre
    )

    assert customer.code == "C000001"
    entry = AuditEntry.objects.get(action="customer.created", object_id=str(customer.pk))
    assert entry.actor == dispatcher
    assert entry.changes["name"] == [None, "上海宏达机电"]
    assert entry.organisation == org_tree.service_centre


def test_customer_cannot_be_put_in_an_organisation_the_user_cannot_see(
    org_tree, dispatcher
) -> None:
    with pytest.raises(ShouhouError) as refused:
        services.create_customer(by=dispatcher, name="越权客户", organisation=org_tree.bank)

    assert refused.value.field == "organisation"
    assert not Customer.objects.filter(name="越权客户").exists()


def test_update_records_only_the_changed_fields(org_tree, dispatcher) -> None:
    customer = CustomerFactory.create(organisation=org_tree.service_centre, phone="13800000000")

    updated = services.update_customer(
        customer=customer, by=dispatcher, expected_version=customer.version, phone="13900000000"
    )

    assert updated.version == customer.version + 1
    entry = AuditEntry.objects.filter(action="customer.updated").get()
    assert entry.changes == {"phone": ["13800000000", "13900000000"]}


def test_stale_update_is_refused_and_changes_nothing(org_tree, dispatcher) -> None:
    customer = CustomerFactory.create(organisation=org_tree.service_centre, name="原名")
    services.update_customer(
        customer=customer, by=dispatcher, expected_version=1, name="第一次修改"
    )

    with pytest.raises(ConflictError):
        services.update_customer(
            customer=customer, by=dispatcher, expected_version=1, name="过期修改"
        )

    customer.refresh_from_db()
    assert customer.name == "第一次修改"
    assert customer.version == 2


def test_moving_a_customer_moves_its_equipment(org_tree, hq_admin) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    unit = EquipmentFactory.create(customer=customer)

    services.update_customer(
        customer=customer,
        by=hq_admin,
        expected_version=customer.version,
        organisation=org_tree.branch_b,
    )

    unit.refresh_from_db()
    assert unit.organisation == org_tree.branch_b


def test_a_sites_new_region_is_copied_to_its_equipment(org_tree, hq_admin) -> None:
    pudong, minhang = RegionFactory.create(), RegionFactory.create()
    site = SiteFactory.create(region=pudong)
    unit = EquipmentFactory.create(customer=site.customer, site=site)
    assert unit.region == pudong

    services.update_site(site=site, by=hq_admin, expected_version=site.version, region=minhang)

    unit.refresh_from_db()
    assert unit.region == minhang


def test_invalid_customer_is_rejected_whole(org_tree, make_user) -> None:
    user = make_user(org_tree.hq, Role.ADMIN)
    with pytest.raises(Exception, match="email"):
        services.create_customer(
            by=user, name="坏邮箱", email="not-an-email", organisation=org_tree.hq
        )
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.filter(action="customer.created").exists()
