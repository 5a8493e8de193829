"""Through a real browser: an out-of-warranty work order gets a quote, the customer accepts it on
their link, the technician fits the part from the van and fixes the unit, the accountant invoices
it and records the payment; the voucher PDF prints the charges."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from shouhou.billing.models import Invoice, InvoiceStatus, Quote, QuoteStatus
from shouhou.core.models import Role, User
from shouhou.parts.models import MovementKind, StockLevel, StockMovement
from shouhou.tickets import services as ticket_services
from tests.conftest import OrgTree
from tests.e2e.conftest import log_in, switch_user
from tests.parts.conftest import dispatched_order
from tests.parts.factories import PartFactory, stock, van_for
from tests.tickets.test_documents import flat, pdf_text

pytestmark = pytest.mark.e2e


def open_panel_form(page: Page, key: str) -> None:
    page.locator(f"#money-form-{key} summary").click()


def choose(page: Page, scope: str, text: str, pick: str) -> None:
    box = page.locator(f"{scope} .autocomplete-input").first
    box.press_sequentially(text, delay=30)
    page.locator(f"{scope} .autocomplete-results").get_by_role(
        "button", name=re.compile(pick)
    ).first.click()


def test_quote_accept_fit_invoice_and_pay(
    page: Page, org_tree: OrgTree, dispatcher: User, technician: User, make_user
) -> None:
    # given an out-of-warranty unit's call dispatched to a technician whose van holds the part
    part = PartFactory.create(code="PWR-01", name="电源板", sale_price="280.00", unit_cost="150")
    van = van_for(technician)
    stock(van, part, 2, by=dispatcher)
    order = dispatched_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        purchased_on=datetime.date(2023, 1, 1),
    )
    for service in (
        ticket_services.accept_work_order,
        ticket_services.depart_work_order,
        ticket_services.arrive_work_order,
    ):
        order = service(work_order=order, by=technician, expected_version=order.version)
    accountant = make_user(org_tree.service_centre, Role.ACCOUNTANT)

    # when the technician opens the order: the panel says a quote is needed first
    log_in(page, technician)
    page.goto(order.get_absolute_url())
    panel = page.locator("#money")
    expect(panel).to_contain_text("prepare a quote")

    # and prepares one with an hour of labour and the power board, and sends it
    open_panel_form(page, "quote")
    page.locator("#money-form-quote input[name=labour_minutes]").fill("60")
    page.locator("#money-form-quote button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Quote")
    choose(page, "#form-quote-part", "PWR", "PWR-01")
    page.locator("#form-quote-part button[type=submit]").click()
    expect(page.locator(".quote-sheet")).to_contain_text("450.00")
    page.locator("#form-quote-send button[type=submit]").click()
    link = page.locator(".quote-link input").input_value()

    # then the customer accepts on the link, without logging in
    customer = page.context.browser.new_context(base_url=page.url.split("/billing")[0])  # type: ignore[union-attr]
    customer_page = customer.new_page()
    customer_page.goto(link)
    expect(customer_page.locator(".quote-sheet")).to_contain_text("450.00")
    customer_page.locator("input[name=customer_name]").fill("王先生")
    customer_page.get_by_role("button", name="I accept the quote").click()
    expect(customer_page.locator(".customer-quote")).to_contain_text("Thank you")
    customer.close()
    quote = Quote.objects.get()
    assert (quote.status, quote.decision_channel) == (QuoteStatus.ACCEPTED, "portal")

    # and the technician fits the part from the van
    page.goto(order.get_absolute_url())
    expect(panel.locator("h2")).to_have_text("Parts and charges")
    open_panel_form(page, "issue")
    choose(page, "#money-form-issue", "PWR", "PWR-01")
    page.locator("#money-form-issue button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("issued")
    expect(panel).to_contain_text("PWR-01")
    issue = StockMovement.objects.get(kind=MovementKind.ISSUE)
    assert (issue.warehouse, issue.quantity) == (van, -1)
    assert StockLevel.objects.get(warehouse=van, part=part).on_hand == 1

    # and records the hour and resolves the call
    page.locator("#form-labour summary").click()
    page.locator("#form-labour input[name=minutes]").fill("60")
    page.locator("#form-labour button[type=submit]").click()
    page.locator("#form-resolve_on_site summary").click()
    page.locator("#form-resolve_on_site textarea[name=work_done]").fill("更换电源板")
    page.locator("#form-resolve_on_site button[type=submit]").click()
    expect(page.locator("h1 .badge").first).to_have_text("Resolved")
    expect(panel).to_contain_text("450.00")

    # then the accountant invoices it and records the transfer
    switch_user(page, accountant)
    page.goto(order.get_absolute_url())
    open_panel_form(page, "invoice")
    page.locator("#money-form-invoice input[name=buyer_tax_number]").fill("91310000MA1")
    page.locator("#money-form-invoice button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("invoice was issued")
    invoice = Invoice.objects.get()
    page.goto(invoice.get_absolute_url())
    page.locator("#form-invoice-payment summary").click()
    page.locator("#form-invoice-payment select[name=method]").select_option("transfer")
    page.locator("#form-invoice-payment button[type=submit]").click()
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total_amount, invoice.paid_amount) == (
        InvoiceStatus.PAID,
        invoice.paid_amount,
        invoice.total_amount,
    )
    assert str(invoice.total_amount) == "450.00"

    # and the voucher prints the charges
    response = page.request.get(f"/work-orders/documents/{order.pk}/voucher.pdf")
    text = flat(pdf_text(response.body()))
    assert "450.00" in text
    assert "电源板" in text
