"""Random sequences of stock movements keep the ledger's invariants: on hand is always the sum of
the movements, never below zero, reservations never exceed it, and a refused movement changes
nothing. Two people taking the last unit at once: exactly one gets it."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from shouhou.core.errors import ShouhouError
from shouhou.core.models import Role
from shouhou.parts import services
from shouhou.parts.models import Reservation, ReservationStatus, StockLevel, StockMovement
from shouhou.parts.selectors import ledger_discrepancies
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import PartLine
from tests.parts.conftest import dispatched_order
from tests.parts.factories import PartFactory, WarehouseFactory, stock, van_for

QUANTITIES = st.integers(min_value=1, max_value=6)


def _state() -> dict[str, Any]:
    return {
        "levels": sorted(StockLevel.objects.values_list("pk", "on_hand", "reserved")),
        "movements": StockMovement.objects.count(),
        "reservations": sorted(Reservation.objects.values_list("pk", "status", "quantity")),
        "lines": PartLine.objects.count(),
    }


class StockMachine(RuleBasedStateMachine):
    fixtures: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        fixtures = self.fixtures
        self.keeper = fixtures["dispatcher"]
        self.technician = fixtures["technician"]
        self.warehouses = [fixtures["central"], fixtures["van"]]
        self.parts = fixtures["parts"]
        self.order = fixtures["order"]
        # Each example starts from the same database: a savepoint, rolled back at teardown.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)
        self.order.refresh_from_db()

    def _perform(self, action: Any) -> None:
        before = _state()
        try:
            action()
        except ShouhouError:
            assert _state() == before, "a refused movement changed something"
        self.order.refresh_from_db()

    @rule(warehouse=st.integers(0, 1), part=st.integers(0, 1), quantity=QUANTITIES)
    def receive(self, warehouse: int, part: int, quantity: int) -> None:
        self._perform(
            lambda: services.receive_stock(
                warehouse=self.warehouses[warehouse],
                part=self.parts[part],
                quantity=quantity,
                by=self.keeper,
            )
        )

    @rule(warehouse=st.integers(0, 1), part=st.integers(0, 1), quantity=QUANTITIES)
    def write_off(self, warehouse: int, part: int, quantity: int) -> None:
        self._perform(
            lambda: services.write_off_stock(
                warehouse=self.warehouses[warehouse],
                part=self.parts[part],
                quantity=quantity,
                by=self.keeper,
                reason="盘亏",
            )
        )

    @rule(source=st.integers(0, 1), part=st.integers(0, 1), quantity=QUANTITIES)
    def transfer(self, source: int, part: int, quantity: int) -> None:
        self._perform(
            lambda: services.transfer_stock(
                source=self.warehouses[source],
                destination=self.warehouses[1 - source],
                part=self.parts[part],
                quantity=quantity,
                by=self.keeper,
            )
        )

    @rule(warehouse=st.integers(0, 1), part=st.integers(0, 1), quantity=QUANTITIES)
    def issue(self, warehouse: int, part: int, quantity: int) -> None:
        self._perform(
            lambda: ticket_services.add_part_line(
                work_order=self.order,
                by=self.keeper,
                expected_version=self.order.version,
                part=self.parts[part],
                quantity=quantity,
                warehouse=self.warehouses[warehouse],
            )
        )

    @rule(warehouse=st.integers(0, 1), part=st.integers(0, 1), quantity=QUANTITIES)
    def reserve(self, warehouse: int, part: int, quantity: int) -> None:
        self._perform(
            lambda: services.reserve_for_work_order(
                work_order=self.order,
                warehouse=self.warehouses[warehouse],
                part=self.parts[part],
                quantity=quantity,
                by=self.keeper,
            )
        )

    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        held = list(Reservation.objects.filter(status=ReservationStatus.ACTIVE).order_by("pk"))
        if held:
            reservation = data.draw(st.sampled_from(held))
            self._perform(
                lambda: services.release_reservation(reservation=reservation, by=self.keeper)
            )

    @rule(part=st.integers(0, 1), quantity=QUANTITIES)
    def give_back(self, part: int, quantity: int) -> None:
        self._perform(
            lambda: services.return_from_work_order(
                work_order=self.order,
                part=self.parts[part],
                warehouse=self.warehouses[1],
                quantity=quantity,
                by=self.keeper,
            )
        )

    @invariant()
    def on_hand_is_the_sum_of_movements_and_never_negative(self) -> None:
        assert ledger_discrepancies() == []
        for level in StockLevel.objects.all():
            assert level.on_hand >= 0
            assert 0 <= level.reserved <= level.on_hand
            held = Reservation.objects.filter(
                stock_level=level, status=ReservationStatus.ACTIVE
            ).aggregate(total=Sum("quantity"))["total"]
            assert level.reserved == (held or 0)

    @invariant()
    def every_balance_is_the_running_sum(self) -> None:
        for level in StockLevel.objects.all():
            running = 0
            for quantity, balance in (
                StockMovement.objects.filter(warehouse=level.warehouse, part=level.part)
                .order_by("id")
                .values_list("quantity", "balance_after")
            ):
                running += quantity
                assert balance == running >= 0


@pytest.mark.django_db
def test_any_sequence_of_movements_keeps_the_ledger_consistent(
    central, van, dispatcher, technician, order
) -> None:
    StockMachine.fixtures = {
        "dispatcher": dispatcher,
        "technician": technician,
        "central": central,
        "van": van,
        "parts": [PartFactory.create(), PartFactory.create(is_warranty_covered=False)],
        "order": order,
    }
    run_state_machine_as_test(
        StockMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_issues_of_the_last_unit_one_wins(org_tree, make_user) -> None:
    """Two technicians fit the last unit of the same store to two work orders at the same moment:
    one gets it, the other is told there is none left, and the stock ends at zero."""
    keeper = make_user(org_tree.service_centre, Role.DISPATCHER)
    store = WarehouseFactory.create(organisation=org_tree.service_centre)
    part = PartFactory.create()
    stock(store, part, 1, by=keeper)
    people = [make_user(org_tree.service_centre, Role.TECHNICIAN) for _ in range(2)]
    for person in people:
        van_for(person)
    orders = [
        dispatched_order(
            dispatcher=keeper,
            technician=person,
            organisation=org_tree.service_centre,
            purchased_on=datetime.date(2026, 6, 1),
        )
        for person in people
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def fit(person: Any, order: Any) -> None:
        try:
            barrier.wait()
            ticket_services.add_part_line(
                work_order=order,
                by=person,
                expected_version=order.version,
                part=part,
                warehouse=store,
            )
            outcomes.append("fitted")
        except ShouhouError as refused:
            outcomes.append(str(refused.code))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=fit, args=(person, order))
        for person, order in zip(people, orders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["fitted", "insufficient_stock"]
    level = StockLevel.objects.get(warehouse=store, part=part)
    assert level.on_hand == 0
    assert StockMovement.objects.filter(warehouse=store, part=part).count() == 2
    assert PartLine.objects.filter(part=part).count() == 1
