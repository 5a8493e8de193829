"""Parts services: the stock ledger (receipt, issue, return, transfer, write-off), reservations,
parts requests, old parts and the work order's catalogue part lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from shouhou.billing.errors import BillingError
from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.models import AuditEntry, Role
from shouhou.notify.models import Notification
from shouhou.parts import services
from shouhou.parts.errors import PartsError, PartsErrorCode
from shouhou.parts.models import (
    LedgerError,
    MovementKind,
    OldPart,
    OldPartStatus,
    PartsRequestStatus,
    ReservationStatus,
    StockLevel,
    StockMovement,
    WarehouseKind,
)
from shouhou.parts.selectors import ledger_discrepancies
from shouhou.tickets import services as ticket_services
from shouhou.tickets.errors import TicketError
from shouhou.tickets.models import PartDisposition, PartLine
from tests.parts.factories import PartFactory, WarehouseFactory, stock, van_for

pytestmark = pytest.mark.django_db


def level_of(warehouse, part) -> StockLevel:  # noqa: ANN001
    return StockLevel.objects.get(warehouse=warehouse, part=part)


def test_receipt_books_a_movement_and_raises_the_stock(central, part, dispatcher) -> None:
    # when two deliveries arrive
    stock(central, part, 5, by=dispatcher)
    movement = services.receive_stock(
        warehouse=central, part=part, quantity=3, by=dispatcher, reference="SHD-001"
    )

    # then the stock is their sum and the ledger says so, with the catalogue's cost
    level = level_of(central, part)
    assert (level.on_hand, level.reserved, level.available) == (8, 0, 8)
    assert (movement.kind, movement.quantity, movement.balance_after) == (
        MovementKind.RECEIPT,
        3,
        8,
    )
    assert movement.unit_cost == Decimal("150.00")
    assert AuditEntry.objects.filter(action="stock.receipt", object_id=str(level.pk)).count() == 2


def test_issue_beyond_the_stock_is_refused_and_changes_nothing(
    van, part, dispatcher, technician, order
) -> None:
    # given one unit in the van
    stock(van, part, 1, by=dispatcher)
    before = StockMovement.objects.count()

    # when the technician fits two
    with pytest.raises(PartsError) as refused:
        ticket_services.add_part_line(
            work_order=order, by=technician, expected_version=order.version, part=part, quantity=2
        )

    # then it is refused with what is there, and nothing was written
    assert refused.value.code == PartsErrorCode.INSUFFICIENT_STOCK
    assert "2 wanted, 1 available" in str(refused.value.message)
    assert StockMovement.objects.count() == before
    assert not PartLine.objects.filter(work_order=order).exists()
    assert level_of(van, part).on_hand == 1


def test_catalogue_part_is_issued_from_the_van_at_its_price(
    van, part, dispatcher, technician, order
) -> None:
    stock(van, part, 3, by=dispatcher)

    line = ticket_services.add_part_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        part=part,
        quantity=2,
        disposition=PartDisposition.BACK_TO_FACTORY,
    )

    assert (line.part, line.part_code, line.part_name, line.unit_price) == (
        part,
        "PWR-01",
        "电源板",
        Decimal("280.00"),
    )
    issue = StockMovement.objects.get(part_line=line)
    assert (issue.warehouse, issue.kind, issue.quantity, issue.work_order) == (
        van,
        MovementKind.ISSUE,
        -2,
        order,
    )
    assert level_of(van, part).on_hand == 1
    old = OldPart.objects.get(part_line=line)
    assert (old.status, old.intended, old.quantity) == (
        OldPartStatus.WITH_TECHNICIAN,
        OldPartStatus.SENT_TO_FACTORY,
        2,
    )


def test_free_text_line_moves_no_stock(technician, order) -> None:
    line = ticket_services.add_part_line(
        work_order=order, by=technician, expected_version=order.version, part_name="保险丝"
    )

    assert (line.part, line.unit_price) == (None, None)
    assert not StockMovement.objects.exists()
    assert OldPart.objects.get(part_line=line).intended == OldPartStatus.RETURNED_TO_CUSTOMER


def test_catalogue_part_without_a_van_needs_a_warehouse(
    central, part, dispatcher, order, make_user, org_tree
) -> None:
    # given a technician without a van, and stock in the central store
    stock(central, part, 2, by=dispatcher)

    # when the dispatcher records the part without naming a warehouse
    with pytest.raises(TicketError) as refused:
        ticket_services.add_part_line(
            work_order=order, by=dispatcher, expected_version=order.version, part=part
        )
    assert refused.value.field == "warehouse"

    # then naming the warehouse works
    ticket_services.add_part_line(
        work_order=order,
        by=dispatcher,
        expected_version=order.version,
        part=part,
        warehouse=central,
    )
    assert level_of(central, part).on_hand == 1


def test_paid_repair_fits_parts_only_after_an_accepted_quote(
    van, part, dispatcher, technician, paid_order
) -> None:
    stock(van, part, 2, by=dispatcher)

    with pytest.raises(BillingError) as refused:
        ticket_services.add_part_line(
            work_order=paid_order, by=technician, expected_version=paid_order.version, part=part
        )

    assert refused.value.code == "quote_required"
    assert level_of(van, part).on_hand == 2
    assert not PartLine.objects.filter(work_order=paid_order).exists()


def test_write_off_needs_a_reason_and_cannot_go_below_zero(central, part, dispatcher) -> None:
    stock(central, part, 2, by=dispatcher)

    with pytest.raises(PartsError):
        services.write_off_stock(
            warehouse=central, part=part, quantity=1, by=dispatcher, reason=" "
        )
    with pytest.raises(PartsError) as refused:
        services.write_off_stock(
            warehouse=central, part=part, quantity=3, by=dispatcher, reason="受潮"
        )
    assert refused.value.code == PartsErrorCode.INSUFFICIENT_STOCK
    movement = services.write_off_stock(
        warehouse=central, part=part, quantity=2, by=dispatcher, reason="受潮"
    )

    assert (movement.quantity, movement.balance_after, movement.note) == (-2, 0, "受潮")


def test_transfer_books_one_movement_out_and_one_in(central, van, part, dispatcher) -> None:
    stock(central, part, 10, by=dispatcher)

    outgoing, incoming = services.transfer_stock(
        source=central, destination=van, part=part, quantity=4, by=dispatcher
    )

    assert (outgoing.kind, outgoing.quantity, outgoing.counterpart) == (
        MovementKind.TRANSFER_OUT,
        -4,
        van,
    )
    assert (incoming.kind, incoming.quantity, incoming.counterpart) == (
        MovementKind.TRANSFER_IN,
        4,
        central,
    )
    assert (level_of(central, part).on_hand, level_of(van, part).on_hand) == (6, 4)
    with pytest.raises(PartsError):
        services.transfer_stock(source=van, destination=van, part=part, quantity=1, by=dispatcher)


def test_technician_may_not_manage_stock(central, part, technician) -> None:
    with pytest.raises(PartsError) as refused:
        services.receive_stock(warehouse=central, part=part, quantity=1, by=technician)
    assert refused.value.code == PartsErrorCode.NOT_ALLOWED


def test_reservation_holds_stock_for_its_work_order_only(
    central, part, dispatcher, technician, order, paid_order
) -> None:
    # given two units, one held for the order
    stock(central, part, 2, by=dispatcher)
    reservation = services.reserve_for_work_order(
        work_order=order, warehouse=central, part=part, quantity=1, by=dispatcher
    )
    assert (level_of(central, part).reserved, level_of(central, part).available) == (1, 1)

    # when another order takes one, then tries for a second
    services.reserve_for_work_order(
        work_order=paid_order, warehouse=central, part=part, quantity=1, by=dispatcher
    )
    with pytest.raises(PartsError):
        services.reserve_for_work_order(
            work_order=paid_order, warehouse=central, part=part, quantity=1, by=dispatcher
        )

    # then the held order still gets its unit: the issue uses its reservation
    ticket_services.add_part_line(
        work_order=order,
        by=dispatcher,
        expected_version=order.version,
        part=part,
        warehouse=central,
    )
    reservation.refresh_from_db()
    level = level_of(central, part)
    assert reservation.status == ReservationStatus.CONSUMED
    assert (level.on_hand, level.reserved) == (1, 1)


def test_released_reservation_is_available_again(central, part, dispatcher, order) -> None:
    stock(central, part, 1, by=dispatcher)
    reservation = services.reserve_for_work_order(
        work_order=order, warehouse=central, part=part, quantity=1, by=dispatcher
    )

    services.release_reservation(reservation=reservation, by=dispatcher)

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert level_of(central, part).available == 1
    with pytest.raises(PartsError):
        services.release_reservation(reservation=reservation, by=dispatcher)


def test_return_puts_back_at_most_what_was_issued(van, part, dispatcher, technician, order) -> None:
    stock(van, part, 3, by=dispatcher)
    ticket_services.add_part_line(
        work_order=order, by=technician, expected_version=order.version, part=part, quantity=2
    )

    movement = services.return_from_work_order(
        work_order=order, part=part, warehouse=van, quantity=1, by=technician, note="未使用"
    )
    with pytest.raises(PartsError):
        services.return_from_work_order(
            work_order=order, part=part, warehouse=van, quantity=2, by=technician
        )

    assert (movement.kind, movement.quantity, movement.balance_after) == (
        MovementKind.RETURN,
        1,
        2,
    )


def test_a_return_is_booked_at_the_cost_it_was_issued_at(
    van, part, dispatcher, technician, order
) -> None:
    stock(van, part, 2, by=dispatcher)
    ticket_services.add_part_line(
        work_order=order, by=technician, expected_version=order.version, part=part, quantity=1
    )
    issued_cost = part.unit_cost
    # the catalogue cost changes between the issue and the return
    type(part).objects.filter(pk=part.pk).update(unit_cost=issued_cost + Decimal("7.50"))
    part.refresh_from_db()

    movement = services.return_from_work_order(
        work_order=order, part=part, warehouse=van, quantity=1, by=technician
    )

    assert movement.unit_cost == issued_cost


def test_movements_are_append_only(central, part, dispatcher) -> None:
    movement = stock(central, part, 2, by=dispatcher)

    with pytest.raises(LedgerError):
        movement.save()
    with pytest.raises(LedgerError):
        movement.delete()
    with pytest.raises(LedgerError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=5)
    with pytest.raises(LedgerError):
        StockMovement.objects.filter(pk=movement.pk).delete()

    # The database refuses it too, whoever writes.
    table = StockMovement._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET quantity = 99 WHERE id = %s", [movement.pk])  # noqa: S608
    movement.refresh_from_db()
    assert movement.quantity == 2
    assert ledger_discrepancies() == []


def test_stock_level_cannot_go_negative_in_the_database(central, part, dispatcher) -> None:
    stock(central, part, 1, by=dispatcher)
    with pytest.raises(DatabaseError), transaction.atomic():
        StockLevel.objects.filter(warehouse=central, part=part).update(on_hand=-1)


def test_keeper_is_told_when_stock_falls_to_the_reorder_point(central, part, dispatcher) -> None:
    stock(central, part, 5, by=dispatcher)
    level = level_of(central, part)
    services.set_reorder_point(
        stock_level=level, by=dispatcher, expected_version=level.version, reorder_point=2
    )

    services.write_off_stock(warehouse=central, part=part, quantity=2, by=dispatcher, reason="破损")
    assert not Notification.objects.filter(template_code="stock_low").exists()
    services.write_off_stock(warehouse=central, part=part, quantity=1, by=dispatcher, reason="破损")
    services.write_off_stock(warehouse=central, part=part, quantity=1, by=dispatcher, reason="破损")

    told = Notification.objects.filter(template_code="stock_low", recipient=dispatcher)
    assert told.filter(channel="in_app").count() == 1
    with pytest.raises(ConflictError):
        services.set_reorder_point(
            stock_level=level, by=dispatcher, expected_version=level.version, reorder_point=3
        )


def test_van_belongs_to_one_technician(technician, org_tree) -> None:
    van_for(technician)
    with pytest.raises(ShouhouError):
        WarehouseFactory.create(
            kind=WarehouseKind.VAN, technician=technician, organisation=org_tree.service_centre
        )
    with pytest.raises(ShouhouError):
        WarehouseFactory.create(kind=WarehouseKind.VAN, organisation=org_tree.service_centre)


# --- parts requests ---------------------------------------------------------------------------


def test_parts_request_from_approval_to_receipt(
    central, van, part, dispatcher, technician, order
) -> None:
    stock(central, part, 5, by=dispatcher)
    other = PartFactory.create(code="FAN-02", name="风扇")
    stock(central, other, 1, by=dispatcher)

    # when the technician asks for parts for the order
    request = services.submit_parts_request(
        by=technician, source=central, lines=[(part, 2), (other, 1), (part, 1)], work_order=order
    )
    assert request.destination == van
    assert [(line.part, line.quantity) for line in request.lines.order_by("part__code")] == [
        (other, 1),
        (part, 3),
    ]
    assert Notification.objects.filter(
        template_code="parts_request_submitted", recipient=dispatcher
    ).exists()

    # and the warehouse approves: the stock is held
    request = services.approve_parts_request(
        request=request, by=dispatcher, expected_version=request.version
    )
    assert request.status == PartsRequestStatus.APPROVED
    assert level_of(central, part).available == 2

    # and ships it: the parts move into the van
    request = services.ship_parts_request(
        request=request, by=dispatcher, expected_version=request.version
    )
    assert (level_of(central, part).on_hand, level_of(central, part).reserved) == (2, 0)
    assert level_of(van, part).on_hand == 3
    assert level_of(van, other).on_hand == 1
    assert StockMovement.objects.filter(parts_request=request).count() == 4

    # and the technician confirms a wrong part arrived
    with pytest.raises(PartsError):
        services.confirm_parts_received(
            request=request, by=technician, expected_version=request.version, is_correct=False
        )
    request = services.confirm_parts_received(
        request=request,
        by=technician,
        expected_version=request.version,
        is_correct=False,
        note="风扇型号不对",
    )
    assert (request.status, request.is_shipment_correct) == (PartsRequestStatus.RECEIVED, False)


def test_request_beyond_stock_is_refused_or_back_ordered(
    central, part, dispatcher, technician, van
) -> None:
    stock(central, part, 1, by=dispatcher)
    request = services.submit_parts_request(by=technician, source=central, lines=[(part, 3)])

    # refused, with the stock there is, and nothing held
    with pytest.raises(PartsError) as refused:
        services.approve_parts_request(
            request=request, by=dispatcher, expected_version=request.version
        )
    assert "3 wanted, 1 available" in str(refused.value.message)
    assert level_of(central, part).reserved == 0

    # or back-ordered on request, then approved once the delivery arrived
    request = services.approve_parts_request(
        request=request, by=dispatcher, expected_version=request.version, back_order=True
    )
    assert request.status == PartsRequestStatus.BACK_ORDERED
    assert level_of(central, part).reserved == 0
    stock(central, part, 2, by=dispatcher)
    request = services.approve_parts_request(
        request=request, by=dispatcher, expected_version=request.version
    )
    assert request.status == PartsRequestStatus.APPROVED
    assert level_of(central, part).reserved == 3


def test_cancelled_request_releases_its_stock(central, part, dispatcher, technician, van) -> None:
    stock(central, part, 2, by=dispatcher)
    request = services.submit_parts_request(by=technician, source=central, lines=[(part, 2)])
    request = services.approve_parts_request(
        request=request, by=dispatcher, expected_version=request.version
    )

    request = services.cancel_parts_request(
        request=request, by=technician, expected_version=request.version, note="已修好"
    )

    assert request.status == PartsRequestStatus.CANCELLED
    assert level_of(central, part).available == 2


def test_technician_cannot_approve_requests(central, part, technician, dispatcher, van) -> None:
    stock(central, part, 2, by=dispatcher)
    request = services.submit_parts_request(by=technician, source=central, lines=[(part, 1)])

    with pytest.raises(PartsError) as refused:
        services.approve_parts_request(
            request=request, by=technician, expected_version=request.version
        )

    assert refused.value.code == PartsErrorCode.NOT_ALLOWED
    request.refresh_from_db()
    assert request.status == PartsRequestStatus.REQUESTED


def test_request_needs_a_van_or_a_destination(central, part, make_user, org_tree) -> None:
    without_van = make_user(org_tree.service_centre, Role.TECHNICIAN)
    with pytest.raises(PartsError) as refused:
        services.submit_parts_request(by=without_van, source=central, lines=[(part, 1)])
    assert refused.value.field == "destination"


# --- old parts --------------------------------------------------------------------------------


def test_old_part_is_handed_in_then_sent_back_to_the_factory(
    central, technician, dispatcher, order
) -> None:
    line = ticket_services.add_part_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        part_name="主板",
        disposition=PartDisposition.BACK_TO_FACTORY,
    )
    old = OldPart.objects.get(part_line=line)

    with pytest.raises(PartsError):
        services.handle_old_part(
            old_part=old, action="hand_in", by=technician, expected_version=old.version
        )
    old = services.handle_old_part(
        old_part=old,
        action="hand_in",
        by=technician,
        expected_version=old.version,
        warehouse=central,
    )
    with pytest.raises(PartsError) as refused:
        services.handle_old_part(
            old_part=old, action="send_to_factory", by=technician, expected_version=old.version
        )
    assert refused.value.code == PartsErrorCode.NOT_ALLOWED
    with pytest.raises(PartsError):
        services.handle_old_part(
            old_part=old, action="send_to_factory", by=dispatcher, expected_version=old.version
        )
    old = services.handle_old_part(
        old_part=old,
        action="send_to_factory",
        by=dispatcher,
        expected_version=old.version,
        reference="SF1234567",
    )

    assert (old.status, old.warehouse, old.reference, old.handled_by) == (
        OldPartStatus.SENT_TO_FACTORY,
        central,
        "SF1234567",
        dispatcher,
    )
