"""Billing API: a work order's charges, quote → acceptance, discounts above the limit, payments,
invoices; scoping and error answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shouhou.billing.models import Invoice, Payment
from shouhou.core.models import Role
from tests.billing.factories import resolve_on_site
from tests.parts.factories import stock

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_paid_repair_through_the_api(
    dispatcher, technician, supervisor, org_tree, make_user, van, part, paid_order
) -> None:
    stock(van, part, 1, by=dispatcher)
    tech = api(technician)

    # the quote: prepared, a part planned, sent, accepted as told by the customer
    quote = tech.post(
        "/api/quotes/", {"work_order": paid_order.pk, "labour_minutes": 60}, format="json"
    )
    assert quote.status_code == 201, quote.data
    quote_id = quote.data["id"]
    planned = tech.post(
        f"/api/quotes/{quote_id}/parts/",
        {"version": quote.data["version"], "part": part.pk, "quantity": 1},
        format="json",
    )
    assert planned.data["total_amount"] == "450.00"
    sent = tech.post(
        f"/api/quotes/{quote_id}/send/", {"version": planned.data["version"]}, format="json"
    )
    accepted = tech.post(
        f"/api/quotes/{quote_id}/decision/",
        {"version": sent.data["version"], "accepted": True, "customer_name": "王先生"},
        format="json",
    )
    assert accepted.data["status"] == "accepted"

    # the part fitted from the van, the order resolved
    paid_order.refresh_from_db()
    fitted = tech.post(
        "/api/stock-movements/issues/",
        {"work_order": paid_order.pk, "version": paid_order.version, "part": part.pk},
        format="json",
    )
    assert fitted.status_code == 201
    paid_order.refresh_from_db()
    resolve_on_site(paid_order, technician=technician)

    charges = tech.get(f"/api/work-order-charges/{paid_order.pk}/")
    assert charges.status_code == 200
    assert charges.data["due_amount"] == "330.00"  # 280 part + 50 call-out (no labour booked)
    assert charges.data["quote_accepted"] is True

    # a discount above the technician's limit waits; the manager approves it
    discount = tech.post(
        "/api/discounts/",
        {"work_order": paid_order.pk, "kind": "discount", "amount": "30.00", "reason": "老客户"},
        format="json",
    )
    assert discount.data["status"] == "requested"
    assert (
        tech.post(
            f"/api/discounts/{discount.data['id']}/decision/",
            {"version": discount.data["version"], "approve": True},
            format="json",
        ).status_code
        == 403
    )
    approved = api(supervisor).post(
        f"/api/discounts/{discount.data['id']}/decision/",
        {"version": discount.data["version"], "approve": True},
        format="json",
    )
    assert approved.data["status"] == "approved"

    # paid on site, invoiced by the accountant
    paid = tech.post(
        "/api/payments/",
        {
            "work_order": paid_order.pk,
            "method": "cash",
            "amount": "100.00",
            "collected_on_site": True,
        },
        format="json",
    )
    assert paid.status_code == 201, paid.data
    assert paid.data["collected_by"] == technician.pk
    accountant = make_user(org_tree.service_centre, Role.ACCOUNTANT)
    invoice = api(accountant).post("/api/invoices/", {"work_order": paid_order.pk}, format="json")
    assert invoice.status_code == 201, invoice.data
    assert (invoice.data["total_amount"], invoice.data["paid_amount"]) == ("300.00", "100.00")
    assert sum(Decimal(line["tax_amount"]) for line in invoice.data["lines"]) == Decimal(
        invoice.data["tax_amount"]
    )
    handover = api(accountant).post(
        "/api/cash-handovers/",
        {"technician": technician.pk, "payments": [paid.data["id"]]},
        format="json",
    )
    assert handover.status_code == 201, handover.data
    assert handover.data["total_amount"] == "100.00"


def test_invoice_errors_and_void(dispatcher, technician, org_tree, make_user, order) -> None:
    accountant = make_user(org_tree.service_centre, Role.ACCOUNTANT)
    client = api(accountant)
    not_done = client.post("/api/invoices/", {"work_order": order.pk}, format="json")
    assert not_done.status_code == 400
    assert not_done.data["code"] == "invalid_transition"
    resolved = resolve_on_site(order, technician=technician)
    nothing = client.post("/api/invoices/", {"work_order": resolved.pk}, format="json")
    assert nothing.status_code == 400  # in warranty: nothing charged
    assert not Invoice.objects.exists()


def test_other_organisation_sees_nothing(dispatcher, paid_order, org_tree, make_user) -> None:
    outsider = api(make_user(org_tree.provider, Role.DISPATCHER))
    assert outsider.get(f"/api/work-order-charges/{paid_order.pk}/").status_code == 404
    payment = outsider.post(
        "/api/payments/",
        {"work_order": paid_order.pk, "method": "cash", "amount": "1.00"},
        format="json",
    )
    assert payment.status_code == 400
    assert "work_order" in payment.data
    assert not Payment.objects.exists()
    assert api(dispatcher).get("/api/work-order-charges/1.5/").status_code == 404


def test_fee_schedules_are_readable(dispatcher) -> None:
    response = api(dispatcher).get("/api/fee-schedules/")
    assert response.status_code == 200
    schedule = response.data["results"][0]
    assert schedule["hourly_rate"] == "120.00"
    assert {fee["zone"] for fee in schedule["call_out_fees"]} == {"urban", "suburban"}
