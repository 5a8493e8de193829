"""Writes on calendars (each bumps the calendar revision so every process reloads) and the
statutory holiday table."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shouhou.core.audit import record_audit
from shouhou.core.models import Role, User
from shouhou.sla.calendars import clock_for_organisation, forget_compiled_calendars
from shouhou.sla.clock import BusinessClock
from shouhou.sla.models import (
    Audience,
    CalendarRevision,
    ClockKind,
    EscalationFiring,
    EscalationStep,
    SlaClock,
    SlaMetric,
    SlaPause,
    SlaPolicy,
    StatutoryDay,
    StatutoryDayKind,
)
from shouhou.tickets.models import Channel, ResolutionMode, WorkOrder, WorkOrderStatus


def bump_calendar_revision() -> None:
    """Tell every process that calendars changed (after this transaction commits)."""
    updated = CalendarRevision.objects.update(value=F("value") + 1)
    if not updated:
        CalendarRevision.objects.create(value=1)
    transaction.on_commit(forget_compiled_calendars)


@transaction.atomic
def set_statutory_day(
    *, by: User | None, day: datetime.date, kind: str, name: str, source: str = "admin"
) -> StatutoryDay:
    """Enter (or correct) one day of the State Council's schedule."""
    if kind not in StatutoryDayKind.values:
        raise ValueError(kind)
    row, created = StatutoryDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name, "source": source}
    )
    bump_calendar_revision()
    record_audit(
        actor=by,
        action="statutory_day.created" if created else "statutory_day.updated",
        instance=row,
        changes={"day": [None, day.isoformat()], "kind": [None, kind], "name": [None, name]},
    )
    return row


@transaction.atomic
def load_statutory_days_from_package(*, by: User | None = None) -> int:
    """Copy the chinesecalendar package's holidays and make-up days; never overwrites a day an
    admin entered."""
    import chinese_calendar

    existing = set(StatutoryDay.objects.values_list("day", flat=True))
    rows = [
        StatutoryDay(
            day=day, kind=StatutoryDayKind.HOLIDAY, name=str(name), source="chinesecalendar"
        )
        for day, name in chinese_calendar.holidays.items()
        if day not in existing
    ] + [
        StatutoryDay(
            day=day, kind=StatutoryDayKind.MAKEUP_WORKDAY, name=str(name), source="chinesecalendar"
        )
        for day, name in chinese_calendar.workdays.items()
        if day not in existing
    ]
    StatutoryDay.objects.bulk_create(rows, ignore_conflicts=True)
    bump_calendar_revision()
    return len(rows)


# --- clocks on work orders --------------------------------------------------------------------


@dataclass(frozen=True)
class MetricRule:
    """Where a promise starts and what meets it, on a work order."""

    metric: SlaMetric
    start: str
    met_by: tuple[str, ...]
    applies: Callable[[WorkOrder], bool]


METRIC_RULES = (
    MetricRule(
        SlaMetric.RESPONSE, "reported_at", ("dispatched_at", "resolved_at"), lambda order: True
    ),
    MetricRule(
        SlaMetric.ARRIVAL,
        "reported_at",
        ("arrived_at",),
        lambda order: (
            order.resolution_mode != ResolutionMode.PHONE and order.channel != Channel.WALK_IN
        ),
    ),
    MetricRule(SlaMetric.RESOLUTION, "reported_at", ("resolved_at",), lambda order: True),
    MetricRule(
        SlaMetric.RETURN_FROM_FACTORY,
        "sent_to_factory_at",
        ("back_from_factory_at",),
        lambda order: order.sent_to_factory_at is not None,
    ),
)


def _matches(policy: SlaPolicy, order: WorkOrder) -> bool:
    service_level = order.contract.service_level_id if order.contract is not None else None
    conditions = [
        (policy.zone, order.zone),
        (policy.service_category, order.service_category),
        (policy.customer_grade, order.customer.grade),
        (policy.priority, order.priority),
        (policy.resolution_mode, order.resolution_mode),
    ]
    if any(wanted and wanted != actual for wanted, actual in conditions):
        return False
    if policy.service_level_id and policy.service_level_id != service_level:
        return False
    return not (policy.target_customers_only and not order.customer.is_target)


