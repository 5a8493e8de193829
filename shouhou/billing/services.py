"""Writes on billing: fee schedules, a work order's charge basis, quotes and the customer's
decision, discounts and waivers with their approval, payments (deposits, on-site collection)
and the technician's handover, invoices. Each runs in one transaction, checks the version the
user read where it edits an existing row, and leaves an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.billing.charges import (
    ZERO,
    ChargeSheet,
    Kind,
    PartUse,
    calculate_charges,
    money,
    required_deposit,
    split_tax,
)
from shouhou.billing.errors import BillingError, BillingErrorCode
from shouhou.billing.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    ApprovalLimit,
    CallOutFee,
    CashHandover,
    ChargeBasis,
    DecisionChannel,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    JobTypeRate,
    LabourBasis,
    LineKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuotePart,
    QuoteStatus,
)
from shouhou.billing.permissions import BillingPermission
from shouhou.billing.rules import (
    billing_settings,
    charge_facts,
    charge_sheet_for,
    describe,
    rates_of,
    schedule_of,
)
from shouhou.billing.workflow import (
    OPEN_QUOTE_STATUSES,
    apply_adjustment_action,
    apply_invoice_action,
    apply_quote_action,
)
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, User
from shouhou.core.numbering import next_number
from shouhou.core.services import ensure_visible_organisation
from shouhou.notify.services import queue_notification
from shouhou.parts.models import Part
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import READ_ONLY

SCHEDULE_FIELDS = [
    "name",
    "organisation",
    "effective_from",
    "labour_basis",
    "hourly_rate",
    "labour_increment_minutes",
    "minimum_labour_minutes",
    "distance_rate_per_km",
    "free_distance_km",
    "notes",
]
QUOTE_LINK_SALT = "shouhou.billing.quote"
# An invoice goes out once the work is done (001 第五篇: after the repair, finance invoices);
# a carry-in repair is invoiced on the day the goods go back.
INVOICEABLE = frozenset(
    {
        WorkOrderStatus.READY_TO_RETURN,
        WorkOrderStatus.RESOLVED,
        WorkOrderStatus.SIGNED,
        WorkOrderStatus.CLOSED,
    }
)


def _require(user: User, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise BillingError(message, code=BillingErrorCode.NOT_ALLOWED)


# --- fee schedules ----------------------------------------------------------------------------


def _save_rates(
    schedule: FeeSchedule,
    *,
    call_out: dict[str, Decimal],
    jobs: Sequence[tuple[str, str, Decimal]],
) -> None:
    schedule.call_out_fees.all().delete()
    CallOutFee.objects.bulk_create(
        CallOutFee(schedule=schedule, zone=zone, amount=money(amount))
        for zone, amount in call_out.items()
    )
    codes = [code.strip().upper() for code, _name, _amount in jobs]
    if len(set(codes)) != len(codes):
        raise BillingError(_("Each job type code may appear once."), field="jobs")
    schedule.jobs.all().delete()
    JobTypeRate.objects.bulk_create(
        JobTypeRate(schedule=schedule, code=code, name=name.strip(), amount=money(amount))
        for code, (_code, name, amount) in zip(codes, jobs, strict=True)
    )
    if schedule.labour_basis == LabourBasis.JOB_TYPE and not codes:
        raise BillingError(
            _("Labour charged by job type needs at least one job type."), field="jobs"
        )


@transaction.atomic
def create_fee_schedule(
    *,
    by: User,
    call_out: dict[str, Decimal],
    jobs: Sequence[tuple[str, str, Decimal]] = (),
    **fields: Any,
) -> FeeSchedule:
    """Publish a fee standard (or a new version of one) from a date on. A version may not start
    in the past unless it is the organisation's first: work already done keeps its prices."""
    schedule = FeeSchedule(**fields)
    if schedule.organisation is not None:
        ensure_visible_organisation(organisation=schedule.organisation, user=by)
    today = timezone.localdate()
    has_earlier = FeeSchedule.objects.filter(organisation=schedule.organisation).exists()
    if has_earlier and schedule.effective_from < today:
        raise BillingError(
            _("A new version takes effect today or later: prices of work done do not change."),
            field="effective_from",
        )
    schedule.full_clean()
    schedule.save()
    _save_rates(schedule, call_out=call_out, jobs=jobs)
    changes = created_changes(schedule, SCHEDULE_FIELDS)
    changes["call_out"] = [None, {zone: str(money(amount)) for zone, amount in call_out.items()}]
    if jobs:
        changes["jobs"] = [None, [f"{code} {name} {money(amount)}" for code, name, amount in jobs]]
    record_audit(
        actor=by,
        action="fee_schedule.created",
        instance=schedule,
        changes=changes,
        organisation=schedule.organisation,
    )
    return schedule


