"""Day plans: the dispatcher asks for one, a background job solves it (bounded in time, with
progress), the dispatcher accepts it per technician or whole (each assignment through the
work-order service `dispatch_work_order`) or discards it."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shouhou.core.audit import record_audit
from shouhou.core.errors import ShouhouError
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, Region, User
from shouhou.core.services import ensure_visible_organisation
from shouhou.dispatch.errors import DispatchError, DispatchErrorCode
from shouhou.dispatch.models import (
    AssignmentStatus,
    Plan,
    PlanAssignment,
    PlanStatus,
)
from shouhou.dispatch.permissions import DispatchPermission
from shouhou.dispatch.planning import DayPlanner, plan_day
from shouhou.dispatch.selectors import settings_for
from shouhou.dispatch.travel import TravelError
from shouhou.dispatch.workflow import OPEN_FOR_DECISION, apply_transition
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import WorkOrderStatus

logger = logging.getLogger(__name__)
# Write the progress bar at most this often while solving.
PROGRESS_EVERY_PERCENT = 5
# A plan still queued or solving this long after its time limit has lost its worker (none is
# running, or it died): it no longer stops a new request for the same day.
ABANDONED_AFTER = datetime.timedelta(minutes=5)


def _ensure(by: User, permission: str, message: str) -> None:
    if not by.has_perm(permission):
        raise DispatchError(message, code=DispatchErrorCode.NOT_ALLOWED)


@transaction.atomic
def request_plan(
    *,
    by: User,
    organisation: Organisation,
    day: datetime.date,
    region: Region | None = None,
    now: datetime.datetime | None = None,
) -> Plan:
    """Queue the planning of one service centre's day (optionally one region); a worker solves
    it. Today's plan starts from now and keeps started jobs: it re-plans the rest of the day."""
    _ensure(by, DispatchPermission.REQUEST_PLAN, _("You may not plan dispatch."))
    ensure_visible_organisation(organisation=organisation, user=by)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if day < today:
        raise DispatchError(_("Plan today or a later day."), field="day")
    settings = settings_for(organisation)
    alive_since = (
        now - datetime.timedelta(seconds=settings.plan_time_limit_seconds) - ABANDONED_AFTER
    )
    if Plan.objects.filter(
        organisation=organisation,
        day=day,
        region=region,
        status__in=[PlanStatus.QUEUED, PlanStatus.SOLVING],
        created_at__gte=alive_since,
    ).exists():
        raise DispatchError(
            _("A plan for this day is already being made; wait for it."), field="day"
        )
    start_of_day = datetime.datetime.combine(
        day, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    plan = Plan.objects.create(
        organisation=organisation,
        region=region,
        day=day,
        planned_from=now if day == today else start_of_day,
        is_replan=day == today,
        time_limit_seconds=settings.plan_time_limit_seconds,
        created_by=by,
    )
    record_audit(
        actor=by,
        action="plan.requested",
        instance=plan,
        changes={
            "day": [None, day.isoformat()],
            "region": [None, str(region) if region else None],
            "time_limit_seconds": [None, plan.time_limit_seconds],
        },
        organisation=organisation,
    )
    language = translation.get_language() or "en"

    def enqueue() -> None:
        from shouhou.dispatch.tasks import solve_plan_task

        solve_plan_task.enqueue(plan_id=plan.pk, language=language)

    transaction.on_commit(enqueue)
    return plan


def _set_progress(plan_id: int, fraction: float, last: list[int]) -> None:
    percent = min(99, int(fraction * 100))
    if percent - last[0] < PROGRESS_EVERY_PERCENT:
        return
    last[0] = percent
    Plan.objects.filter(pk=plan_id, status=PlanStatus.SOLVING).update(progress=percent)


def _start(plan_id: int) -> Plan | None:
    """Mark the plan as being solved; None when there is nothing to do (already solved,
    discarded, or failed). A plan left "planning" by a worker that died is solved again."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        if plan.status not in (PlanStatus.QUEUED, PlanStatus.SOLVING):
            return None
        if plan.status == PlanStatus.QUEUED:
            apply_transition(plan=plan, to=PlanStatus.SOLVING)
        plan.started_at = timezone.now()
        plan.progress = 0
        save_versioned(
            plan, expected_version=plan.version, fields=["status", "started_at", "progress"]
        )
        return plan


def _fail(plan_id: int, message: str) -> None:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        if plan.status != PlanStatus.SOLVING:
            return
        apply_transition(plan=plan, to=PlanStatus.FAILED)
        plan.message = message[:500]
        plan.finished_at = timezone.now()
        save_versioned(
            plan, expected_version=plan.version, fields=["status", "message", "finished_at"]
        )
        record_audit(
            actor=None,
            action="plan.failed",
            instance=plan,
            changes={"message": [None, plan.message]},
            organisation=plan.organisation,
        )


def solve_plan(*, plan_id: int, now: datetime.datetime | None = None) -> Plan | None:
    """Solve a queued plan and store its proposal (the background job's body). Idempotent: a
    finished plan is left alone, and the proposal replaces any earlier one in one transaction."""
    plan = _start(plan_id)
    if plan is None:
        return None
    last = [0]
    try:
        planner = DayPlanner(
            organisation=plan.organisation, day=plan.day, now=now or timezone.now()
        )
        result = plan_day(
            planner,
            region=plan.region,
            time_limit=plan.time_limit_seconds,
            progress=lambda fraction: _set_progress(plan_id, fraction, last),
        )
    except (ShouhouError, TravelError, ValueError, RuntimeError) as failure:
        logger.exception("dispatch plan %s failed", plan_id)
        _fail(plan_id, _("The plan could not be made: %(error)s") % {"error": failure})
        return Plan.objects.get(pk=plan_id)
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan_id)
        if current.status != PlanStatus.SOLVING:
            return current  # discarded while it was being solved
        current.assignments.all().delete()
        PlanAssignment.objects.bulk_create(
            PlanAssignment(
                plan=current,
                work_order=row.work_order,
                work_order_version=row.work_order.version,
                technician_id=row.technician_id,
                previous_technician_id=row.work_order.technician_id,
                sequence=row.sequence,
                arrival_at=row.arrival_at,
                start_at=row.start_at,
                end_at=row.end_at,
                due_at=row.due_at,
                late_minutes=row.late_minutes,
                service_minutes=row.service_minutes,
                travel_minutes=row.travel_minutes,
                travel_distance_m=row.travel_distance_m,
                is_fixed=row.is_fixed,
                reason=row.reason,
            )
            for row in result.rows
        )
        apply_transition(plan=current, to=PlanStatus.PROPOSED)
        current.progress = 100
        current.finished_at = timezone.now()
        current.solve_seconds = round(result.plan.solve_seconds, 2)
        current.travel_provider = result.travel_source
        current.job_count = len(result.rows)
        current.technician_count = result.technician_count
        current.late_count = result.late_count
        current.unassigned_count = result.unassigned_count
        current.total_distance_m = result.plan.distance
        if result.travel_note:
            current.message = (
                _("The routing server did not answer; straight-line estimates were used (%(why)s).")
                % {"why": result.travel_note}
            )[:500]
        fields = [
            "status",
            "progress",
            "finished_at",
            "solve_seconds",
            "travel_provider",
            "job_count",
            "technician_count",
            "late_count",
            "unassigned_count",
            "total_distance_m",
            "message",
        ]
        save_versioned(current, expected_version=current.version, fields=fields)
        record_audit(
            actor=None,
            action="plan.proposed",
            instance=current,
            changes={
                "job_count": [None, current.job_count],
                "late_count": [None, current.late_count],
                "unassigned_count": [None, current.unassigned_count],
            },
            organisation=current.organisation,
        )
        return current


@transaction.atomic
def accept_plan(
    *, plan: Plan, by: User, expected_version: int | None, technician: User | None = None
) -> Plan:
    """Dispatch the proposed assignments, of one technician or all: each through
    `dispatch_work_order` with the version the plan read. An order changed since (dispatched by
    hand, cancelled…) is not applied, with the reason; the plan is accepted once no proposed
    route is left."""
    _ensure(by, DispatchPermission.ACCEPT_PLAN, _("You may not accept dispatch plans."))
    current = lock_for_update(Plan, pk=plan.pk, expected_version=expected_version)
    if current.status not in OPEN_FOR_DECISION:
        raise DispatchError(
            _("The plan is %(status)s: there is nothing to accept.")
            % {"status": current.get_status_display()},
            code=DispatchErrorCode.INVALID_TRANSITION,
        )
    rows = current.assignments.filter(
        status=AssignmentStatus.PROPOSED, technician__isnull=False
    ).select_related("work_order", "technician")
    if technician is not None:
        rows = rows.filter(technician=technician)
    rows_list = list(rows.order_by("technician_id", "sequence"))
    if not rows_list:
        raise DispatchError(_("Nothing of this plan is waiting to be accepted."))
    applied = skipped = 0
    for row in rows_list:
        order = row.work_order
        assigned = row.technician
        if order.technician_id == row.technician_id and order.status != WorkOrderStatus.REGISTERED:
            row.status = AssignmentStatus.ACCEPTED
            row.note = _("already with this technician")
        else:
            try:
                with transaction.atomic():
                    work_orders.dispatch_work_order(
                        work_order=order,
                        technician=assigned,  # type: ignore[arg-type]
                        by=by,
                        expected_version=row.work_order_version,
                    )
                row.status = AssignmentStatus.ACCEPTED
                applied += 1
            except ShouhouError as refused:
                row.status = AssignmentStatus.SKIPPED
                row.note = str(refused.message)[:300]
                skipped += 1
        row.save(update_fields=["status", "note"])
    fields = []
    if not current.assignments.filter(
        status=AssignmentStatus.PROPOSED, technician__isnull=False
    ).exists():
        apply_transition(plan=current, to=PlanStatus.ACCEPTED)
        current.decided_by = by
        current.decided_at = timezone.now()
        fields = ["status", "decided_by", "decided_at"]
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="plan.accepted",
        instance=current,
        changes={
            "technician": [None, str(technician) if technician else _("all")],
            "dispatched": [None, applied],
            "not_applied": [None, skipped],
        },
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def discard_plan(*, plan: Plan, by: User, expected_version: int | None) -> Plan:
    """Drop the plan (what was already accepted stays dispatched)."""
    _ensure(by, DispatchPermission.REQUEST_PLAN, _("You may not discard dispatch plans."))
    current = lock_for_update(Plan, pk=plan.pk, expected_version=expected_version)
    old = apply_transition(plan=current, to=PlanStatus.DISCARDED)
    current.decided_by = by
    current.decided_at = timezone.now()
    current.assignments.filter(status=AssignmentStatus.PROPOSED).update(
        status=AssignmentStatus.DISCARDED
    )
    save_versioned(
        current, expected_version=current.version, fields=["status", "decided_by", "decided_at"]
    )
    record_audit(
        actor=by,
        action="plan.discarded",
        instance=current,
        changes={"status": [old.value, current.status]},
        organisation=current.organisation,
    )
    return current
