"""Writes on complaint cases: registering from any channel, every step of the handling flow, the
next round after a rejection (003 (九)9). Each runs in one transaction, checks the version the
user read and leaves an audit entry that the case's timeline shows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment
from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import (
    ComplaintCase,
    ComplaintChannel,
    ComplaintStatus,
    ComplaintType,
    Department,
    Market,
    RemedyKind,
    ReplyChannel,
    Severity,
)
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.selectors import (
    approval_limit,
    departments_visible_to,
    people_with_permission,
    staff_visible_to,
    step_recipients,
)
from shouhou.complaints.services._common import (
    closure_due,
    lock,
    money,
    notify,
    required_text,
    save_and_audit,
    set_step_due,
    transition,
)
from shouhou.core.audit import created_changes, record_audit, snapshot
from shouhou.core.models import Organisation, User
from shouhou.core.numbering import next_number
from shouhou.core.scoping import visible_organisations
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customers_visible_to
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.selectors import work_orders_visible_to

REGISTERED_FIELDS = [
    "number",
    "round",
    "previous_round",
    "customer",
    "equipment",
    "work_order",
    "complaint_type",
    "severity",
    "market",
    "channel",
    "contact_name",
    "contact_phone",
    "description",
    "customer_request",
    "handling_organisation",
    "handler",
    "registered_at",
    "due_at",
    "step_due_at",
]
# A registration may carry a time a little ahead of ours (the registering device's clock).
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Remedies that are money by nature, and those that cost nothing.
PAID_REMEDIES = frozenset({RemedyKind.REFUND, RemedyKind.COMPENSATION, RemedyKind.DISCOUNT})
FREE_REMEDIES = frozenset({RemedyKind.NONE, RemedyKind.APOLOGY})


def _names(people: Iterable[User]) -> list[str]:
    return sorted(str(person) for person in people)


def _check_links(
    *,
    by: User | None,
    customer: Customer,
    equipment: Equipment | None,
    work_order: WorkOrder | None,
) -> None:
    if by is not None and not customers_visible_to(user=by).filter(pk=customer.pk).exists():
        raise ComplaintError(
            _("You cannot register complaints for this customer."), field="customer"
        )
    if equipment is not None and equipment.customer_id != customer.pk:
        raise ComplaintError(_("The equipment belongs to another customer."), field="equipment")
    if work_order is not None:
        if work_order.customer_id != customer.pk:
            raise ComplaintError(_("The work order is another customer's."), field="work_order")
        if by is not None and not work_orders_visible_to(user=by).filter(pk=work_order.pk).exists():
            raise ComplaintError(_("You cannot use this work order."), field="work_order")
        if (
            equipment is not None
            and work_order.equipment_id is not None
            and work_order.equipment_id != equipment.pk
        ):
            raise ComplaintError(_("The work order is about another unit."), field="work_order")


def _check_staff(*, by: User | None, staff: list[User]) -> None:
    if by is None or not staff:
        return
    visible = set(
        staff_visible_to(user=by)
        .filter(pk__in=[person.pk for person in staff])
        .values_list("pk", flat=True)
    )
    unknown = [person for person in staff if person.pk not in visible]
    if unknown:
        raise ComplaintError(
            _("You cannot name %(names)s here.") % {"names": ", ".join(_names(unknown))},
            field="staff_involved",
        )


@transaction.atomic
def register_complaint(
    *,
    by: User | None,
    customer: Customer,
    complaint_type: ComplaintType,
    description: str,
    contact_name: str = "",
    contact_phone: str = "",
    channel: str = ComplaintChannel.PHONE,
    severity: str = Severity.GENERAL,
    market: str = Market.DOMESTIC,
    equipment: Equipment | None = None,
    work_order: WorkOrder | None = None,
    staff_involved: Iterable[User] = (),
    customer_request: str = "",
    handling_organisation: Organisation | None = None,
    handler: User | None = None,
    registered_at: datetime.datetime | None = None,
    source_reference: str | None = None,
    previous_round: ComplaintCase | None = None,
) -> ComplaintCase:
    """Register a complaint from any channel, numbered year-month + serial (003 (八)); the
    closure deadline runs from now (13 / 17 days, 003 (十)). The service directors hear of it;
    for a major one the deputy general manager too (001 第十九条)."""
    description = required_text(
        description, field="description", message=_("Describe the complaint.")
    )
    if not complaint_type.is_active:
        raise ComplaintError(_("This complaint type is no longer used."), field="complaint_type")
    _check_links(by=by, customer=customer, equipment=equipment, work_order=work_order)
    if equipment is None and work_order is not None:
        equipment = work_order.equipment
    staff = list(dict.fromkeys(staff_involved))
    _check_staff(by=by, staff=staff)
    handler_org = handling_organisation or (
        by.organisation if by is not None and by.organisation is not None else customer.organisation
    )
    if handling_organisation is not None:
        ensure_visible_organisation(organisation=handling_organisation, user=by)
    now = timezone.now()
    moment = registered_at or now
    if moment > now + CLOCK_SKEW:
        raise ComplaintError(
            _("A complaint cannot be registered in the future."), field="registered_at"
        )
    contact_phone = (contact_phone or "").strip() or customer.phone
    if not contact_phone:
        raise ComplaintError(
            _("Give a phone number to answer the customer on."), field="contact_phone"
        )
    case = ComplaintCase(
        number=next_number(document_type="complaint", at=moment),
        round=previous_round.round + 1 if previous_round is not None else 1,
        previous_round=previous_round,
        first_round=(previous_round.first_round or previous_round) if previous_round else None,
        organisation=customer.organisation,
        handling_organisation=handler_org,
        channel=channel,
        customer=customer,
        equipment=equipment,
        work_order=work_order,
        complaint_type=complaint_type,
        severity=severity,
        market=market,
        contact_name=(contact_name or "").strip() or customer.name,
        contact_phone=contact_phone,
        description=description,
        customer_request=(customer_request or "").strip(),
        source_reference=source_reference,
        registered_at=moment,
        registered_by=by if by is not None and by.pk else None,
        handler=handler,
        due_at=closure_due(registered_at=moment, market=market),
        step_started_at=moment,
    )
    if handler is not None:
        _check_handler(case, handler)
    set_step_due(case)
    case.full_clean(exclude=["number", "source_reference", "previous_round"])
    case.save()
    case.staff_involved.set(staff)
    changes = created_changes(case, REGISTERED_FIELDS)
    if staff:
        changes["staff_involved"] = [None, _names(staff)]
    record_audit(
        actor=by,
        action="complaint.registered",
        instance=case,
        changes=changes,
        organisation=case.organisation,
    )
    directors = people_with_permission(permission=P.ASSIGN, organisation=handler_org)
    notify(case, recipients=directors, template_code="complaint_registered", key=f"new:{case.pk}")
    if severity == Severity.MAJOR:
        _tell_reviewers(case)
    if handler is not None:
        notify(
            case,
            recipients=[handler],
            template_code="complaint_assigned",
            key=f"assigned:{case.pk}:0",
        )
    return case


def _tell_reviewers(case: ComplaintCase) -> None:
    reviewers = people_with_permission(
        permission=P.REVIEW_MAJOR, organisation=case.handling_organisation
    )
    notify(case, recipients=reviewers, template_code="complaint_major", key=f"major:{case.pk}")


def _check_handler(case: ComplaintCase, handler: User) -> None:
    organisations = visible_organisations(handler)
    sees_case = (
        organisations is None
        or organisations.filter(
            pk__in=[case.organisation_id, case.handling_organisation_id]
        ).exists()
    )
    if not handler.is_active or not handler.has_perm(P.HANDLE) or not sees_case:
        raise ComplaintError(
            _("%(name)s cannot handle this complaint.") % {"name": handler}, field="handler"
        )


@transaction.atomic
def assign_handler(
    *, case: ComplaintCase, by: User, expected_version: int | None, handler: User
) -> ComplaintCase:
    """The service director handles the case personally or sends a dedicated person
    (001 第二十一条), whatever its size."""
    _check_handler(case, handler)
    current = transition(
        case,
        action="assign_handler",
        by=by,
        expected_version=expected_version,
        changes={"handler": handler},
    )
    notify(
        current,
        recipients=[handler],
        template_code="complaint_assigned",
        key=f"assigned:{current.pk}:{current.version}",
    )
    return current


# The severity decides who approves and how the customer is answered: it may change until then.
RECLASSIFIABLE = frozenset(
    {ComplaintStatus.REGISTERED, ComplaintStatus.INVESTIGATING, ComplaintStatus.REMEDY_PROPOSED}
)


@transaction.atomic
def classify_complaint(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    complaint_type: ComplaintType,
    severity: str,
    market: str,
) -> ComplaintCase:
    """Correct the type, the severity (general / major) or the market; a new market moves the
    closure deadline, a case becoming major goes to the deputy general manager."""
    if not complaint_type.is_active:
        raise ComplaintError(_("This complaint type is no longer used."), field="complaint_type")
    if severity not in Severity.values:
        raise ComplaintError(_("Unknown severity."), field="severity")
    if market not in Market.values:
        raise ComplaintError(_("Unknown market."), field="market")
    became_major = False

    def changes(current: ComplaintCase) -> dict[str, Any]:
        nonlocal became_major
        if current.severity != severity and current.status not in RECLASSIFIABLE:
            raise ComplaintError(
                _("The remedy is approved: the severity can no longer change."), field="severity"
            )
        became_major = severity == Severity.MAJOR and current.severity != Severity.MAJOR
        return {
            "complaint_type": complaint_type,
            "severity": severity,
            "market": market,
            "due_at": closure_due(registered_at=current.registered_at, market=market),
        }

    current = transition(
        case, action="reclassify", by=by, expected_version=expected_version, changes=changes
    )
    if became_major:
        _tell_reviewers(current)
    return current


@transaction.atomic
def start_investigation(
    *, case: ComplaintCase, by: User, expected_version: int | None
) -> ComplaintCase:
    """The handler starts finding the cause (quality management leads, 003 (七)2)."""

    def check(current: ComplaintCase) -> None:
        if current.handler_id is None:
            raise ComplaintError(
                _("Assign a handler first."), code=ComplaintErrorCode.INVALID_TRANSITION
            )

    return transition(
        case, action="start_investigation", by=by, expected_version=expected_version, check=check
    )


@transaction.atomic
def record_findings(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    cause: str,
    evidence: str = "",
    responsible_department: Department | None = None,
) -> ComplaintCase:
    """What the investigation found: the cause, the evidence and the responsible department."""
    cause = required_text(cause, field="cause", message=_("Describe the cause."))
    if responsible_department is not None and (
        not responsible_department.is_active
        or not departments_visible_to(user=by).filter(pk=responsible_department.pk).exists()
    ):
        raise ComplaintError(_("You cannot use this department."), field="responsible_department")
    return transition(
        case,
        action="record_findings",
        by=by,
        expected_version=expected_version,
        changes={
            "cause": cause,
            "evidence": (evidence or "").strip(),
            "responsible_department": responsible_department,
        },
    )


@transaction.atomic
def propose_remedy(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    remedy_kind: str,
    remedy_amount: Any,
    remedy_description: str = "",
) -> ComplaintCase:
    """Propose the remedy (apology, repair, exchange, refund, compensation, discount) with its
    amount; it goes to whoever may approve that amount."""
    if remedy_kind not in RemedyKind.values:
        raise ComplaintError(_("Choose a remedy."), field="remedy_kind")
    amount = money(remedy_amount, field="remedy_amount")
    if remedy_kind in PAID_REMEDIES and amount <= 0:
        raise ComplaintError(_("Give the amount of this remedy."), field="remedy_amount")
    if remedy_kind in FREE_REMEDIES and amount != 0:
        raise ComplaintError(_("This remedy has no amount."), field="remedy_amount")

    def check(current: ComplaintCase) -> None:
        if not current.cause.strip():
            raise ComplaintError(
                _("Record the cause found by the investigation first."),
                code=ComplaintErrorCode.INVALID_TRANSITION,
            )
        if current.responsible_department_id is None and remedy_kind != RemedyKind.NONE:
            raise ComplaintError(
                _("Record the responsible department first."),
                code=ComplaintErrorCode.INVALID_TRANSITION,
            )

    current = transition(
        case,
        action="propose_remedy",
        by=by,
        expected_version=expected_version,
        check=check,
        changes={
            "remedy_kind": remedy_kind,
            "remedy_amount": amount,
            "remedy_description": (remedy_description or "").strip(),
            "proposed_by": by,
            "approved_by": None,
            "approved_at": None,
            "approval_note": "",
        },
    )
    notify(
        current,
        recipients=step_recipients(case=current),
        template_code="complaint_approval_needed",
        key=f"approval:{current.pk}:{current.version}",
        remedy=current.get_remedy_kind_display(),
        amount=str(current.remedy_amount),
    )
    return current


@transaction.atomic
def return_for_investigation(
    *, case: ComplaintCase, by: User, expected_version: int | None, note: str
) -> ComplaintCase:
    """The approver sends the proposal back to the handler, saying why."""
    note = required_text(note, field="note", message=_("Say what is to be looked at again."))
    current = transition(
        case,
        action="return_for_investigation",
        by=by,
        expected_version=expected_version,
        changes={"approval_note": note},
    )
    notify(
        current,
        recipients=step_recipients(case=current),
        template_code="complaint_returned",
        key=f"returned:{current.pk}:{current.version}",
        note=note,
    )
    return current


@transaction.atomic
def approve_remedy(
    *, case: ComplaintCase, by: User, expected_version: int | None, note: str = ""
) -> ComplaintCase:
    """Approve the proposed remedy. Nobody approves beyond their approval limit (003 (九)6, 11);
    a major case is reviewed by the deputy general manager (001 第十九条)."""

    def check(current: ComplaintCase) -> None:
        limit = approval_limit(user=by)
        if not limit.covers(current.remedy_amount):
            if not limit.may_approve:
                message = _("Your role has no approval limit for complaint remedies.")
            else:
                message = _(
                    "Your approval limit is %(limit)s yuan: a remedy of %(amount)s yuan needs "
                    "someone with a higher limit."
                ) % {"limit": limit.max_amount, "amount": current.remedy_amount}
            raise ComplaintError(message, code=ComplaintErrorCode.NOT_ALLOWED)
        if current.severity == Severity.MAJOR and not by.has_perm(P.REVIEW_MAJOR):
            raise ComplaintError(
                _("A major complaint is reviewed by the deputy general manager."),
                code=ComplaintErrorCode.NOT_ALLOWED,
            )

    current = transition(
        case,
        action="approve_remedy",
        by=by,
        expected_version=expected_version,
        check=check,
        changes={"approved_by": by, "approval_note": (note or "").strip()},
    )
    notify(
        current,
        recipients=step_recipients(case=current),
        template_code="complaint_approved",
        key=f"approved:{current.pk}:{current.version}",
        remedy=current.get_remedy_kind_display(),
        amount=str(current.remedy_amount),
    )
    return current


@transaction.atomic
def inform_customer(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    reply_channel: str,
    summary: str,
) -> ComplaintCase:
    """Tell the customer the approved outcome: a major case in writing, a general one by letter
    or phone (001 第十九条). Only what was approved is promised (003 (九)11)."""
    if reply_channel not in ReplyChannel.values:
        raise ComplaintError(_("Say how the customer was informed."), field="reply_channel")
    summary = required_text(
        summary, field="summary", message=_("Write down what the customer was told.")
    )

    def check(current: ComplaintCase) -> None:
        if current.severity == Severity.MAJOR and reply_channel != ReplyChannel.LETTER:
            raise ComplaintError(
                _("A major complaint is answered in writing."), field="reply_channel"
            )

    return transition(
        case,
        action="inform_customer",
        by=by,
        expected_version=expected_version,
        check=check,
        changes={"reply_channel": reply_channel, "reply_summary": summary},
    )


@transaction.atomic
def record_customer_acceptance(
    *, case: ComplaintCase, by: User, expected_version: int | None, reply: str = ""
) -> ComplaintCase:
    """The customer accepts: the case is closed, a revisit is due within the policy's days
    (000 第五篇 四.2) and the customer is marked for special attention (四.3)."""
    current = transition(
        case,
        action="customer_accepts",
        by=by,
        expected_version=expected_version,
        changes={"customer_reply": (reply or "").strip(), "customer_flagged_at": timezone.now()},
    )
    from shouhou.complaints.services.revisits import flag_customer_for_attention, schedule_revisit

    flag_customer_for_attention(case=current, by=by)
    schedule_revisit(case=current, by=by)
    return current


@transaction.atomic
def record_customer_rejection(
    *, case: ComplaintCase, by: User, expected_version: int | None, reply: str
) -> ComplaintCase:
    """The customer does not accept the outcome: this round ends, and a new complaint form is
    filled and attached to it (003 (九)9). Returns the new round."""
    reply = required_text(
        reply, field="reply", message=_("Write down what the customer does not accept.")
    )
    current = transition(
        case,
        action="customer_rejects",
        by=by,
        expected_version=expected_version,
        changes={"customer_reply": reply},
    )
    next_round = register_complaint(
        by=by,
        customer=current.customer,
        complaint_type=current.complaint_type,
        description=current.description,
        customer_request=reply,
        contact_name=current.contact_name,
        contact_phone=current.contact_phone,
        channel=current.channel,
        severity=current.severity,
        market=current.market,
        equipment=current.equipment,
        work_order=current.work_order,
        staff_involved=list(current.staff_involved.all()),
        handling_organisation=current.handling_organisation,
        handler=current.handler,
        previous_round=current,
    )
    record_audit(
        actor=by,
        action="complaint.next_round_opened",
        instance=current,
        changes={"next_round": [None, next_round.number]},
        organisation=current.organisation,
    )
    return next_round


@transaction.atomic
def withdraw_complaint(
    *, case: ComplaintCase, by: User, expected_version: int | None, reason: str
) -> ComplaintCase:
    """The customer withdrew the complaint, or it was registered twice."""
    reason = required_text(reason, field="reason", message=_("Say why the complaint is withdrawn."))
    return transition(
        case,
        action="withdraw_complaint",
        by=by,
        expected_version=expected_version,
        changes={"withdraw_reason": reason},
    )


@transaction.atomic
def update_staff_involved(
    *, case: ComplaintCase, by: User, expected_version: int | None, staff_involved: Iterable[User]
) -> ComplaintCase:
    """Name the staff the complaint is about (while the case is open)."""
    if not by.has_perm(P.HANDLE):
        raise ComplaintError(
            _("You may not change this complaint."), code=ComplaintErrorCode.NOT_ALLOWED
        )
    staff = list(dict.fromkeys(staff_involved))
    _check_staff(by=by, staff=staff)
    current = lock(case, expected_version)
    if not current.is_open:
        raise ComplaintError(
            _("The complaint is %(status)s: it can no longer be changed.")
            % {"status": current.get_status_display()},
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    before = _names(current.staff_involved.all())
    current.staff_involved.set(staff)
    after = _names(staff)
    return save_and_audit(
        current,
        by=by,
        action="complaint.staff_changed",
        before=snapshot(current, []),
        fields=[],
        extra={"staff_involved": [before, after]} if before != after else {},
    )


class FeedbackSource(Protocol):
    """What the feedback app hands over (shouhou.feedback): a flagged survey answer
    (`SurveyAnswer`: customer, work order, `flag_reasons`) or a follow-up call in which the
    customer complained (`FollowUpAttempt`: `complaint`, its `follow_up` with the customer)."""

    pk: Any


@dataclass(frozen=True)
class _Source:
    reference: str
    customer: Customer
    work_order: WorkOrder | None
    text: str
    channel: str
    is_survey: bool


def _source(item: Any) -> _Source:
    meta = getattr(item, "_meta", None)
    label = meta.label_lower if meta is not None else type(item).__name__.lower()
    reference = f"feedback:{label}:{item.pk}"[:100]
    if hasattr(item, "flag_reasons"):
        reasons = item.flag_reasons or []
        text = "；".join(
            f"{reason.get('text', '')}：{reason.get('answer', '')}"
            for reason in reasons
            if isinstance(reason, dict)
        )
        work_order = getattr(item, "work_order", None)
        return _Source(
            reference=reference,
            customer=item.customer,
            work_order=work_order if isinstance(work_order, WorkOrder) else None,
            text=text or str(item),
            channel=ComplaintChannel.SURVEY,
            is_survey=True,
        )
    follow_up = getattr(item, "follow_up", None)
    if follow_up is None or not str(getattr(item, "complaint", "")).strip():
        raise ComplaintError(_("This feedback holds no complaint."))
    work_order = getattr(follow_up, "work_order", None)
    return _Source(
        reference=reference,
        customer=follow_up.customer,
        work_order=work_order if isinstance(work_order, WorkOrder) else None,
        text=str(item.complaint).strip(),
        channel=ComplaintChannel.FOLLOW_UP,
        is_survey=False,
    )


@transaction.atomic
def open_case_from_feedback(
    *,
    answer: FeedbackSource,
    by: User,
    complaint_type: ComplaintType | None = None,
    severity: str = Severity.GENERAL,
) -> ComplaintCase:
    """Open a complaint from a flagged survey answer (channel: survey) or from a follow-up call
    in which the customer complained (channel: follow-up call). A survey flag is marked handled
    in the same transaction (feedback's `mark_flag_handled`). Opening the same item again
    returns the case already opened."""
    source = _source(answer)
    existing = ComplaintCase.objects.filter(source_reference=source.reference).first()
    if existing is not None:
        return existing
    kind = complaint_type or (
        ComplaintType.objects.filter(code="other", is_active=True).first()
        or ComplaintType.objects.filter(is_active=True).order_by("sort_order", "code").first()
    )
    if kind is None:
        raise ComplaintError(_("No complaint type is set up."), field="complaint_type")
    work_order = source.work_order
    case = register_complaint(
        by=by,
        customer=source.customer,
        complaint_type=kind,
        description=source.text,
        contact_name=work_order.contact_name if work_order is not None else "",
        contact_phone=work_order.contact_phone if work_order is not None else "",
        channel=source.channel,
        severity=severity,
        work_order=work_order,
        source_reference=source.reference,
    )
    if source.is_survey and getattr(answer, "flag_handled_at", None) is None:
        from shouhou.feedback.services import mark_flag_handled

        mark_flag_handled(
            answer=answer,  # type: ignore[arg-type]
            by=by,
            note=_("Complaint case %(number)s opened.") % {"number": case.number},
        )
    return case