@transaction.atomic
def update_fee_schedule(
    *,
    schedule: FeeSchedule,
    by: User,
    expected_version: int | None,
    call_out: dict[str, Decimal] | None = None,
    jobs: Sequence[tuple[str, str, Decimal]] | None = None,
    **changes: Any,
) -> FeeSchedule:
    """Correct a version that has not taken effect yet; one in effect is replaced by a new
    version instead."""
    current = lock_for_update(FeeSchedule, pk=schedule.pk, expected_version=expected_version)
    if current.effective_from <= timezone.localdate():
        raise BillingError(
            _("This fee schedule is in effect: publish a new version instead of changing it."),
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    if current.effective_from < timezone.localdate():
        raise BillingError(_("A version cannot start in the past."), field="effective_from")
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    changed = diff(before, snapshot(current, list(changes)))
    if call_out is not None or jobs is not None:
        _save_rates(
            current,
            call_out=call_out
            if call_out is not None
            else {fee.zone: fee.amount for fee in current.call_out_fees.all()},
            jobs=jobs
            if jobs is not None
            else [(job.code, job.name, job.amount) for job in current.jobs.all()],
        )
        changed["rates"] = [None, _("changed")]
    record_audit(
        actor=by,
        action="fee_schedule.updated",
        instance=current,
        changes=changed,
        organisation=current.organisation,
    )
    return current


# --- charge basis -----------------------------------------------------------------------------


def _ensure_open(work_order: WorkOrder) -> None:
    if work_order.status in READ_ONLY:
        raise BillingError(
            _("The work order is %(status)s: its charges can no longer change.")
            % {"status": work_order.get_status_display()},
            code=BillingErrorCode.INVALID_TRANSITION,
        )


def _ensure_not_invoiced(work_order: WorkOrder) -> None:
    if live_invoice_of(work_order) is not None:
        raise BillingError(
            _("The work order is invoiced: void the invoice before changing its charges."),
            code=BillingErrorCode.INVALID_TRANSITION,
        )


def live_invoice_of(work_order: WorkOrder) -> Invoice | None:
    return Invoice.objects.filter(work_order=work_order).exclude(status=InvoiceStatus.VOID).first()


@transaction.atomic
def set_charge_basis(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    job_type: str = "",
    distance_km: Decimal = Decimal("0.0"),
    is_call_out_charged: bool = True,
) -> ChargeBasis:
    """Record the job type, the distance travelled and whether the call-out fee applies."""
    _require(by, BillingPermission.SET_BASIS, _("You may not change what is charged."))
    _ensure_open(work_order)
    _ensure_not_invoiced(work_order)
    job_type = job_type.strip().upper()
    schedule = schedule_of(work_order)
    if job_type and (schedule is None or not schedule.jobs.filter(code=job_type).exists()):
        raise BillingError(
            _("No job type %(code)s in the fee schedule that applies.") % {"code": job_type},
            field="job_type",
        )
    ChargeBasis.objects.get_or_create(work_order=work_order)
    current = lock_for_update(
        ChargeBasis,
        pk=ChargeBasis.objects.get(work_order=work_order).pk,
        expected_version=expected_version,
    )
    fields = ["job_type", "distance_km", "is_call_out_charged"]
    before = snapshot(current, fields)
    current.job_type = job_type
    current.distance_km = distance_km
    current.is_call_out_charged = is_call_out_charged
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="work_order.charge_basis_set",
        instance=work_order,
        changes=diff(before, snapshot(current, fields)),
        organisation=work_order.organisation,
    )
    return current


# --- quotes -----------------------------------------------------------------------------------


def _planned_uses(quote: Quote) -> list[PartUse]:
    return [
        PartUse(
            code=planned.part.code,
            name=planned.part.name,
            quantity=planned.quantity,
            unit_price=planned.part.sale_price,
            unit_cost=planned.part.unit_cost,
            is_warranty_covered=planned.part.is_warranty_covered,
        )
        for planned in quote.planned_parts.select_related("part")
    ]


def estimate_sheet(quote: Quote) -> ChargeSheet:
    """The charges the quote's planned labour and parts would make, without discounts."""
    schedule = schedule_of(quote.work_order)
    if schedule is None:
        raise BillingError(
            _("No fee schedule applies to this work order: publish one first."),
            code=BillingErrorCode.INVALID,
        )
    facts = charge_facts(
        quote.work_order,
        parts=_planned_uses(quote),
        labour_minutes=quote.labour_minutes,
        with_discounts=False,
    )
    return calculate_charges(facts, rates_of(schedule))