def _specificity(policy: SlaPolicy) -> int:
    fields = [
        policy.zone,
        policy.service_category,
        policy.customer_grade,
        policy.priority,
        policy.resolution_mode,
    ]
    return (
        sum(1 for value in fields if value)
        + bool(policy.service_level_id)
        + policy.target_customers_only
    )


def choose_policy(*, order: WorkOrder, metric: str) -> SlaPolicy | None:
    """The most specific active policy matching the order; ties go to the lowest rank."""
    candidates = [
        p for p in SlaPolicy.objects.filter(metric=metric, is_active=True) if _matches(p, order)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (-_specificity(p), p.rank, p.pk))


def _pauses(policy: SlaPolicy | None, order: WorkOrder) -> bool:
    if policy is None:
        return False
    if order.status == WorkOrderStatus.WAITING_CUSTOMER:
        return policy.pauses_for_customer
    if order.status == WorkOrderStatus.WAITING_PARTS:
        return policy.pauses_for_parts
    return False


def _worked(
    clock: SlaClock, business: BusinessClock, start: datetime.datetime, end: datetime.datetime
) -> int:
    if clock.clock == ClockKind.ELAPSED:
        return max(int((end - start).total_seconds()), 0)
    return max(int(business.between(start, end).total_seconds()), 0)


def _compute_due(clock: SlaClock, business: BusinessClock) -> None:
    total = datetime.timedelta(seconds=clock.target_minutes * 60 + clock.paused_seconds)
    if clock.clock == ClockKind.ELAPSED:
        clock.due_at, clock.is_provisional = clock.started_at + total, False
        return
    answer = business.add(clock.started_at, total)
    clock.due_at, clock.is_provisional = answer.at, answer.is_provisional


def sync_clocks(*, order: WorkOrder, now: datetime.datetime | None = None) -> list[SlaClock]:
    """Bring the order's clocks in line with the order (inside the caller's transaction): start
    the promises that apply, stop or resume them for waiting, recompute due times from the
    current zone/priority/category, record when each was met, and drop those that no longer
    apply. Telling people a promise was met late happens here too."""
    now = now or timezone.now()
    business = clock_for_organisation(order.handling_organisation)
    existing = {clock.metric: clock for clock in order.sla_clocks.all()}
    kept: list[SlaClock] = []
    for rule in METRIC_RULES:
        clock = existing.get(rule.metric)
        started = getattr(order, rule.start)
        policy = choose_policy(order=order, metric=rule.metric) if started else None
        if (
            policy is None
            or started is None
            or not rule.applies(order)
            or order.status == WorkOrderStatus.CANCELLED
        ):
            if clock is not None and clock.met_at is None:
                clock.delete()
            elif clock is not None:
                kept.append(clock)
            continue
        if clock is None:
            clock = SlaClock(
                work_order=order,
                metric=rule.metric,
                started_at=started,
                organisation_id=order.organisation_id,
                handling_organisation_id=order.handling_organisation_id,
            )
        if clock.met_at is not None:
            kept.append(clock)
            continue
        clock.policy, clock.target_minutes, clock.clock = (
            policy,
            policy.target_minutes,
            policy.clock,
        )
        clock.handling_organisation_id = order.handling_organisation_id
        waiting = _pauses(policy, order)
        if waiting and clock.paused_since is None:
            clock.paused_since = now
        elif not waiting and clock.paused_since is not None:
            worked = _worked(clock, business, clock.paused_since, now)
            clock.paused_seconds += worked
            if clock.pk:
                clock.pauses.filter(ended_at__isnull=True).update(
                    ended_at=now, working_seconds=worked
                )
            clock.paused_since = None
        _compute_due(clock, business)
        met = next((getattr(order, field) for field in rule.met_by if getattr(order, field)), None)
        if met is not None:
            clock.met_at = met
        clock.save()
        if (
            clock.paused_since is not None
            and not clock.pauses.filter(ended_at__isnull=True).exists()
        ):
            SlaPause.objects.create(
                clock=clock,
                started_at=clock.paused_since,
                reason=order.wait_reason or order.get_status_display(),
            )
        if met is not None and met > clock.due_at:
            _tell_met_late(clock, order, met)
        kept.append(clock)
    return kept


