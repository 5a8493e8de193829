"""Writes on follow-up calls (回访): the periodic creation from closed work orders and
installations with the target/sample rule (000 第五篇 二), assignment to follow-up agents, each
call's outcome with the next attempt, the second call a week after the first (004 (三)5), the
complaint passed to the managers with a call back within three days (000 第五篇 四), and the
monthly report submitted to the service manager (000 第五篇 五)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, Role, User
from shouhou.core.scoping import scoped
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Contact, Customer
from shouhou.feedback import sampling
from shouhou.feedback.config import policy_for, rule_for
from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.models import (
    SAMPLED_KINDS,
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpMonthlyReport,
    FollowUpRule,
    FollowUpStatus,
    LossReason,
    SamplingDecision,
    Selection,
)
from shouhou.feedback.people import ancestor_ids, people_over
from shouhou.feedback.permissions import FeedbackPermission
from shouhou.feedback.workflow import apply_transition, target_after_call
from shouhou.notify.models import Channel
from shouhou.notify.services import queue_notification
from shouhou.sla.calendars import clock_for_organisation
from shouhou.tickets.models import WorkOrder, WorkOrderStatus

# Events older than this are not followed up any more when the job first sees them.
LOOKBACK = datetime.timedelta(days=31)
FOLLOW_UP_FIELDS = [
    "kind",
    "selection",
    "work_order",
    "equipment",
    "parent",
    "customer",
    "contact_name",
    "phone",
    "event_at",
    "start_at",
    "due_at",
    "assigned_to",
]


@dataclass(frozen=True)
class FollowUpEvent:
    """Something that calls for a follow-up: a closed work order or an installation."""

    kind: FollowUpKind
    source_key: str
    event_at: datetime.datetime
    customer: Customer
    organisation_id: int
    handling_organisation: Organisation
    contact_name: str
    phone: str
    work_order: WorkOrder | None = None
    equipment: Equipment | None = None


def _shift(
    rule: FollowUpRule, organisation: Organisation, at: datetime.datetime, delta: datetime.timedelta
) -> datetime.datetime:
    if rule.counts_working_time:
        return clock_for_organisation(organisation).add(at, delta).at
    return at + delta


def _agent_for(*, handling_organisation: Organisation, organisation_id: int) -> User | None:
    """The follow-up agent over the organisations with the fewest open follow-ups (then the
    longest-standing account): the work is spread evenly."""
    ids = set(ancestor_ids(handling_organisation))
    owner = Organisation.objects.filter(pk=organisation_id).first()
    ids.update(ancestor_ids(owner))
    load = (
        FollowUp.objects.filter(assigned_to=OuterRef("pk"), status=FollowUpStatus.OPEN)
        .values("assigned_to")
        .annotate(open=Count("pk"))
        .values("open")
    )
    candidates = (
        User.objects.filter(is_active=True, role=Role.FOLLOWUP_AGENT)
        .filter(Q(organisation_id__in=ids) | Q(organisation__kind="hq"))
        .annotate(load=Coalesce(Subquery(load, output_field=IntegerField()), Value(0)))
        .order_by("load", "pk")
    )
    return candidates.first()


def _create_follow_up(
    *,
    kind: FollowUpKind,
    rule: FollowUpRule,
    source_key: str,
    selection: Selection,
    event_at: datetime.datetime,
    customer: Customer,
    organisation_id: int,
    handling_organisation: Organisation,
    contact_name: str,
    phone: str,
    by: User | None,
    work_order: WorkOrder | None = None,
    equipment: Equipment | None = None,
    parent: FollowUp | None = None,
    assigned_to: User | None = None,
) -> FollowUp:
    start_at = _shift(rule, handling_organisation, event_at, rule.starts_after)
    follow_up = FollowUp(
        kind=kind,
        rule=rule,
        source_key=source_key,
        selection=selection,
        work_order=work_order,
        equipment=equipment,
        parent=parent,
        customer=customer,
        organisation_id=organisation_id,
        handling_organisation=handling_organisation,
        contact_name=contact_name[:100],
        phone=phone[:30],
        event_at=event_at,
        start_at=start_at,
        due_at=_shift(rule, handling_organisation, event_at, rule.due_within),
        next_attempt_at=start_at,
        assigned_to=assigned_to
        or _agent_for(handling_organisation=handling_organisation, organisation_id=organisation_id),
    )
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        return FollowUp.objects.get(source_key=source_key)
    record_audit(
        actor=by,
        action="follow_up.created",
        instance=follow_up,
        changes=created_changes(follow_up, FOLLOW_UP_FIELDS),
        organisation=follow_up.organisation,
    )
    return follow_up


# --- the periodic creation --------------------------------------------------------------------


def _primary_contact(customer: Customer) -> tuple[str, str]:
    contact = (
        Contact.objects.filter(customer=customer)
        .exclude(phone="")
        .order_by("-is_primary", "id")
        .first()
    )
    if contact is not None:
        return contact.name, contact.phone
    return customer.name, customer.phone


def _repair_events(now: datetime.datetime) -> Iterator[FollowUpEvent]:
    decided = SamplingDecision.objects.filter(
        kind=FollowUpKind.REPAIR, work_order__isnull=False
    ).values("work_order_id")
    orders = (
        WorkOrder.objects.filter(
            status=WorkOrderStatus.CLOSED, closed_at__gte=now - LOOKBACK, closed_at__lte=now
        )
        .exclude(pk__in=decided)
        .select_related("customer", "handling_organisation")
        .order_by("closed_at", "pk")
    )
    for order in orders.iterator(chunk_size=500):
        assert order.closed_at is not None  # noqa: S101 - filtered above
        yield FollowUpEvent(
            kind=FollowUpKind.REPAIR,
            source_key=f"repair:work_order:{order.pk}",
            event_at=order.closed_at,
            customer=order.customer,
            organisation_id=order.organisation_id,
            handling_organisation=order.handling_organisation,
            contact_name=order.contact_name,
            phone=order.contact_phone,
            work_order=order,
        )


def installation_event_at(day: datetime.date) -> datetime.datetime:
    """The installation date is known, not the hour: count from the end of that day."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def _installation_events(now: datetime.datetime) -> Iterator[FollowUpEvent]:
    decided = SamplingDecision.objects.filter(
        kind=FollowUpKind.INSTALLATION, equipment__isnull=False
    ).values("equipment_id")
    today = timezone.localdate(now)
    units = (
        Equipment.objects.filter(installed_on__gte=today - LOOKBACK, installed_on__lte=today)
        .exclude(pk__in=decided)
        .select_related("customer", "organisation", "serving_provider")
        .order_by("installed_on", "pk")
    )
    for unit in units.iterator(chunk_size=500):
        assert unit.installed_on is not None  # noqa: S101 - filtered above
        name, phone = _primary_contact(unit.customer)
        yield FollowUpEvent(
            kind=FollowUpKind.INSTALLATION,
            source_key=f"installation:equipment:{unit.pk}",
            event_at=installation_event_at(unit.installed_on),
            customer=unit.customer,
            organisation_id=unit.organisation_id,
            handling_organisation=unit.serving_provider or unit.organisation,
            contact_name=name,
            phone=phone,
            equipment=unit,
        )


