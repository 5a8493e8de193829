"""The service cost report (服务成本, 003 篇4): each work order resolved in the period costed
exactly (parts at the cost they were issued at, net of returns; labour at the configured rate)
against what it was invoiced, summed by top-level region and month; scoped, bounded, exported."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouhou.billing import selectors, services, views
from shouhou.billing.models import BillingSettings
from shouhou.core.models import Organisation, Role, User
from shouhou.parts import services as parts_services
from shouhou.parts.models import Part, Warehouse
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import WorkOrder
from tests.billing.factories import accepted_quote, resolve_on_site
from tests.conftest import OrgTree
from tests.core.factories import RegionFactory
from tests.customers.factories import SiteFactory
from tests.parts.conftest import dispatched_order
from tests.parts.factories import PartFactory, stock

pytestmark = pytest.mark.django_db
D = Decimal
URL = "billing:cost-report"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def this_month() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}


def refreshed(order: WorkOrder) -> WorkOrder:
    order.refresh_from_db()
    return order


def finished_order(
    *,
    dispatcher: User,
    technician: User,
    organisation: Organisation,
    minutes: int = 60,
    parts: tuple[tuple[Part, int], ...] = (),
    paid: bool = False,
) -> WorkOrder:
    """A call about a unit in warranty (category C, nothing to quote) or, `paid`, out of it
    (category A, the quote accepted), with the parts fitted from the technician's van and the
    labour given, resolved on site."""
    today = timezone.localdate()
    order = dispatched_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=organisation,
        purchased_on=today.replace(year=today.year - 6) if paid else today.replace(day=1),
    )
    if paid:
        accepted_quote(order, by=dispatcher, parts=parts)
    for part, quantity in parts:
        ticket_services.add_part_line(
            work_order=refreshed(order),
            by=technician,
            expected_version=order.version,
            part=part,
            quantity=quantity,
        )
    if minutes:
        ticket_services.add_labour_line(
            work_order=refreshed(order),
            by=technician,
            expected_version=order.version,
            technician=technician,
            worked_on=timezone.localdate(),
            minutes=minutes,
        )
    return resolve_on_site(refreshed(order), technician=technician)


def test_work_order_is_costed_exactly_and_returns_are_netted(
    paid_order: WorkOrder,
    van: Warehouse,
    part: Part,
    dispatcher: User,
    technician: User,
    accountant: User,
    hq_admin: User,
) -> None:
    # given a paid repair: 2 power boards at 150.00 fitted and 1 put back unused, 3 fuses at
    # 33.33, 30 + 15 minutes of labour at 80.30 an hour, and the catalogue cost raised later
    BillingSettings.objects.update(labour_cost_per_hour=D("80.30"))
    fuse = PartFactory.create(code="FUSE-01", name="保险丝", unit_cost=D("33.33"))
    stock(van, part, 5, by=dispatcher)
    stock(van, fuse, 5, by=dispatcher)
    accepted_quote(paid_order, by=dispatcher, parts=[(part, 2), (fuse, 3)])
    for fitted, quantity in ((part, 2), (fuse, 3)):
        ticket_services.add_part_line(
            work_order=refreshed(paid_order),
            by=technician,
            expected_version=paid_order.version,
            part=fitted,
            quantity=quantity,
        )
    parts_services.return_from_work_order(
        work_order=paid_order, part=part, warehouse=van, quantity=1, by=technician
    )
    part.refresh_from_db()
    parts_services.update_part(
        part=part, by=hq_admin, expected_version=part.version, unit_cost=D("170.00")
    )
    for minutes in (30, 15):
        ticket_services.add_labour_line(
            work_order=refreshed(paid_order),
            by=technician,
            expected_version=paid_order.version,
            technician=technician,
            worked_on=timezone.localdate(),
            minutes=minutes,
        )
    order = resolve_on_site(refreshed(paid_order), technician=technician)
    invoice = services.issue_invoice(work_order=order, by=accountant)

    # when the accountant opens the report for this month
    response = logged_in(accountant).get(reverse(URL), this_month())

    # then parts are costed at issue (150.00 + 99.99), labour 45 min × 80.30 / 60 = 60.225 is
    # rounded half-up, and the margin is what was invoiced less the cost
    report = response.context["report"]
    (row,) = report.work_orders
    assert (row.number, row.category, row.region) == (order.number, "A", "")
    assert row.parts_cost == D("249.99")
    assert (row.labour_minutes, row.labour_hours, row.labour_cost) == (45, D("0.75"), D("60.23"))
    assert row.total_cost == D("310.22")
    assert row.charged == invoice.total_amount
    assert row.margin == invoice.total_amount - D("310.22")
    assert row.borne_by_company == max(D("310.22") - invoice.total_amount, D("0.00"))
    assert report.labour_cost_per_hour == D("80.30")
    (region,) = report.regions
    assert (region.work_orders, region.total_cost, region.charged) == (
        1,
        D("310.22"),
        invoice.total_amount,
    )
    html = response.content.decode()
    assert "310.22" in html
    assert order.number in html

    # and a void invoice charges nothing
    services.void_invoice(
        invoice=invoice, by=accountant, expected_version=invoice.version, reason="抬头有误"
    )
    today = timezone.localdate()
    again = selectors.service_cost_report(user=accountant, start=today, end=today)
    assert again.work_orders[0].charged == D("0.00")
    assert again.work_orders[0].margin == D("-310.22")
    assert again.work_orders[0].borne_by_company == D("310.22")


def test_costs_are_grouped_by_top_level_region_and_month(
    org_tree: OrgTree, dispatcher: User, technician: User, accountant: User, van: Warehouse
) -> None:
    # given 华东 (上海, 杭州) and 华北 (北京)
    east = RegionFactory.create(name="华东")
    shanghai = RegionFactory.create(name="上海", parent=east)
    hangzhou = RegionFactory.create(name="杭州", parent=east)
    beijing = RegionFactory.create(name="北京", parent=RegionFactory.create(name="华北"))
    minutes = {"shanghai": 60, "site_in_hangzhou": 30, "last_month": 90, "no_region": 120}
    orders = {
        name: finished_order(
            dispatcher=dispatcher,
            technician=technician,
            organisation=org_tree.service_centre,
            minutes=spent,
        )
        for name, spent in minutes.items()
    }
    for name, region in (("shanghai", shanghai), ("site_in_hangzhou", beijing)):
        orders[name].customer.region = region
        orders[name].customer.save(update_fields=["region"])
    # the site's region wins over the customer's
    site = SiteFactory.create(customer=orders["site_in_hangzhou"].customer, region=hangzhou)
    WorkOrder.objects.filter(pk=orders["site_in_hangzhou"].pk).update(site=site)
    orders["last_month"].customer.region = shanghai
    orders["last_month"].customer.save(update_fields=["region"])
    today = timezone.localdate()
    first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    WorkOrder.objects.filter(pk=orders["last_month"].pk).update(
        resolved_at=timezone.make_aware(datetime.datetime.combine(previous, datetime.time(10)))
    )
    # an open order and one resolved before the period are not counted
    dispatched_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        purchased_on=today - datetime.timedelta(days=30),
    )
    early = finished_order(
        dispatcher=dispatcher, technician=technician, organisation=org_tree.service_centre
    )
    WorkOrder.objects.filter(pk=early.pk).update(
        resolved_at=timezone.make_aware(
            datetime.datetime.combine(previous - datetime.timedelta(days=1), datetime.time(10))
        )
    )

    report = selectors.service_cost_report(user=accountant, start=previous, end=today)

    cells = {
        (row.month, row.region): (row.work_orders, row.labour_minutes, row.labour_cost)
        for row in report.regions
    }
    assert cells == {
        (previous, "华东"): (1, 90, D("120.00")),
        (first, "华东"): (2, 90, D("120.00")),
        (first, ""): (1, 120, D("160.00")),
    }
    assert [(row.month, row.region) for row in report.regions] == [
        (previous, "华东"),
        (first, "华东"),
        (first, ""),
    ]
    assert {row.number: row.region for row in report.work_orders} == {
        orders["shanghai"].number: "华东",
        orders["site_in_hangzhou"].number: "华东",
        orders["last_month"].number: "华东",
        orders["no_region"].number: "",
    }
    assert (report.total.work_orders, report.total.labour_cost) == (4, D("400.00"))


def test_another_organisation_sees_nothing(
    org_tree: OrgTree,
    dispatcher: User,
    technician: User,
    accountant: User,
    hq_admin: User,
    van: Warehouse,
    part: Part,
    make_user,  # noqa: ANN001
) -> None:
    stock(van, part, 2, by=dispatcher)
    order = finished_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        parts=((part, 1),),
    )
    outsider = make_user(org_tree.other_client, Role.ACCOUNTANT)

    response = logged_in(outsider).get(reverse(URL), this_month())

    assert response.status_code == 200
    assert response.context["report"].work_orders == []
    assert response.context["report"].regions == []
    assert order.number not in response.content.decode()
    for user in (accountant, hq_admin):
        today = timezone.localdate()
        (row,) = selectors.service_cost_report(user=user, start=today, end=today).work_orders
        assert (row.number, row.parts_cost, row.labour_cost) == (
            order.number,
            D("150.00"),
            D("80.00"),
        )


def test_excel_export_has_both_tables(
    org_tree: OrgTree,
    dispatcher: User,
    technician: User,
    accountant: User,
    van: Warehouse,
    part: Part,
) -> None:
    stock(van, part, 2, by=dispatcher)
    order = finished_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        parts=((part, 2),),
        minutes=90,
    )

    response = logged_in(accountant).get(reverse(URL), {**this_month(), "export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="service-cost-')
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["By region", "By work order"]
    regions = list(workbook["By region"].iter_rows(values_only=True))
    assert regions[0][0] == "Service cost"
    (total,) = [row for row in regions if row[0] == "Total"]
    assert total[2:] == (1, 300, 1.5, 120, 420, 0, -420)
    orders = list(workbook["By work order"].iter_rows(values_only=True))
    assert orders[1][0] == order.number
    assert orders[1][4:] == (300, 1.5, 120, 420, 0, -420)


def test_sorting_and_pages(
    org_tree: OrgTree,
    dispatcher: User,
    technician: User,
    accountant: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    numbers = [
        finished_order(
            dispatcher=dispatcher,
            technician=technician,
            organisation=org_tree.service_centre,
            minutes=minutes,
        ).number
        for minutes in (30, 90, 60)
    ]
    monkeypatch.setattr(views, "COST_PAGE_SIZE", 2)
    client = logged_in(accountant)

    def shown(**params: str) -> list[str]:
        response = client.get(reverse(URL), {**this_month(), **params})
        return [row.number for row in response.context["page"].rows]

    assert shown() == [numbers[1], numbers[2]]  # the highest cost first
    assert shown(page="2") == [numbers[0]]
    assert shown(sort="cost") == [numbers[0], numbers[2]]
    assert shown(sort="margin") == [numbers[1], numbers[2]]  # the largest loss first
    assert shown(sort="-number") == sorted(numbers, reverse=True)[:2]
    assert shown(sort="nonsense") == [numbers[1], numbers[2]]
    page = client.get(reverse(URL), {**this_month(), "sort": "-cost"}).content.decode()
    assert "sort=cost" in page  # a second click on the cost turns the order round
    assert "page=2" in page


def test_page_is_bounded_whatever_the_number_of_work_orders(
    org_tree: OrgTree,
    dispatcher: User,
    technician: User,
    accountant: User,
    van: Warehouse,
    part: Part,
    django_assert_max_num_queries,  # noqa: ANN001
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    stock(van, part, 10, by=dispatcher)
    client = logged_in(accountant)

    def add_orders(count: int) -> None:
        for _ in range(count):
            order = finished_order(
                dispatcher=dispatcher,
                technician=technician,
                organisation=org_tree.service_centre,
                parts=((part, 1),),
                paid=True,
            )
            services.issue_invoice(work_order=order, by=accountant)

    add_orders(2)
    with django_assert_max_num_queries(12):
        few = client.get(reverse(URL), this_month())
    add_orders(3)
    with django_assert_max_num_queries(12):
        more = client.get(reverse(URL), this_month())
    today = timezone.localdate()
    with django_assert_num_queries(6):
        selectors.service_cost_report(user=accountant, start=today, end=today)

    assert len(few.context["report"].work_orders) == 2
    assert more.context["report"].total.work_orders == 5
    assert more.context["report"].total.parts_cost == D("750.00")


def test_needs_the_reports_permission_and_is_linked(
    technician: User, accountant: User, supervisor: User
) -> None:
    assert logged_in(technician).get(reverse(URL)).status_code == 403
    assert logged_in(supervisor).get(reverse(URL)).status_code == 200
    revenue = logged_in(accountant).get(reverse("billing:revenue-report")).content.decode()
    assert f'href="{reverse(URL)}"' in revenue
    empty = logged_in(accountant).get(reverse(URL), {"start": "2026-02-01", "end": "2026-01-01"})
    assert empty.status_code == 200
    assert "The end is before the start." in empty.content.decode()
