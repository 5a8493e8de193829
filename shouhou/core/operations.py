"""What the operations page shows: the worker's last heartbeat, queue depth, periodic jobs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from shouhou.core.models import PeriodicJobRun, WorkerHeartbeat
from shouhou.core.scheduling import periodic_jobs


@dataclass(frozen=True)
class QueueStatus:
    backend: str
    depth: int | None
    heartbeats: list[WorkerHeartbeat]
    last_heartbeat_at: datetime.datetime | None
    is_worker_alive: bool
    jobs: list[dict[str, object]]


def queue_depth() -> int | None:
    """Jobs waiting to run on the default queue, asked of whichever backend is configured."""
    backend = backend_name()
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
    if backend == "django_tasks_rq.RQBackend":
        import django_rq

        return int(django_rq.get_queue("default").count)
    return None


def backend_name() -> str:
    return str(settings.TASKS["default"]["BACKEND"])


def queue_status() -> QueueStatus:
    heartbeats = list(WorkerHeartbeat.objects.order_by("-last_seen_at")[:20])
    last = heartbeats[0].last_seen_at if heartbeats else None
    stale_after = datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    last_slots = dict(
        PeriodicJobRun.objects.values_list("job")
        .annotate(last=Max("slot_start"))
        .values_list("job", "last")
    )
    jobs = [
        {"name": job.name, "every": job.every, "last_slot": last_slots.get(job.name)}
        for job in periodic_jobs()
    ]
    return QueueStatus(
        backend=backend_name(),
        depth=queue_depth(),
        heartbeats=heartbeats,
        last_heartbeat_at=last,
        is_worker_alive=last is not None and timezone.now() - last < stale_after,
        jobs=jobs,
    )