EVENT_SOURCES = {
    FollowUpKind.REPAIR: _repair_events,
    FollowUpKind.INSTALLATION: _installation_events,
}
StreamKey = tuple[int, str, int, bool]


@dataclass
class _Stream:
    decided: int
    selected: int


def _stream(streams: dict[StreamKey, _Stream], key: StreamKey) -> _Stream:
    if key not in streams:
        rule_id, period, organisation_id, is_target = key
        rows = SamplingDecision.objects.filter(
            rule_id=rule_id, period=period, organisation_id=organisation_id, is_target=is_target
        )
        streams[key] = _Stream(decided=rows.count(), selected=rows.filter(is_selected=True).count())
    return streams[key]


def _decide(
    event: FollowUpEvent,
    rule: FollowUpRule,
    streams: dict[StreamKey, _Stream],
    now: datetime.datetime,
) -> SamplingDecision:
    period = f"{timezone.localtime(event.event_at):%Y-%m}"
    is_target = event.customer.is_target
    stream = _stream(streams, (rule.pk, period, event.handling_organisation.pk, is_target))
    drawn = sampling.draw(
        seed=rule.sample_seed,
        rule_id=rule.pk,
        period=period,
        organisation_id=event.handling_organisation.pk,
        key=event.source_key,
    )
    selected = sampling.is_selected(
        percent=rule.target_percent if is_target else rule.sample_percent,
        sequence=stream.decided,
        selected_before=stream.selected,
        draw=drawn,
    )
    decision = SamplingDecision.objects.create(
        kind=event.kind,
        rule=rule,
        period=period,
        organisation=event.handling_organisation,
        customer=event.customer,
        work_order=event.work_order,
        equipment=event.equipment,
        source_key=event.source_key,
        is_target=is_target,
        sequence=stream.decided,
        draw=drawn,
        is_selected=selected,
        decided_at=now,
    )
    stream.decided += 1
    stream.selected += int(selected)
    return decision