def _recompute(quote: Quote) -> None:
    """Rewrite the quote's lines, total and deposit from its plan."""
    sheet = estimate_sheet(quote)
    quote.lines.all().delete()
    planned = {
        planned.part.code: planned.part for planned in quote.planned_parts.select_related("part")
    }
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            kind=line.kind,
            part=planned.get(line.code) if line.kind == Kind.PART else None,
            description=describe(line),
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in sheet.customer_lines
    )
    settings_row = billing_settings()
    quote.total_amount = sheet.customer_amount
    quote.deposit_amount = required_deposit(
        list(_planned_uses(quote)),
        threshold=settings_row.expensive_part_price,
        percent=settings_row.deposit_percent,
    )


def _quote_audit(quote: Quote, *, by: User | None, action: str, changes: dict[str, Any]) -> None:
    record_audit(
        actor=by,
        action=f"quote.quote_{action}",
        instance=quote,
        changes=changes,
        organisation=quote.work_order.organisation,
    )
    # On the work order's timeline: which quote, its total and who decided, under keys of
    # their own (the quote's field names would read as the work order's).
    summary: dict[str, Any] = {
        "quote": [None, quote.number],
        "quote_total": [None, str(quote.total_amount)],
    }
    if quote.customer_name:
        summary["quote_customer"] = [None, quote.customer_name]
    if quote.decline_reason:
        summary["quote_reason"] = [None, quote.decline_reason]
    record_audit(
        actor=by,
        action=f"work_order.quote_{action}",
        instance=quote.work_order,
        changes=summary,
        organisation=quote.work_order.organisation,
    )


@transaction.atomic
def prepare_quote(
    *, work_order: WorkOrder, by: User, labour_minutes: int = 0, note: str = ""
) -> Quote:
    """Start an estimate (维修估价) for the work order; an earlier open one is withdrawn."""
    _require(by, BillingPermission.PREPARE_QUOTE, _("You may not prepare quotes."))
    _ensure_open(work_order)
    if not work_order.is_open:
        raise BillingError(_("The work order is no longer open."))
    for earlier in Quote.objects.select_for_update().filter(
        work_order=work_order, status__in=OPEN_QUOTE_STATUSES
    ):
        apply_quote_action(quote=earlier, action_name="withdraw", by=by)
        save_versioned(earlier, expected_version=earlier.version, fields=["status"])
    quote = Quote(
        number=next_number(document_type="quote"),
        work_order=work_order,
        labour_minutes=labour_minutes,
        note=note.strip(),
        created_by=by,
    )
    quote.full_clean(exclude=["number"])
    quote.save()
    _recompute(quote)
    quote.save(update_fields=["total_amount", "deposit_amount"])
    _quote_audit(
        quote,
        by=by,
        action="prepared",
        changes={
            "labour_minutes": [None, labour_minutes],
            "total_amount": [None, str(quote.total_amount)],
        },
    )
    return quote


def _lock_draft(quote: Quote, expected_version: int | None) -> Quote:
    current = lock_for_update(Quote, pk=quote.pk, expected_version=expected_version)
    if current.status != QuoteStatus.DRAFT:
        raise BillingError(
            _("Only a draft quote can change; prepare a new one."),
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    return current


@transaction.atomic
def plan_quote_part(
    *, quote: Quote, by: User, expected_version: int | None, part: Part, quantity: int
) -> Quote:
    """Add a part to the estimate (or change its quantity; 0 removes it)."""
    _require(by, BillingPermission.PREPARE_QUOTE, _("You may not prepare quotes."))
    current = _lock_draft(quote, expected_version)
    if quantity < 0 or quantity > 9999:
        raise BillingError(_("The quantity must be between 0 and 9999."), field="quantity")
    if quantity == 0:
        current.planned_parts.filter(part=part).delete()
    else:
        if not part.is_active:
            raise BillingError(
                _("The part %(part)s is no longer in the catalogue.") % {"part": part},
                field="part",
            )
        QuotePart.objects.update_or_create(
            quote=current, part=part, defaults={"quantity": quantity}
        )
    before = snapshot(current, ["total_amount", "deposit_amount"])
    _recompute(current)
    save_versioned(
        current, expected_version=current.version, fields=["total_amount", "deposit_amount"]
    )
    changes = diff(before, snapshot(current, ["total_amount", "deposit_amount"]))
    changes["part"] = [None, f"{part.code} × {quantity}"]
    record_audit(
        actor=by,
        action="quote.part_planned",
        instance=current,
        changes=changes,
        organisation=current.work_order.organisation,
    )
    return current


@transaction.atomic
def update_quote(
    *, quote: Quote, by: User, expected_version: int | None, labour_minutes: int, note: str = ""
) -> Quote:
    """Change the estimate's labour and note while it is a draft."""
    _require(by, BillingPermission.PREPARE_QUOTE, _("You may not prepare quotes."))
    current = _lock_draft(quote, expected_version)
    fields = ["labour_minutes", "note", "total_amount", "deposit_amount"]
    before = snapshot(current, fields)
    current.labour_minutes = labour_minutes
    current.note = note.strip()
    current.full_clean()
    _recompute(current)
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="quote.updated",
        instance=current,
        changes=diff(before, snapshot(current, fields)),
        organisation=current.work_order.organisation,
    )
    return current


