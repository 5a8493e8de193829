"""Deterministic demo data for billing, on top of `seed_demo` and the parts demo: quotes on the
Shanghai service centre's open paid work orders (accepted on the customer's link, by staff,
awaiting, declined), catalogue parts fitted from the vans, a discount waiting for the manager,
invoices on finished paid work orders, payments by transfer and cash still held by technicians.
Everything goes through the services.

The Chinese literals below are demo *data* (names, reasons), not user-facing interface text."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db.models import Q

from shouhou.billing import rules, services
from shouhou.billing.models import Quote
from shouhou.core.models import Organisation, User
from shouhou.parts import services as parts_services
from shouhou.parts.models import Part, StockLevel, Warehouse, WarehouseKind
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import ServiceCategory, WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import READ_ONLY

OPEN = (
    WorkOrderStatus.DISPATCHED,
    WorkOrderStatus.ACCEPTED,
    WorkOrderStatus.EN_ROUTE,
    WorkOrderStatus.ON_SITE,
)
DONE = (WorkOrderStatus.RESOLVED, WorkOrderStatus.SIGNED, WorkOrderStatus.CLOSED)
CHEAP_PARTS = ("GRG-PWR-01", "GRG-CRD-03", "GRG-BLT-06", "GRG-RLR-07", "GRG-KBD-05")


def seed_billing(*, seed: int = 1) -> dict[str, int]:
    """Add the billing demo data once (nothing when there are quotes already)."""
    if Quote.objects.exists() or not Part.objects.exists():
        return {}
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    users = {user.username: user for user in User.objects.filter(username__startswith="demo_")}
    dispatcher = users["demo_dispatcher"]
    accountant = users["demo_accountant"]
    shanghai = Organisation.objects.get(code="SC-SH")
    store = Warehouse.objects.get(code="SH-STORE")
    paid = Q(service_category=ServiceCategory.PAID) | Q(is_human_damage=True)
    open_orders = list(
        # Paid service only: a human-damage repair under a contract may charge nothing.
        WorkOrder.objects.filter(
            service_category=ServiceCategory.PAID, handling_organisation=shanghai, status__in=OPEN
        )
        .exclude(technician=None)
        .order_by("pk")[:6]
    )
    counts = {"quotes": 0, "invoices": 0, "payments": 0}
    for index, order in enumerate(open_orders):
        _quote_and_fit(order, index, store=store, dispatcher=dispatcher, rng=rng)
        counts["quotes"] += 1
    done_orders = list(
        WorkOrder.objects.filter(paid, handling_organisation=shanghai, status__in=DONE)
        .exclude(technician=None)
        .order_by("pk")[:10]
    )
    for index, order in enumerate(done_orders):
        sheet = rules.charge_sheet_for(order)
        if sheet is None or sheet.due_amount <= 0:
            continue
        technician = order.technician
        assert technician is not None  # noqa: S101 - filtered above
        if index % 3 == 0 and sheet.due_amount <= rules.billing_settings().on_site_cash_limit:
            services.record_payment(
                by=technician,
                work_order=order,
                method="cash",
                amount=sheet.due_amount,
                collected_on_site=True,
                note="现场收取",
            )
            counts["payments"] += 1
        invoice = services.issue_invoice(work_order=order, by=accountant)
        counts["invoices"] += 1
        if index % 3 == 1:
            services.record_payment(
                by=accountant,
                invoice=invoice,
                method="transfer",
                amount=invoice.balance_amount,
                reference=f"BANK{rng.randint(100000, 999999)}",
            )
            counts["payments"] += 1
        elif index % 3 == 2:
            services.record_payment(
                by=accountant,
                invoice=invoice,
                method="transfer",
                amount=(invoice.balance_amount / 2).quantize(Decimal("0.01")),
            )
            counts["payments"] += 1
    return counts


def _van_stock(van: Warehouse, part: Part, *, store: Warehouse, keeper: User) -> None:
    level = StockLevel.objects.filter(warehouse=van, part=part).first()
    if level is None or level.available < 1:
        stored = StockLevel.objects.filter(warehouse=store, part=part).first()
        if stored is None or stored.available < 2:
            parts_services.receive_stock(
                warehouse=store, part=part, quantity=10, by=keeper, reference="SHD-DEMO"
            )
        parts_services.transfer_stock(
            source=store, destination=van, part=part, quantity=2, by=keeper
        )


def _quote_and_fit(
    order: WorkOrder, index: int, *, store: Warehouse, dispatcher: User, rng: random.Random
) -> None:
    technician = order.technician
    assert technician is not None  # noqa: S101 - filtered by the caller
    part = Part.objects.get(code=CHEAP_PARTS[index % len(CHEAP_PARTS)])
    quote = services.prepare_quote(
        work_order=order, by=technician, labour_minutes=rng.choice([60, 90, 120])
    )
    quote = services.plan_quote_part(
        quote=quote, by=technician, expected_version=quote.version, part=part, quantity=1
    )
    if index == 5:
        return  # a draft, still being prepared
    quote = services.send_quote(quote=quote, by=technician, expected_version=quote.version)
    if index == 4:
        return  # awaiting the customer
    if index == 3:
        services.decide_quote(
            quote=quote,
            accepted=False,
            by=dispatcher,
            expected_version=quote.version,
            customer_name=order.contact_name,
            reason="费用太高，暂不维修",
        )
        return
    services.decide_quote(
        quote=quote,
        accepted=True,
        by=None if index % 2 == 0 else technician,
        expected_version=quote.version,
        customer_name=order.contact_name,
    )
    van = Warehouse.objects.filter(technician=technician, kind=WarehouseKind.VAN).first()
    if van is None or order.status in READ_ONLY:
        return
    _van_stock(van, part, store=store, keeper=dispatcher)
    order.refresh_from_db()
    ticket_services.add_part_line(
        work_order=order, by=technician, expected_version=order.version, part=part
    )
    if index == 1:
        services.request_adjustment(
            work_order=order,
            by=technician,
            kind="discount",
            amount=Decimal("30.00"),
            reason="老客户，申请优惠",
        )
