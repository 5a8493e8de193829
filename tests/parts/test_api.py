"""Parts API: the catalogue, stock movements through the services, parts requests; scoping,
clear errors and nothing written on bad input, bounded lists."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from shouhou.core.models import Role
from shouhou.parts.models import Part, PartsRequestStatus, StockLevel, StockMovement
from tests.parts.factories import PartFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_catalogue_create_update_and_stale_version(dispatcher, technician) -> None:
    created = api(dispatcher).post(
        "/api/parts/",
        {"code": "fan-1", "name": "风扇", "unit_cost": "10.00", "sale_price": "25.00"},
        format="json",
    )
    assert created.status_code == 201, created.data
    part = Part.objects.get(code="FAN-1")
    assert api(technician).post("/api/parts/", {"code": "X"}, format="json").status_code == 403

    updated = api(dispatcher).patch(
        f"/api/parts/{part.pk}/", {"sale_price": "30.00", "version": 1}, format="json"
    )
    assert updated.status_code == 200
    stale = api(dispatcher).patch(
        f"/api/parts/{part.pk}/", {"sale_price": "31.00", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.data["code"] == "conflict"


def test_receipt_transfer_and_write_off(dispatcher, central, van, part) -> None:
    client = api(dispatcher)
    receipt = client.post(
        "/api/stock-movements/receipts/",
        {"warehouse": central.pk, "part": part.pk, "quantity": 5, "reference": "DN-1"},
        format="json",
    )
    assert receipt.status_code == 201
    assert receipt.data["balance_after"] == 5

    moved = client.post(
        "/api/stock-movements/transfers/",
        {"warehouse": central.pk, "destination": van.pk, "part": part.pk, "quantity": 2},
        format="json",
    )
    assert moved.status_code == 201
    assert (moved.data["outgoing"]["quantity"], moved.data["incoming"]["quantity"]) == (-2, 2)

    too_many = client.post(
        "/api/stock-movements/write-offs/",
        {"warehouse": central.pk, "part": part.pk, "quantity": 9, "reason": "丢失"},
        format="json",
    )
    assert too_many.status_code == 400
    assert too_many.data["code"] == "insufficient_stock"
    assert "9 wanted, 3 available" in too_many.data["detail"]
    assert StockMovement.objects.count() == 3

    unknown = client.post(
        "/api/stock-movements/receipts/",
        {"warehouse": central.pk, "part": part.pk, "quantity": 1, "colour": "red"},
        format="json",
    )
    assert unknown.status_code == 400
    assert "colour" in unknown.data
    huge = client.post(
        "/api/stock-movements/receipts/",
        {"warehouse": 10**30, "part": part.pk, "quantity": 1},
        format="json",
    )
    assert huge.status_code == 400


def test_another_organisations_warehouse_is_not_usable(dispatcher, part, org_tree) -> None:
    foreign = WarehouseFactory.create(organisation=org_tree.provider)
    client = api(dispatcher)
    assert client.get(f"/api/warehouses/{foreign.pk}/").status_code == 404
    response = client.post(
        "/api/stock-movements/receipts/",
        {"warehouse": foreign.pk, "part": part.pk, "quantity": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "warehouse" in response.data
    assert not StockLevel.objects.filter(warehouse=foreign).exists()


def test_issue_to_a_work_order_from_the_van(technician, dispatcher, van, part, order) -> None:
    stock(van, part, 1, by=dispatcher)
    response = api(technician).post(
        "/api/stock-movements/issues/",
        {"work_order": order.pk, "version": order.version, "part": part.pk},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["unit_price"] == "280.00"
    stale = api(technician).post(
        "/api/stock-movements/issues/",
        {"work_order": order.pk, "version": order.version, "part": part.pk},
        format="json",
    )
    assert stale.status_code == 409


def test_parts_request_lifecycle(technician, dispatcher, central, van, part) -> None:
    stock(central, part, 4, by=dispatcher)
    created = api(technician).post(
        "/api/parts-requests/",
        {"source": central.pk, "lines": [{"part": part.pk, "quantity": 2}]},
        format="json",
    )
    assert created.status_code == 201, created.data
    request_id = created.data["id"]

    forbidden = api(technician).post(
        f"/api/parts-requests/{request_id}/actions/",
        {"action": "approve", "version": created.data["version"]},
        format="json",
    )
    assert forbidden.status_code == 403
    assert forbidden.data["code"] == "not_allowed"

    version = created.data["version"]
    for who, name in ((dispatcher, "approve"), (dispatcher, "ship"), (technician, "receive")):
        answer = api(who).post(
            f"/api/parts-requests/{request_id}/actions/",
            {"action": name, "version": version},
            format="json",
        )
        assert answer.status_code == 200, answer.data
        version = answer.data["version"]
    assert answer.data["status"] == PartsRequestStatus.RECEIVED
    assert StockLevel.objects.get(warehouse=van, part=part).on_hand == 2


def test_lists_are_bounded_and_scoped(
    dispatcher, central, org_tree, django_assert_max_num_queries
) -> None:
    for index in range(20):
        stock(central, PartFactory.create(code=f"L-{index}"), 1, by=dispatcher)
    stock(
        WarehouseFactory.create(organisation=org_tree.provider),
        PartFactory.create(),
        1,
        by=dispatcher,
    )
    client = api(dispatcher)
    with django_assert_max_num_queries(6):
        levels = client.get("/api/stock-levels/")
    assert len(levels.data["results"]) == 20
    with django_assert_max_num_queries(6):
        movements = client.get("/api/stock-movements/")
    assert len(movements.data["results"]) == 20


def test_customer_user_sees_no_stock(org_tree, make_user) -> None:
    customer = make_user(org_tree.bank, Role.CUSTOMER_USER)
    assert api(customer).get("/api/stock-levels/").status_code == 403
