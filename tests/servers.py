"""Real servers on 127.0.0.1 for tests: an SMTP server (aiosmtpd) and an HTTP server that speaks
the SMS gateway's API (a provider's cloud cannot run here)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage as Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailServer:
    """Collects every message it accepts. `before_accept` may delay the answer (to let a test
    kill the sender while the server already holds the message)."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    before_accept: Callable[[Message], None] | None = None
    received: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, Message)
        self.messages.append(message)
        self.received.set()
        if self.before_accept is not None:
            self.before_accept(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)


class Mailbox:
    """Context manager: an SMTP server on a free port for the duration of a test."""

    def __init__(self) -> None:
        self.server = MailServer(port=free_port())
        self.controller = Controller(self.server, hostname="127.0.0.1", port=self.server.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self.server

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@dataclass
class SmsProvider:
    """An HTTP server speaking the SMS gateway API: POST JSON {to, text, id} with a bearer key."""

    key: str = "test-key"
    fail_next: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {provider.key}":
                    self._answer(401, {"status": "error", "error": "bad key"})
                elif provider.fail_next > 0:
                    provider.fail_next -= 1
                    self._answer(503, {"status": "error", "error": "busy"})
                else:
                    provider.received.append(body)
                    self._answer(
                        200, {"status": "ok", "message_id": f"sms-{len(provider.received)}"}
                    )

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def __enter__(self) -> SmsProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
