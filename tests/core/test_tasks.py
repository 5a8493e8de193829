"""Background work: the scheduler's idempotency, and real workers running the heartbeat on the
database queue and on Redis."""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouhou.core.models import PeriodicJobRun, Role, WorkerHeartbeat
from shouhou.core.operations import queue_status
from shouhou.core.scheduling import enqueue_due_jobs, periodic_jobs, slot_start

NOW = datetime.datetime(2026, 11, 22, 8, 0, 30, tzinfo=datetime.UTC)


def test_slots_are_aligned() -> None:
    start = slot_start(every=datetime.timedelta(minutes=1), at=NOW)
    assert start == datetime.datetime(2026, 11, 22, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_often_the_scheduler_ticks() -> None:
    first = enqueue_due_jobs(now=NOW)
    again = enqueue_due_jobs(now=NOW + datetime.timedelta(seconds=20))
    next_minute = enqueue_due_jobs(now=NOW + datetime.timedelta(minutes=1))

    every_minute = {
        job.name for job in periodic_jobs() if job.every == datetime.timedelta(minutes=1)
    }
    assert "heartbeat" in first
    assert again == []
    assert set(next_minute) == every_minute
    assert PeriodicJobRun.objects.filter(job="heartbeat").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_worker_runs_the_heartbeat() -> None:
    from django_tasks_db.models import DBTaskResult

    enqueue_due_jobs(now=NOW)
    assert queue_status().depth == DBTaskResult.objects.count() > 0

    call_command("db_worker", batch=True, queue_name="*", interval=0, startup_delay=False)

    beat = WorkerHeartbeat.objects.get()
    assert beat.backend == "django_tasks_db.DatabaseBackend"
    status = queue_status()
    assert status.depth == 0
    assert status.is_worker_alive


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real redis-server on a free port, for this test only."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (.ci/run installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_worker_runs_the_heartbeat(settings, redis_url) -> None:
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

    enqueued = enqueue_due_jobs(now=NOW)
    assert queue_status().depth == len(enqueued) > 0

    call_command("run_worker", burst=True)

    beat = WorkerHeartbeat.objects.get()
    assert beat.backend == "django_tasks_rq.RQBackend"
    assert queue_status().depth == 0


@pytest.mark.django_db
def test_operations_page_shows_heartbeat_and_queue(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.hq, Role.ADMIN))
    enqueue_due_jobs(now=NOW)

    response = client.get(reverse("core:operations"))

    assert response.status_code == 200
    assert response.context["status"].depth >= 1
    assert "no recent heartbeat" in response.content.decode()


@pytest.mark.django_db
def test_operations_page_is_for_administrators(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.hq, Role.DISPATCHER))
    assert client.get(reverse("core:operations")).status_code == 403
