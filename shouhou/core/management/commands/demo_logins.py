"""demo_logins: print the demo accounts (username, role, organisation, password) and the URL.

Reads users only; writes nothing."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shouhou.core import demo


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the demo logins created by seed_demo and the address to open."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo.demo_logins()
        if not logins:
            self.stdout.write(
                _("There are no demo users (run manage.py seed_demo to create them).")
            )
            return
        header = [_("username"), _("role"), _("organisation"), _("password")]
        rows = [
            [login.username, login.role, login.organisation, login.password] for login in logins
        ]
        widths = [max(_width(row[column]) for row in [header, *rows]) for column in range(4)]
        self.stdout.write(_("Demo logins — open %(url)s") % {"url": demo.DEMO_URL})
        for row in [header, ["-" * width for width in widths], *rows]:
            self.stdout.write(
                "  ".join(
                    _pad(cell, width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
