from __future__ import annotations

import datetime

import pytest

from shouhou.core.models import User
from shouhou.parts.models import Part, Warehouse
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import WorkOrder
from tests.assets.factories import EquipmentFactory
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory
from tests.parts.factories import PartFactory, WarehouseFactory, van_for
from tests.tickets.factories import WorkOrderFactory


@pytest.fixture
def central(org_tree: OrgTree, dispatcher: User) -> Warehouse:
    """The service centre's store, kept by the dispatcher."""
    return WarehouseFactory.create(
        organisation=org_tree.service_centre, code="SH-MAIN", name="上海总仓", keeper=dispatcher
    )


@pytest.fixture
def van(technician: User) -> Warehouse:
    return van_for(technician)


@pytest.fixture
def part() -> Part:
    return PartFactory.create(code="PWR-01", name="电源板", sale_price="280.00", unit_cost="150.00")


def dispatched_order(
    *, dispatcher: User, technician: User, organisation: object, purchased_on: datetime.date
) -> WorkOrder:
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=organisation), purchased_on=purchased_on
    )
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    return ticket_services.dispatch_work_order(
        work_order=order, technician=technician, by=dispatcher, expected_version=order.version
    )


@pytest.fixture
def order(org_tree: OrgTree, dispatcher: User, technician: User) -> WorkOrder:
    """A dispatched call about a unit in warranty (category C)."""
    return dispatched_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        purchased_on=datetime.date(2026, 5, 1),
    )


@pytest.fixture
def paid_order(org_tree: OrgTree, dispatcher: User, technician: User) -> WorkOrder:
    """A dispatched call about a unit out of warranty (category A, paid)."""
    return dispatched_order(
        dispatcher=dispatcher,
        technician=technician,
        organisation=org_tree.service_centre,
        purchased_on=datetime.date(2023, 1, 1),
    )