def _message_context(clock: SlaClock, order: WorkOrder, now: datetime.datetime) -> dict[str, Any]:
    local = timezone.localtime
    over = (now - clock.due_at).total_seconds() / 3600
    return {
        "number": order.number,
        "customer": str(order.customer),
        "address": order.address,
        "metric": str(SlaMetric(clock.metric).label),
        "due": f"{local(clock.due_at):%Y-%m-%d %H:%M}",
        "met": f"{local(clock.met_at):%Y-%m-%d %H:%M}" if clock.met_at else "",
        "hours_left": f"{max(-over, 0):.1f}",
        "hours_over": f"{max(over, 0):.1f}",
    }


def _tell_met_late(clock: SlaClock, order: WorkOrder, met: datetime.datetime) -> None:
    from shouhou.notify.services import queue_notification

    queue_notification(
        recipients=audience(Audience.SUPERVISOR, order),
        template_code="sla_met_late",
        context=_message_context(clock, order, met),
        link=order.get_absolute_url(),
        dedupe_key=f"sla-met-late:{clock.pk}",
        organisation=order.organisation,
    )


def audience(who: str, order: WorkOrder) -> list[User]:
    """The people a ladder step speaks to, for one order."""
    handler = order.handling_organisation
    if who == Audience.TECHNICIAN:
        return [order.technician] if order.technician and order.technician.is_active else []
    if who == Audience.DISPATCHER:
        return list(User.objects.filter(organisation=handler, role=Role.DISPATCHER, is_active=True))
    ancestors = [int(part) for part in handler.path.strip("/").split("/") if part]
    if who == Audience.SUPERVISOR:
        managers = list(
            User.objects.filter(
                organisation_id__in=ancestors, role=Role.SERVICE_MANAGER, is_active=True
            )
        )
        nearest = {user.organisation_id for user in managers}
        for organisation_id in reversed(ancestors):
            if organisation_id in nearest:
                return [user for user in managers if user.organisation_id == organisation_id]
        return []
    root = ancestors[0] if ancestors else handler.pk
    top = User.objects.filter(organisation_id=root, is_active=True)
    return list(top.filter(role=Role.SERVICE_MANAGER)) or list(top.filter(role=Role.ADMIN))


def fire_due_escalations(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Fire every ladder step whose moment has come, once per clock: the unique firing row and
    its notifications are written in one transaction, so a second scheduler run, a restart or
    two workers at once never fire a step twice."""
    from shouhou.notify.models import Channel as NotifyChannel
    from shouhou.notify.services import queue_notification

    now = now or timezone.now()
    fired = 0
    for step in EscalationStep.objects.filter(is_active=True):
        threshold = now - datetime.timedelta(minutes=step.offset_minutes)
        clocks = (
            SlaClock.objects.filter(
                metric=step.metric,
                met_at__isnull=True,
                paused_since__isnull=True,
                due_at__lte=threshold,
            )
            .exclude(firings__step=step)
            .select_related(
                "work_order",
                "work_order__customer",
                "work_order__technician",
                "work_order__handling_organisation",
            )
            .order_by("due_at")[:batch]
        )
        channels = [NotifyChannel.IN_APP]
        channels += [NotifyChannel.EMAIL] if step.send_email else []
        channels += [NotifyChannel.SMS] if step.send_sms else []
        for clock in clocks:
            order = clock.work_order
            try:
                with transaction.atomic():
                    firing = EscalationFiring.objects.create(clock=clock, step=step, fired_at=now)
                    people = audience(step.audience, order)
                    queue_notification(
                        recipients=people,
                        template_code=step.template_code,
                        context=_message_context(clock, order, now),
                        channels=channels,
                        link=order.get_absolute_url(),
                        dedupe_key=f"escalation:{firing.pk}",
                        organisation=order.organisation,
                    )
                    firing.notified = len(people)
                    firing.save(update_fields=["notified"])
            except IntegrityError:
                continue  # another scheduler fired it a moment ago
            fired += 1
    return fired
