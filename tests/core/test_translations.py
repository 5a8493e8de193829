"""Every user-facing string is shipped in Simplified Chinese."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SOURCE = Path(settings.BASE_DIR) / "shouhou"
PO_FILE = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(
    r'^(#, .*\n)?(?:#.*\n)*(?:msgctxt "(.*)"\n)?msgid "(.*)"\n(?:".*"\n)*'
    r'(?:msgid_plural .*\n(?:".*"\n)*)?msgstr(?:\[0\])? "(.*)"',
    re.M,
)


def untranslated(po_text: str) -> list[str]:
    missing = []
    for flags, _context, msgid, msgstr in ENTRY.findall(po_text):
        if msgid == "" and msgstr == "":
            continue  # the header, or a multi-line msgid whose first line is empty
        if not msgstr or "fuzzy" in flags:
            missing.append(msgid)
    return missing


def test_shipped_catalogue_is_complete_and_compiled() -> None:
    text = PO_FILE.read_text(encoding="utf-8")
    assert untranslated(text) == []
    with PO_FILE.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for _, context, msgid, msgstr in ENTRY.findall(text)
        if msgid
        and "\\" not in msgid
        and (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid))
        != msgstr.replace('\\"', '"')
    ]
    assert stale == [], "the .mo is older than the .po: run `make messages`"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (.ci/run installs it)"
)
def test_every_string_in_the_code_is_translated(tmp_path, settings, monkeypatch) -> None:  # noqa: ANN001
    """Extract the messages again from a copy of the code: none may be missing from the .po."""
    copy = tmp_path / "shouhou"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_obsolete=True,
        no_location=True,
        ignore_patterns=["migrations/*"],
        verbosity=0,
    )
    missing = untranslated((copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8"))
    assert missing == [], "translate these in shouhou/locale (make messages), then compile"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", "/dev/null", str(PO_FILE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
