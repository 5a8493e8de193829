"""SLA clocks on work orders: policies by zone, pauses, met times, recomputation, calendars."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from shouhou.sla.calendars import (
    clock_for_organisation,
    forget_compiled_calendars,
    holiday_data_warning,
)
from shouhou.sla.models import BusinessCalendar, CalendarDay, SlaClock, SlaMetric, SlaPolicy
from shouhou.sla.services import bump_calendar_revision, choose_policy, set_statutory_day
from shouhou.tickets import services
from shouhou.tickets.models import ResolutionMode
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh_calendars():
    forget_compiled_calendars()
    yield
    forget_compiled_calendars()


def clock(order, metric: SlaMetric) -> SlaClock:  # noqa: ANN001
    return SlaClock.objects.get(work_order=order, metric=metric)


def order_in(zone: str, dispatcher, org_tree, **kwargs):  # noqa: ANN001, ANN201
    site = SiteFactory.create(customer__organisation=org_tree.service_centre, zone=zone)
    unit = EquipmentFactory.create(customer=site.customer, site=site)
    return WorkOrderFactory.create(by=dispatcher, equipment=unit, reported_at=MONDAY_9, **kwargs)


def test_arrival_is_due_in_six_working_hours_in_the_city(dispatcher, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree)
    assert clock(order, SlaMetric.ARRIVAL).due_at == datetime.datetime(
        2026, 11, 23, 16, 30, tzinfo=TZ
    )


def test_and_seven_in_the_suburbs(dispatcher, org_tree) -> None:
    order = order_in("suburban", dispatcher, org_tree)
    assert clock(order, SlaMetric.ARRIVAL).due_at == datetime.datetime(
        2026, 11, 23, 17, 30, tzinfo=TZ
    )


def test_correcting_the_zone_recomputes_the_due_time(dispatcher, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree)
    services.update_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, zone="suburban"
    )
    arrival = clock(order, SlaMetric.ARRIVAL)
    assert arrival.due_at == datetime.datetime(2026, 11, 23, 17, 30, tzinfo=TZ)
    assert arrival.policy is not None
    assert arrival.policy.zone == "suburban"


def test_a_more_specific_policy_wins(dispatcher, org_tree) -> None:
    SlaPolicy.objects.create(
        name="VIP 4 h",
        metric=SlaMetric.ARRIVAL,
        target_minutes=240,
        zone="urban",
        priority="urgent",
    )
    order = order_in("urban", dispatcher, org_tree, priority="urgent")
    chosen = choose_policy(order=order, metric=SlaMetric.ARRIVAL)
    assert chosen is not None
    assert chosen.name == "VIP 4 h"
    assert clock(order, SlaMetric.ARRIVAL).due_at == datetime.datetime(
        2026, 11, 23, 14, 30, tzinfo=TZ
    )


def test_raising_the_priority_recomputes(dispatcher, org_tree) -> None:
    SlaPolicy.objects.create(
        name="Urgent 3 h", metric=SlaMetric.ARRIVAL, target_minutes=180, priority="urgent", rank=1
    )
    order = order_in("urban", dispatcher, org_tree)
    services.update_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, priority="urgent"
    )
    # The urban policy (zone) and the urgent one (priority) are equally specific: rank decides.
    assert clock(order, SlaMetric.ARRIVAL).due_at == datetime.datetime(
        2026, 11, 23, 12, 0, tzinfo=TZ
    )


def test_met_when_the_technician_arrives(dispatcher, technician, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree)
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    for action in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = action(work_order=order, by=technician, expected_version=order.version)
    arrival = clock(order, SlaMetric.ARRIVAL)
    assert arrival.met_at == order.arrived_at
    assert clock(order, SlaMetric.RESPONSE).met_at == order.dispatched_at


def test_phone_fix_has_no_arrival_promise(dispatcher, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree, resolution_mode=ResolutionMode.PHONE)
    assert not SlaClock.objects.filter(work_order=order, metric=SlaMetric.ARRIVAL).exists()
    assert SlaClock.objects.filter(work_order=order, metric=SlaMetric.RESOLUTION).exists()


def test_waiting_for_the_customer_stops_the_clock(dispatcher, technician, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree)
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    order = services.accept_work_order(
        work_order=order, by=technician, expected_version=order.version
    )
    before = clock(order, SlaMetric.RESOLUTION).due_at

    # Waiting from Friday 16:30 to Monday 10:30 stops the clock for 1 + 2 working hours.
    with freeze_time("2026-11-27 16:30:00+08:00"):
        order = services.put_on_hold(
            work_order=order,
            by=technician,
            expected_version=order.version,
            waiting_for="customer",
            reason="客户不在",
        )
    assert clock(order, SlaMetric.RESOLUTION).paused_since is not None
    with freeze_time("2026-11-30 10:30:00+08:00"):
        order = services.resume_work_order(
            work_order=order, by=technician, expected_version=order.version
        )

    resolution = clock(order, SlaMetric.RESOLUTION)
    assert resolution.paused_since is None
    assert resolution.paused_seconds == 3 * 3600
    assert resolution.due_at == before + datetime.timedelta(hours=3)
    pause = resolution.pauses.get()
    assert (pause.reason, pause.working_seconds) == ("客户不在", 3 * 3600)


def test_waiting_for_parts_does_not_stop_the_clock_by_default(
    dispatcher, technician, org_tree
) -> None:
    order = order_in("urban", dispatcher, org_tree)
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    order = services.accept_work_order(
        work_order=order, by=technician, expected_version=order.version
    )
    order = services.put_on_hold(
        work_order=order,
        by=technician,
        expected_version=order.version,
        waiting_for="parts",
        reason="等主板",
    )
    assert clock(order, SlaMetric.RESOLUTION).paused_since is None


def test_cancelled_order_drops_unmet_promises(dispatcher, org_tree) -> None:
    order = order_in("urban", dispatcher, org_tree)
    services.cancel_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, reason="误报"
    )
    assert not SlaClock.objects.filter(work_order=order).exists()


def test_organisation_calendar_wins_over_the_default(dispatcher, org_tree) -> None:
    calendar = BusinessCalendar.objects.create(
        name="全天候中心",
        code="sc-24",
        organisation=org_tree.service_centre,
        is_around_the_clock=True,
    )
    bump_calendar_revision()
    forget_compiled_calendars()
    order = order_in("urban", dispatcher, org_tree)
    assert clock(order, SlaMetric.ARRIVAL).due_at == MONDAY_9 + datetime.timedelta(hours=6)
    assert calendar.pk


def test_a_closed_day_of_the_organisation_moves_deadlines(dispatcher, org_tree) -> None:
    calendar = BusinessCalendar.objects.get(code="standard")
    CalendarDay.objects.create(
        calendar=calendar, day=datetime.date(2026, 11, 23), kind="closed", name="内部培训"
    )
    bump_calendar_revision()
    forget_compiled_calendars()
    order = order_in("suburban", dispatcher, org_tree)
    assert clock(order, SlaMetric.ARRIVAL).due_at == datetime.datetime(
        2026, 11, 24, 17, 0, tzinfo=TZ
    )


def test_computing_deadlines_queries_nothing_once_loaded(
    org_tree, django_assert_num_queries
) -> None:
    business = clock_for_organisation(org_tree.service_centre)
    with django_assert_num_queries(0):
        cached = clock_for_organisation(org_tree.service_centre)
        for day in range(1000):
            cached.add(MONDAY_9 + datetime.timedelta(days=day), datetime.timedelta(hours=6))
    assert cached is business


def test_2027_deadlines_are_provisional_until_the_schedule_is_entered(dispatcher, org_tree) -> None:
    when = datetime.datetime(2026, 12, 31, 15, 0, tzinfo=TZ)
    site = SiteFactory.create(customer__organisation=org_tree.service_centre)
    unit = EquipmentFactory.create(customer=site.customer, site=site)
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, reported_at=when)
    assert clock(order, SlaMetric.ARRIVAL).is_provisional
    assert "2027" in (holiday_data_warning(today=datetime.date(2026, 11, 22)) or "")
    assert holiday_data_warning(today=datetime.date(2026, 10, 1)) is None

    set_statutory_day(by=None, day=datetime.date(2027, 1, 1), kind="holiday", name="元旦")
    forget_compiled_calendars()
    services.update_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, symptom="补充"
    )
    arrival = clock(order, SlaMetric.ARRIVAL)
    assert not arrival.is_provisional
    # Jan 1, 2027 is now a holiday: 2.5 h on Dec 31, then 3.5 h from Monday Jan 4.
    assert arrival.due_at == datetime.datetime(2027, 1, 4, 12, 0, tzinfo=TZ)
    assert holiday_data_warning(today=datetime.date(2026, 11, 22)) is None


def test_customer_units_without_a_site_fall_back_to_urban(dispatcher, org_tree) -> None:
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.service_centre)
    )
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, reported_at=MONDAY_9)
    assert order.zone == "urban"
