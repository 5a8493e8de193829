"""Writes on work orders: registering a call, every lifecycle action, labour and parts lines,
the customer's signature, attachments. Each runs in one transaction, checks the version the
user read (optimistic locking) and leaves an audit entry that the order's timeline shows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment
from shouhou.billing.rules import ensure_repair_may_proceed
from shouhou.contracts.selectors import contracts_in_force_for
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, User
from shouhou.core.numbering import next_number
from shouhou.core.scoping import visible_organisations
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Customer, Site
from shouhou.customers.selectors import customers_visible_to
from shouhou.feedback.services import invite_after_close
from shouhou.notify.services import queue_notification
from shouhou.parts.models import Part, Warehouse
from shouhou.parts.services import issue_for_part_line, record_old_part, van_of
from shouhou.sla.services import sync_clocks
from shouhou.tickets.errors import TicketError, TicketErrorCode
from shouhou.tickets.models import (
    Attachment,
    AttachmentKind,
    CarryInReceipt,
    GoodsDirection,
    GoodsMovement,
    LabourLine,
    PartLine,
    ResolutionMode,
    ServiceCategory,
    ServiceVoucher,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.permissions import TicketPermission
from shouhou.tickets.rules import decide_warranty, default_category
from shouhou.tickets.workflow import (
    ACTIONS,
    HOLDING_GOODS,
    MODE_CHANGES,
    READ_ONLY,
    apply_transition,
    may_record_work,
)

REGISTERED_FIELDS = [
    "number",
    "customer",
    "equipment",
    "site",
    "product_model",
    "reported_serial",
    "contact_name",
    "contact_phone",
    "address",
    "zone",
    "symptom",
    "channel",
    "priority",
    "service_category",
    "resolution_mode",
    "is_in_warranty",
    "warranty_note",
    "contract",
    "handling_organisation",
    "reported_at",
    "promised_at",
]
EDITABLE_FIELDS = frozenset(
    {
        "contact_name",
        "contact_phone",
        "address",
        "zone",
        "symptom",
        "priority",
        "promised_at",
        "product_model",
        "reported_serial",
    }
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ATTACHMENT_TYPES = {
    "image/jpeg": AttachmentKind.PHOTO,
    "image/png": AttachmentKind.PHOTO,
    "application/pdf": AttachmentKind.DOCUMENT,
}
ATTACHMENT_MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (PNG_MAGIC,),
    "application/pdf": (b"%PDF-",),
}


def _default_handling_organisation(
    *, by: User | None, equipment: Equipment | None, customer: Customer
) -> Organisation:
    if equipment is not None and equipment.serving_provider is not None:
        return equipment.serving_provider
    if by is not None and by.organisation is not None:
        return by.organisation
    return customer.organisation


@transaction.atomic
def register_work_order(
    *,
    by: User | None,
    customer: Customer,
    symptom: str,
    contact_name: str,
    contact_phone: str,
    address: str = "",
    equipment: Equipment | None = None,
    site: Site | None = None,
    has_purchase_proof: bool | None = None,
    is_human_damage: bool = False,
    handling_organisation: Organisation | None = None,
    reported_at: datetime.datetime | None = None,
    **fields: Any,
) -> WorkOrder:
    """Register a repair call (叫修登记): the warranty status and the default service category
    are decided from the unit, its contracts and what the caller says."""
    if equipment is not None and equipment.customer_id != customer.pk:
        raise TicketError(_("The equipment belongs to another customer."), field="equipment")
    site = site or (equipment.site if equipment is not None else None)
    if site is not None and site.customer_id != customer.pk:
        raise TicketError(_("The site belongs to another customer."), field="site")
    # The customer, not its organisation: a service centre may register calls for the units it
    # serves at a client organisation outside its own subtree.
    if by is not None and not customers_visible_to(user=by).filter(pk=customer.pk).exists():
        raise TicketError(_("You cannot register calls for this customer."), field="customer")
    product_model = fields.pop("product_model", None)
    reported_serial = fields.pop("reported_serial", "")
    handler = handling_organisation or _default_handling_organisation(
        by=by, equipment=equipment, customer=customer
    )
    if handling_organisation is not None:
        ensure_visible_organisation(organisation=handling_organisation, user=by)
    moment = reported_at or timezone.now()
    day = timezone.localdate(moment)
    if has_purchase_proof is None:
        has_purchase_proof = equipment.has_purchase_proof if equipment is not None else True
    warranty = decide_warranty(
        equipment=equipment,
        on=day,
        has_purchase_proof=has_purchase_proof,
        is_human_damage=is_human_damage,
    )
    contracts = contracts_in_force_for(equipment=equipment, on=day) if equipment else []
    contract = contracts[0] if contracts else None
    category = fields.pop("service_category", None) or default_category(
        warranty=warranty, contract=contract
    )
    work_order = WorkOrder(
        number=next_number(document_type="work_order", at=moment),
        organisation=customer.organisation,
        handling_organisation=handler,
        customer=customer,
        equipment=equipment,
        site=site,
        product_model=equipment.product_model if equipment is not None else product_model,
        reported_serial=equipment.serial if equipment is not None else reported_serial,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address or (site.address if site is not None else customer.address),
        zone=fields.pop("zone", None) or (site.zone if site is not None else "urban"),
        symptom=symptom,
        service_category=category,
        is_in_warranty=warranty.is_in_warranty,
        warranty_note=warranty.note,
        has_purchase_proof=has_purchase_proof,
        is_human_damage=is_human_damage,
        contract=contract,
        registered_by=by if by is not None and by.pk else None,
        reported_at=moment,
        **fields,
    )
    work_order.full_clean(exclude=["number"])
    work_order.save()
    record_audit(
        actor=by,
        action="work_order.registered",
        instance=work_order,
        changes=created_changes(work_order, REGISTERED_FIELDS),
        organisation=work_order.organisation,
    )
    sync_clocks(order=work_order)
    return work_order


def _lock(work_order: WorkOrder, expected_version: int | None) -> WorkOrder:
    return lock_for_update(WorkOrder, pk=work_order.pk, expected_version=expected_version)


def _ensure_editable(work_order: WorkOrder) -> None:
    if work_order.status in READ_ONLY:
        raise TicketError(
            _("The work order is %(status)s: it can no longer be changed.")
            % {"status": work_order.get_status_display()},
            code=TicketErrorCode.READ_ONLY,
        )


def _save_and_audit(
    current: WorkOrder,
    *,
    by: User,
    action: str,
    before: dict[str, Any],
    fields: list[str],
    extra: dict[str, Any] | None = None,
) -> WorkOrder:
    save_versioned(current, expected_version=current.version, fields=fields)
    changes = diff(before, snapshot(current, fields))
    changes.update(extra or {})
    record_audit(
        actor=by,
        action=action,
        instance=current,
        changes=changes,
        organisation=current.organisation,
    )
    sync_clocks(order=current)
    return current


# Fields that every transition may change besides those it names.
TRANSITION_FIELDS = ["status", "resume_status"]


def _transition(
    work_order: WorkOrder,
    *,
    action: str | Callable[[WorkOrder], str],
    by: User,
    expected_version: int | None,
    changes: dict[str, Any] | Callable[[WorkOrder], dict[str, Any]] | None = None,
    check: Callable[[WorkOrder], None] | None = None,
    extra_audit: dict[str, Any] | None = None,
) -> WorkOrder:
    """Lock the row, then decide on the locked, current order (never on the caller's copy,
    which may be stale): which action, which changes, whether a rule refuses."""
    current = _lock(work_order, expected_version)
    if check is not None:
        check(current)
    name = action(current) if callable(action) else action
    values = (changes(current) if callable(changes) else changes) or {}
    stamp = ACTIONS[name].stamp if name in ACTIONS else None
    fields = [*TRANSITION_FIELDS, *values, *([stamp] if stamp else [])]
    before = snapshot(current, fields)
    apply_transition(work_order=current, action_name=name, by=by)
    for field, value in values.items():
        setattr(current, field, value)
    current.full_clean(exclude=["number"])
    return _save_and_audit(
        current,
        by=by,
        action=f"work_order.{name}",
        before=before,
        fields=fields,
        extra=extra_audit,
    )


@transaction.atomic
def update_work_order(
    *, work_order: WorkOrder, by: User, expected_version: int | None, **changes: Any
) -> WorkOrder:
    """Correct what the caller said (contact, address, zone, symptom, priority, promised time)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TicketError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    current = _lock(work_order, expected_version)
    _ensure_editable(current)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean(exclude=["number"])
    return _save_and_audit(
        current, by=by, action="work_order.updated", before=before, fields=list(changes)
    )


