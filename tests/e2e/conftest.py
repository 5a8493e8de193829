"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server serves /static/ through django.contrib.staticfiles' finders, and tests/conftest.py
switches the templates to the plain static storage, so no `collectstatic` is needed.

Every test in this directory is marked `e2e` (deselect them with `-m "not e2e"`). When no
Chromium is installed they are skipped, unless SHOUHOU_E2E_REQUIRED=1 (set by .ci/run), which
turns the missing browser into an error so that CI cannot pass without running them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that the caller knows what it is doing (the test does).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright  # noqa: E402

from shouhou.core.models import User  # noqa: E402
from tests.core.factories import TEST_PASSWORD  # noqa: E402

CHROMIUM = os.environ.get("SHOUHOU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous for a loaded two-core CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 10_000
E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests `e2e` and run them last: they are the slowest, and each one ends
    with a flush of the test database (transactional_db), which no other test should follow."""
    browser_tests = [item for item in items if E2E_DIR in Path(str(item.fspath)).parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    chosen = set(browser_tests)
    items[:] = [item for item in items if item not in chosen] + browser_tests


def _chromium_path() -> str | None:
    path = shutil.which(CHROMIUM) if not os.path.isabs(CHROMIUM) else CHROMIUM
    return path if path and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # Playwright's sync API leaves its event loop marked as running in this thread; from then on
    # Django (asgiref's Local) keeps this thread's connections in a separate, context-local
    # store. Put the connections made so far into it, so that the test database set-up stored on
    # them (the serialized contents for serialized rollback) is still seen.
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in before.items():
            connections[alias] = connection
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    path = _chromium_path()
    if path is None:
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("SHOUHOU_E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    browser = playwright_instance.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    django_db_serialized_rollback: None,
) -> Iterator[Page]:
    """A fresh browser context on the live server, on the database as migrations left it.

    The live server needs committed data (transactional_db), and every transactional test ends
    by emptying the tables. The serialized rollback puts back the rows data migrations wrote
    (numbering rules…); content types, permissions and role groups are left out of it
    (TEST_NON_SERIALIZED_APPS) and recreated here by the post-migrate handlers, which is what
    Django does after its own flush too, so both kinds of flush before this test are fine."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def log_in(page: Page, user: User, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page.locator("form[action$='/accounts/logout/']")).to_be_visible()


def switch_user(page: Page, user: User, password: str = TEST_PASSWORD) -> None:
    """Another person takes the browser. Leave the page first: a request the old page still
    makes (htmx) after the cookies are cleared would set a CSRF cookie that the login form's
    token does not match."""
    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, user, password)
