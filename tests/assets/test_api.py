"""The REST API: token auth, scoping (404 for others' rows), service-backed writes, errors."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shouhou.assets.models import Equipment
from shouhou.core.models import AuditEntry, Role
from tests.assets.factories import EquipmentFactory, ProductModelFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_api(org_tree, make_user) -> APIClient:
    user = make_user(org_tree.branch_a, Role.DISPATCHER)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_anonymous_requests_are_refused() -> None:
    assert APIClient().get("/api/equipment/").status_code == 401


def test_list_is_scoped_and_paginated_without_counting(
    branch_api, org_tree, django_assert_max_num_queries
) -> None:
    mine = CustomerFactory.create(organisation=org_tree.outlet_a1)
    for _ in range(5):
        EquipmentFactory.create(customer=mine)
    EquipmentFactory.create(customer=CustomerFactory.create(organisation=org_tree.branch_b))

    # token, the user's organisation, two for permissions, one for the page: whatever the rows.
    with django_assert_max_num_queries(5):
        response = branch_api.get("/api/equipment/", {"page_size": 3})

    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]) == 3
    assert "count" not in body
    second = branch_api.get(body["next"]).json()
    assert len(second["results"]) == 2
    assert {row["customer"] for row in body["results"] + second["results"]} == {mine.pk}


def test_another_organisations_unit_answers_404(branch_api, org_tree) -> None:
    theirs = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_b)
    )
    assert branch_api.get(f"/api/equipment/{theirs.pk}/").status_code == 404
    assert (
        branch_api.patch(
            f"/api/equipment/{theirs.pk}/", {"notes": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )


def test_detail_shows_coverage(branch_api, org_tree) -> None:
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_a),
        purchased_on=datetime.date(2020, 1, 1),
    )
    body = branch_api.get(f"/api/equipment/{unit.pk}/").json()
    assert body["coverage"] == "none"
    assert body["serial"] == unit.serial


def test_create_goes_through_the_service(branch_api, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    model = ProductModelFactory.create(warranty_months=12)

    response = branch_api.post(
        "/api/equipment/",
        {
            "serial": "api-1",
            "product_model": model.pk,
            "customer": customer.pk,
            "purchased_on": "2026-03-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    unit = Equipment.objects.get(serial="API-1")
    assert unit.warranty_ends_on == datetime.date(2027, 2, 28)
    assert unit.organisation == org_tree.branch_a
    assert AuditEntry.objects.filter(action="equipment.registered", object_id=str(unit.pk)).exists()


def test_referencing_an_invisible_customer_is_a_field_error(branch_api, org_tree) -> None:
    theirs = CustomerFactory.create(organisation=org_tree.branch_b)
    response = branch_api.post(
        "/api/equipment/",
        {
            "serial": "api-2",
            "product_model": ProductModelFactory.create().pk,
            "customer": theirs.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "customer" in response.json()
    assert not Equipment.objects.filter(serial="API-2").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"serial": "", "product_model": 1, "customer": 1},
        {"serial": "x", "product_model": "abc", "customer": None},
        {"serial": "x" * 500, "product_model": 1, "customer": 1},
        {"serial": "x", "product_model": 1, "customer": 1, "purchased_on": "31/12/2025"},
        ["not", "an", "object"],
    ],
)
def test_malformed_payloads_get_400_and_change_nothing(branch_api, payload) -> None:
    response = branch_api.post("/api/equipment/", payload, format="json")
    assert response.status_code == 400
    assert Equipment.objects.count() == 0


def test_update_needs_the_current_version(branch_api, org_tree) -> None:
    unit = EquipmentFactory.create(customer=CustomerFactory.create(organisation=org_tree.branch_a))

    missing = branch_api.patch(f"/api/equipment/{unit.pk}/", {"notes": "a"}, format="json")
    ok = branch_api.patch(f"/api/equipment/{unit.pk}/", {"notes": "b", "version": 1}, format="json")
    stale = branch_api.patch(
        f"/api/equipment/{unit.pk}/", {"notes": "c", "version": 1}, format="json"
    )

    assert missing.status_code == 400
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert stale.status_code == 409
    unit.refresh_from_db()
    assert unit.notes == "b"


def test_filters_work_in_the_api(branch_api, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    wanted = EquipmentFactory.create(customer=customer, serial="FIND-ME-1")
    EquipmentFactory.create(customer=customer, serial="OTHER-1")

    body = branch_api.get("/api/equipment/", {"q": "find-me"}).json()

    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_schema_and_docs_are_served(client, hq_admin) -> None:
    client.force_login(hq_admin)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/equipment/" in schema.content
    assert client.get("/api/docs/").status_code == 200