def create_follow_ups(*, now: datetime.datetime | None = None) -> int:
    """Decide, once each, whether the recently closed work orders and installations are
    followed up: target customers at the rule's target share (100 %), the others at its sample
    share (≥ 30 %), drawn reproducibly from the rule's seed. Creates the follow-ups of those
    chosen and returns how many. Running it again decides nothing twice."""
    now = now or timezone.now()
    created = 0
    for kind in SAMPLED_KINDS:
        with transaction.atomic():
            # Lock the kind's rules: two runs at once take their turns, and the second finds
            # everything decided.
            list(FollowUpRule.objects.select_for_update().filter(kind=kind).order_by("pk"))
            rules: dict[int, FollowUpRule | None] = {}
            streams: dict[StreamKey, _Stream] = {}
            for event in EVENT_SOURCES[kind](now):
                organisation = event.handling_organisation
                if organisation.pk not in rules:
                    rules[organisation.pk] = rule_for(kind, organisation)
                rule = rules[organisation.pk]
                if (
                    rule is None
                    or SamplingDecision.objects.filter(source_key=event.source_key).exists()
                ):
                    continue
                decision = _decide(event, rule, streams, now)
                if not decision.is_selected:
                    continue
                _create_follow_up(
                    kind=kind,
                    rule=rule,
                    source_key=event.source_key,
                    selection=Selection.TARGET if decision.is_target else Selection.SAMPLE,
                    event_at=event.event_at,
                    customer=event.customer,
                    organisation_id=event.organisation_id,
                    handling_organisation=organisation,
                    contact_name=event.contact_name,
                    phone=event.phone,
                    by=None,
                    work_order=event.work_order,
                    equipment=event.equipment,
                )
                created += 1
    return created


# --- calls ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallOutcome:
    """What the agent records about one call."""

    result: str
    evaluation: str = ""
    product_usage: str = ""
    new_needs: str = ""
    complaint: str = ""
    is_customer_lost: bool = False
    loss_reason: LossReason | None = None
    notes: str = ""


