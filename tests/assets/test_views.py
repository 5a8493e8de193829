"""Equipment archive and distribution pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouhou.assets.models import Equipment
from shouhou.core.models import Role
from tests.assets.factories import EquipmentFactory, ProductModelFactory, ProductTypeFactory
from tests.core.factories import RegionFactory
from tests.customers.factories import CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_user(org_tree, make_user):
    return make_user(org_tree.branch_a, Role.DISPATCHER)


@pytest.fixture
def branch_client(client, branch_user):
    client.force_login(branch_user)
    return client


def test_archive_queries_do_not_grow_with_rows(
    branch_client, org_tree, django_assert_num_queries
) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    EquipmentFactory.create(
        customer=customer, site=SiteFactory.create(customer=customer, region=RegionFactory.create())
    )
    with CaptureQueriesContext(connection) as few:
        branch_client.get(reverse("assets:list"))
    for _ in range(30):
        EquipmentFactory.create(
            customer=customer,
            site=SiteFactory.create(customer=customer, region=RegionFactory.create()),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = branch_client.get(reverse("assets:list"))
    assert len(response.context["page"].rows) == 25


def test_archive_never_counts_the_whole_table(
    branch_client, org_tree, django_assert_num_queries
) -> None:
    EquipmentFactory.create(customer=CustomerFactory.create(organisation=org_tree.branch_a))
    with CaptureQueriesContext(connection) as captured:
        branch_client.get(reverse("assets:list"))
    # (The bell counts the user's unread messages; the archive itself is never counted.)
    assert not any(
        "COUNT(" in query["sql"].upper() and "assets_equipment" in query["sql"]
        for query in captured.captured_queries
    )


def test_archive_filters_by_type_brand_region_and_dates(branch_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    region = RegionFactory.create()
    atm = ProductModelFactory.create(product_type=ProductTypeFactory.create(code="ATM", name="ATM"))
    counter = ProductModelFactory.create(
        product_type=ProductTypeFactory.create(code="CNT", name="点钞机")
    )
    site = SiteFactory.create(customer=customer, region=region)
    wanted = EquipmentFactory.create(
        customer=customer, site=site, product_model=atm, installed_on=datetime.date(2026, 3, 1)
    )
    EquipmentFactory.create(
        customer=customer, site=site, product_model=counter, installed_on=datetime.date(2026, 3, 1)
    )
    EquipmentFactory.create(
        customer=customer, product_model=atm, installed_on=datetime.date(2026, 3, 1)
    )
    EquipmentFactory.create(
        customer=customer, site=site, product_model=atm, installed_on=datetime.date(2024, 3, 1)
    )

    response = branch_client.get(
        reverse("assets:list"),
        {
            "product_type": atm.product_type_id,
            "brand": atm.brand_id,
            "region": region.pk,
            "installed_on_after": "2026-01-01",
            "installed_on_before": "2026-12-31",
        },
    )

    assert list(response.context["page"].rows) == [wanted]


def test_in_warranty_filter(branch_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    fresh = EquipmentFactory.create(customer=customer, purchased_on=timezone.localdate())
    old = EquipmentFactory.create(customer=customer, purchased_on=datetime.date(2015, 1, 1))

    inside = branch_client.get(reverse("assets:list"), {"in_warranty": "true"})
    outside = branch_client.get(reverse("assets:list"), {"in_warranty": "false"})

    assert list(inside.context["page"].rows) == [fresh]
    assert list(outside.context["page"].rows) == [old]


def test_detail_of_another_organisations_unit_is_404(branch_client, org_tree) -> None:
    theirs = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_b)
    )
    assert branch_client.get(reverse("assets:detail", args=[theirs.pk])).status_code == 404


def test_detail_shows_coverage(branch_client, org_tree) -> None:
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_a),
        purchased_on=timezone.localdate(),
    )
    response = branch_client.get(reverse("assets:detail", args=[unit.pk]))
    assert response.context["coverage"].status == "warranty"
    assert "In warranty" in response.content.decode()


def test_rejected_equipment_form_keeps_the_serial(branch_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    response = branch_client.post(
        reverse("assets:create"),
        {
            "serial": "KEEP-ME-42",
            "customer": customer.pk,
            "status": "in_service",
            "has_purchase_proof": "on",
        },
    )
    assert response.status_code == 200
    assert "product_model" in response.context["form"].errors
    assert 'value="KEEP-ME-42"' in response.content.decode()
    assert not Equipment.objects.exists()


def test_create_equipment_through_the_form(branch_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    model = ProductModelFactory.create()
    response = branch_client.post(
        reverse("assets:create"),
        {
            "serial": "new-1",
            "product_model": model.pk,
            "customer": customer.pk,
            "purchased_on": "2026-05-01",
            "status": "in_service",
            "has_purchase_proof": "on",
        },
    )
    unit = Equipment.objects.get(serial="NEW-1")
    assert response["Location"] == unit.get_absolute_url()


def test_distribution_counts_by_dimension(branch_client, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    atm = ProductModelFactory.create(product_type=ProductTypeFactory.create(code="ATM", name="ATM"))
    counter = ProductModelFactory.create(
        product_type=ProductTypeFactory.create(code="CNT", name="点钞机")
    )
    for _ in range(3):
        EquipmentFactory.create(customer=customer, product_model=atm)
    EquipmentFactory.create(customer=customer, product_model=counter)
    EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_b), product_model=counter
    )

    response = branch_client.get(reverse("assets:distribution"), {"by": "product_type"})

    rows = [(row.label, row.count) for row in response.context["rows"]]
    assert rows == [("ATM", 3), ("点钞机", 1)]
    assert response.context["total"] == 4
