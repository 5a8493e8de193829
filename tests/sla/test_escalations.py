"""The escalation ladder: warnings before the due time, breach messages up the line, each step
once per work order, delivered by a real SMTP server."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from shouhou.core.models import Role
from shouhou.notify.models import Channel, Notification
from shouhou.notify.services import deliver_due
from shouhou.sla.calendars import forget_compiled_calendars
from shouhou.sla.models import EscalationFiring, SlaMetric
from shouhou.sla.services import fire_due_escalations
from shouhou.tickets import services
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import SiteFactory
from tests.notify.test_delivery import smtp
from tests.servers import Mailbox
from tests.tickets.factories import WorkOrderFactory

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return MONDAY_9.replace(hour=hour, minute=minute)


@pytest.fixture
def people(org_tree, make_user):  # noqa: ANN201
    forget_compiled_calendars()
    return {
        "dispatcher": make_user(
            org_tree.service_centre, Role.DISPATCHER, email="d@example.com", phone="13900000002"
        ),
        "technician": make_user(
            org_tree.service_centre, Role.TECHNICIAN, email="t@example.com", phone="13900000003"
        ),
        "manager": make_user(
            org_tree.service_centre, Role.SERVICE_MANAGER, email="m@example.com", phone=""
        ),
        "general_manager": make_user(
            org_tree.hq, Role.SERVICE_MANAGER, email="gm@example.com", phone=""
        ),
    }


def dispatched_order(org_tree, people):  # noqa: ANN001, ANN201
    """Registered Monday 09:00 in the city: arrival due 15:00 + 1.5 h lunch = 16:30."""
    site = SiteFactory.create(customer__organisation=org_tree.service_centre, zone="urban")
    unit = EquipmentFactory.create(customer=site.customer, site=site)
    order = WorkOrderFactory.create(by=people["dispatcher"], equipment=unit, reported_at=MONDAY_9)
    return services.dispatch_work_order(
        work_order=order,
        by=people["dispatcher"],
        expected_version=order.version,
        technician=people["technician"],
    )


def told(step_template: str) -> set[str]:
    return set(
        Notification.objects.filter(
            template_code=step_template, channel=Channel.IN_APP
        ).values_list("recipient__username", flat=True)
    )


@pytest.mark.django_db
def test_the_ladder_climbs_once_per_step(org_tree, people) -> None:
    order = dispatched_order(org_tree, people)
    Notification.objects.all().delete()
    usernames = {key: user.username for key, user in people.items()}

    assert fire_due_escalations(now=at(15, 29)) == 0
    assert fire_due_escalations(now=at(15, 30)) == 2  # technician and dispatchers, 1 h before
    assert told("sla_warning") == {usernames["technician"], usernames["dispatcher"]}
    assert fire_due_escalations(now=at(15, 31)) == 0  # fired already
    assert fire_due_escalations(now=at(16, 30)) == 1
    assert told("sla_breached") == {usernames["manager"]}
    assert fire_due_escalations(now=at(18, 30)) == 1
    assert told("sla_breached_long") == {usernames["general_manager"]}
    assert fire_due_escalations(now=at(23, 0)) == 0
    assert EscalationFiring.objects.filter(clock__work_order=order).count() == 4
    warning = Notification.objects.filter(template_code="sla_warning", channel=Channel.SMS).first()
    assert warning is not None
    assert order.number in warning.body
    assert "16:30" in warning.body


@pytest.mark.django_db
def test_a_met_or_paused_promise_does_not_escalate(org_tree, people) -> None:
    order = dispatched_order(org_tree, people)
    technician = people["technician"]
    for action in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = action(work_order=order, by=technician, expected_version=order.version)
    assert fire_due_escalations(now=at(18, 30)) == 0
    assert not EscalationFiring.objects.filter(clock__metric=SlaMetric.ARRIVAL).exists()


@pytest.mark.django_db
def test_arriving_late_tells_the_managers(org_tree, people) -> None:
    from freezegun import freeze_time

    order = dispatched_order(org_tree, people)
    technician = people["technician"]
    with freeze_time("2026-11-23 17:00:00+08:00"):
        for action in (
            services.accept_work_order,
            services.depart_work_order,
            services.arrive_work_order,
        ):
            order = action(work_order=order, by=technician, expected_version=order.version)
    assert told("sla_met_late") == {people["manager"].username}
    body = (
        Notification.objects.filter(template_code="sla_met_late", channel=Channel.IN_APP).get().body
    )
    assert "0.5" in body  # half an hour late


@pytest.mark.django_db
def test_escalation_emails_reach_a_real_smtp_server(org_tree, people, settings) -> None:
    order = dispatched_order(org_tree, people)
    with Mailbox() as mailbox:
        smtp(settings, mailbox.port)
        fire_due_escalations(now=at(16, 30))
        deliver_due()
    recipients = sorted(message["To"] for message in mailbox.messages)
    # Warnings (technician, dispatcher) and the breach (manager) are all due at 16:30.
    assert "m@example.com" in recipients
    assert {"t@example.com", "d@example.com"} <= set(recipients)
    subjects = [str(message["Subject"]) for message in mailbox.messages]
    assert any(order.number in subject for subject in subjects)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_fire_each_step_once(org_tree, people) -> None:
    order = dispatched_order(org_tree, people)
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(fire_due_escalations(now=at(19, 0)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == 4
    assert EscalationFiring.objects.filter(clock__work_order=order).count() == 4
    assert (
        Notification.objects.filter(template_code="sla_breached", channel=Channel.IN_APP).count()
        == 1
    )