@transaction.atomic
def send_quote(*, quote: Quote, by: User, expected_version: int | None) -> Quote:
    """Fix the estimate and put it to the customer, valid for the configured number of days."""
    current = lock_for_update(Quote, pk=quote.pk, expected_version=expected_version)
    _recompute(current)
    if current.total_amount <= 0:
        raise BillingError(
            _("Nothing in this estimate is charged to the customer: no quote is needed.")
        )
    fields = ["status", "sent_at", "valid_until", "total_amount", "deposit_amount"]
    before = snapshot(current, fields)
    apply_quote_action(quote=current, action_name="send", by=by)
    current.sent_at = timezone.now()
    current.valid_until = timezone.localdate() + datetime.timedelta(
        days=billing_settings().quote_validity_days
    )
    save_versioned(current, expected_version=current.version, fields=fields)
    _quote_audit(current, by=by, action="sent", changes=diff(before, snapshot(current, fields)))
    return current


def quote_token(quote: Quote) -> str:
    """The signed token of the customer's link to the quote."""
    return signing.dumps({"quote": quote.pk}, salt=QUOTE_LINK_SALT, compress=True)


def quote_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=QUOTE_LINK_SALT)
    except signing.BadSignature:
        return None
    quote_id = value.get("quote") if isinstance(value, dict) else None
    return quote_id if isinstance(quote_id, int) else None


def _tell_about_decision(quote: Quote) -> None:
    order = quote.work_order
    recipients = {
        user.pk: user for user in (order.technician, quote.created_by) if user is not None
    }
    queue_notification(
        recipients=list(recipients.values()),
        template_code="quote_decided",
        context={
            "quote": quote.number,
            "number": order.number,
            "customer": str(order.customer),
            "total": str(quote.total_amount),
            "decision": quote.get_status_display(),
            "reason": quote.decline_reason,
        },
        link=order.get_absolute_url(),
        dedupe_key=f"quote_decided:{quote.pk}",
        organisation=order.organisation,
    )


@transaction.atomic
def decide_quote(
    *,
    quote: Quote,
    accepted: bool,
    by: User | None,
    expected_version: int | None,
    customer_name: str = "",
    reason: str = "",
) -> Quote:
    """The customer accepts or declines the quote: on their signed link (`by` None) or told to
    staff, who record it. A quote past its validity can no longer be accepted."""
    current = lock_for_update(Quote, pk=quote.pk, expected_version=expected_version)
    if not customer_name.strip():
        raise BillingError(_("Give the name of the person deciding."), field="customer_name")
    if (
        current.status == QuoteStatus.SENT
        and current.valid_until is not None
        and current.valid_until < timezone.localdate()
    ):
        raise BillingError(
            _("The quote expired on %(date)s: ask for a new one.")
            % {"date": current.valid_until.isoformat()},
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    if current.work_order.status in READ_ONLY:
        raise BillingError(_("The work order is closed."), code=BillingErrorCode.INVALID_TRANSITION)
    fields = [
        "status",
        "decided_at",
        "decision_channel",
        "decided_by",
        "customer_name",
        "decline_reason",
    ]
    before = snapshot(current, fields)
    apply_quote_action(quote=current, action_name="accept" if accepted else "decline", by=by)
    current.decided_at = timezone.now()
    current.decision_channel = DecisionChannel.PORTAL if by is None else DecisionChannel.STAFF
    current.decided_by = by
    current.customer_name = customer_name.strip()
    current.decline_reason = "" if accepted else reason.strip()
    save_versioned(current, expected_version=current.version, fields=fields)
    _quote_audit(
        current,
        by=by,
        action="accepted" if accepted else "declined",
        changes=diff(before, snapshot(current, fields)),
    )
    _tell_about_decision(current)
    return current


@transaction.atomic
def withdraw_quote(*, quote: Quote, by: User, expected_version: int | None) -> Quote:
    current = lock_for_update(Quote, pk=quote.pk, expected_version=expected_version)
    apply_quote_action(quote=current, action_name="withdraw", by=by)
    save_versioned(current, expected_version=current.version, fields=["status"])
    _quote_audit(current, by=by, action="withdrawn", changes={"status": ["", current.status]})
    return current


def expire_quotes(*, today: datetime.date | None = None) -> int:
    """Mark sent quotes past their validity as expired; safe to run any number of times."""
    day = today or timezone.localdate()
    expired = 0
    for quote_id in Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=day).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            current = Quote.objects.select_for_update().get(pk=quote_id)
            if current.status != QuoteStatus.SENT:
                continue
            apply_quote_action(quote=current, action_name="expire", by=None)
            save_versioned(current, expected_version=current.version, fields=["status"])
            _quote_audit(
                current, by=None, action="expired", changes={"status": ["sent", "expired"]}
            )
            expired += 1
    return expired