@transaction.atomic
def change_service_category(
    *, work_order: WorkOrder, by: User, expected_version: int | None, category: str, reason: str
) -> WorkOrder:
    """Change the service category (A–D) away from its default; a reason is required."""
    if not reason.strip():
        raise TicketError(_("Say why the category changes."), field="reason")
    if category not in ServiceCategory.values:
        raise TicketError(_("Unknown service category."), field="category")
    current = _lock(work_order, expected_version)
    _ensure_editable(current)
    fields = ["service_category", "category_reason"]
    before = snapshot(current, fields)
    current.service_category = category
    current.category_reason = reason.strip()
    return _save_and_audit(
        current, by=by, action="work_order.category_changed", before=before, fields=fields
    )


@transaction.atomic
def change_resolution_mode(
    *, work_order: WorkOrder, by: User, expected_version: int | None, mode: str
) -> WorkOrder:
    """Change how the call is resolved while that still makes sense for its status."""
    current = _lock(work_order, expected_version)
    allowed_modes = MODE_CHANGES.get(WorkOrderStatus(current.status), frozenset())
    if mode not in allowed_modes:
        raise TicketError(
            _("The resolution mode cannot become %(mode)s while the work order is %(status)s.")
            % {
                "mode": ResolutionMode(mode).label if mode in ResolutionMode.values else mode,
                "status": current.get_status_display(),
            },
            code=TicketErrorCode.INVALID_TRANSITION,
            field="mode",
        )
    fields = ["resolution_mode"]
    before = snapshot(current, fields)
    current.resolution_mode = mode
    return _save_and_audit(
        current, by=by, action="work_order.mode_changed", before=before, fields=fields
    )


