"""Set up Django for a benchmark process on one SQLite file, before anything imports settings."""

from __future__ import annotations

import os
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def setup_django(database: Path | None = None) -> None:
    """Point the settings at `database` (never opened when None) and load Django.

    Static files are served unhashed (no collectstatic needed) and the test client's host is
    allowed; everything else is the production configuration (DEBUG off)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = database or BENCH_DIR / "unused.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{target}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "shouhou.settings"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
