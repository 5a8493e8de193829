"""SMS gateways. The default writes the message to the log (the outbox keeps it anyway); the
HTTP gateway posts to a provider's API configured by URL and key."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message; delivery will be retried."""


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str, message_id: str) -> str: ...


class LogGateway:
    """Writes the SMS to the log instead of sending it (no provider configured)."""

    def send(self, *, phone: str, text: str, message_id: str) -> str:
        logger.info("SMS to %s (%s): %s", phone, message_id, text)
        return message_id


class HttpGateway:
    """POSTs {"to", "text", "id"} as JSON with `Authorization: Bearer <key>`; a 2xx answer with
    {"status": "ok"} means accepted. Providers' own APIs plug in by subclassing `payload`."""

    def __init__(self, url: str | None = None, key: str | None = None, timeout: float = 10) -> None:
        self.url = url or settings.SMS_GATEWAY_URL
        self.key = key or settings.SMS_GATEWAY_KEY
        self.timeout = timeout
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("SMS_GATEWAY_URL must be an http(s) URL")

    def payload(self, *, phone: str, text: str, message_id: str) -> dict[str, str]:
        return {"to": phone, "text": text, "id": message_id}

    def send(self, *, phone: str, text: str, message_id: str) -> str:
        body = json.dumps(self.payload(phone=phone, text=text, message_id=message_id)).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise SmsError(str(error)) from error
        if answer.get("status") != "ok":
            raise SmsError(f"gateway refused the message: {answer}")
        return str(answer.get("message_id", message_id))


def gateway() -> SmsGateway:
    gateway_class = import_string(settings.SMS_GATEWAY)
    return gateway_class()
