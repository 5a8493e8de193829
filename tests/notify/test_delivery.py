"""The notification outbox: delivery by real SMTP and an HTTP SMS gateway, retries, dedupe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from shouhou.core.models import Role
from shouhou.notify import selectors
from shouhou.notify.models import Channel, DeliveryStatus, Notification
from shouhou.notify.services import deliver_due, queue_notification
from tests.servers import Mailbox, SmsProvider, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_tree, make_user):  # noqa: ANN201
    return make_user(
        org_tree.service_centre, Role.TECHNICIAN, email="tech@example.com", phone="13900000001"
    )


def queue(person, **kwargs):  # noqa: ANN001, ANN201
    return queue_notification(
        recipients=[person],
        template_code="work_order_dispatched",
        context={
            "number": "W2611220001",
            "customer": "宏达机电",
            "address": "世纪大道1号",
            "symptom": "卡钞",
        },
        **kwargs,
    )


def smtp(settings, port: int) -> None:  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_email_reaches_a_real_smtp_server(person, settings) -> None:
    with Mailbox() as mailbox:
        smtp(settings, mailbox.port)
        queued = queue(person, channels=[Channel.EMAIL])
        assert deliver_due() == 1
    message = mailbox.messages[0]
    assert message["To"] == "tech@example.com"
    assert message["Message-ID"] == queued[0].message_id
    assert "W2611220001" in message.get_content()
    assert Notification.objects.get().status == DeliveryStatus.SENT


def test_sms_goes_through_the_http_gateway(person, settings) -> None:
    with SmsProvider() as provider:
        settings.SMS_GATEWAY = "shouhou.notify.sms.HttpGateway"
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = provider.url, provider.key
        queue(person, channels=[Channel.SMS])
        deliver_due()
    assert provider.received[0]["to"] == "13900000001"
    assert "W2611220001" in provider.received[0]["text"]
    assert Notification.objects.get().status == DeliveryStatus.SENT


def test_a_refusing_gateway_is_retried_with_back_off(person, settings) -> None:
    with SmsProvider(fail_next=1) as provider:
        settings.SMS_GATEWAY = "shouhou.notify.sms.HttpGateway"
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = provider.url, provider.key
        queue(person, channels=[Channel.SMS])
        assert deliver_due() == 0
        waiting = Notification.objects.get()
        assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 1)
        assert waiting.next_attempt_at is not None
        assert waiting.next_attempt_at > timezone.now() + datetime.timedelta(seconds=30)
        assert "503" in waiting.last_error or "busy" in waiting.last_error
        Notification.objects.update(next_attempt_at=timezone.now())
        assert deliver_due() == 1
    assert len(provider.received) == 1


def test_an_unreachable_mail_server_fails_after_the_last_attempt(person, settings) -> None:
    smtp(settings, free_port())  # nobody listens there
    queue(person, channels=[Channel.EMAIL])
    for _ in range(8):
        Notification.objects.update(next_attempt_at=timezone.now())
        deliver_due()
    failed = Notification.objects.get()
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 8)


def test_the_same_event_never_queues_twice(person) -> None:
    first = queue(person, dedupe_key="escalation:1")
    second = queue(person, dedupe_key="escalation:1")
    assert len(first) == 3
    assert second == []


def test_no_address_no_message(org_tree, make_user) -> None:
    silent = make_user(org_tree.service_centre, Role.TECHNICIAN, email="", phone="")
    assert [n.channel for n in queue(silent)] == [Channel.IN_APP]


def test_in_app_messages_feed_the_bell(person, client) -> None:
    queue(person, channels=[Channel.IN_APP])
    assert selectors.unread_count(user=person) == 1
    client.force_login(person)
    page = client.get("/").content.decode()
    assert 'class="bell"' in page
    notification = Notification.objects.get()
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302
    assert selectors.unread_count(user=person) == 0
