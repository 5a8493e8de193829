"""SLA compliance report against totals computed by hand."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from shouhou.core.models import Role
from shouhou.sla.calendars import forget_compiled_calendars
from shouhou.sla.models import SlaClock, SlaMetric
from shouhou.sla.selectors import sla_compliance
from tests.assets.factories import EquipmentFactory
from tests.core.factories import RegionFactory
from tests.customers.factories import SiteFactory
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def arrival(order, *, hours_after_nine: float | None) -> SlaClock:  # noqa: ANN001
    """Mark the arrival promise of an order registered Monday 09:00 met after some hours."""
    clock = SlaClock.objects.get(work_order=order, metric=SlaMetric.ARRIVAL)
    if hours_after_nine is not None:
        clock.met_at = clock.started_at + datetime.timedelta(hours=hours_after_nine)
        clock.save(update_fields=["met_at"])
    return clock


def test_compliance_by_region(org_tree, dispatcher, make_user, client) -> None:
    forget_compiled_calendars()
    pudong, minhang = RegionFactory.create(name="浦东"), RegionFactory.create(name="闵行")
    monday = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)  # due 16:30 (6 working hours)
    orders = []
    for region in (pudong, pudong, pudong, minhang):
        site = SiteFactory.create(customer__organisation=org_tree.service_centre, region=region)
        unit = EquipmentFactory.create(customer=site.customer, site=site)
        orders.append(WorkOrderFactory.create(by=dispatcher, equipment=unit, reported_at=monday))
    arrival(orders[0], hours_after_nine=2)  # 11:00: 2 working hours, met
    arrival(orders[1], hours_after_nine=5)  # 14:00: 3.5 working hours, met
    arrival(orders[2], hours_after_nine=None)  # never arrived: late by now
    arrival(orders[3], hours_after_nine=8)  # 17:00: 6.5 working hours, late

    rows = sla_compliance(
        user=dispatcher,
        metric=SlaMetric.ARRIVAL,
        month=datetime.date(2026, 11, 1),
        dimension="region",
        now=datetime.datetime(2026, 11, 20, tzinfo=TZ),
    )

    by_region = {row.label: row for row in rows}
    assert (by_region["浦东"].total, by_region["浦东"].met) == (3, 2)
    assert by_region["浦东"].mean_hours == 2.75
    assert by_region["浦东"].p90_hours == 3.5
    assert round(by_region["浦东"].share_met, 1) == 66.7
    assert (by_region["闵行"].total, by_region["闵行"].met, by_region["闵行"].mean_hours) == (
        1,
        0,
        6.5,
    )

    client.force_login(make_user(org_tree.service_centre, Role.SERVICE_MANAGER))
    page = client.get(
        reverse("sla:compliance"), {"month": "2026-11", "metric": "arrival", "by": "region"}
    )
    assert page.status_code == 200
    assert "浦东" in page.content.decode()


def test_running_promises_are_left_out(org_tree, dispatcher) -> None:
    forget_compiled_calendars()
    site = SiteFactory.create(customer__organisation=org_tree.service_centre)
    unit = EquipmentFactory.create(customer=site.customer, site=site)
    WorkOrderFactory.create(
        by=dispatcher, equipment=unit, reported_at=datetime.datetime(2026, 11, 2, 9, tzinfo=TZ)
    )
    rows = sla_compliance(
        user=dispatcher,
        metric=SlaMetric.ARRIVAL,
        month=datetime.date(2026, 11, 1),
        dimension="region",
        now=datetime.datetime(2026, 11, 2, 10, tzinfo=TZ),
    )
    assert rows == []


def test_technicians_cannot_open_the_report(org_tree, technician, client) -> None:
    client.force_login(technician)
    assert client.get(reverse("sla:compliance")).status_code == 403
