"""Periodic jobs: the scheduler enqueues each job once per time slot.

A slot is claimed by inserting (job, slot start) under a unique constraint in the same
transaction as the enqueue, so two schedulers, or one restarted mid-tick, never enqueue a slot
twice. The jobs themselves are idempotent too, because a queue may deliver a job twice."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from shouhou.core.models import PeriodicJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: datetime.timedelta


_JOBS: dict[str, PeriodicJob] = {}


def register_periodic_job(job: PeriodicJob) -> None:
    _JOBS[job.name] = job


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def slot_start(*, every: datetime.timedelta, at: datetime.datetime) -> datetime.datetime:
    """The start of the slot of length `every` that contains `at` (slots aligned on the epoch)."""
    seconds = int(every.total_seconds())
    epoch = int(at.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def enqueue_due_jobs(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; return their names."""
    moment = now or timezone.now()
    enqueued: list[str] = []
    for job in periodic_jobs():
        start = slot_start(every=job.every, at=moment)
        try:
            with transaction.atomic():
                run = PeriodicJobRun.objects.create(job=job.name, slot_start=start)
                result = import_string(job.task_path).enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another scheduler claimed this slot
        enqueued.append(job.name)
        logger.info("enqueued periodic job %s for slot %s", job.name, start.isoformat())
    return enqueued


def prune_job_runs(*, older_than: datetime.timedelta) -> int:
    """Forget slots older than `older_than`; the latest slot of each job always stays."""
    deleted, _ = PeriodicJobRun.objects.filter(enqueued_at__lt=timezone.now() - older_than).delete()
    return deleted
