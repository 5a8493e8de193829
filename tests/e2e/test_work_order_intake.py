"""Through a real browser: register a repair call by typing the caller's phone number (screen-pop
fills the form), then dispatch it from the work order's page with the technician search; on a
phone-sized screen the technician accepts it, goes on site, fixes it and has the customer sign
on the screen; the voucher PDF then reads in Chinese."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shouhou.core.models import Role, User
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from tests.assets.factories import EquipmentFactory
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.e2e.conftest import log_in, switch_user
from tests.tickets.test_documents import flat, pdf_text


def test_call_registered_by_phone_lookup_and_dispatched(
    page: Page, dispatcher: User, org_tree: OrgTree, make_user
) -> None:
    # given a customer whose unit stands at a site, and a technician of the service centre
    customer = CustomerFactory.create(
        organisation=org_tree.service_centre, name="宏达机电", phone="02166667777"
    )
    site = SiteFactory.create(customer=customer, address="上海市徐汇区漕溪路1号")
    unit = EquipmentFactory.create(customer=customer, site=site, serial="GRG20260001")
    technician = make_user(org_tree.service_centre, Role.TECHNICIAN, name="赵师傅")
    log_in(page, dispatcher)

    # when the clerk types part of the phone number and picks the unit the screen-pop shows
    page.goto("/work-orders/new/")
    page.locator("#caller-search").press_sequentially("0216666", delay=20)
    page.locator(".pop-row", has_text="GRG20260001").click()
    expect(page.locator("input[type=hidden][name=equipment]")).to_have_value(str(unit.pk))
    expect(page.locator("input[type=hidden][name=customer]")).to_have_value(str(customer.pk))
    expect(page.locator("input[name=address]")).to_have_value("上海市徐汇区漕溪路1号")
    page.locator("input[name=contact_name]").fill("王先生")
    page.locator("textarea[name=symptom]").fill("开机无显示")
    page.get_by_role("button", name="Register").click()

    # then the new work order shows its warranty decision and category
    order = WorkOrder.objects.get()
    expect(page).to_have_url(re.compile(rf"/work-orders/{order.pk}/$"))
    expect(page.locator("h1")).to_contain_text(order.number)
    expect(page.locator(".messages")).to_contain_text(order.get_service_category_display())
    assert (order.equipment, order.site, order.contact_phone) == (unit, site, "02166667777")

    # when the dispatcher picks the technician in the dispatch form
    page.locator("#form-dispatch summary").click()
    box = page.locator("#form-dispatch .autocomplete-input")
    box.press_sequentially("赵", delay=30)
    page.locator("#form-dispatch .autocomplete-results").get_by_role(
        "button", name=re.compile("^赵师傅")
    ).click()
    page.locator("#form-dispatch button[type=submit]").click()

    # then the order is dispatched to them
    expect(page.locator("h1 .badge").first).to_have_text("Dispatched")
    order.refresh_from_db()
    assert (order.status, order.technician) == (WorkOrderStatus.DISPATCHED, technician)

    # and the technician, on a phone, accepts it with one tap
    page.set_viewport_size({"width": 390, "height": 844})
    switch_user(page, technician)
    page.goto(f"/work-orders/{order.pk}/")
    accept = page.get_by_role("button", name="Accept", exact=True)
    assert accept.bounding_box()["width"] > 300  # type: ignore[index]
    accept.click()
    expect(page.locator("h1 .badge").first).to_have_text("Accepted")

    # and goes on site, fixes it, and the customer signs on the phone's screen
    for button in ("Depart", "Arrive on site"):
        page.get_by_role("button", name=button, exact=True).click()
    page.locator("#form-resolve_on_site summary").click()
    page.locator("#form-resolve_on_site textarea[name=work_done]").fill("更换电源板，开机正常")
    page.locator("#form-resolve_on_site button[type=submit]").click()
    expect(page.locator("h1 .badge").first).to_have_text("Resolved")
    page.get_by_role("link", name="Customer signs").click()
    page.locator("input[name=signer_name]").fill("王先生")
    canvas = page.locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()
    pad = canvas.bounding_box()
    assert pad is not None
    middle = pad["y"] + pad["height"] / 2
    page.mouse.move(pad["x"] + 20, middle)
    page.mouse.down()
    for stroke in range(1, 12):
        page.mouse.move(pad["x"] + 20 + stroke * 20, middle + (15 if stroke % 2 else -15))
    page.mouse.up()
    page.get_by_role("button", name="Sign the voucher").click()
    expect(page.locator("h1 .badge").first).to_have_text("Signed by customer")
    order.refresh_from_db()
    assert order.voucher.signer_name == "王先生"
    assert order.voucher.signature.read().startswith(b"\x89PNG")

    # then the voucher PDF downloads and reads in Chinese
    response = page.request.get(f"/work-orders/documents/{order.pk}/voucher.pdf")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(response.body()))
    for expected in ("Servicevoucher", "宏达机电", "王先生", order.voucher.number, "更换电源板"):
        assert expected in text, expected
