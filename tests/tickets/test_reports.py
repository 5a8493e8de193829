"""Daily reports (技术员工作日报表, 服务主任日报表): totals for a seeded set of days match totals
computed independently here, on the page, in the selectors and in the Excel export; scoping."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shouhou.core.models import Organisation, Role, User
from shouhou.tickets import reports, services
from shouhou.tickets.models import ServiceCategory, WorkOrder
from tests.assets.factories import EquipmentFactory
from tests.core.factories import OrganisationFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2026, 10, 27), datetime.date(2026, 10, 28), datetime.date(2026, 10, 29)]
CATEGORIES = [category.value for category in ServiceCategory]


@dataclass(frozen=True)
class Recorded:
    technician: User
    day: datetime.date
    category: str
    minutes: int
    work_order: WorkOrder


@dataclass
class World:
    centre: Organisation
    station: Organisation  # under the centre
    technicians: list[User]  # two at the centre, one at the station
    outsider: User  # a technician of another organisation
    director: User
    recorded: list[Recorded]


def add_labour(
    order: WorkOrder, *, by: User, technician: User, day: datetime.date, minutes: int, category: str
) -> WorkOrder:
    services.add_labour_line(
        work_order=order,
        by=by,
        expected_version=order.version,
        technician=technician,
        worked_on=day,
        minutes=minutes,
        category=category,
        description="检修",
    )
    order.refresh_from_db()
    return order


def dispatched_order(organisation: Organisation, dispatcher: User, technician: User) -> WorkOrder:
    unit = EquipmentFactory.create(customer=CustomerFactory.create(organisation=organisation))
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    return services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )


@pytest.fixture
def world(org_tree, make_user, dispatcher) -> World:  # noqa: ANN001
    centre = org_tree.service_centre
    station = OrganisationFactory.create(name="浦东服务站", code="SC-SH-PD", parent=centre)
    technicians = [
        make_user(centre, Role.TECHNICIAN, name="王建军"),
        make_user(centre, Role.TECHNICIAN, name="李明"),
        make_user(station, Role.TECHNICIAN, name="赵强"),
    ]
    outsider = make_user(org_tree.branch_b, Role.TECHNICIAN, name="外单位技术员")
    director = make_user(centre, Role.SERVICE_MANAGER, name="服务主任")
    rng = random.Random(20261027)
    orders = [dispatched_order(centre, dispatcher, technicians[0]) for _ in range(4)]
    recorded: list[Recorded] = []
    for index in range(40):
        order_index = index % len(orders)
        technician = technicians[index % 3]
        day = DAYS[rng.randrange(len(DAYS))]
        category = rng.choice(CATEGORIES)
        minutes = rng.randrange(5, 240)
        orders[order_index] = add_labour(
            orders[order_index],
            by=dispatcher,
            technician=technician,
            day=day,
            minutes=minutes,
            category=category,
        )
        recorded.append(Recorded(technician, day, category, minutes, orders[order_index]))
    # Work of another organisation's technician on its own order: never in the centre's report.
    other_dispatcher = make_user(org_tree.branch_b, Role.DISPATCHER)
    other_order = dispatched_order(org_tree.branch_b, other_dispatcher, outsider)
    add_labour(
        other_order, by=other_dispatcher, technician=outsider, day=DAYS[0], minutes=77, category="A"
    )
    return World(centre, station, technicians, outsider, director, recorded)


def expected_minutes(
    recorded: list[Recorded], *, day: datetime.date, technicians: list[User]
) -> dict[tuple[int, str], int]:
    """(technician id, category) → minutes, and (technician id, "total") → minutes."""
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for entry in recorded:
        if entry.day != day or entry.technician not in technicians:
            continue
        totals[(entry.technician.pk, entry.category)] += entry.minutes
        totals[(entry.technician.pk, "total")] += entry.minutes
    return totals


def test_technician_reports_match_the_recorded_work(world: World) -> None:
    for technician in world.technicians:
        for day in DAYS:
            expected = expected_minutes(world.recorded, day=day, technicians=[technician])
            mine = [e for e in world.recorded if e.technician == technician and e.day == day]

            report = reports.technician_daily_report(
                user=world.director, technician=technician, day=day
            )

            assert report.totals.minutes == {
                category: expected[(technician.pk, category)] for category in CATEGORIES
            }
            assert report.totals.total_minutes == expected[(technician.pk, "total")]
            assert report.totals.work_orders == len({e.work_order.pk for e in mine})
            assert Counter(line.minutes for line in report.lines) == Counter(
                e.minutes for e in mine
            )


def test_director_report_sums_the_subtree_per_technician(world: World) -> None:
    for day in DAYS:
        expected = expected_minutes(world.recorded, day=day, technicians=world.technicians)

        report = reports.director_daily_report(
            user=world.director, organisation=world.centre, day=day
        )

        rows = {row.technician.pk: row.totals for row in report.rows}
        assert set(rows) == {technician.pk for technician in world.technicians}
        for technician in world.technicians:
            for category in CATEGORIES:
                assert rows[technician.pk].minutes[category] == expected[(technician.pk, category)]
            assert rows[technician.pk].total_minutes == expected[(technician.pk, "total")]
        grand_total = sum(e.minutes for e in world.recorded if e.day == day)
        assert report.totals.total_minutes == grand_total
        for category in CATEGORIES:
            assert report.totals.minutes[category] == sum(
                e.minutes for e in world.recorded if e.day == day and e.category == category
            )
        assert report.totals.work_orders == len(
            {e.work_order.pk for e in world.recorded if e.day == day}
        )


def test_station_report_covers_only_the_station(world: World) -> None:
    day = DAYS[1]
    station_technician = world.technicians[2]

    report = reports.director_daily_report(user=world.director, organisation=world.station, day=day)

    assert [row.technician for row in report.rows] == [station_technician]
    assert report.totals.total_minutes == sum(
        e.minutes for e in world.recorded if e.day == day and e.technician == station_technician
    )


def test_hours_are_minutes_over_sixty_rounded_to_cents() -> None:
    assert str(reports.minutes_to_hours(95)) == "1.58"
    assert str(reports.minutes_to_hours(90)) == "1.50"
    assert str(reports.minutes_to_hours(0)) == "0.00"


def rows_of(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_director_export_matches_the_independent_totals(client: Client, world: World) -> None:
    day = DAYS[0]
    expected = expected_minutes(world.recorded, day=day, technicians=world.technicians)
    client.force_login(world.director)

    response = client.get(
        reverse("ticket_reports:director-daily"),
        {"day": day.isoformat(), "organisation": str(world.centre.pk), "export": "xlsx"},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = rows_of(response.content)
    header_index = next(i for i, row in enumerate(rows) if row[0] == "Technician")
    header = rows[header_index]
    assert header[-2:] == ("Total minutes", "Total hours")
    by_name = {row[0]: row for row in rows[header_index + 1 :] if row[0] not in (None, "Total")}
    for technician in world.technicians:
        row = by_name[str(technician)]
        assert list(row[3:7]) == [expected[(technician.pk, c)] for c in CATEGORIES]
        assert row[7] == expected[(technician.pk, "total")]
        assert row[8] == pytest.approx(expected[(technician.pk, "total")] / 60, abs=0.005)
    total = next(row for row in rows if row[0] == "Total")
    assert total[7] == sum(e.minutes for e in world.recorded if e.day == day)
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.column_dimensions["A"].width >= 8


def test_technician_export_and_page_match(client: Client, world: World) -> None:
    technician, day = world.technicians[0], DAYS[2]
    mine = [e for e in world.recorded if e.technician == technician and e.day == day]
    client.force_login(technician)

    page = client.get(reverse("ticket_reports:technician-daily"), {"day": day.isoformat()})
    export = client.get(
        reverse("ticket_reports:technician-daily"), {"day": day.isoformat(), "export": "xlsx"}
    )

    assert page.status_code == 200
    assert page.context["report"].technician == technician
    assert page.context["report"].totals.total_minutes == sum(e.minutes for e in mine)
    rows = rows_of(export.content)
    header_index = rows.index(
        ("Work order", "Customer", "Category", "Minutes", "Hours", "Work done")
    )
    total_index = next(i for i, row in enumerate(rows) if row[0] == "Total")
    lines = rows[header_index + 1 : total_index]
    assert sorted(int(str(row[3])) for row in lines) == sorted(e.minutes for e in mine)
    assert rows[total_index][3] == sum(e.minutes for e in mine)
    summary = {row[0]: row[1] for row in rows[total_index + 1 :] if row[0] and row[0] != "Category"}
    for category in ServiceCategory:
        assert summary[str(category.label)] == sum(
            e.minutes for e in mine if e.category == category.value
        )


def test_a_technician_sees_only_their_own_report(client: Client, world: World) -> None:
    technician, colleague = world.technicians[0], world.technicians[1]
    client.force_login(technician)
    url = reverse("ticket_reports:technician-daily")

    assert client.get(url, {"technician": technician.pk}).status_code == 200
    assert client.get(url, {"technician": colleague.pk}).status_code == 404
    assert client.get(url, {"technician": "x"}).status_code == 404
    assert client.get(reverse("ticket_reports:director-daily")).status_code == 403
    assert list(reports.report_technicians_visible_to(user=technician)) == [technician]


def test_reports_are_scoped_to_the_users_subtree(
    client: Client, world: World, org_tree, make_user
) -> None:  # noqa: ANN001
    other_director = make_user(org_tree.branch_b, Role.DISPATCHER)
    client.force_login(other_director)

    director_url = reverse("ticket_reports:director-daily")
    technician_url = reverse("ticket_reports:technician-daily")
    assert client.get(director_url, {"organisation": world.centre.pk}).status_code == 404
    assert client.get(technician_url, {"technician": world.technicians[0].pk}).status_code == 404
    own = client.get(director_url, {"day": DAYS[0].isoformat()})
    assert own.status_code == 200
    assert [row.technician for row in own.context["report"].rows] == [world.outsider]
    assert own.context["report"].totals.total_minutes == 77

    # The centre's director sees the station's technician but not the other organisation's.
    visible = set(reports.report_technicians_visible_to(user=world.director))
    assert set(world.technicians) <= visible
    assert world.outsider not in visible


def test_invalid_day_shows_an_error_not_a_crash(client: Client, world: World) -> None:
    client.force_login(world.director)
    response = client.get(reverse("ticket_reports:director-daily"), {"day": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["form"].errors["day"]


def test_people_without_either_permission_are_refused(
    client: Client, world: World, org_tree, make_user
) -> None:  # noqa: ANN001
    client.force_login(make_user(org_tree.service_centre, Role.ACCOUNTANT))
    assert client.get(reverse("ticket_reports:technician-daily")).status_code == 403
    assert client.get(reverse("ticket_reports:director-daily")).status_code == 403
