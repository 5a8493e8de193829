"""Parts pages: lists with bounded queries, scoping (another organisation's record is a 404),
the stock forms, parts requests, old parts, the work order's parts actions and the reports."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouhou.billing import services as billing_services
from shouhou.core.models import Role
from shouhou.parts import services
from shouhou.parts.models import (
    MovementKind,
    OldPart,
    OldPartStatus,
    PartsRequest,
    PartsRequestStatus,
    StockLevel,
    StockMovement,
)
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import PartLine
from tests.core.factories import RegionFactory
from tests.parts.factories import PartFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper_client(client: Client, dispatcher) -> Client:  # noqa: ANN001
    client.force_login(dispatcher)
    return client


@pytest.fixture
def technician_client(technician) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(technician)
    return client


def test_stock_list_is_scoped_and_bounded(
    keeper_client, central, part, dispatcher, org_tree, django_assert_max_num_queries
) -> None:
    # given stock here and in another organisation's store
    for index in range(30):
        stock(central, PartFactory.create(code=f"Z-{index:03d}"), 2, by=dispatcher)
    elsewhere = WarehouseFactory.create(organisation=org_tree.provider, code="PROV-1")
    stock(elsewhere, part, 9, by=dispatcher)

    with django_assert_max_num_queries(8):
        response = keeper_client.get(reverse("parts:stock"))

    assert response.status_code == 200
    rows = response.context["page"].rows
    assert len(rows) == 25
    assert all(row.warehouse == central for row in rows)
    detail = keeper_client.get(reverse("parts:warehouse-detail", args=[elsewhere.pk]))
    assert detail.status_code == 404


def test_low_stock_filter(keeper_client, central, part, dispatcher) -> None:
    stock(central, part, 2, by=dispatcher)
    level = StockLevel.objects.get(warehouse=central, part=part)
    services.set_reorder_point(
        stock_level=level, by=dispatcher, expected_version=level.version, reorder_point=2
    )
    stock(central, PartFactory.create(), 5, by=dispatcher)

    response = keeper_client.get(reverse("parts:stock"), {"low": "true"})

    assert [row.part for row in response.context["page"].rows] == [part]


def test_receive_form_books_stock_and_refuses_bad_input(keeper_client, central, part) -> None:
    url = reverse("parts:receive")
    assert keeper_client.get(url, {"warehouse": central.pk}).status_code == 200

    bad = keeper_client.post(url, {"warehouse": central.pk, "part": part.pk, "quantity": "0"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["quantity"]
    assert not StockMovement.objects.exists()

    done = keeper_client.post(
        url, {"warehouse": central.pk, "part": part.pk, "quantity": "4", "reference": "DN-9"}
    )
    assert done.status_code == 302
    assert StockLevel.objects.get(warehouse=central, part=part).on_hand == 4


def test_write_off_beyond_stock_shows_the_stock_there_is(keeper_client, central, part) -> None:
    response = keeper_client.post(
        reverse("parts:write-off"),
        {"warehouse": central.pk, "part": part.pk, "quantity": "3", "reason": "丢失"},
    )
    assert response.status_code == 200
    assert "0 available" in str(response.context["form"].errors)


def test_technician_cannot_open_the_stock_forms(technician_client) -> None:
    assert technician_client.get(reverse("parts:receive")).status_code == 403
    assert technician_client.get(reverse("parts:stock")).status_code == 200


def test_catalogue_pages(keeper_client, part) -> None:
    listing = keeper_client.get(reverse("parts:part-list"), {"q": "PWR"})
    assert [row.code for row in listing.context["page"].rows] == ["PWR-01"]
    detail = keeper_client.get(reverse("parts:part-detail", args=[part.pk]))
    assert detail.status_code == 200
    created = keeper_client.post(
        reverse("parts:part-create"),
        {
            "code": "kbd-7",
            "name": "键盘",
            "unit_cost": "20",
            "sale_price": "45.50",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    edit = keeper_client.post(
        reverse("parts:part-update", args=[part.pk]),
        {
            "code": "PWR-01",
            "name": "电源板",
            "unit_cost": "150.00",
            "sale_price": "300.00",
            "is_active": "on",
            "is_warranty_covered": "on",
            "version": part.version,
        },
    )
    assert edit.status_code == 302
    part.refresh_from_db()
    assert str(part.sale_price) == "300.00"
    assert keeper_client.get(reverse("parts:part-detail", args=[99999])).status_code == 404


def test_parts_request_pages(
    technician_client, keeper_client, central, van, part, dispatcher, order
) -> None:
    stock(central, part, 3, by=dispatcher)
    form = technician_client.get(reverse("parts:request-create"), {"work_order": order.number})
    assert form.status_code == 200

    created = technician_client.post(
        reverse("parts:request-create"),
        {
            "source": central.pk,
            "work_order_number": order.number,
            "part_1": part.pk,
            "quantity_1": "2",
        },
    )
    assert created.status_code == 302
    request = PartsRequest.objects.get()
    assert request.work_order == order

    for action, who in (("approve", keeper_client), ("ship", keeper_client)):
        request.refresh_from_db()
        response = who.post(
            reverse("parts:request-action", args=[request.pk, action]), {"version": request.version}
        )
        assert response.status_code == 302
    request.refresh_from_db()
    received = technician_client.post(
        reverse("parts:request-action", args=[request.pk, "receive"]),
        {"version": request.version, "is_correct": "1"},
    )
    assert received.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.is_shipment_correct) == (PartsRequestStatus.RECEIVED, True)
    detail = technician_client.get(reverse("parts:request-detail", args=[request.pk]))
    assert detail.status_code == 200


def test_request_for_unknown_work_order_is_refused(technician_client, central, van, part) -> None:
    response = technician_client.post(
        reverse("parts:request-create"),
        {"source": central.pk, "work_order_number": "W000", "part_1": part.pk, "quantity_1": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["work_order_number"]
    assert not PartsRequest.objects.exists()


def test_work_order_parts_actions(
    technician_client, keeper_client, central, van, part, dispatcher, order
) -> None:
    stock(van, part, 2, by=dispatcher)
    stock(central, part, 2, by=dispatcher)
    back = f"{order.get_absolute_url()}#money"

    issued = technician_client.post(
        reverse("parts:issue", args=[order.pk]),
        {"part": part.pk, "quantity": "1", "version": order.version, "disposition": "returned"},
    )
    assert issued.status_code == 302
    assert issued["Location"] == back
    assert PartLine.objects.get(work_order=order).part == part

    order.refresh_from_db()
    too_many = technician_client.post(
        reverse("parts:issue", args=[order.pk]),
        {"part": part.pk, "quantity": "5", "version": order.version, "disposition": "returned"},
        follow=True,
    )
    assert "5 wanted, 1 available" in too_many.content.decode()

    held = keeper_client.post(
        reverse("parts:reserve", args=[order.pk]),
        {"part": part.pk, "quantity": "1", "warehouse": central.pk, "version": order.version},
    )
    assert held.status_code == 302
    returned = technician_client.post(
        reverse("parts:return", args=[order.pk]),
        {"part": part.pk, "quantity": "1", "version": order.version},
    )
    assert returned.status_code == 302
    assert StockMovement.objects.filter(kind=MovementKind.RETURN, warehouse=van).count() == 1


def test_old_part_page_and_actions(
    technician_client, keeper_client, central, order, technician
) -> None:
    ticket_services.add_part_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        part_name="主板",
        disposition="disposed",
    )
    old = OldPart.objects.get()
    assert technician_client.get(reverse("parts:old-part-list")).status_code == 200
    page = technician_client.get(reverse("parts:old-part-detail", args=[old.pk]))
    assert [action.name for action, _form in page.context["actions"]] == [
        "return_to_customer",
        "hand_in",
    ]
    technician_client.post(
        reverse("parts:old-part-action", args=[old.pk, "hand_in"]),
        {"version": old.version, "warehouse": central.pk},
    )
    old.refresh_from_db()
    keeper_client.post(
        reverse("parts:old-part-action", args=[old.pk, "scrap"]), {"version": old.version}
    )
    old.refresh_from_db()
    assert old.status == OldPartStatus.SCRAPPED


def test_usage_report_counts_and_costs_by_region_and_warranty(
    keeper_client, van, part, dispatcher, technician, order, paid_order
) -> None:
    # given parts fitted in warranty in 华东 and out of warranty with no region
    region = RegionFactory.create(name="华东")
    city = RegionFactory.create(name="上海", parent=region)
    order.customer.region = city
    order.customer.save(update_fields=["region"])
    stock(van, part, 5, by=dispatcher)
    ticket_services.add_part_line(
        work_order=order, by=technician, expected_version=order.version, part=part, quantity=2
    )
    quote = billing_services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=60)
    quote = billing_services.send_quote(quote=quote, by=dispatcher, expected_version=quote.version)
    billing_services.decide_quote(
        quote=quote,
        accepted=True,
        by=dispatcher,
        expected_version=quote.version,
        customer_name="王",
    )
    paid_order.refresh_from_db()
    ticket_services.add_part_line(
        work_order=paid_order, by=technician, expected_version=paid_order.version, part=part
    )

    today = timezone.localdate()
    response = keeper_client.get(
        reverse("parts:usage-report"), {"start": today.replace(day=1), "end": today}
    )

    rows = {row.region: row for row in response.context["report"].rows}
    assert rows["华东"].in_warranty.quantity == 2
    assert str(rows["华东"].in_warranty.cost) == "300.00"
    assert rows[""].out_of_warranty.quantity == 1
    assert str(response.context["report"].total.total.cost) == "450.00"

    export = keeper_client.get(
        reverse("parts:usage-report"),
        {"start": today.replace(day=1), "end": today, "export": "xlsx"},
    )
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert any(row[1] == "华东" and row[2] == 2 for row in values)


def test_shipping_accuracy_report(
    keeper_client, central, van, part, dispatcher, technician
) -> None:
    stock(central, part, 10, by=dispatcher)
    for correct in (True, True, False):
        request = services.submit_parts_request(by=technician, source=central, lines=[(part, 1)])
        request = services.approve_parts_request(
            request=request, by=dispatcher, expected_version=request.version
        )
        request = services.ship_parts_request(
            request=request, by=dispatcher, expected_version=request.version
        )
        services.confirm_parts_received(
            request=request,
            by=technician,
            expected_version=request.version,
            is_correct=correct,
            note="" if correct else "数量不对",
        )

    response = keeper_client.get(reverse("parts:accuracy-report"))

    report = response.context["report"]
    assert (report.total.shipped, report.total.correct, str(report.total.percent)) == (
        3,
        2,
        "66.67",
    )
    assert report.meets_target is False


def test_accountant_sees_reports_but_not_the_stock_forms(org_tree, make_user) -> None:
    client = Client()
    client.force_login(make_user(org_tree.service_centre, Role.ACCOUNTANT))
    assert client.get(reverse("parts:usage-report")).status_code == 200
    assert client.get(reverse("parts:transfer")).status_code == 403
