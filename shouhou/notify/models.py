"""The notification outbox: a row is written in the same transaction as the business change
that causes it, and a worker delivers it (in-app, email, SMS) with retries."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Organisation, Scope


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageTemplate(models.Model):
    """A message per event and channel, written with Django template variables
    ({{ work_order.number }}). Edited by admins; Chinese by default."""

    code = models.CharField(_("code"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["code", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["code", "channel"], name="notify_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_channel_display()})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one person on one channel."""

    # A user of the system, or (for customers, who have no login) just a name and an address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    template_code = models.CharField(_("template"), max_length=50)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    # Same for every attempt, so a receiver can drop the copy of a message sent twice.
    message_id = models.CharField(_("message id"), max_length=200, unique=True)
    # Makes queueing idempotent: the same event never queues the same message twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notify_due_idx",
            ),
            models.Index(fields=["recipient", "channel", "read_at", "-created_at"]),
        ]

    def __str__(self) -> str:
        who = self.recipient or self.recipient_name or self.address
        return f"{self.get_channel_display()} → {who}: {self.subject or self.body[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("notify:open", args=[self.pk])
