"""Writes on parts and stock: the catalogue, warehouses, the stock ledger (receipt, issue to a
work order, return, transfer, write-off), reservations, parts requests and old parts.

Every stock change books a movement and moves the stock level's running sum in one transaction,
holding the stock level's row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions let one writer in at a time), so two people taking the last unit cannot both get
it: the second finds none left and is refused with the stock there is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.billing.rules import deposit_shortfall
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.core.numbering import next_number
from shouhou.core.services import ensure_visible_organisation
from shouhou.notify.services import queue_notification
from shouhou.parts.errors import PartsError, PartsErrorCode
from shouhou.parts.models import (
    INCOMING_KINDS,
    MovementKind,
    OldPart,
    OldPartStatus,
    Part,
    PartsRequest,
    PartsRequestLine,
    PartsRequestStatus,
    PartsSettings,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMovement,
    Warehouse,
    WarehouseKind,
)
from shouhou.parts.permissions import PartsPermission
from shouhou.parts.workflow import apply_old_part_action, apply_request_action
from shouhou.tickets.models import PartDisposition, PartLine, WorkOrder

PART_FIELDS = [
    "code",
    "name",
    "specification",
    "unit_cost",
    "sale_price",
    "is_warranty_covered",
    "supplier",
    "is_active",
]
WAREHOUSE_FIELDS = ["code", "name", "kind", "organisation", "technician", "keeper", "is_active"]
MAX_QUANTITY = 9999


def parts_settings() -> PartsSettings:
    """The one settings row (seeded by a migration; recreated with the seed values if gone)."""
    settings_row, _created = PartsSettings.objects.get_or_create(pk=1)
    return settings_row


# --- catalogue and warehouses -----------------------------------------------------------------


def _require(user: User, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PartsError(message, code=PartsErrorCode.NOT_ALLOWED)


@transaction.atomic
def create_part(*, by: User, compatible_models: Iterable[Any] = (), **fields: Any) -> Part:
    """Add a part to the catalogue; its code is stored in upper case."""
    fields["code"] = str(fields.get("code", "")).strip().upper()
    part = Part(**fields)
    part.full_clean()
    part.save()
    models = list(compatible_models)
    part.compatible_models.set(models)
    changes = created_changes(part, PART_FIELDS)
    if models:
        changes["compatible_models"] = [None, sorted(str(model) for model in models)]
    record_audit(actor=by, action="part.created", instance=part, changes=changes)
    return part


@transaction.atomic
def update_part(
    *,
    part: Part,
    by: User,
    expected_version: int | None,
    compatible_models: Iterable[Any] | None = None,
    **changes: Any,
) -> Part:
    """Change a catalogue part; prices already on work orders and quotes stay as they were."""
    current = lock_for_update(Part, pk=part.pk, expected_version=expected_version)
    if "code" in changes:
        changes["code"] = str(changes["code"]).strip().upper()
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    changed = diff(before, snapshot(current, list(changes)))
    if compatible_models is not None:
        old = sorted(str(model) for model in current.compatible_models.all())
        models = list(compatible_models)
        current.compatible_models.set(models)
        new = sorted(str(model) for model in models)
        if old != new:
            changed["compatible_models"] = [old, new]
    record_audit(actor=by, action="part.updated", instance=current, changes=changed)
    return current


def _check_van(warehouse: Warehouse) -> None:
    if warehouse.kind == WarehouseKind.VAN and warehouse.technician is None:
        raise PartsError(_("A van belongs to a technician: name them."), field="technician")
    if warehouse.kind != WarehouseKind.VAN and warehouse.technician is not None:
        raise PartsError(_("Only a van belongs to a technician."), field="technician")
    technician = warehouse.technician
    if technician is not None and (
        Warehouse.objects.filter(technician=technician).exclude(pk=warehouse.pk).exists()
    ):
        raise PartsError(
            _("%(name)s already has a van.") % {"name": technician}, field="technician"
        )


@transaction.atomic
def create_warehouse(*, by: User | None, **fields: Any) -> Warehouse:
    """Open a warehouse, a service centre's store or a technician's van."""
    fields["code"] = str(fields.get("code", "")).strip().upper()
    warehouse = Warehouse(**fields)
    ensure_visible_organisation(organisation=warehouse.organisation, user=by)
    _check_van(warehouse)
    warehouse.full_clean()
    warehouse.save()
    record_audit(
        actor=by,
        action="warehouse.created",
        instance=warehouse,
        changes=created_changes(warehouse, WAREHOUSE_FIELDS),
        organisation=warehouse.organisation,
    )
    return warehouse


@transaction.atomic
def update_warehouse(
    *, warehouse: Warehouse, by: User, expected_version: int | None, **changes: Any
) -> Warehouse:
    current = lock_for_update(Warehouse, pk=warehouse.pk, expected_version=expected_version)
    if "code" in changes:
        changes["code"] = str(changes["code"]).strip().upper()
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    if "organisation" in changes:
        ensure_visible_organisation(organisation=current.organisation, user=by)
    _check_van(current)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    record_audit(
        actor=by,
        action="warehouse.updated",
        instance=current,
        changes=diff(before, snapshot(current, list(changes))),
        organisation=current.organisation,
    )
    return current


def van_of(technician: User | None) -> Warehouse | None:
    """The technician's active van, if they have one."""
    if technician is None or technician.pk is None:
        return None
    return Warehouse.objects.filter(
        technician=technician, kind=WarehouseKind.VAN, is_active=True
    ).first()