def _check_outcome(outcome: CallOutcome) -> None:
    if outcome.result not in CallResult.values:
        raise FeedbackError(_("Say whether the customer was reached."), field="result")
    if outcome.evaluation and outcome.evaluation not in Evaluation.values:
        raise FeedbackError(_("Unknown evaluation."), field="evaluation")
    answered = (
        outcome.evaluation,
        outcome.product_usage.strip(),
        outcome.new_needs.strip(),
        outcome.complaint.strip(),
        outcome.is_customer_lost,
    )
    if outcome.result != CallResult.REACHED and any(answered):
        raise FeedbackError(
            _("Record the customer's answers only for a call that reached them."), field="result"
        )
    if outcome.result == CallResult.REACHED and not outcome.evaluation:
        raise FeedbackError(_("Record the customer's evaluation."), field="evaluation")
    if outcome.is_customer_lost and outcome.loss_reason is None:
        raise FeedbackError(_("Say why the customer was lost."), field="loss_reason")
    if outcome.loss_reason is not None and not outcome.is_customer_lost:
        raise FeedbackError(_("A loss reason goes with a lost customer only."), field="loss_reason")


def _ensure_may_work(by: User) -> None:
    if not by.has_perm(FeedbackPermission.WORK_FOLLOW_UPS):
        raise FeedbackError(
            _("You may not record follow-up calls."), code=FeedbackErrorCode.NOT_ALLOWED
        )


def _complaint_raised(current: FollowUp, attempt: FollowUpAttempt, by: User) -> None:
    """000 第五篇 四: the complaint goes to the store manager and the service manager the same
    day, the agent calls back within three days, and the customer becomes a target customer."""
    rule = rule_for(FollowUpKind.COMPLAINT_CALLBACK, current.handling_organisation)
    callback = None
    if rule is not None:
        callback = _create_follow_up(
            kind=FollowUpKind.COMPLAINT_CALLBACK,
            rule=rule,
            source_key=f"complaint_callback:attempt:{attempt.pk}",
            selection=Selection.FOLLOWS,
            event_at=attempt.called_at,
            customer=current.customer,
            organisation_id=current.organisation_id,
            handling_organisation=current.handling_organisation,
            contact_name=current.contact_name,
            phone=current.phone,
            by=by,
            work_order=current.work_order,
            equipment=current.equipment,
            parent=current,
            assigned_to=current.assigned_to or by,
        )
    managers = people_over(
        [current.handling_organisation, current.organisation], [Role.SERVICE_MANAGER, Role.ADMIN]
    )
    if managers:
        queue_notification(
            recipients=managers,
            template_code="follow_up_complaint",
            context={
                "agent": str(by),
                "customer": current.customer.name,
                "phone": current.phone,
                "complaint": attempt.complaint,
                "due": f"{timezone.localtime(callback.due_at):%Y-%m-%d %H:%M}"
                if callback is not None
                else "—",
            },
            channels=[Channel.IN_APP, Channel.EMAIL],
            link=(callback or current).get_absolute_url(),
            dedupe_key=f"follow-up-complaint:{attempt.pk}",
            organisation=current.organisation,
        )
    if not current.customer.is_target:
        from shouhou.customers.services import update_customer

        update_customer(customer=current.customer, by=by, expected_version=None, is_target=True)


def _second_call(current: FollowUp, attempt: FollowUpAttempt, by: User) -> None:
    """004 (三)5: a second call within the week after the week following the first."""
    if current.kind not in SAMPLED_KINDS:
        return
    rule = rule_for(FollowUpKind.SECOND_CALL, current.handling_organisation)
    if rule is None:
        return
    _create_follow_up(
        kind=FollowUpKind.SECOND_CALL,
        rule=rule,
        source_key=f"second_call:follow_up:{current.pk}",
        selection=Selection.FOLLOWS,
        event_at=attempt.called_at,
        customer=current.customer,
        organisation_id=current.organisation_id,
        handling_organisation=current.handling_organisation,
        contact_name=current.contact_name,
        phone=current.phone,
        by=by,
        work_order=current.work_order,
        equipment=current.equipment,
        parent=current,
        assigned_to=current.assigned_to or by,
    )