# --- discounts and waivers --------------------------------------------------------------------


def limit_covers(user: User, *, amount: Decimal, percent: Decimal) -> bool:
    """Whether the user's role may grant a reduction of `amount` (`percent` of the charges)."""
    if user.is_superuser:
        return True
    if not user.has_perm(BillingPermission.APPROVE_ADJUSTMENT):
        return False
    limit = ApprovalLimit.objects.filter(role=user.role).first()
    if limit is None:
        return False
    if limit.max_amount is not None and amount > limit.max_amount:
        return False
    return limit.max_percent is None or percent <= limit.max_percent


def _approvers_for(work_order: WorkOrder, *, amount: Decimal, percent: Decimal) -> list[User]:
    """People of the handling organisation or above whose limit covers the reduction."""
    lineage = [
        int(part) for part in work_order.handling_organisation.path.strip("/").split("/") if part
    ]
    roles = [
        limit.role
        for limit in ApprovalLimit.objects.all()
        if (limit.max_amount is None or amount <= limit.max_amount)
        and (limit.max_percent is None or percent <= limit.max_percent)
    ]
    people = User.objects.filter(is_active=True, role__in=roles, organisation_id__in=lineage)
    return [person for person in people if limit_covers(person, amount=amount, percent=percent)]


def _adjustment_context(adjustment: Adjustment, **extra: Any) -> dict[str, Any]:
    order = adjustment.work_order
    return {
        "number": order.number,
        "customer": str(order.customer),
        "kind": adjustment.get_kind_display(),
        "amount": str(adjustment.amount),
        "reason": adjustment.reason,
        "by": str(adjustment.requested_by),
        **extra,
    }