@transaction.atomic
def set_reorder_point(
    *, stock_level: StockLevel, by: User, expected_version: int | None, reorder_point: int
) -> StockLevel:
    """The level at which the keeper is told to reorder."""
    _require(by, PartsPermission.MANAGE_STOCK, _("You may not manage stock."))
    current = lock_for_update(StockLevel, pk=stock_level.pk, expected_version=expected_version)
    if reorder_point < 0:
        raise PartsError(_("The reorder point cannot be negative."), field="reorder_point")
    before = snapshot(current, ["reorder_point"])
    current.reorder_point = reorder_point
    save_versioned(current, expected_version=current.version, fields=["reorder_point"])
    record_audit(
        actor=by,
        action="stock.reorder_point_set",
        instance=current,
        changes=diff(before, snapshot(current, ["reorder_point"])),
        organisation=current.warehouse.organisation,
    )
    return current


# --- the ledger -------------------------------------------------------------------------------


def _lock_level(*, warehouse: Warehouse, part: Part) -> StockLevel:
    """The stock level of `part` at `warehouse`, created at zero if new, locked for this
    transaction."""
    StockLevel.objects.bulk_create(
        [StockLevel(warehouse=warehouse, part=part)], ignore_conflicts=True
    )
    return (
        StockLevel.objects.select_for_update()
        .select_related("warehouse", "part")
        .get(warehouse=warehouse, part=part)
    )


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise PartsError(_("The quantity must be a whole number of at least 1."), field="quantity")
    if quantity > MAX_QUANTITY:
        raise PartsError(
            _("The quantity may be at most %(max)s.") % {"max": MAX_QUANTITY}, field="quantity"
        )


def _check_active(warehouse: Warehouse, part: Part) -> None:
    if not warehouse.is_active:
        raise PartsError(
            _("The warehouse %(name)s is closed.") % {"name": warehouse}, field="warehouse"
        )
    if not part.is_active:
        raise PartsError(
            _("The part %(part)s is no longer in the catalogue.") % {"part": part}, field="part"
        )


def shortage_message(level: StockLevel, wanted: int) -> str:
    return _(
        "Not enough %(part)s at %(warehouse)s: %(wanted)s wanted, %(available)s available "
        "(%(on_hand)s on hand, %(reserved)s reserved)."
    ) % {
        "part": level.part,
        "warehouse": level.warehouse,
        "wanted": wanted,
        "available": level.available,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
    }