@transaction.atomic
def dispatch_work_order(
    *, work_order: WorkOrder, technician: User, by: User, expected_version: int | None
) -> WorkOrder:
    """Assign (or reassign) the technician (派工)."""
    organisations = visible_organisations(technician)
    handler_visible = (
        organisations is None
        or organisations.filter(pk=work_order.handling_organisation_id).exists()
    )
    if (
        not technician.is_active
        or not technician.has_perm("tickets.work_workorder")
        or not handler_visible
    ):
        raise TicketError(
            _("%(name)s cannot work on this work order.") % {"name": technician},
            field="technician",
        )
    current = _transition(
        work_order,
        # A dispatch before the visit; in the workshop or while waiting only the person changes.
        action=lambda order: (
            "dispatch" if order.status in ACTIONS["dispatch"].sources else "assign"
        ),
        by=by,
        expected_version=expected_version,
        changes={"technician": technician},
    )
    queue_notification(
        recipients=[technician],
        template_code="work_order_dispatched",
        context=_message_context(current),
        link=current.get_absolute_url(),
        dedupe_key=f"dispatched:{current.pk}:{current.version}",
        organisation=current.organisation,
    )
    return current


def _message_context(order: WorkOrder, **extra: Any) -> dict[str, Any]:
    return {
        "number": order.number,
        "customer": str(order.customer),
        "address": order.address,
        "symptom": order.symptom,
        **extra,
    }


def _simple(action: str) -> Callable[..., WorkOrder]:
    @transaction.atomic
    def perform(*, work_order: WorkOrder, by: User, expected_version: int | None) -> WorkOrder:
        return _transition(work_order, action=action, by=by, expected_version=expected_version)

    perform.__name__ = f"{action}_work_order"
    perform.__doc__ = f"Perform the lifecycle action “{action}” (see workflow.ACTIONS)."
    return perform


accept_work_order = _simple("accept")
depart_work_order = _simple("depart")
arrive_work_order = _simple("arrive")
start_repair = _simple("start_repair")
request_inspection = _simple("request_inspection")
resume_work_order = _simple("resume")


@transaction.atomic
def resolve_work_order(
    *, work_order: WorkOrder, by: User, expected_version: int | None, work_done: str
) -> WorkOrder:
    """Record the fix, by phone or on site, whichever the resolution mode is."""
    if not work_done.strip():
        raise TicketError(_("Describe the work done."), field="work_done")
    return _transition(
        work_order,
        action=lambda order: (
            "resolve_by_phone"
            if order.resolution_mode == ResolutionMode.PHONE
            else "resolve_on_site"
        ),
        by=by,
        expected_version=expected_version,
        changes={"work_done": work_done.strip()},
    )


