"""Kill the real worker process while the mail server holds a message: nothing is lost, and
the one message sent twice carries the same Message-ID both times."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from shouhou.core.models import Role
from shouhou.notify.models import Channel, DeliveryStatus, Notification
from shouhou.notify.services import queue_notification
from shouhou.notify.tasks import deliver_notifications
from tests.servers import Mailbox

ROOT = Path(django_settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def worker(port: int) -> subprocess.Popen[bytes]:
    environment = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "DATABASE_URL")
        },
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "NOTIFICATION_SENDING_LEASE_SECONDS": "1",
        "SHOUHOU_VAR_DIR": str(django_settings.VAR_DIR),
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "run_worker", "--burst"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killing_the_worker_mid_send_loses_nothing(org_tree, make_user) -> None:
    people = [
        make_user(org_tree.service_centre, Role.TECHNICIAN, email=f"p{i}@example.com", phone="")
        for i in range(5)
    ]
    with Mailbox() as mailbox:
        arrived, release = threading.Event(), threading.Event()

        def hold_the_first(message: object) -> None:
            if len(mailbox.messages) == 1:
                arrived.set()
                release.wait(30)

        mailbox.before_accept = hold_the_first
        queue_notification(
            recipients=people,
            template_code="work_order_dispatched",
            context={
                "number": "W2611220009",
                "customer": "客户",
                "address": "地址",
                "symptom": "故障",
            },
            channels=[Channel.EMAIL],
        )
        first = worker(mailbox.port)
        try:
            assert arrived.wait(60), "the worker never reached the mail server"
            first.kill()  # the server holds the message; the worker dies before hearing "250"
            first.wait(timeout=30)
        finally:
            release.set()
        mailbox.before_accept = None
        time.sleep(1.5)  # the dead worker's lease on the message runs out
        deliver_notifications.enqueue()  # what the scheduler does every minute
        second = worker(mailbox.port)
        assert second.wait(timeout=120) == 0
        mailbox.wait_for(6)

    notifications = list(Notification.objects.all())
    assert {n.status for n in notifications} == {DeliveryStatus.SENT}
    received = [str(message["Message-ID"]) for message in mailbox.messages]
    assert set(received) == {n.message_id for n in notifications}
    twice = {message_id for message_id in received if received.count(message_id) > 1}
    assert len(received) == 6
    assert len(twice) == 1