def _book(
    level: StockLevel,
    *,
    kind: MovementKind,
    quantity: int,
    by: User,
    from_reserved: int = 0,
    unit_cost: Decimal | None = None,
    **links: Any,
) -> StockMovement:
    """Book one movement on a locked stock level. Outgoing stock first uses `from_reserved`
    units of the level's reservations (already released by the caller's bookkeeping) and takes
    the rest from what is available; never below zero."""
    signed = quantity if kind in INCOMING_KINDS else -quantity
    if signed < 0:
        free_needed = quantity - from_reserved
        if free_needed > level.available:
            raise PartsError(
                shortage_message(level, quantity),
                code=PartsErrorCode.INSUFFICIENT_STOCK,
                field="quantity",
            )
    was_low = level.is_below_reorder_point
    level.on_hand += signed
    level.reserved -= from_reserved
    level.updated_at = timezone.now()
    level.save(update_fields=["on_hand", "reserved", "updated_at"])
    movement = StockMovement.objects.create(
        warehouse=level.warehouse,
        part=level.part,
        kind=kind,
        quantity=signed,
        balance_after=level.on_hand,
        unit_cost=level.part.unit_cost if unit_cost is None else unit_cost,
        by=by,
        **links,
    )
    record_audit(
        actor=by,
        action=f"stock.{kind}",
        instance=level,
        changes={
            "on_hand": [level.on_hand - signed, level.on_hand],
            **(
                {"reserved": [level.reserved + from_reserved, level.reserved]}
                if from_reserved
                else {}
            ),
        },
        organisation=level.warehouse.organisation,
    )
    if not was_low and level.is_below_reorder_point:
        _tell_keeper_low_stock(level, movement)
    return movement


def _tell_keeper_low_stock(level: StockLevel, movement: StockMovement) -> None:
    keeper = level.warehouse.keeper
    if keeper is None:
        return
    queue_notification(
        recipients=[keeper],
        template_code="stock_low",
        context={
            "warehouse": str(level.warehouse),
            "part": str(level.part),
            "available": level.available,
            "reorder_point": level.reorder_point,
        },
        link=level.warehouse.get_absolute_url(),
        dedupe_key=f"stock_low:{level.pk}:{movement.pk}",
        organisation=level.warehouse.organisation,
    )


@transaction.atomic
def receive_stock(
    *,
    warehouse: Warehouse,
    part: Part,
    quantity: int,
    by: User,
    unit_cost: Decimal | None = None,
    reference: str = "",
    note: str = "",
) -> StockMovement:
    """Book goods received from a supplier or the factory (入库)."""
    _require(by, PartsPermission.MANAGE_STOCK, _("You may not manage stock."))
    _check_quantity(quantity)
    _check_active(warehouse, part)
    if unit_cost is not None and unit_cost < 0:
        raise PartsError(_("The unit cost cannot be negative."), field="unit_cost")
    level = _lock_level(warehouse=warehouse, part=part)
    return _book(
        level,
        kind=MovementKind.RECEIPT,
        quantity=quantity,
        by=by,
        unit_cost=unit_cost,
        reference=reference.strip(),
        note=note.strip(),
    )


@transaction.atomic
def write_off_stock(
    *, warehouse: Warehouse, part: Part, quantity: int, by: User, reason: str
) -> StockMovement:
    """Take damaged, lost or miscounted stock off the books (报损); a reason is required."""
    _require(by, PartsPermission.MANAGE_STOCK, _("You may not manage stock."))
    _check_quantity(quantity)
    if not reason.strip():
        raise PartsError(_("Say why the stock is written off."), field="reason")
    level = _lock_level(warehouse=warehouse, part=part)
    return _book(level, kind=MovementKind.WRITE_OFF, quantity=quantity, by=by, note=reason.strip())


