"""Queueing notifications (inside the caller's transaction) and delivering them (in a worker)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, Template
from django.utils import timezone

from shouhou.core.models import Organisation, User
from shouhou.notify.models import Channel, DeliveryStatus, MessageTemplate, Notification
from shouhou.notify.sms import SmsError, gateway

MAX_ATTEMPTS = 8


def sending_lease() -> datetime.timedelta:
    """A worker that claimed a message and died gives it back to the queue after this long."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS)


def _render(text: str, context: dict[str, Any]) -> str:
    return (
        Template("{% autoescape off %}" + text + "{% endautoescape %}")
        .render(Context(context))
        .strip()
    )


def _address(user: User, channel: str) -> str | None:
    if channel == Channel.EMAIL:
        return user.email or None
    if channel == Channel.SMS:
        return user.phone or None
    return ""


@dataclass(frozen=True)
class Address:
    """Someone without a login (a customer): a name, and where email and SMS go."""

    name: str
    email: str = ""
    phone: str = ""


def queue_notification(
    *,
    recipients: Iterable[User] = (),
    addresses: Iterable[Address] = (),
    template_code: str,
    context: dict[str, Any],
    channels: Iterable[str] = (Channel.IN_APP, Channel.EMAIL, Channel.SMS),
    link: str = "",
    dedupe_key: str | None = None,
    organisation: Organisation | None = None,
) -> list[Notification]:
    """Write the messages into the outbox in the caller's transaction; delivery starts after it
    commits. A recipient without an email address or phone simply gets no email or SMS; the
    same `dedupe_key` never queues the same message twice. `addresses` reach people without a
    login by email and SMS (there is no in-app inbox for them)."""
    templates = {
        template.channel: template
        for template in MessageTemplate.objects.filter(
            code=template_code, channel__in=list(channels), is_active=True
        )
    }
    now = timezone.now()
    # (user or None, name, where it goes, the dedupe key's part for the person, channel)
    targets: list[tuple[User | None, str, str, str, str]] = []
    for member in recipients:
        for channel in templates:
            where = _address(member, channel)
            if where is not None:
                targets.append((member, "", where, str(member.pk), channel))
    for person in addresses:
        for channel in templates:
            where = person.email if channel == Channel.EMAIL else ""
            where = person.phone if channel == Channel.SMS else where
            if where:
                targets.append((None, person.name, where, f"to:{where}", channel))
    queued: list[Notification] = []
    for user, name, address, key_part, channel in targets:
        template = templates[channel]
        key = f"{dedupe_key}:{key_part}:{channel}" if dedupe_key else None
        if key and Notification.objects.filter(dedupe_key=key).exists():
            continue
        in_app = channel == Channel.IN_APP
        notification = Notification(
            recipient=user,
            recipient_name=name[:100],
            channel=channel,
            template_code=template_code,
            subject=_render(template.subject, context),
            body=_render(template.body, context),
            link=link,
            address=address,
            message_id=f"<{uuid.uuid4().hex}@{settings.NOTIFICATION_DOMAIN}>",
            dedupe_key=key,
            status=DeliveryStatus.SENT if in_app else DeliveryStatus.PENDING,
            sent_at=now if in_app else None,
            next_attempt_at=None if in_app else now,
            organisation=organisation,
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # queued concurrently under the same key
        queued.append(notification)
    if any(n.status == DeliveryStatus.PENDING for n in queued):
        transaction.on_commit(_enqueue_delivery)
    return queued


def _enqueue_delivery() -> None:
    from shouhou.notify.tasks import deliver_notifications

    deliver_notifications.enqueue()


def _send(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.address],
            headers={"Message-ID": notification.message_id},
        ).send(fail_silently=False)
    elif notification.channel == Channel.SMS:
        gateway().send(
            phone=notification.address, text=notification.body, message_id=notification.message_id
        )


def _claim(now: datetime.datetime) -> Notification | None:
    """Take the next due message; the conditional update makes two workers never share one."""
    candidates = Notification.objects.filter(
        Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at", "id")
    for candidate in candidates.values("pk", "status", "attempts")[:20]:
        claimed = Notification.objects.filter(
            pk=candidate["pk"], status=candidate["status"], attempts=candidate["attempts"]
        ).update(
            status=DeliveryStatus.SENDING,
            attempts=candidate["attempts"] + 1,
            next_attempt_at=now + sending_lease(),
        )
        if claimed:
            return Notification.objects.select_related("recipient").get(pk=candidate["pk"])
    return None


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver_due(*, limit: int = 200) -> int:
    """Send what is due. Safe to run in several workers at once and to kill at any point: a
    message claimed by a worker that died is taken up again when its lease runs out (sent twice
    only if the provider had already accepted it, with the same Message-ID)."""
    sent = 0
    for _ in range(limit):
        now = timezone.now()
        notification = _claim(now)
        if notification is None:
            break
        try:
            _send(notification)
        except (OSError, SmsError) as error:
            attempts = notification.attempts
            Notification.objects.filter(pk=notification.pk).update(
                status=DeliveryStatus.FAILED
                if attempts >= MAX_ATTEMPTS
                else DeliveryStatus.PENDING,
                next_attempt_at=None if attempts >= MAX_ATTEMPTS else now + backoff(attempts),
                last_error=str(error)[:500],
            )
            continue
        Notification.objects.filter(pk=notification.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
        sent += 1
    return sent


@transaction.atomic
def mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.recipient_id == by.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(
        recipient=by, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
