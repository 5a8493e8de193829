"""What the complaint services share: locking and saving a case with its audit entry, the step
and closure deadlines, and the notices to a step's owners."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.errors import ComplaintError
from shouhou.complaints.models import ComplaintCase, Market
from shouhou.complaints.selectors import complaint_policy, step_target
from shouhou.complaints.workflow import ACTIONS, apply_transition
from shouhou.core.audit import diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.notify.services import queue_notification
from shouhou.sla.calendars import clock_for_organisation
from shouhou.sla.models import ClockKind

# Fields every transition may change besides those it names.
TRANSITION_FIELDS = ["status", "step_started_at", "step_due_at"]
# Bookkeeping fields the timeline does not need to show.
QUIET_FIELDS = frozenset({"step_started_at"})


def money(value: Any, *, field: str) -> Decimal:
    """A yuan amount with at most two decimal places, not negative."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as bad:
        raise ComplaintError(_("Enter an amount in yuan."), field=field) from bad
    if not amount.is_finite() or amount < 0:
        raise ComplaintError(_("Enter an amount of zero or more."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ComplaintError(_("Amounts are in yuan with at most two decimals."), field=field)
    if amount >= Decimal("10000000000"):
        raise ComplaintError(_("The amount is too large."), field=field)
    return amount.quantize(Decimal("0.01"))


def required_text(value: str, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ComplaintError(message, field=field)
    return text


def due_after(
    case: ComplaintCase, *, start: datetime.datetime, minutes: int, clock: str
) -> datetime.datetime:
    """`minutes` after `start`: working time of the handling organisation's calendar, or
    calendar time."""
    if clock == ClockKind.ELAPSED:
        return start + datetime.timedelta(minutes=minutes)
    business = clock_for_organisation(case.handling_organisation)
    return business.add(start, datetime.timedelta(minutes=minutes)).at


def closure_due(*, registered_at: datetime.datetime, market: str) -> datetime.datetime:
    """Closed within 13 days (domestic) or 17 days (abroad) of registration, calendar days as
    the regulation counts them (003 (十)1)."""
    policy = complaint_policy()
    days = policy.abroad_closure_days if market == Market.ABROAD else policy.domestic_closure_days
    return registered_at + datetime.timedelta(days=days)


def set_step_due(case: ComplaintCase) -> None:
    """The due time of the step the case is in now (none for a final state or no target)."""
    target = step_target(status=case.status) if case.is_open else None
    case.step_due_at = (
        None
        if target is None
        else due_after(
            case, start=case.step_started_at, minutes=target.target_minutes, clock=target.clock
        )
    )


def lock(case: ComplaintCase, expected_version: int | None) -> ComplaintCase:
    current = lock_for_update(ComplaintCase, pk=case.pk, expected_version=expected_version)
    # The related rows the services read (deadlines, notices) come with the locked row.
    return (
        ComplaintCase.objects.select_related(
            "handling_organisation", "customer", "handler", "responsible_department__head"
        )
        .filter(pk=current.pk)
        .get()
    )


def save_and_audit(
    current: ComplaintCase,
    *,
    by: User | None,
    action: str,
    before: dict[str, Any],
    fields: list[str],
    extra: dict[str, Any] | None = None,
) -> ComplaintCase:
    save_versioned(current, expected_version=current.version, fields=fields)
    changes = {
        name: pair
        for name, pair in diff(before, snapshot(current, fields)).items()
        if name not in QUIET_FIELDS
    }
    changes.update(extra or {})
    record_audit(
        actor=by,
        action=action,
        instance=current,
        changes=changes,
        organisation=current.organisation,
    )
    return current


def transition(
    case: ComplaintCase,
    *,
    action: str,
    by: User,
    expected_version: int | None,
    changes: dict[str, Any] | Callable[[ComplaintCase], dict[str, Any]] | None = None,
    check: Callable[[ComplaintCase], None] | None = None,
    extra_audit: dict[str, Any] | None = None,
) -> ComplaintCase:
    """Lock the row, then decide on the locked, current case (never on the caller's copy, which
    may be stale): whether a rule refuses, which changes, the new step's due time."""
    current = lock(case, expected_version)
    if check is not None:
        check(current)
    values = (changes(current) if callable(changes) else changes) or {}
    stamp = ACTIONS[action].stamp
    fields = list(dict.fromkeys([*TRANSITION_FIELDS, *values, *([stamp] if stamp else [])]))
    before = snapshot(current, fields)
    old = apply_transition(case=current, action_name=action, by=by)
    for field, value in values.items():
        setattr(current, field, value)
    if current.status != old:
        set_step_due(current)
    current.full_clean(exclude=["number", "source_reference", "previous_round"])
    return save_and_audit(
        current,
        by=by,
        action=f"complaint.{action}",
        before=before,
        fields=fields,
        extra=extra_audit,
    )


def message_context(case: ComplaintCase, **extra: Any) -> dict[str, Any]:
    return {
        "number": case.number,
        "customer": str(case.customer),
        "type": str(case.complaint_type),
        "severity": case.get_severity_display(),
        "description": case.description[:200],
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
        "step_due": (
            timezone.localtime(case.step_due_at).strftime("%Y-%m-%d %H:%M")
            if case.step_due_at
            else ""
        ),
        **extra,
    }


def notify(
    case: ComplaintCase,
    *,
    recipients: Iterable[User],
    template_code: str,
    key: str,
    **extra: Any,
) -> int:
    """Queue one message per recipient (in this transaction; delivered after commit)."""
    people = [person for person in recipients if person.is_active]
    if not people:
        return 0
    queued = queue_notification(
        recipients=people,
        template_code=template_code,
        context=message_context(case, **extra),
        link=case.get_absolute_url(),
        dedupe_key=f"complaint:{key}",
        organisation=case.organisation,
    )
    return len({notification.recipient_id for notification in queued})