def _lock_pair(source: Warehouse, destination: Warehouse, part: Part) -> tuple[StockLevel, ...]:
    """Both levels of a transfer, locked in one fixed order so two opposite transfers cannot
    deadlock."""
    first, second = sorted([source, destination], key=lambda warehouse: warehouse.pk)
    levels = {
        first.pk: _lock_level(warehouse=first, part=part),
        second.pk: _lock_level(warehouse=second, part=part),
    }
    return levels[source.pk], levels[destination.pk]


def _transfer(
    *,
    source: Warehouse,
    destination: Warehouse,
    part: Part,
    quantity: int,
    by: User,
    from_reserved: int = 0,
    note: str = "",
    parts_request: PartsRequest | None = None,
) -> tuple[StockMovement, StockMovement]:
    if source.pk == destination.pk:
        raise PartsError(_("Choose two different warehouses."), field="destination")
    _check_active(destination, part)
    out_level, in_level = _lock_pair(source, destination, part)
    reference = parts_request.number if parts_request is not None else ""
    outgoing = _book(
        out_level,
        kind=MovementKind.TRANSFER_OUT,
        quantity=quantity,
        by=by,
        from_reserved=from_reserved,
        counterpart=destination,
        parts_request=parts_request,
        reference=reference,
        note=note,
    )
    incoming = _book(
        in_level,
        kind=MovementKind.TRANSFER_IN,
        quantity=quantity,
        by=by,
        unit_cost=outgoing.unit_cost,
        counterpart=source,
        parts_request=parts_request,
        reference=reference,
        note=note,
    )
    return outgoing, incoming