@transaction.atomic
def record_follow_up_attempt(
    *,
    follow_up: FollowUp,
    by: User,
    expected_version: int | None,
    outcome: CallOutcome,
) -> FollowUpAttempt:
    """Record one call. Reached: the follow-up is done (and the second call is planned);
    refused: it ends; not reached: the next attempt is scheduled after the rule's delay until
    the attempts run out. A complaint goes to the managers and brings a call back."""
    _ensure_may_work(by)
    _check_outcome(outcome)
    current = lock_for_update(FollowUp, pk=follow_up.pk, expected_version=expected_version)
    if current.status != FollowUpStatus.OPEN:
        raise FeedbackError(
            _("This follow-up is %(status)s: no more calls are recorded.")
            % {"status": current.get_status_display()},
            code=FeedbackErrorCode.INVALID_TRANSITION,
        )
    rule = FollowUpRule.objects.get(pk=current.rule_id)
    now = timezone.now()
    attempt = FollowUpAttempt.objects.create(
        follow_up=current,
        number=current.attempt_count + 1,
        called_at=now,
        called_by=by,
        result=outcome.result,
        evaluation=outcome.evaluation,
        product_usage=outcome.product_usage.strip(),
        new_needs=outcome.new_needs.strip(),
        complaint=outcome.complaint.strip(),
        is_customer_lost=outcome.is_customer_lost,
        loss_reason=outcome.loss_reason,
        notes=outcome.notes.strip(),
    )
    fields = ["attempt_count", "next_attempt_at"]
    before = snapshot(current, ["status", *fields])
    current.attempt_count += 1
    target = target_after_call(
        result=CallResult(outcome.result),
        attempts_made=current.attempt_count,
        attempt_limit=rule.attempt_limit,
    )
    fields += apply_transition(record=current, to=target)
    current.next_attempt_at = (
        _shift(rule, current.handling_organisation, now, rule.retry_after)
        if target == FollowUpStatus.OPEN
        else None
    )
    if current.assigned_to_id is None:
        current.assigned_to = by
        fields.append("assigned_to")
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="follow_up.called",
        instance=current,
        changes={
            **diff(before, snapshot(current, ["status", "attempt_count", "next_attempt_at"])),
            "result": [None, outcome.result],
        },
        organisation=current.organisation,
    )
    if outcome.result == CallResult.REACHED:
        _second_call(current, attempt, by)
    if attempt.complaint:
        _complaint_raised(current, attempt, by)
    return attempt


