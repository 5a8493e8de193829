"""Chase notices (催办单): for an open case past its step's target, or past the closure deadline,
the owners of the step are chased once (003 (十四); 001 第二十条 随时予以催办)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.models import FINAL_STATUSES, ChaseNotice, ComplaintCase, ComplaintStatus
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.selectors import people_with_permission, step_recipients
from shouhou.complaints.services._common import notify
from shouhou.complaints.workflow import OWNER_LABELS, Owner, step_owner
from shouhou.core.audit import record_audit
from shouhou.core.models import User

CLOSURE = "closure"


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _closure_recipients(case: ComplaintCase) -> list[User]:
    people = {
        person.pk: person
        for person in people_with_permission(
            permission=P.ASSIGN, organisation=case.handling_organisation
        )
    }
    if case.handler is not None:
        people[case.handler.pk] = case.handler
    return [person for person in people.values() if person.is_active]


def _issue(
    case: ComplaintCase,
    *,
    step: str,
    started_at: datetime.datetime,
    due_at: datetime.datetime,
    reason: str,
    recipients: list[User],
    now: datetime.datetime,
) -> bool:
    """One notice for (case, step, when the step started); False if it was issued before."""
    owner = step_owner(case)
    department = (
        case.responsible_department
        if owner == Owner.HANDLER and case.status == ComplaintStatus.INVESTIGATING
        else None
    )
    try:
        with transaction.atomic():
            notice = ChaseNotice.objects.create(
                case=case,
                step=step,
                step_started_at=started_at,
                due_at=due_at,
                issued_at=now,
                department=department,
                addressed_to=", ".join(sorted(str(person) for person in recipients))[:300],
                reason=reason[:300],
            )
            notice.notified = notify(
                case,
                recipients=recipients,
                template_code="complaint_chase",
                key=f"chase:{case.pk}:{step}:{int(started_at.timestamp())}",
                step=_("closure") if step == CLOSURE else case.get_status_display(),
                step_due=_local(due_at),
                owner=str(OWNER_LABELS.get(owner, "")) if owner else "",
                reason=reason,
            )
            notice.save(update_fields=["notified"])
            record_audit(
                actor=None,
                action="complaint.complaint_chased",
                instance=case,
                changes={"chase_notice": [None, reason]},
                organisation=case.organisation,
            )
    except IntegrityError:
        return False  # issued by an earlier or a concurrent run
    return True


def issue_chase_notices(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Issue the chase notices that are due: one per overdue step of each open case, and one
    when the closure deadline passes. Safe to run twice or concurrently: the notice's unique
    key makes the second attempt a no-op."""
    moment = now or timezone.now()
    already = ChaseNotice.objects.filter(
        case=OuterRef("pk"), step=OuterRef("status"), step_started_at=OuterRef("step_started_at")
    )
    closure_chased = ChaseNotice.objects.filter(case=OuterRef("pk"), step=CLOSURE)
    candidates = (
        ComplaintCase.objects.exclude(status__in=FINAL_STATUSES)
        .filter(
            (Q(step_due_at__lt=moment) & ~Exists(already))
            | (Q(due_at__lt=moment) & ~Exists(closure_chased))
        )
        .select_related(
            "customer",
            "complaint_type",
            "handler",
            "handling_organisation",
            "organisation",
            "responsible_department__head",
        )
        .order_by("step_due_at", "pk")[:batch]
    )
    issued = 0
    for case in candidates:
        if case.step_due_at is not None and case.step_due_at < moment:
            reason = _("%(step)s not done by %(due)s") % {
                "step": case.get_status_display(),
                "due": _local(case.step_due_at),
            }
            issued += _issue(
                case,
                step=case.status,
                started_at=case.step_started_at,
                due_at=case.step_due_at,
                reason=reason,
                recipients=step_recipients(case=case),
                now=moment,
            )
        if case.due_at < moment:
            reason = _("Not closed by the deadline %(due)s") % {"due": _local(case.due_at)}
            issued += _issue(
                case,
                step=CLOSURE,
                started_at=case.registered_at,
                due_at=case.due_at,
                reason=reason,
                recipients=_closure_recipients(case),
                now=moment,
            )
    return issued