@transaction.atomic
def transfer_stock(
    *,
    source: Warehouse,
    destination: Warehouse,
    part: Part,
    quantity: int,
    by: User,
    note: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move stock between warehouses (e.g. restock a van): one movement out, one in."""
    _require(by, PartsPermission.MANAGE_STOCK, _("You may not manage stock."))
    _check_quantity(quantity)
    return _transfer(
        source=source,
        destination=destination,
        part=part,
        quantity=quantity,
        by=by,
        note=note.strip(),
    )


def _consume_reservations(level: StockLevel, *, work_order: WorkOrder, quantity: int) -> int:
    """Use up to `quantity` units of the work order's held reservations at this level; returns
    how many units came from them."""
    used = 0
    held = Reservation.objects.select_for_update().filter(
        stock_level=level,
        work_order=work_order,
        request_line__isnull=True,
        status=ReservationStatus.ACTIVE,
    )
    for reservation in held.order_by("id"):
        if used == quantity:
            break
        take = min(reservation.quantity, quantity - used)
        used += take
        if take == reservation.quantity:
            reservation.status = ReservationStatus.CONSUMED
            reservation.closed_at = timezone.now()
            reservation.save(update_fields=["status", "closed_at"])
        else:
            reservation.quantity -= take
            reservation.save(update_fields=["quantity"])
    return used


def issue_for_part_line(*, line: PartLine, warehouse: Warehouse, by: User) -> StockMovement:
    """Issue a work order's catalogue part line from `warehouse` (出库 to the work order): the
    order's own reservations there are used first. Runs inside the caller's transaction (the
    work order's part-line service)."""
    if line.part is None:
        raise PartsError(_("Only a catalogue part is issued from stock."), field="part")
    _check_quantity(line.quantity)
    _check_active(warehouse, line.part)
    if warehouse.technician_id not in (by.pk, line.work_order.technician_id):
        ensure_visible_organisation(organisation=warehouse.organisation, user=by)
    level = _lock_level(warehouse=warehouse, part=line.part)
    reserved = _consume_reservations(level, work_order=line.work_order, quantity=line.quantity)
    return _book(
        level,
        kind=MovementKind.ISSUE,
        quantity=line.quantity,
        by=by,
        from_reserved=reserved,
        work_order=line.work_order,
        part_line=line,
        reference=line.work_order.number,
    )


@transaction.atomic
def return_from_work_order(
    *,
    work_order: WorkOrder,
    part: Part,
    warehouse: Warehouse,
    quantity: int,
    by: User,
    note: str = "",
) -> StockMovement:
    """Put back unused parts that were issued to a work order (退料); at most what was issued to
    it and not yet returned."""
    _check_quantity(quantity)
    _check_active(warehouse, part)
    if not (
        by.has_perm(PartsPermission.MANAGE_STOCK)
        or (by.pk is not None and work_order.technician_id == by.pk)
    ):
        raise PartsError(
            _("Only the work order's technician or the warehouse returns its parts."),
            code=PartsErrorCode.NOT_ALLOWED,
        )
    level = _lock_level(warehouse=warehouse, part=part)
    issued = -sum(
        StockMovement.objects.filter(
            work_order=work_order,
            part=part,
            kind__in=[MovementKind.ISSUE, MovementKind.RETURN],
        ).values_list("quantity", flat=True)
    )
    if quantity > issued:
        raise PartsError(
            _("Only %(count)s of %(part)s were issued to %(order)s and not returned.")
            % {"count": issued, "part": part, "order": work_order},
            field="quantity",
        )
    # Back at the cost it went out at (the latest issue), so that an issue and its return
    # cancel in the cost reports even when the catalogue cost changed in between.
    issued_at_cost = (
        StockMovement.objects.filter(work_order=work_order, part=part, kind=MovementKind.ISSUE)
        .order_by("-id")
        .values_list("unit_cost", flat=True)
        .first()
    )
    return _book(
        level,
        kind=MovementKind.RETURN,
        quantity=quantity,
        by=by,
        unit_cost=issued_at_cost,
        work_order=work_order,
        reference=work_order.number,
        note=note.strip(),
    )


# --- reservations -----------------------------------------------------------------------------


def _hold(level: StockLevel, *, quantity: int) -> None:
    if quantity > level.available:
        raise PartsError(
            shortage_message(level, quantity),
            code=PartsErrorCode.INSUFFICIENT_STOCK,
            field="quantity",
        )
    level.reserved += quantity
    level.save(update_fields=["reserved", "updated_at"])


@transaction.atomic
def reserve_for_work_order(
    *, work_order: WorkOrder, warehouse: Warehouse, part: Part, quantity: int, by: User
) -> Reservation:
    """Hold stock for a work order so that nobody else takes it before the repair."""
    _require(by, PartsPermission.RESERVE, _("You may not reserve stock."))
    _check_quantity(quantity)
    _check_active(warehouse, part)
    if not work_order.is_open:
        raise PartsError(_("The work order is no longer open."), field="work_order")
    level = _lock_level(warehouse=warehouse, part=part)
    _hold(level, quantity=quantity)
    reservation = Reservation.objects.create(
        stock_level=level, quantity=quantity, work_order=work_order, created_by=by
    )
    record_audit(
        actor=by,
        action="stock.reserved",
        instance=level,
        changes={
            "reserved": [level.reserved - quantity, level.reserved],
            "work_order": [None, work_order.number],
        },
        organisation=warehouse.organisation,
    )
    return reservation


def _release(reservation: Reservation, *, by: User) -> None:
    level = StockLevel.objects.select_for_update().get(pk=reservation.stock_level_id)
    level.reserved -= reservation.quantity
    level.save(update_fields=["reserved", "updated_at"])
    reservation.status = ReservationStatus.RELEASED
    reservation.closed_at = timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    record_audit(
        actor=by,
        action="stock.released",
        instance=level,
        changes={"reserved": [level.reserved + reservation.quantity, level.reserved]},
        organisation=level.warehouse.organisation,
    )


@transaction.atomic
def release_reservation(*, reservation: Reservation, by: User) -> Reservation:
    """Give held stock back to everyone (the repair no longer needs it)."""
    _require(by, PartsPermission.RESERVE, _("You may not reserve stock."))
    current = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if current.status != ReservationStatus.ACTIVE:
        raise PartsError(_("This reservation is no longer held."))
    _release(current, by=by)
    return current


# --- parts requests ---------------------------------------------------------------------------


def _request_context(request: PartsRequest, **extra: Any) -> dict[str, Any]:
    return {
        "number": request.number,
        "technician": str(request.requested_by),
        "lines": ", ".join(str(line) for line in request.lines.select_related("part")),
        "work_order": request.work_order.number if request.work_order is not None else "",
        "source": str(request.source),
        **extra,
    }


@transaction.atomic
def submit_parts_request(
    *,
    by: User,
    source: Warehouse,
    lines: Sequence[tuple[Part, int]],
    destination: Warehouse | None = None,
    work_order: WorkOrder | None = None,
    note: str = "",
) -> PartsRequest:
    """A technician asks the warehouse for parts (配件申请单), by default into their van."""
    _require(by, PartsPermission.REQUEST, _("You may not request parts."))
    destination = destination or van_of(by)
    if destination is None:
        raise PartsError(
            _("You have no van: choose the warehouse the parts go to."), field="destination"
        )
    if destination.pk == source.pk:
        raise PartsError(_("Choose two different warehouses."), field="destination")
    if not source.is_active or not destination.is_active:
        raise PartsError(_("Both warehouses must be open."), field="source")
    if not lines:
        raise PartsError(_("Add at least one part."), field="lines")
    merged: dict[int, tuple[Part, int]] = {}
    for part, quantity in lines:
        _check_quantity(quantity)
        if not part.is_active:
            raise PartsError(
                _("The part %(part)s is no longer in the catalogue.") % {"part": part},
                field="lines",
            )
        previous = merged.get(part.pk, (part, 0))[1]
        merged[part.pk] = (part, previous + quantity)
    if work_order is not None and not work_order.is_open:
        raise PartsError(_("The work order is no longer open."), field="work_order")
    request = PartsRequest(
        number=next_number(document_type="parts_request"),
        requested_by=by,
        source=source,
        destination=destination,
        work_order=work_order,
        note=note.strip(),
    )
    request.full_clean(exclude=["number"])
    request.save()
    PartsRequestLine.objects.bulk_create(
        PartsRequestLine(request=request, part=part, quantity=quantity)
        for part, quantity in merged.values()
    )
    record_audit(
        actor=by,
        action="parts_request.submitted",
        instance=request,
        changes={
            "source": [None, str(source)],
            "destination": [None, str(destination)],
            "lines": [None, [f"{part.code} × {quantity}" for part, quantity in merged.values()]],
        },
        organisation=destination.organisation,
    )
    if source.keeper is not None:
        queue_notification(
            recipients=[source.keeper],
            template_code="parts_request_submitted",
            context=_request_context(request),
            link=request.get_absolute_url(),
            dedupe_key=f"parts_request_submitted:{request.pk}",
            organisation=source.organisation,
        )
    return request


def _lock_request(request: PartsRequest, expected_version: int | None) -> PartsRequest:
    return lock_for_update(PartsRequest, pk=request.pk, expected_version=expected_version)


def _save_request(
    current: PartsRequest,
    *,
    by: User,
    action: str,
    before: dict[str, Any],
    fields: list[str],
    extra: dict[str, Any] | None = None,
) -> PartsRequest:
    save_versioned(current, expected_version=current.version, fields=fields)
    changes = diff(before, snapshot(current, fields))
    changes.update(extra or {})
    record_audit(
        actor=by,
        action=f"parts_request.{action}",
        instance=current,
        changes=changes,
        organisation=current.destination.organisation,
    )
    return current


def _tell_requester(request: PartsRequest, template_code: str, **extra: Any) -> None:
    queue_notification(
        recipients=[request.requested_by],
        template_code=template_code,
        context=_request_context(request, **extra),
        link=request.get_absolute_url(),
        dedupe_key=f"{template_code}:{request.pk}:{request.version}",
        organisation=request.destination.organisation,
    )


def _reserve_request(request: PartsRequest, *, by: User) -> list[str]:
    """Hold every line at the source; return the shortages (nothing held then)."""
    lines = list(request.lines.select_related("part").order_by("part_id"))
    levels = [(line, _lock_level(warehouse=request.source, part=line.part)) for line in lines]
    shortages = [
        shortage_message(level, line.quantity)
        for line, level in levels
        if line.quantity > level.available
    ]
    if shortages:
        return shortages
    for line, level in levels:
        _hold(level, quantity=line.quantity)
        Reservation.objects.create(
            stock_level=level,
            quantity=line.quantity,
            request_line=line,
            work_order=request.work_order,
            created_by=by,
        )
    return []


@transaction.atomic
def approve_parts_request(
    *,
    request: PartsRequest,
    by: User,
    expected_version: int | None,
    back_order: bool = False,
    note: str = "",
) -> PartsRequest:
    """The warehouse approves: the parts are held at the source until shipped. A request beyond
    the stock there is refused with what is missing, or back-ordered when asked to."""
    current = _lock_request(request, expected_version)
    if current.work_order is not None:
        missing = deposit_shortfall(work_order=current.work_order)
        if missing > 0:
            raise PartsError(
                _(
                    "Expensive parts are prepared only against a deposit: %(amount)s yuan more "
                    "is to be received for %(order)s."
                )
                % {"amount": missing, "order": current.work_order},
                field="work_order",
            )
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    before = snapshot(current, fields)
    shortages = _reserve_request(current, by=by)
    action = "approve"
    if shortages:
        if not back_order:
            raise PartsError(
                " ".join(shortages), code=PartsErrorCode.INSUFFICIENT_STOCK, field="lines"
            )
        if current.status == PartsRequestStatus.BACK_ORDERED:
            raise PartsError(
                " ".join(shortages), code=PartsErrorCode.INSUFFICIENT_STOCK, field="lines"
            )
        action = "back_order"
    apply_request_action(request=current, action_name=action, by=by)
    current.decided_by = by
    current.decision_note = note.strip()
    _save_request(current, by=by, action=action, before=before, fields=fields)
    decision = _("approved") if action == "approve" else _("back-ordered")
    _tell_requester(current, "parts_request_decided", decision=decision, note=current.decision_note)
    return current


@transaction.atomic
def reject_parts_request(
    *, request: PartsRequest, by: User, expected_version: int | None, note: str
) -> PartsRequest:
    if not note.strip():
        raise PartsError(_("Say why the request is rejected."), field="note")
    current = _lock_request(request, expected_version)
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    before = snapshot(current, fields)
    apply_request_action(request=current, action_name="reject", by=by)
    current.decided_by = by
    current.decision_note = note.strip()
    _save_request(current, by=by, action="reject", before=before, fields=fields)
    _tell_requester(current, "parts_request_decided", decision=_("rejected"), note=note.strip())
    return current


def _held_for(request: PartsRequest) -> list[Reservation]:
    return list(
        Reservation.objects.select_for_update()
        .filter(request_line__request=request, status=ReservationStatus.ACTIVE)
        .select_related("request_line", "request_line__part")
    )


@transaction.atomic
def cancel_parts_request(
    *, request: PartsRequest, by: User, expected_version: int | None, note: str = ""
) -> PartsRequest:
    """Withdraw a request that has not been shipped; held stock is released."""
    current = _lock_request(request, expected_version)
    fields = ["status", "decision_note"]
    before = snapshot(current, fields)
    apply_request_action(request=current, action_name="cancel", by=by)
    current.decision_note = note.strip() or current.decision_note
    for reservation in _held_for(current):
        _release(reservation, by=by)
    return _save_request(current, by=by, action="cancel", before=before, fields=fields)


@transaction.atomic
def ship_parts_request(
    *, request: PartsRequest, by: User, expected_version: int | None
) -> PartsRequest:
    """Send the approved parts: each line moves from the source to the destination, using the
    stock held for it."""
    current = _lock_request(request, expected_version)
    fields = ["status", "shipped_at", "shipped_by"]
    before = snapshot(current, fields)
    apply_request_action(request=current, action_name="ship", by=by)
    current.shipped_by = by
    held = {reservation.request_line_id: reservation for reservation in _held_for(current)}
    for line in current.lines.select_related("part").order_by("part_id"):
        reservation = held.get(line.pk)
        from_reserved = 0
        if reservation is not None:
            from_reserved = reservation.quantity
            reservation.status = ReservationStatus.CONSUMED
            reservation.closed_at = timezone.now()
            reservation.save(update_fields=["status", "closed_at"])
        _transfer(
            source=current.source,
            destination=current.destination,
            part=line.part,
            quantity=line.quantity,
            by=by,
            from_reserved=from_reserved,
            parts_request=current,
        )
    _save_request(current, by=by, action="ship", before=before, fields=fields)
    _tell_requester(current, "parts_request_shipped")
    return current


@transaction.atomic
def confirm_parts_received(
    *,
    request: PartsRequest,
    by: User,
    expected_version: int | None,
    is_correct: bool,
    note: str = "",
) -> PartsRequest:
    """The technician confirms what arrived: a wrong part or quantity counts against shipping
    accuracy (003 篇6) and needs a word on what was wrong."""
    if not is_correct and not note.strip():
        raise PartsError(_("Say what was wrong with the shipment."), field="note")
    current = _lock_request(request, expected_version)
    fields = ["status", "received_at", "is_shipment_correct", "receipt_note"]
    before = snapshot(current, fields)
    apply_request_action(request=current, action_name="receive", by=by)
    current.is_shipment_correct = is_correct
    current.receipt_note = note.strip()
    return _save_request(current, by=by, action="receive", before=before, fields=fields)


# --- old parts --------------------------------------------------------------------------------

_INTENDED = {
    PartDisposition.RETURNED_TO_CUSTOMER: OldPartStatus.RETURNED_TO_CUSTOMER,
    PartDisposition.BACK_TO_FACTORY: OldPartStatus.SENT_TO_FACTORY,
    PartDisposition.DISPOSED: OldPartStatus.SCRAPPED,
}


def record_old_part(*, line: PartLine, by: User) -> OldPart:
    """Track the part the line replaced: with the technician until handed back to the customer
    or handed in (then sent back to the factory or scrapped). Runs in the caller's
    transaction."""
    old_part = OldPart.objects.create(
        work_order=line.work_order,
        part_line=line,
        part=line.part,
        description=line.part_name,
        quantity=line.quantity,
        status=OldPartStatus.WITH_TECHNICIAN,
        intended=_INTENDED.get(PartDisposition(line.disposition), OldPartStatus.SCRAPPED),
    )
    record_audit(
        actor=by,
        action="old_part.recorded",
        instance=old_part,
        changes={"intended": [None, old_part.intended]},
        organisation=line.work_order.organisation,
    )
    return old_part


@transaction.atomic
def handle_old_part(
    *,
    old_part: OldPart,
    action: str,
    by: User,
    expected_version: int | None,
    warehouse: Warehouse | None = None,
    reference: str = "",
    note: str = "",
) -> OldPart:
    """Move an old part on: back to the customer, into a warehouse, to the factory, scrapped."""
    current = lock_for_update(OldPart, pk=old_part.pk, expected_version=expected_version)
    fields = ["status", "handled_at", "handled_by", "warehouse", "reference", "note"]
    before = snapshot(current, fields)
    apply_old_part_action(old_part=current, action_name=action, by=by)
    if action == "hand_in":
        if warehouse is None:
            raise PartsError(_("Choose the warehouse it is handed in to."), field="warehouse")
        current.warehouse = warehouse
    if action == "send_to_factory" and not reference.strip():
        raise PartsError(
            _("Give the shipment's reference (waybill or return number)."), field="reference"
        )
    current.reference = reference.strip() or current.reference
    current.note = note.strip() or current.note
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action=f"old_part.{action}",
        instance=current,
        changes=diff(before, snapshot(current, fields)),
        organisation=current.work_order.organisation,
    )
    return current