@transaction.atomic
def request_adjustment(
    *,
    work_order: WorkOrder,
    by: User,
    kind: str,
    reason: str,
    amount: Decimal | None = None,
) -> Adjustment:
    """Ask to lower (降低) or waive (免收) the charges (001 第四篇 十: only with the competent
    manager's approval). Within the requester's own limit it applies at once; above it, it
    waits for someone whose limit covers it and is not applied until then."""
    _require(by, BillingPermission.REQUEST_ADJUSTMENT, _("You may not ask for discounts."))
    if kind not in AdjustmentKind.values:
        raise BillingError(_("Choose a discount or a waiver."), field="kind")
    if not reason.strip():
        raise BillingError(_("Say why the charges are lowered."), field="reason")
    WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    _ensure_open(work_order)
    _ensure_not_invoiced(work_order)
    sheet = charge_sheet_for(work_order)
    base = sheet.due_amount if sheet is not None else ZERO
    pending = (
        Adjustment.objects.filter(
            work_order=work_order, status=AdjustmentStatus.REQUESTED
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    room = money(base - pending)
    if base <= 0 or room <= 0:
        raise BillingError(_("Nothing is left to discount on this work order."), field="amount")
    if kind == AdjustmentKind.WAIVER:
        amount = room
    if amount is None or amount <= 0:
        raise BillingError(_("Give the amount of the discount."), field="amount")
    amount = money(amount)
    if amount > room:
        raise BillingError(
            _("The discount cannot exceed the %(room)s yuan still charged.") % {"room": room},
            field="amount",
        )
    adjustment = Adjustment(
        work_order=work_order,
        kind=kind,
        amount=amount,
        base_amount=base,
        reason=reason.strip(),
        requested_by=by,
    )
    adjustment.full_clean()
    adjustment.save()
    changes: dict[str, Any] = {"adjustment": [None, f"{adjustment.get_kind_display()} {amount}"]}
    if limit_covers(by, amount=amount, percent=adjustment.percent):
        apply_adjustment_action(adjustment=adjustment, action_name="approve", by=by)
        adjustment.decided_by = by
        adjustment.decided_at = timezone.now()
        adjustment.save(update_fields=["status", "decided_by", "decided_at"])
        changes["status"] = [None, adjustment.status]
    else:
        approvers = _approvers_for(work_order, amount=amount, percent=adjustment.percent)
        queue_notification(
            recipients=approvers,
            template_code="adjustment_requested",
            context=_adjustment_context(adjustment),
            link=work_order.get_absolute_url(),
            dedupe_key=f"adjustment_requested:{adjustment.pk}",
            organisation=work_order.organisation,
        )
    record_audit(
        actor=by,
        action="work_order.adjustment_requested",
        instance=work_order,
        changes=changes,
        organisation=work_order.organisation,
    )
    return adjustment


@transaction.atomic
def decide_adjustment(
    *,
    adjustment: Adjustment,
    by: User,
    expected_version: int | None,
    approve: bool,
    note: str = "",
) -> Adjustment:
    """Approve (only within the approver's limit) or reject (with a reason) a reduction."""
    current = lock_for_update(Adjustment, pk=adjustment.pk, expected_version=expected_version)
    if approve:
        _ensure_not_invoiced(current.work_order)
        if not limit_covers(by, amount=current.amount, percent=current.percent):
            raise BillingError(
                _(
                    "A %(kind)s of %(amount)s yuan (%(percent)s %%) is above what your role may "
                    "approve."
                )
                % {
                    "kind": current.get_kind_display(),
                    "amount": current.amount,
                    "percent": current.percent,
                },
                code=BillingErrorCode.ABOVE_LIMIT,
            )
    elif not note.strip():
        raise BillingError(_("Say why the request is rejected."), field="note")
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    before = snapshot(current, fields)
    apply_adjustment_action(
        adjustment=current, action_name="approve" if approve else "reject", by=by
    )
    current.decided_by = by
    current.decided_at = timezone.now()
    current.decision_note = note.strip()
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="work_order.adjustment_decided",
        instance=current.work_order,
        changes={
            "adjustment": [None, f"{current.get_kind_display()} {current.amount}"],
            **diff(before, snapshot(current, ["status"])),
        },
        organisation=current.work_order.organisation,
    )
    queue_notification(
        recipients=[current.requested_by],
        template_code="adjustment_decided",
        context=_adjustment_context(
            current, decision=current.get_status_display(), note=current.decision_note
        ),
        link=current.work_order.get_absolute_url(),
        dedupe_key=f"adjustment_decided:{current.pk}",
        organisation=current.work_order.organisation,
    )
    return current


@transaction.atomic
def cancel_adjustment(
    *, adjustment: Adjustment, by: User, expected_version: int | None
) -> Adjustment:
    current = lock_for_update(Adjustment, pk=adjustment.pk, expected_version=expected_version)
    if current.requested_by_id != by.pk and not by.has_perm(BillingPermission.APPROVE_ADJUSTMENT):
        raise BillingError(
            _("Only whoever asked for it cancels a request."), code=BillingErrorCode.NOT_ALLOWED
        )
    apply_adjustment_action(adjustment=current, action_name="cancel", by=by)
    save_versioned(current, expected_version=current.version, fields=["status"])
    record_audit(
        actor=by,
        action="work_order.adjustment_cancelled",
        instance=current.work_order,
        changes={"adjustment": [f"{current.get_kind_display()} {current.amount}", None]},
        organisation=current.work_order.organisation,
    )
    return current


# --- payments ---------------------------------------------------------------------------------


def _paid_towards(work_order: WorkOrder) -> Decimal:
    return money(work_order.payments.aggregate(total=Sum("amount"))["total"] or ZERO)


def _refresh_invoice(invoice: Invoice, *, by: User | None) -> Invoice:
    """Sum the invoice's payments; it becomes paid once they cover it (or issued again)."""
    paid = money(invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO)
    fields = ["paid_amount", "paid_at", "status"]
    before = snapshot(invoice, fields)
    invoice.paid_amount = paid
    if invoice.status == InvoiceStatus.ISSUED and paid >= invoice.total_amount:
        apply_invoice_action(invoice=invoice, action_name="pay", by=None)
        invoice.paid_at = timezone.now()
    elif invoice.status == InvoiceStatus.PAID and paid < invoice.total_amount:
        apply_invoice_action(invoice=invoice, action_name="reopen", by=None)
        invoice.paid_at = None
    if before != snapshot(invoice, fields):
        save_versioned(invoice, expected_version=invoice.version, fields=fields)
        record_audit(
            actor=by,
            action="invoice.payment_applied",
            instance=invoice,
            changes=diff(before, snapshot(invoice, fields)),
            organisation=invoice.organisation,
        )
    return invoice


@transaction.atomic
def record_payment(
    *,
    by: User,
    amount: Decimal,
    method: str,
    kind: str = PaymentKind.PAYMENT,
    work_order: WorkOrder | None = None,
    invoice: Invoice | None = None,
    collected_on_site: bool = False,
    collected_by: User | None = None,
    received_at: datetime.datetime | None = None,
    reference: str = "",
    note: str = "",
) -> Payment:
    """Record money received. On site, the technician collects it and holds it until handed
    over; cash on site only up to the configured limit (larger charges are invoiced and
    collected afterwards, 001 第四篇 十). A payment never exceeds what is still owed."""
    _require(by, BillingPermission.RECORD_PAYMENT, _("You may not record payments."))
    if kind not in PaymentKind.values:
        raise BillingError(_("Choose a deposit or a payment."), field="kind")
    if method not in PaymentMethod.values:
        raise BillingError(_("Choose how it was paid."), field="method")
    amount = money(amount)
    if amount <= 0:
        raise BillingError(_("The amount must be positive."), field="amount")
    if invoice is None and work_order is None:
        raise BillingError(_("Name the work order or the invoice paid."), field="work_order")
    if invoice is not None:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status == InvoiceStatus.VOID:
            raise BillingError(_("The invoice is void."), field="invoice")
        if work_order is not None and invoice.work_order_id not in (None, work_order.pk):
            raise BillingError(_("The invoice is for another work order."), field="invoice")
        work_order = work_order or invoice.work_order
    if work_order is not None:
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if invoice is None and kind == PaymentKind.PAYMENT:
            invoice = live_invoice_of(work_order)
    if kind == PaymentKind.DEPOSIT and work_order is None:
        raise BillingError(_("A deposit is taken for a work order."), field="work_order")
    settings_row = billing_settings()
    if collected_on_site:
        collected_by = collected_by or by
        if method == PaymentMethod.CASH and amount > settings_row.on_site_cash_limit:
            raise BillingError(
                _(
                    "Cash collected on site is limited to %(limit)s yuan: issue an invoice and "
                    "collect the rest afterwards."
                )
                % {"limit": settings_row.on_site_cash_limit},
                field="amount",
            )
    else:
        collected_by = None
    owed = _still_owed(work_order=work_order, invoice=invoice, kind=kind)
    if amount > owed:
        raise BillingError(_("Only %(owed)s yuan is still owed.") % {"owed": owed}, field="amount")
    customer = invoice.customer if invoice is not None else work_order.customer  # type: ignore[union-attr]
    organisation: Organisation = (
        invoice.organisation if invoice is not None else work_order.handling_organisation  # type: ignore[union-attr]
    )
    payment = Payment(
        number=next_number(document_type="payment"),
        organisation=organisation,
        customer=customer,
        work_order=work_order,
        invoice=invoice,
        kind=kind,
        method=method,
        amount=amount,
        received_at=received_at or timezone.now(),
        collected_by=collected_by,
        recorded_by=by,
        reference=reference.strip(),
        note=note.strip(),
    )
    payment.full_clean(exclude=["number"])
    payment.save()
    target = work_order or invoice
    record_audit(
        actor=by,
        action="work_order.payment_recorded"
        if work_order is not None
        else "invoice.payment_recorded",
        instance=target,  # type: ignore[arg-type]
        changes={
            "payment": [None, f"{payment.number} {payment.get_kind_display()} {amount}"],
            **({"collected_by": [None, str(collected_by)]} if collected_by else {}),
        },
        organisation=organisation,
    )
    if invoice is not None:
        _refresh_invoice(invoice, by=by)
    return payment


def _still_owed(*, work_order: WorkOrder | None, invoice: Invoice | None, kind: str) -> Decimal:
    if invoice is not None:
        return invoice.total_amount - invoice.paid_amount
    assert work_order is not None  # noqa: S101 - the caller checked
    if kind == PaymentKind.DEPOSIT:
        quote = (
            Quote.objects.filter(work_order=work_order, status=QuoteStatus.ACCEPTED)
            .order_by("-id")
            .first()
        )
        ceiling = quote.total_amount if quote is not None else ZERO
    else:
        sheet = charge_sheet_for(work_order)
        ceiling = sheet.due_amount if sheet is not None else ZERO
    return max(ZERO, ceiling - _paid_towards(work_order))


@transaction.atomic
def hand_over_cash(
    *, technician: User, payments: Sequence[Payment], by: User, note: str = ""
) -> CashHandover:
    """The accountant receives what a technician collected on site (收款交予财务)."""
    _require(by, BillingPermission.RECEIVE_HANDOVER, _("You may not receive handovers."))
    if not payments:
        raise BillingError(_("Choose the payments handed over."), field="payments")
    ids = [payment.pk for payment in payments]
    locked = list(Payment.objects.select_for_update().filter(pk__in=ids).order_by("id"))
    wrong = [
        payment.number
        for payment in locked
        if payment.collected_by_id != technician.pk or payment.handover_id is not None
    ]
    if wrong or len(locked) != len(set(ids)):
        raise BillingError(
            _("These are not held by %(name)s: %(numbers)s")
            % {"name": technician, "numbers": ", ".join(wrong) or "—"},
            field="payments",
        )
    organisation = locked[0].organisation
    handover = CashHandover.objects.create(
        technician=technician,
        received_by=by,
        organisation=organisation,
        at=timezone.now(),
        total_amount=sum((payment.amount for payment in locked), ZERO),
        note=note.strip(),
    )
    Payment.objects.filter(pk__in=ids).update(handover=handover)
    record_audit(
        actor=by,
        action="cash_handover.received",
        instance=handover,
        changes={
            "payments": [None, [payment.number for payment in locked]],
            "total_amount": [None, str(handover.total_amount)],
        },
        organisation=organisation,
    )
    return handover


# --- invoices ---------------------------------------------------------------------------------


def invoice_lines(sheet: ChargeSheet, *, rate_percent: Decimal) -> list[InvoiceLine]:
    """The customer's lines, each split into net amount and tax (unsaved); the total of the
    lines is exactly what the customer owes."""
    lines = []
    for line in sheet.lines:
        if line.payer != "customer" or line.amount == ZERO:
            continue
        split = split_tax(line.amount, rate_percent=rate_percent)
        lines.append(
            InvoiceLine(
                kind=LineKind(line.kind),
                description=describe(line)[:200],
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                net_amount=split.net,
                tax_amount=split.tax,
            )
        )
    return lines


@transaction.atomic
def issue_invoice(
    *,
    work_order: WorkOrder,
    by: User,
    buyer_name: str = "",
    buyer_tax_number: str = "",
) -> Invoice:
    """Invoice the work order's charges (after the repair, 001 第五篇); money already received
    for it (deposit, on-site collection) counts towards the invoice."""
    _require(by, BillingPermission.ISSUE_INVOICE, _("You may not issue invoices."))
    order = WorkOrder.objects.select_for_update().select_related("customer").get(pk=work_order.pk)
    if order.status not in INVOICEABLE:
        raise BillingError(
            _("A work order is invoiced once the work is done; this one is %(status)s.")
            % {"status": order.get_status_display()},
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    if live_invoice_of(order) is not None:
        raise BillingError(_("This work order already has an invoice."))
    sheet = charge_sheet_for(order)
    if sheet is None or sheet.due_amount <= 0:
        raise BillingError(_("Nothing is charged to the customer on this work order."))
    rate = billing_settings().tax_rate_percent
    lines = invoice_lines(sheet, rate_percent=rate)
    now = timezone.now()
    invoice = Invoice(
        number=next_number(document_type="invoice", at=now),
        organisation=order.handling_organisation,
        customer=order.customer,
        work_order=order,
        buyer_name=buyer_name.strip() or order.customer.name,
        buyer_tax_number=buyer_tax_number.strip().upper(),
        issued_at=now,
        issued_by=by,
        due_on=timezone.localdate(now)
        + datetime.timedelta(days=billing_settings().payment_terms_days),
        tax_rate_percent=rate,
        net_amount=sum((line.net_amount for line in lines), ZERO),
        tax_amount=sum((line.tax_amount for line in lines), ZERO),
        total_amount=sum((line.amount for line in lines), ZERO),
    )
    invoice.full_clean(exclude=["number"])
    invoice.save()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    order.payments.filter(invoice__isnull=True).update(invoice=invoice)
    record_audit(
        actor=by,
        action="invoice.issued",
        instance=invoice,
        changes={
            "total_amount": [None, str(invoice.total_amount)],
            "tax_amount": [None, str(invoice.tax_amount)],
            "work_order": [None, order.number],
        },
        organisation=invoice.organisation,
    )
    record_audit(
        actor=by,
        action="work_order.invoiced",
        instance=order,
        changes={"invoice": [None, invoice.number]},
        organisation=order.organisation,
    )
    return _refresh_invoice(invoice, by=by)


@transaction.atomic
def void_invoice(
    *, invoice: Invoice, by: User, expected_version: int | None, reason: str
) -> Invoice:
    """Cancel an unpaid invoice (作废) with a reason; money received for its work order stays
    with the work order and counts towards the next invoice."""
    if not reason.strip():
        raise BillingError(_("Say why the invoice is voided."), field="reason")
    current = lock_for_update(Invoice, pk=invoice.pk, expected_version=expected_version)
    if current.payments.filter(work_order__isnull=True).exists():
        raise BillingError(
            _("Payments were received against this invoice alone: it cannot be voided."),
            code=BillingErrorCode.INVALID_TRANSITION,
        )
    fields = ["status", "voided_at", "voided_by", "void_reason", "paid_amount"]
    before = snapshot(current, fields)
    apply_invoice_action(invoice=current, action_name="void", by=by)
    current.voided_at = timezone.now()
    current.voided_by = by
    current.void_reason = reason.strip()
    current.paid_amount = ZERO
    current.payments.update(invoice=None)
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="invoice.voided",
        instance=current,
        changes=diff(before, snapshot(current, fields)),
        organisation=current.organisation,
    )
    return current