@transaction.atomic
def take_in_goods(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    items: str,
    accessories: str = "",
    condition: str = "",
) -> WorkOrder:
    """Take the goods to the workshop: issue the customer's receipt (客户商品领取收据) and log
    them in the goods register (客户商品进出登记簿)."""
    if not items.strip():
        raise TicketError(_("List the goods received."), field="items")

    def check(order: WorkOrder) -> None:
        if CarryInReceipt.objects.filter(work_order=order).exists():
            raise TicketError(_("This work order already has a receipt."))

    current = _transition(
        work_order,
        action="take_in",
        by=by,
        expected_version=expected_version,
        check=check,
        # Taken back from a visit: the on-site order becomes a carry-in repair.
        changes=lambda order: (
            {"resolution_mode": ResolutionMode.CARRY_IN}
            if order.resolution_mode == ResolutionMode.ON_SITE
            else {}
        ),
    )
    now = timezone.now()
    receipt = CarryInReceipt.objects.create(
        work_order=current,
        number=next_number(document_type="carry_in_receipt", at=now),
        issued_at=now,
        issued_by=by,
        items=items.strip(),
        accessories=accessories.strip(),
        condition=condition.strip(),
    )
    GoodsMovement.objects.create(receipt=receipt, direction=GoodsDirection.IN, at=now, by=by)
    record_audit(
        actor=by,
        action="work_order.receipt_issued",
        instance=current,
        changes={"receipt": [None, receipt.number], "goods": [None, receipt.items]},
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def inspect_repair(
    *, work_order: WorkOrder, by: User, expected_version: int | None, passed: bool, note: str = ""
) -> WorkOrder:
    """The supervisor's inspection of the repaired goods (主管验讫)."""
    if not passed and not note.strip():
        raise TicketError(_("Say what is wrong."), field="note")
    return _transition(
        work_order,
        action="pass_inspection" if passed else "fail_inspection",
        by=by,
        expected_version=expected_version,
        changes={
            "inspected_by": by,
            "inspected_at": timezone.now(),
            "inspection_note": note.strip(),
        },
    )


@transaction.atomic
def send_to_factory(
    *, work_order: WorkOrder, by: User, expected_version: int | None, note: str = ""
) -> WorkOrder:
    """Ship the goods to the factory (返厂) for repair or exchange."""
    current = _transition(
        work_order, action="send_to_factory", by=by, expected_version=expected_version
    )
    GoodsMovement.objects.create(
        receipt=current.receipt,
        direction=GoodsDirection.OUT,
        at=timezone.now(),
        by=by,
        note=note.strip() or _("Sent to the factory"),
    )
    return current


@transaction.atomic
def receive_from_factory(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    replacement_serial: str = "",
    note: str = "",
) -> WorkOrder:
    """The goods (or, for an exchange, the replacement unit) came back from the factory."""

    def check(order: WorkOrder) -> None:
        if order.resolution_mode == ResolutionMode.EXCHANGE and not replacement_serial.strip():
            raise TicketError(
                _("Give the replacement unit's serial number."), field="replacement_serial"
            )

    current = _transition(
        work_order,
        action="receive_from_factory",
        by=by,
        expected_version=expected_version,
        check=check,
        changes={"replacement_serial": replacement_serial.strip().upper()},
    )
    GoodsMovement.objects.create(
        receipt=current.receipt,
        direction=GoodsDirection.IN,
        at=timezone.now(),
        by=by,
        note=note.strip() or _("Back from the factory"),
    )
    return current


@transaction.atomic
def return_goods(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    note: str = "",
    work_done: str = "",
) -> WorkOrder:
    """Give the goods back against the receipt, which is collected and voided (001 第六条);
    `work_done` sums up the repair for the voucher."""
    changes = {"work_done": work_done.strip()} if work_done.strip() else {}
    current = _transition(
        work_order, action="return_goods", by=by, expected_version=expected_version, changes=changes
    )
    now = timezone.now()
    receipt = current.receipt
    receipt.voided_at = now
    receipt.save(update_fields=["voided_at"])
    GoodsMovement.objects.create(
        receipt=receipt,
        direction=GoodsDirection.OUT,
        at=now,
        by=by,
        note=note.strip() or _("Returned to the customer"),
    )
    record_audit(
        actor=by,
        action="work_order.receipt_voided",
        instance=current,
        changes={"receipt": [receipt.number, None]},
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def put_on_hold(
    *, work_order: WorkOrder, by: User, expected_version: int | None, waiting_for: str, reason: str
) -> WorkOrder:
    """Wait for parts or for the customer; `resume_work_order` goes back where it was."""
    action = {"parts": "wait_for_parts", "customer": "wait_for_customer"}.get(waiting_for)
    if action is None:
        raise TicketError(_("Wait for parts or for the customer."), field="waiting_for")
    if not reason.strip():
        raise TicketError(_("Say what the work order waits for."), field="reason")
    return _transition(
        work_order,
        action=action,
        by=by,
        expected_version=expected_version,
        changes={"wait_reason": reason.strip()},
    )


@transaction.atomic
def sign_voucher(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    signer_name: str,
    signature_png: bytes,
) -> WorkOrder:
    """The customer signs the service voucher on screen; afterwards the order is read-only."""
    if not signer_name.strip():
        raise TicketError(_("Enter the name of the person signing."), field="signer_name")
    if not signature_png.startswith(PNG_MAGIC) or len(signature_png) > 512 * 1024:
        raise TicketError(_("The signature is missing or not a PNG image."), field="signature")
    current = _transition(work_order, action="sign", by=by, expected_version=expected_version)
    voucher = ServiceVoucher(
        work_order=current,
        number=next_number(document_type="service_voucher", at=current.signed_at),
        signer_name=signer_name.strip(),
        signed_at=current.signed_at or timezone.now(),
    )
    voucher.signature.save(f"{current.number}.png", ContentFile(signature_png), save=False)
    voucher.save()
    record_audit(
        actor=by,
        action="work_order.voucher_signed",
        instance=current,
        changes={"voucher": [None, voucher.number], "signer_name": [None, voucher.signer_name]},
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def close_work_order(*, work_order: WorkOrder, by: User, expected_version: int | None) -> WorkOrder:
    """Close a signed order, or a phone fix (no signature to collect); every closed call gets
    an opinion survey (001 第十七条)."""
    current = _transition(
        work_order,
        action=lambda order: (
            "close_without_signature" if order.status == WorkOrderStatus.RESOLVED else "close"
        ),
        by=by,
        expected_version=expected_version,
    )
    invite_after_close(work_order=current, by=by)
    return current


@transaction.atomic
def cancel_work_order(
    *, work_order: WorkOrder, by: User, expected_version: int | None, reason: str
) -> WorkOrder:
    """Cancel a call that needs no service; never while the customer's goods are with us."""
    if not reason.strip():
        raise TicketError(_("Say why the work order is cancelled."), field="reason")

    def check(order: WorkOrder) -> None:
        if order.resume_status in HOLDING_GOODS or order.status in HOLDING_GOODS:
            raise TicketError(
                _("The customer's goods are with us: return them before cancelling."),
                code=TicketErrorCode.INVALID_TRANSITION,
            )

    return _transition(
        work_order,
        action="cancel",
        by=by,
        expected_version=expected_version,
        check=check,
        changes={"cancel_reason": reason.strip()},
    )


@transaction.atomic
def escalate_work_order(
    *, work_order: WorkOrder, by: User, expected_version: int | None, to: User, note: str
) -> WorkOrder:
    """Ask the service director for help when the order cannot be finished on time (001 第八条)."""
    if not by.has_perm("tickets.escalate_workorder"):
        raise TicketError(_("You may not escalate work orders."), code=TicketErrorCode.NOT_ALLOWED)
    if not to.has_perm("tickets.inspect_workorder"):
        raise TicketError(_("Escalate to a service director or manager."), field="to")
    current = _lock(work_order, expected_version)
    if not current.is_open or current.status in READ_ONLY:
        raise TicketError(
            _("Only an open work order can be escalated."), code=TicketErrorCode.READ_ONLY
        )
    fields = ["escalated_at", "escalated_to", "escalation_note"]
    before = snapshot(current, fields)
    current.escalated_at = timezone.now()
    current.escalated_to = to
    current.escalation_note = note.strip()
    current = _save_and_audit(
        current, by=by, action="work_order.escalated", before=before, fields=fields
    )
    queue_notification(
        recipients=[to],
        template_code="work_order_escalated",
        context=_message_context(current, by=str(by), note=current.escalation_note),
        link=current.get_absolute_url(),
        dedupe_key=f"escalated:{current.pk}:{current.version}",
        organisation=current.organisation,
    )
    return current


def _line_target(work_order: WorkOrder, expected_version: int | None, by: User) -> WorkOrder:
    current = _lock(work_order, expected_version)
    if not may_record_work(current, by):
        raise TicketError(
            _("Only the assigned technician or a dispatcher records work on this order."),
            code=TicketErrorCode.NOT_ALLOWED,
        )
    _ensure_editable(current)
    if current.status == WorkOrderStatus.REGISTERED:
        raise TicketError(_("Dispatch the work order before recording work on it."))
    return current


@transaction.atomic
def add_labour_line(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    technician: User,
    worked_on: datetime.date,
    minutes: int,
    category: str | None = None,
    description: str = "",
) -> LabourLine:
    """Record time spent (修护卡); it feeds the technician's daily report."""
    current = _line_target(work_order, expected_version, by)
    line = LabourLine(
        work_order=current,
        technician=technician,
        worked_on=worked_on,
        minutes=minutes,
        category=category or current.service_category,
        description=description.strip(),
    )
    line.full_clean()
    line.save()
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="work_order.labour_added",
        instance=current,
        changes={"labour": [None, f"{technician} {worked_on.isoformat()} {minutes} min"]},
        organisation=current.organisation,
    )
    return line


@transaction.atomic
def add_part_line(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    part_name: str = "",
    quantity: int = 1,
    part_code: str = "",
    disposition: str = "",
    part: Part | None = None,
    warehouse: Warehouse | None = None,
) -> PartLine:
    """Record a part replaced (配换零件) and what became of the old one. A catalogue part is
    issued from stock (the warehouse given, else the technician's van) at its sale price, and on
    a paid repair only once the customer accepted a quote; a free-text line moves no stock."""
    current = _line_target(work_order, expected_version, by)
    if part is not None:
        ensure_repair_may_proceed(current)
    line = PartLine(
        work_order=current,
        part_name=part_name.strip() or (part.name if part is not None else ""),
        part_code=part.code if part is not None else part_code.strip(),
        quantity=quantity,
        part=part,
        unit_price=part.sale_price if part is not None else None,
        **({"disposition": disposition} if disposition else {}),
    )
    line.full_clean()
    line.save()
    if part is not None:
        source = warehouse or van_of(current.technician) or van_of(by)
        if source is None:
            raise TicketError(
                _("Choose the warehouse the part comes from: the technician has no van."),
                field="warehouse",
            )
        issue_for_part_line(line=line, warehouse=source, by=by)
    record_old_part(line=line, by=by)
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="work_order.part_added",
        instance=current,
        changes={"part": [None, str(line)]},
        organisation=current.organisation,
    )
    return line


@transaction.atomic
def add_attachment(*, work_order: WorkOrder, by: User, upload: UploadedFile) -> Attachment:
    """Attach a photo (JPEG, PNG) or a PDF, checked by content, not by name."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise TicketError(
            _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)},
            field="file",
        )
    head = upload.read(16)
    upload.seek(0)
    content_type = next(
        (kind for kind, magics in ATTACHMENT_MAGIC.items() if head.startswith(magics)), None
    )
    if content_type is None:
        raise TicketError(_("Attach a JPEG or PNG photo or a PDF document."), field="file")
    current = _lock(work_order, None)
    if not (by.has_perm(TicketPermission.EDIT) or may_record_work(current, by)):
        raise TicketError(
            _("You may not add files to this work order."), code=TicketErrorCode.NOT_ALLOWED
        )
    _ensure_editable(current)
    attachment = Attachment(
        work_order=current,
        kind=ATTACHMENT_TYPES[content_type],
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    record_audit(
        actor=by,
        action="work_order.attachment_added",
        instance=current,
        changes={"attachment": [None, attachment.original_name]},
        organisation=current.organisation,
    )
    return attachment
