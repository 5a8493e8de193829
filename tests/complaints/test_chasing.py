"""Chase notices (催办单): a case left untouched past its step's target gets exactly one notice
per overdue step, and one when the closure deadline passes, however often the job runs."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from freezegun import freeze_time

from shouhou.complaints import services
from shouhou.complaints.models import ChaseNotice, ComplaintStatus
from shouhou.complaints.selectors import complaints_visible_to, overdue_cases, overdue_reason
from shouhou.complaints.tasks import chase_overdue_complaints
from shouhou.core.models import AuditEntry
from shouhou.core.scheduling import periodic_jobs
from shouhou.notify.models import Channel, Notification
from tests.complaints.factories import ComplaintFactory, DepartmentFactory

pytestmark = pytest.mark.django_db
# A moment after the first step of a complaint registered on 2026-11-09 10:00 ran out.
LATE = datetime.datetime.fromisoformat("2026-11-10 10:01:00+08:00")


def chased(person) -> int:  # noqa: ANN001
    return Notification.objects.filter(
        recipient=person, template_code="complaint_chase", channel=Channel.IN_APP
    ).count()


def test_each_overdue_step_is_chased_once(people, customer, org_tree) -> None:  # noqa: ANN001
    # given a complaint registered on Monday 10:00 (one working day to assign a handler)
    with freeze_time("2026-11-09 10:00:00+08:00"):
        case = ComplaintFactory.create(by=people.agent, customer=customer)

    # nothing is due before the step's target
    with freeze_time("2026-11-10 09:59:00+08:00"):
        assert services.issue_chase_notices() == 0

    # when nobody assigns it by Tuesday 10:00, the scheduler runs twice
    with freeze_time("2026-11-10 10:01:00+08:00"):
        assert services.issue_chase_notices() == 1
        assert services.issue_chase_notices() == 0
        assert overdue_cases(complaints_visible_to(user=people.director)).get() == case
        assert "late since 2026-11-10 10:00" in overdue_reason(case)

    # then one notice went to the service director, who owns the unassigned step
    notice = ChaseNotice.objects.get()
    assert (notice.step, notice.step_started_at) == (ComplaintStatus.REGISTERED, case.registered_at)
    assert str(people.director) in notice.addressed_to
    assert chased(people.director) == 1
    assert notice.notified >= 1

    # given the investigation starts on Tuesday 11:00 (three days to report), led by the head of
    # the responsible department's case
    department = DepartmentFactory.create(
        organisation=org_tree.service_centre, head=people.director
    )
    with freeze_time("2026-11-10 11:00:00+08:00"):
        case = services.assign_handler(
            case=case, by=people.director, expected_version=None, handler=people.officer
        )
        case = services.start_investigation(case=case, by=people.officer, expected_version=None)
        case = services.record_findings(
            case=case,
            by=people.officer,
            expected_version=None,
            cause="待查",
            responsible_department=department,
        )
        assert services.issue_chase_notices() == 0
    # when it is still open on Friday 11:01, the job runs again and again
    with freeze_time("2026-11-13 11:01:00+08:00"):
        assert chase_overdue_complaints.call() == 1
        assert chase_overdue_complaints.call() == 0
    investigating = ChaseNotice.objects.get(step=ComplaintStatus.INVESTIGATING)
    assert investigating.department == department
    assert chased(people.officer) == 1
    assert chased(people.director) == 2  # the department's head too

    # and when the 13 days run out, the closure deadline is chased once more, once
    with freeze_time("2026-11-22 10:01:00+08:00"):
        assert services.issue_chase_notices() == 1
        assert services.issue_chase_notices() == 0
        assert "closure deadline" in overdue_reason(case)
    assert sorted(ChaseNotice.objects.values_list("step", flat=True)) == [
        "closure",
        "investigating",
        "registered",
    ]
    assert AuditEntry.objects.filter(action="complaint.complaint_chased").count() == 3


def test_a_closed_or_withdrawn_case_is_not_chased(people, customer) -> None:  # noqa: ANN001
    with freeze_time("2026-11-09 10:00:00+08:00"):
        case = ComplaintFactory.create(by=people.agent, customer=customer)
        services.withdraw_complaint(
            case=case, by=people.director, expected_version=None, reason="客户撤回"
        )
    with freeze_time("2026-12-09 10:00:00+08:00"):
        assert services.issue_chase_notices() == 0
        assert not overdue_cases(complaints_visible_to(user=people.director)).exists()


def test_the_job_is_registered_to_run_periodically() -> None:
    assert "complaint_chasing" in [job.name for job in periodic_jobs()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_issue_one_notice(people, customer) -> None:  # noqa: ANN001
    """Two workers running the job at the same moment: the notice's unique key lets one win."""
    with freeze_time("2026-11-09 10:00:00+08:00"):
        case = ComplaintFactory.create(by=people.agent, customer=customer)
    barrier = threading.Barrier(2)
    issued: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            issued.append(services.issue_chase_notices(now=LATE))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(issued) == [0, 1]
    assert ChaseNotice.objects.filter(case=case).count() == 1
    assert chased(people.director) == 1
