"""Billing pages: the work order's money panel (bounded, scoped, with its forms), quotes and the
customer's link, discounts, payments and the handover, invoices and their tax export, fee
schedules and the reports."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouhou.billing import services
from shouhou.billing.models import (
    Adjustment,
    AdjustmentStatus,
    FeeSchedule,
    Invoice,
    Payment,
    PaymentMethod,
    Quote,
    QuoteStatus,
)
from shouhou.core.models import Role
from shouhou.tickets import services as ticket_services
from shouhou.tickets.documents import voucher_pdf
from tests.billing.factories import accepted_quote, resolve_on_site
from tests.core.factories import UserFactory
from tests.parts.conftest import dispatched_order
from tests.parts.factories import stock
from tests.tickets.test_documents import flat, pdf_text

pytestmark = pytest.mark.django_db
D = Decimal


def logged_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def charged(paid_order, van, part, dispatcher, technician):  # noqa: ANN001, ANN201
    """A paid order, quote accepted, part fitted from the van, an hour's labour, resolved."""
    stock(van, part, 2, by=dispatcher)
    accepted_quote(paid_order, by=dispatcher, parts=[(part, 1)])
    paid_order.refresh_from_db()
    ticket_services.add_part_line(
        work_order=paid_order, by=technician, expected_version=paid_order.version, part=part
    )
    paid_order.refresh_from_db()
    ticket_services.add_labour_line(
        work_order=paid_order,
        by=technician,
        expected_version=paid_order.version,
        technician=technician,
        worked_on=timezone.localdate(),
        minutes=60,
    )
    paid_order.refresh_from_db()
    return resolve_on_site(paid_order, technician=technician)


def test_work_order_page_loads_the_money_panel(dispatcher, paid_order) -> None:
    client = logged_in(dispatcher)
    page = client.get(paid_order.get_absolute_url())
    assert f'hx-get="{reverse("billing:work-order-money", args=[paid_order.pk])}"' in (
        page.content.decode()
    )


def test_money_panel_is_bounded_and_shows_charges_quote_and_payment(
    dispatcher, charged, django_assert_max_num_queries
) -> None:
    client = logged_in(dispatcher)
    services.record_payment(
        by=dispatcher, work_order=charged, method=PaymentMethod.TRANSFER, amount=D("100")
    )
    for name in ("保险丝", "螺丝"):  # more lines, the same number of queries
        charged.refresh_from_db()
        ticket_services.add_part_line(
            work_order=charged, by=dispatcher, expected_version=charged.version, part_name=name
        )
    url = reverse("billing:work-order-money", args=[charged.pk])

    with django_assert_max_num_queries(27):
        response = client.get(url, HTTP_HX_REQUEST="true")

    context = response.context
    assert response.templates[0].name == "billing/_money_panel.html"
    assert context["sheet"].due_amount == D("450.00")
    assert context["accepted_quote"].status == QuoteStatus.ACCEPTED
    assert (context["paid"], context["balance"]) == (D("100.00"), D("350.00"))
    assert {"payment", "adjustment", "basis"} <= set(context["forms"])
    html = response.content.decode()
    assert "450.00" in html
    assert "电源板" in html
    # without htmx the panel is a page of its own
    assert client.get(url).templates[0].name == "billing/work_order_money.html"


