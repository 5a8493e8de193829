"""After closure: the revisit within the policy's days (000 第五篇 四.2: 回访员三天内再次回访)
and the customer marked for special attention (四.3: 加注特殊符号作为今后重点关注对象).

The follow-up queue (shouhou.feedback) lists `selectors.revisits_due(user=...)` and records
the call with `record_revisit`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import ComplaintCase, ComplaintStatus, Revisit, RevisitOutcome
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.selectors import complaint_policy, people_with_permission
from shouhou.complaints.services._common import notify
from shouhou.core.audit import diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.customers.services import update_customer


@transaction.atomic
def schedule_revisit(*, case: ComplaintCase, by: User | None = None) -> Revisit:
    """Put a closed case on the follow-up queue, due the policy's days after closure; the
    follow-up agents are told. Idempotent: a case has one revisit."""
    if case.status != ComplaintStatus.CLOSED or case.closed_at is None:
        raise ComplaintError(
            _("Only a closed complaint is revisited."), code=ComplaintErrorCode.INVALID_TRANSITION
        )
    due_at = case.closed_at + datetime.timedelta(days=complaint_policy().revisit_days)
    revisit, created = Revisit.objects.get_or_create(case=case, defaults={"due_at": due_at})
    if not created:
        return revisit
    record_audit(
        actor=by,
        action="complaint.revisit_scheduled",
        instance=case,
        changes={"revisit_due": [None, due_at.isoformat()]},
        organisation=case.organisation,
    )
    agents = people_with_permission(permission=P.REVISIT, organisation=case.handling_organisation)
    notify(
        case,
        recipients=agents,
        template_code="complaint_revisit_due",
        key=f"revisit:{case.pk}",
        revisit_due=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
    )
    return revisit


@transaction.atomic
def record_revisit(
    *,
    revisit: Revisit,
    by: User,
    expected_version: int | None,
    outcome: str,
    note: str = "",
) -> Revisit:
    """Record the revisit call: reached and satisfied or not, or not reached."""
    if not by.has_perm(P.REVISIT):
        raise ComplaintError(
            _("You may not record complaint revisits."), code=ComplaintErrorCode.NOT_ALLOWED
        )
    if outcome not in RevisitOutcome.values:
        raise ComplaintError(_("Choose the outcome of the call."), field="outcome")
    current = lock_for_update(Revisit, pk=revisit.pk, expected_version=expected_version)
    if current.done_at is not None:
        raise ComplaintError(
            _("This revisit was already recorded."), code=ComplaintErrorCode.INVALID_TRANSITION
        )
    fields = ["done_at", "done_by", "outcome", "note"]
    before = snapshot(current, fields)
    current.done_at = timezone.now()
    current.done_by = by
    current.outcome = outcome
    current.note = (note or "").strip()[:500]
    save_versioned(current, expected_version=current.version, fields=fields)
    case = current.case
    record_audit(
        actor=by,
        action="complaint.complaint_revisited",
        instance=case,
        changes={
            f"revisit_{name}": pair
            for name, pair in diff(before, snapshot(current, fields)).items()
        },
        organisation=case.organisation,
    )
    return current


@transaction.atomic
def flag_customer_for_attention(*, case: ComplaintCase, by: User | None) -> None:
    """Mark the customer who complained as a target customer (special symbol, followed up
    100 %), with a remark on the customer file."""
    customer = case.customer
    remark = _("Complaint %(number)s closed on %(date)s: follow up closely.") % {
        "number": case.number,
        "date": timezone.localdate(case.closed_at or timezone.now()).isoformat(),
    }
    notes = f"{customer.notes.rstrip()}\n{remark}".strip() if customer.notes else remark
    changes: dict[str, object] = {"notes": notes}
    if not customer.is_target:
        changes["is_target"] = True
    update_customer(customer=customer, by=by, expected_version=None, **changes)
