"""Through a real browser on a phone-sized screen (390 × 844): a technician opens today's jobs,
accepts the one dispatched to them, sets off and arrives (the phone's GPS position goes with
each step), completes the repair, and the customer signs on the screen with a finger (drawn here
with the mouse). The trip is recorded for the field analytics with the phone's positions."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Geolocation, Page, expect

from shouhou.core.models import Role, User
from shouhou.dispatch import services
from shouhou.dispatch.models import DistanceSource, FieldVisit, PositionEvent, TechnicianPosition
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from tests.assets.factories import EquipmentFactory
from tests.conftest import OrgTree
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.e2e.conftest import log_in

HOME: Geolocation = {"latitude": 31.1128, "longitude": 121.3816, "accuracy": 12}
SITE: Geolocation = {"latitude": 31.1884, "longitude": 121.4365, "accuracy": 8}


def test_technician_accepts_arrives_completes_and_the_customer_signs(
    page: Page, dispatcher: User, org_tree: OrgTree
) -> None:
    # given a job dispatched to Wang, who has a dispatch profile based in Minhang
    centre = org_tree.service_centre
    wang = UserFactory.create(organisation=centre, role=Role.TECHNICIAN, name="王建军")
    services.create_technician_profile(
        by=None,
        user=wang,
        home_centre=centre,
        home_latitude=Decimal("31.112800"),
        home_longitude=Decimal("121.381600"),
    )
    customer = CustomerFactory.create(organisation=centre, name="宏达机电")
    site = SiteFactory.create(
        customer=customer,
        address="上海市徐汇区漕溪北路1号",
        latitude=Decimal("31.188400"),
        longitude=Decimal("121.436500"),
    )
    unit = EquipmentFactory.create(customer=customer, site=site)
    order = work_orders.register_work_order(
        by=dispatcher,
        customer=customer,
        equipment=unit,
        symptom="读卡器无法识别银行卡",
        contact_name="王先生",
        contact_phone="13912345678",
    )
    work_orders.dispatch_work_order(
        work_order=order, technician=wang, by=dispatcher, expected_version=None
    )

    # when Wang opens his day on his phone, which lets the page read its position
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(HOME)
    log_in(page, wang)
    page.goto("/dispatch/my-day/")
    card = page.locator(f".job-card[data-job='{order.pk}']")
    expect(card).to_contain_text("宏达机电")
    expect(card).to_contain_text("漕溪北路1号")
    card.click()
    expect(page.locator("a", has_text="Map (Amap)")).to_have_attribute(
        "href", re.compile(r"position=121\.436500,31\.188400")
    )

    # then he accepts with one big tap
    accept = page.get_by_role("button", name="Accept", exact=True)
    box = accept.bounding_box()
    assert box is not None
    assert box["width"] > 300
    accept.click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "accepted")

    # and sets off from home, then arrives at the site (the phone says where he is)
    page.get_by_role("button", name="Depart", exact=True).click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "en_route")
    page.context.set_geolocation(SITE)
    page.get_by_role("button", name="Arrived", exact=True).click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "on_site")

    # and records the repair
    page.locator("textarea[name=work_done]").fill("更换读卡器磁头，测试交易正常")
    page.get_by_role("button", name="Complete the repair").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "resolved")

    # and the customer signs on the phone's screen with a finger
    page.locator("#sign-link").click()
    page.locator("input[name=signer_name]").fill("王先生")
    canvas = page.locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()
    pad = canvas.bounding_box()
    assert pad is not None
    page.mouse.move(pad["x"] + 20, pad["y"] + pad["height"] / 2)
    page.mouse.down()
    for step in range(1, 14):
        page.mouse.move(pad["x"] + 20 + step * 22, pad["y"] + pad["height"] / 2 + (-1) ** step * 18)
    page.mouse.up()
    page.get_by_role("button", name="Sign the voucher").click()
    # back on the day's list, where the job is done
    expect(page).to_have_url(re.compile(r"/dispatch/my-day/$"))
    expect(page.locator(".messages")).to_contain_text("The customer signed the service voucher.")

    # then the order is signed, with the signature image
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == WorkOrderStatus.SIGNED
    assert order.voucher.signer_name == "王先生"
    assert order.voucher.signature.read().startswith(b"\x89PNG")
    # and the trip is recorded with the phone's positions: from home to the site, and back
    visit = FieldVisit.objects.get(work_order=order)
    assert visit.technician == wang
    assert visit.departed_latitude == Decimal("31.112800")
    assert visit.arrived_latitude == Decimal("31.188400")
    assert visit.distance_source == DistanceSource.POSITIONS
    assert visit.outbound_distance_m is not None
    assert 12_000 < visit.outbound_distance_m < 14_000
    assert visit.round_trip_m == 2 * visit.outbound_distance_m
    events = list(
        TechnicianPosition.objects.filter(work_order=order)
        .order_by("at")
        .values_list("event", flat=True)
    )
    assert events == [PositionEvent.DEPART, PositionEvent.ARRIVE, PositionEvent.COMPLETE]

    # and his day no longer lists the job
    page.goto("/dispatch/my-day/")
    expect(page.locator(f".job-card[data-job='{order.pk}']")).to_have_count(0)