def test_money_panel_of_another_organisation_is_a_404(charged, org_tree, make_user) -> None:
    outsider = make_user(org_tree.provider, Role.DISPATCHER)
    client = logged_in(outsider)
    assert client.get(reverse("billing:work-order-money", args=[charged.pk])).status_code == 404
    response = client.post(
        reverse("billing:payment-create", args=[charged.pk]),
        {"kind": "payment", "method": "cash", "amount": "1"},
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_quote_pages_from_prepare_to_the_customers_link(dispatcher, paid_order, part) -> None:
    client = logged_in(dispatcher)
    created = client.post(
        reverse("billing:quote-create", args=[paid_order.pk]), {"labour_minutes": "60"}
    )
    quote = Quote.objects.get()
    assert created["Location"] == quote.get_absolute_url()
    client.post(
        reverse("billing:quote-part", args=[quote.pk]),
        {"part": part.pk, "quantity": "1", "version": quote.version},
    )
    quote.refresh_from_db()
    assert quote.total_amount == D("450.00")
    client.post(reverse("billing:quote-send", args=[quote.pk]), {"version": quote.version})
    page = client.get(quote.get_absolute_url())
    link = page.context["customer_link"]
    assert "/billing/q/" in link

    # the customer opens the link without logging in and accepts
    customer = Client()
    path = link.split("testserver", 1)[1]
    shown = customer.get(path)
    assert shown.status_code == 200
    assert "450.00" in shown.content.decode()
    refused = customer.post(path, {"decision": "accept", "customer_name": ""})
    assert refused.status_code == 400
    accepted = customer.post(path, {"decision": "accept", "customer_name": "王先生"})
    assert accepted.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.decision_channel) == (QuoteStatus.ACCEPTED, "portal")
    assert customer.get(path).status_code == 200
    assert customer.get("/billing/q/forged-token/").status_code == 404


def test_staff_records_a_declined_quote(technician, paid_order) -> None:
    quote = services.prepare_quote(work_order=paid_order, by=technician, labour_minutes=30)
    quote = services.send_quote(quote=quote, by=technician, expected_version=quote.version)
    client = logged_in(technician)
    client.post(
        reverse("billing:quote-decision", args=[quote.pk]),
        {
            "version": quote.version,
            "decision": "decline",
            "customer_name": "李女士",
            "reason": "不修了",
        },
    )
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (QuoteStatus.DECLINED, "不修了")


def test_discount_request_and_approval_on_the_panel(technician, supervisor, charged) -> None:
    back = f"{charged.get_absolute_url()}#money"
    requested = logged_in(technician).post(
        reverse("billing:adjustment-create", args=[charged.pk]),
        {"kind": "discount", "amount": "40", "reason": "老客户"},
    )
    assert requested["Location"] == back
    adjustment = Adjustment.objects.get()
    assert adjustment.status == AdjustmentStatus.REQUESTED

    manager = logged_in(supervisor)
    panel = manager.get(
        reverse("billing:work-order-money", args=[charged.pk]), HTTP_HX_REQUEST="true"
    )
    assert [item for item, _form in panel.context["decidable"]] == [adjustment]
    manager.post(
        reverse("billing:adjustment-decide", args=[adjustment.pk]),
        {"version": adjustment.version, "approve": "1"},
    )
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.APPROVED
    assert logged_in(supervisor).get(reverse("billing:adjustment-list")).status_code == 200


def test_payment_refused_beyond_the_cash_limit_shows_the_message(technician, charged) -> None:
    response = logged_in(technician).post(
        reverse("billing:payment-create", args=[charged.pk]),
        {"kind": "payment", "method": "cash", "amount": "600", "collected_on_site": "on"},
        follow=True,
    )
    assert "without" not in response.content.decode()
    assert "issue an invoice" in response.content.decode()
    assert not Payment.objects.exists()