@transaction.atomic
def assign_follow_up(
    *, follow_up: FollowUp, to: User, by: User, expected_version: int | None
) -> FollowUp:
    """Give an open follow-up to a follow-up agent who sees it; an agent may take one for
    themselves, assigning it to someone else needs the assign permission."""
    if to.pk != by.pk and not by.has_perm(FeedbackPermission.ASSIGN_FOLLOW_UPS):
        raise FeedbackError(
            _("You may not assign follow-ups to others."), code=FeedbackErrorCode.NOT_ALLOWED
        )
    current = lock_for_update(FollowUp, pk=follow_up.pk, expected_version=expected_version)
    if (
        not to.is_active
        or not to.has_perm(FeedbackPermission.WORK_FOLLOW_UPS)
        or not scoped(FollowUp.objects.filter(pk=current.pk), to).exists()
    ):
        raise FeedbackError(
            _("%(name)s cannot make this call.") % {"name": to}, field="assigned_to"
        )
    if current.status != FollowUpStatus.OPEN:
        raise FeedbackError(
            _("Only an open follow-up can be assigned."),
            code=FeedbackErrorCode.INVALID_TRANSITION,
        )
    before = snapshot(current, ["assigned_to"])
    current.assigned_to = to
    save_versioned(current, expected_version=current.version, fields=["assigned_to"])
    record_audit(
        actor=by,
        action="follow_up.assigned",
        instance=current,
        changes=diff(before, snapshot(current, ["assigned_to"])),
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def cancel_follow_up(
    *, follow_up: FollowUp, by: User, expected_version: int | None, reason: str
) -> FollowUp:
    """Drop a follow-up that should not be made (the customer asked not to be called…)."""
    if not by.has_perm(FeedbackPermission.ASSIGN_FOLLOW_UPS):
        raise FeedbackError(_("You may not cancel follow-ups."), code=FeedbackErrorCode.NOT_ALLOWED)
    if not reason.strip():
        raise FeedbackError(_("Say why the follow-up is cancelled."), field="reason")
    current = lock_for_update(FollowUp, pk=follow_up.pk, expected_version=expected_version)
    before = current.status
    fields = apply_transition(record=current, to=FollowUpStatus.CANCELLED)
    current.next_attempt_at = None
    save_versioned(current, expected_version=current.version, fields=[*fields, "next_attempt_at"])
    record_audit(
        actor=by,
        action="follow_up.cancelled",
        instance=current,
        changes={"status": [before, current.status], "reason": [None, reason.strip()]},
        organisation=current.organisation,
    )
    return current


# --- the monthly report -----------------------------------------------------------------------


def report_due_on(*, organisation: Organisation, month: datetime.date) -> datetime.date:
    """The day the report of `month` is due: the policy's day (the 3rd) of the next month."""
    first_of_next = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_of_next.replace(day=policy_for(organisation).report_due_day)


@transaction.atomic
def submit_monthly_report(
    *, organisation: Organisation, month: datetime.date, by: User, note: str = ""
) -> FollowUpMonthlyReport:
    """Submit the follow-up report of a finished month to the service managers, with its
    figures as they stand; after the due day it is recorded as late (000 第五篇 五)."""
    from shouhou.feedback.reports import follow_up_month_report

    if not by.has_perm(FeedbackPermission.SUBMIT_REPORT):
        raise FeedbackError(
            _("You may not submit follow-up reports."), code=FeedbackErrorCode.NOT_ALLOWED
        )
    ensure_visible_organisation(organisation=organisation, user=by)
    month = month.replace(day=1)
    today = timezone.localdate()
    if month >= today.replace(day=1):
        raise FeedbackError(
            _("A month's report can be submitted from the 1st of the next month."), field="month"
        )
    if FollowUpMonthlyReport.objects.filter(organisation=organisation, month=month).exists():
        raise FeedbackError(
            _("The report of this month was already submitted."),
            code=FeedbackErrorCode.INVALID_TRANSITION,
        )
    report = follow_up_month_report(user=by, organisation=organisation, month=month)
    due_on = report_due_on(organisation=organisation, month=month)
    submitted = FollowUpMonthlyReport.objects.create(
        organisation=organisation,
        month=month,
        due_on=due_on,
        submitted_at=timezone.now(),
        submitted_by=by,
        is_late=today > due_on,
        note=note.strip(),
        summary=report.summary(),
    )
    record_audit(
        actor=by,
        action="follow_up_report.submitted",
        instance=submitted,
        changes={"month": [None, f"{month:%Y-%m}"], "is_late": [None, submitted.is_late]},
        organisation=organisation,
    )
    managers = people_over([organisation], [Role.SERVICE_MANAGER])
    if managers:
        figures: dict[str, Any] = submitted.summary
        queue_notification(
            recipients=managers,
            template_code="follow_up_report_submitted",
            context={
                "by": str(by),
                "organisation": organisation.name,
                "month": f"{month:%Y-%m}",
                "late": submitted.is_late,
                "done": figures.get("done", 0),
                "complaints": figures.get("complaints", 0),
                "lost": figures.get("lost", 0),
            },
            channels=[Channel.IN_APP, Channel.EMAIL],
            link=report.url,
            dedupe_key=f"follow-up-report:{submitted.pk}",
            organisation=organisation,
        )
    return submitted
