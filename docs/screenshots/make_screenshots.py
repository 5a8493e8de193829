"""Regenerate the screenshots of docs/user-guide.md.

By default this starts its own Shouhou on a free port, in a scratch directory with the demo data
(`seed_demo`, always the same rows), runs the scheduler and a worker once so that the operations
page has a heartbeat, takes the screenshots with Debian's Chromium and stops the server:

    .venv/bin/python docs/screenshots/make_screenshots.py

To photograph a server that is already running (e.g. `make run`) instead:

    .venv/bin/python docs/screenshots/make_screenshots.py --url http://127.0.0.1:8000

Needs the development dependencies (`make install-dev`: Playwright), /usr/bin/chromium and, for
Chinese text rather than empty boxes, the fonts-noto-cjk package."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
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
VIEWPORT: ViewportSize = {"width": 1366, "height": 860}


def first_row_link(page: Page) -> None:
    """Open the record in the first row of a list page."""
    page.locator("table.list tbody tr").first.locator("a").first.click()
    page.wait_for_load_state("networkidle")


def open_autocomplete(field: str, typed: str) -> Callable[[Page], None]:
    def action(page: Page) -> None:
        box = page.locator(f".field:has([name='{field}']) .autocomplete-input")
        box.fill("")
        box.press_sequentially(typed, delay=50)
        page.locator(f".field:has([name='{field}']) .autocomplete-results li").first.wait_for()

    return action


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    action: Callable[[Page], None] | None = None
    full_page: bool = False


SHOTS = [
    Shot("home", "/"),
    Shot("organisations", "/organisations/"),
    Shot("organisation-detail", "/organisations/", first_row_link, full_page=True),
    Shot("customers", "/customers/"),
    Shot("customer-detail", "/customers/", first_row_link, full_page=True),
    Shot(
        "customer-form",
        "/customers/new/",
        open_autocomplete("organisation", "上海"),
        full_page=True,
    ),
    Shot("sites", "/customers/sites/"),
    Shot("site-detail", "/customers/sites/", first_row_link, full_page=True),
    Shot("equipment", "/equipment/"),
    Shot("equipment-detail", "/equipment/", first_row_link, full_page=True),
    Shot("equipment-distribution", "/equipment/distribution/", full_page=True),
    Shot("contracts", "/contracts/"),
    Shot("contract-detail", "/contracts/", first_row_link, full_page=True),
    Shot("import", "/imports/new/"),
    # The lists and reports of the later areas (their pages in particular states, the phone
    # pages among them, were photographed from test scenarios and are not regenerated here).
    Shot("dispatch-board", "/dispatch/", full_page=True),
    Shot("feedback-invitations", "/feedback/"),
    Shot("feedback-follow-up-queue", "/feedback/follow-ups/", full_page=True),
    Shot("complaints-list", "/complaints/"),
    Shot("complaints-reports", "/complaints/reports/", full_page=True),
    Shot("complaints-ledger", "/complaints/ledger/"),
    Shot("parts-stock", "/parts/"),
    Shot("parts-catalogue", "/parts/catalogue/"),
    Shot("parts-requests", "/parts/requests/"),
    Shot("billing-invoices", "/billing/"),
    Shot("billing-cost-report", "/billing/reports/costs/"),
    Shot("billing-revenue", "/billing/reports/revenue/"),
    Shot("billing-ageing", "/billing/reports/ageing/"),
    Shot("billing-cash", "/billing/cash/"),
    Shot("operations", "/operations/"),
    Shot("api-docs", "/api/docs/"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5):  # noqa: S310 - local
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise SystemExit(f"no server answering at {url}")


@contextmanager
def demo_server() -> Iterator[str]:
    """A throw-away Shouhou with the small demo data, served by gunicorn like `make run`."""
    with tempfile.TemporaryDirectory(prefix="shouhou-screens-") as var_dir:
        env = {**os.environ, "SHOUHOU_VAR_DIR": var_dir, "DEBUG": "false"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)

        def manage(*args: str) -> None:
            subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603

        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage("seed_demo", "--size", "small")
        manage("run_scheduler", "--once")
        manage("run_worker", "--burst")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "shouhou.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            + ["--no-control-socket"],
            cwd=ROOT,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def take(url: str, username: str, password: str, language: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=url,
            viewport=VIEWPORT,
            device_scale_factor=1,
            # The browser's own widgets (date pickers) follow its locale, not the page's.
            locale="en-US" if language == "en" else "zh-CN",
            timezone_id="Asia/Shanghai",
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        if language:
            page.locator("select[name=language]").select_option(language)
            page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "login.png")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("form button[type=submit]").click()
        page.locator("form[action$='/accounts/logout/']").wait_for()
        for shot in SHOTS:
            page.goto(shot.path)
            page.wait_for_load_state("networkidle")
            if shot.action is not None:
                shot.action(page)
            page.screenshot(path=OUT / f"{shot.name}.png", full_page=shot.full_page)
            print(f"{shot.name}.png  {page.url}")  # noqa: T201
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="photograph this running server instead of starting one")
    parser.add_argument("--username", default="demo_admin")
    parser.add_argument("--password", default="shouhou-demo")
    parser.add_argument(
        "--language", default="zh-hans", help="interface language (zh-hans or en; '' keeps it)"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}")
    if args.url:
        take(args.url.rstrip("/"), args.username, args.password, args.language)
        return
    with demo_server() as url:
        take(url, args.username, args.password, args.language)


if __name__ == "__main__":
    main()