def test_invoice_issue_list_detail_and_tax_export(accountant, charged, org_tree) -> None:
    client = logged_in(accountant)
    issued = client.post(
        reverse("billing:invoice-issue", args=[charged.pk]), {"buyer_tax_number": "9131"}
    )
    assert issued.status_code == 302
    invoice = Invoice.objects.get()

    listing = client.get(reverse("billing:invoice-list"))
    assert [row.number for row in listing.context["page"].rows] == [invoice.number]
    assert client.get(invoice.get_absolute_url()).status_code == 200

    export = client.get(reverse("billing:invoice-list"), {"export": "tax-csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0][0] == "invoice number"
    assert [row[13] for row in rows[1:]] == ["120.00", "50.00", "280.00"]
    workbook = client.get(reverse("billing:invoice-list"), {"export": "tax-xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert sheet.max_row == 4

    paid = client.post(
        reverse("billing:invoice-payment", args=[invoice.pk]),
        {"method": "transfer", "amount": "450.00"},
    )
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid"

    outsider = logged_in(UserFactory.create(organisation=org_tree.provider, role=Role.ACCOUNTANT))
    assert outsider.get(invoice.get_absolute_url()).status_code == 404


def test_invoice_list_is_bounded(
    accountant, dispatcher, technician, org_tree, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        order = dispatched_order(
            dispatcher=dispatcher,
            technician=technician,
            organisation=org_tree.service_centre,
            purchased_on=timezone.localdate().replace(year=2020),
        )
        order = resolve_on_site(order, technician=technician)
        services.issue_invoice(work_order=order, by=accountant)
    client = logged_in(accountant)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("billing:invoice-list"))
    assert len(response.context["page"].rows) == 3


def test_cash_page_and_handover(technician, accountant, charged) -> None:
    services.record_payment(
        by=technician,
        work_order=charged,
        method=PaymentMethod.CASH,
        amount=D("200"),
        collected_on_site=True,
    )
    client = logged_in(accountant)
    page = client.get(reverse("billing:cash"))
    assert [row.technician for row in page.context["held"]] == [technician]

    url = reverse("billing:handover", args=[technician.pk])
    payment = Payment.objects.get()
    assert client.get(url).status_code == 200
    done = client.post(url, {"payments": [payment.pk], "note": "已点清"})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.handover is not None
    assert logged_in(technician).get(url).status_code == 403


def test_fee_schedule_pages_and_new_version(hq_admin) -> None:
    client = logged_in(hq_admin)
    seeded = FeeSchedule.objects.get()
    assert client.get(reverse("billing:schedule-list")).status_code == 200
    assert client.get(seeded.get_absolute_url()).status_code == 200
    copy = client.get(reverse("billing:schedule-create"), {"copy": seeded.pk})
    assert copy.context["form"].initial["jobs"].startswith("inspect |")

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    bad = client.post(
        reverse("billing:schedule-create"),
        {
            "name": "新标准",
            "effective_from": tomorrow.isoformat(),
            "labour_basis": "job_type",
            "hourly_rate": "0",
            "labour_increment_minutes": "30",
            "minimum_labour_minutes": "0",
            "distance_rate_per_km": "0",
            "free_distance_km": "0",
            "call_out_urban": "50",
            "call_out_suburban": "80",
            "jobs": "A | 检测\n",
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["jobs"]
    good = client.post(
        reverse("billing:schedule-create"),
        {
            "name": "新标准",
            "effective_from": tomorrow.isoformat(),
            "labour_basis": "job_type",
            "hourly_rate": "0",
            "labour_increment_minutes": "30",
            "minimum_labour_minutes": "0",
            "distance_rate_per_km": "0",
            "free_distance_km": "0",
            "call_out_urban": "50",
            "call_out_suburban": "80",
            "jobs": "insp | 检测 | 88.5\nmod | 换模块 | 160",
        },
    )
    assert good.status_code == 302
    schedule = FeeSchedule.objects.get(name="新标准")
    assert list(schedule.jobs.values_list("code", "amount")) == [
        ("INSP", D("88.50")),
        ("MOD", D("160.00")),
    ]


def test_reports_and_their_exports(accountant, charged, technician) -> None:
    services.issue_invoice(work_order=charged, by=accountant)
    client = logged_in(accountant)
    ageing = client.get(reverse("billing:ageing-report"))
    assert ageing.context["report"].total.total == D("450.00")
    assert client.get(reverse("billing:ageing-report"), {"export": "xlsx"}).status_code == 200
    revenue = client.get(reverse("billing:revenue-report"))
    assert sum(row.paid_service for row in revenue.context["rows"]) == D("450.00")
    assert client.get(reverse("billing:revenue-report"), {"export": "xlsx"}).status_code == 200
    assert logged_in(technician).get(reverse("billing:ageing-report")).status_code == 403


def test_voucher_pdf_prints_the_charges(dispatcher, charged) -> None:
    text = flat(pdf_text(voucher_pdf(work_order=charged)))
    assert "450.00" in text
    assert "280.00" in text
