"""Background jobs of the core app."""

from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django_tasks import TaskContext, task

from shouhou.core.imports import run_import_job
from shouhou.core.models import WorkerHeartbeat
from shouhou.core.operations import backend_name
from shouhou.core.scheduling import prune_job_runs


@task(takes_context=True)
def record_heartbeat(context: TaskContext) -> str:
    """Record that a worker ran this job just now (idempotent: one row per worker)."""
    worker_ids = context.task_result.worker_ids
    worker = worker_ids[-1] if worker_ids else f"{socket.gethostname()}:{os.getpid()}"
    WorkerHeartbeat.objects.update_or_create(
        worker=worker[:100],
        defaults={"last_seen_at": timezone.now(), "backend": backend_name()},
    )
    return worker


@task()
def prune_bookkeeping() -> int:
    """Drop periodic-job slots older than a week and heartbeats of workers gone for a day."""
    pruned = prune_job_runs(older_than=datetime.timedelta(days=7))
    stale, _ = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    return pruned + stale


@task()
def refresh_planner_statistics() -> str:
    """Keep SQLite's query planner informed as tables grow (PostgreSQL's autovacuum does this
    itself): without statistics the equipment list of a service centre sorts every visible row."""
    if connection.vendor != "sqlite":
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize=0x10002")
    return "optimized"


@task()
def run_import(job_id: int, language: str | None = None) -> str:
    """Check then import one uploaded spreadsheet, in the uploader's language (for the error
    messages). Idempotent: a finished job is skipped, and a second run never imports twice."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return run_import_job(job_id=job_id)
