"""Deterministic demo data for parts, on top of `seed_demo`: an ATM parts catalogue, a store per
service centre and a van per technician, deliveries, restocking transfers, reorder points, and
parts requests in every state. Everything goes through the services (stock ledger, audit log).

The Chinese literals below are demo *data* (part names), not user-facing interface text."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shouhou.core.models import Organisation, Role, User
from shouhou.parts import services
from shouhou.parts.models import Part, PartsRequestStatus, StockLevel, Warehouse, WarehouseKind


@dataclass(frozen=True)
class PartSpec:
    code: str
    name: str
    cost: str
    price: str
    covered: bool = True


CATALOGUE = (
    PartSpec("GRG-PWR-01", "电源模块", "420.00", "680.00"),
    PartSpec("GRG-CDM-02", "出钞模块", "2600.00", "3980.00"),
    PartSpec("GRG-CRD-03", "读卡器", "380.00", "620.00"),
    PartSpec("GRG-PRT-04", "凭条打印机", "520.00", "880.00"),
    PartSpec("GRG-KBD-05", "加密键盘", "450.00", "760.00"),
    PartSpec("GRG-BLT-06", "传动皮带", "18.00", "45.00", covered=False),
    PartSpec("GRG-RLR-07", "搓钞轮", "35.00", "80.00", covered=False),
    PartSpec("GRG-PPR-08", "热敏打印纸", "6.00", "15.00", covered=False),
    PartSpec("GRG-MBD-09", "工控主板", "1800.00", "2880.00"),
    PartSpec("GRG-LCD-10", "显示屏", "650.00", "1080.00"),
    PartSpec("GRG-FAN-11", "散热风扇", "28.00", "60.00"),
    PartSpec("GRG-SNS-12", "对射传感器", "45.00", "95.00"),
)
STORES = (
    ("SC-SH", "SH-STORE", "上海服务中心备件库"),
    ("SC-BJ", "BJ-STORE", "北京服务中心备件库"),
    ("SC-GZ", "GZ-STORE", "广州服务中心备件库"),
)
KEEPER = "demo_dispatcher"


def seed_parts(*, seed: int = 1, extra: Iterable[tuple[str, str]] = ()) -> dict[str, int]:
    """Add the parts demo data once (nothing when the catalogue already has parts); `extra`
    (code, name) pairs join the catalogue, warranty-covered, at a drawn cost."""
    if Part.objects.exists():
        return {}
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    keeper = User.objects.filter(username=KEEPER).first()
    admin = User.objects.filter(role=Role.ADMIN, is_superuser=True).order_by("pk").first()
    if keeper is None or admin is None:
        return {}
    parts = [
        services.create_part(
            by=admin,
            code=spec.code,
            name=spec.name,
            unit_cost=Decimal(spec.cost),
            sale_price=Decimal(spec.price),
            is_warranty_covered=spec.covered,
            supplier="广电运通",
        )
        for spec in CATALOGUE
    ]
    known = {spec.code for spec in CATALOGUE}
    for code, name in sorted(set(extra)):
        if code in known:
            continue
        known.add(code)
        cost = Decimal(rng.randrange(20, 1200))
        parts.append(
            services.create_part(
                by=admin,
                code=code,
                name=name,
                unit_cost=cost,
                sale_price=(cost * Decimal("1.6")).quantize(Decimal("1")),
                is_warranty_covered=True,
                supplier="原厂",
            )
        )
    stores: list[Warehouse] = []
    vans: list[Warehouse] = []
    for organisation_code, code, name in STORES:
        organisation = Organisation.objects.get(code=organisation_code)
        store = services.create_warehouse(
            by=admin,
            code=code,
            name=name,
            kind=WarehouseKind.BRANCH,
            organisation=organisation,
            keeper=keeper if organisation_code == "SC-SH" else None,
        )
        stores.append(store)
        for technician in User.objects.filter(
            organisation=organisation, role=Role.TECHNICIAN
        ).order_by("username"):
            vans.append(
                services.create_warehouse(
                    by=admin,
                    code=f"VAN-{technician.username.upper()}",
                    name=f"{technician}的工具车",
                    kind=WarehouseKind.VAN,
                    organisation=organisation,
                    technician=technician,
                )
            )
    for store in stores:
        for part in parts:
            services.receive_stock(
                warehouse=store,
                part=part,
                quantity=rng.randint(4, 30),
                by=keeper,
                reference=f"SHD-{rng.randint(10000, 99999)}",
            )
            level = StockLevel.objects.get(warehouse=store, part=part)
            services.set_reorder_point(
                stock_level=level, by=keeper, expected_version=level.version, reorder_point=5
            )
    for van in vans:
        store = next(store for store in stores if store.organisation_id == van.organisation_id)
        for part in rng.sample(parts, 5):
            wanted = rng.randint(1, 3)
            # A centre with many technicians may run a store short: load what is left.
            left = StockLevel.objects.get(warehouse=store, part=part).available
            if min(wanted, left) > 0:
                services.transfer_stock(
                    source=store, destination=van, part=part, quantity=min(wanted, left), by=keeper
                )
    _requests(stores[0], vans, parts, keeper, rng)
    return {"parts": len(parts), "warehouses": len(stores) + len(vans)}


def _requests(
    store: Warehouse, vans: list[Warehouse], parts: list[Part], keeper: User, rng: random.Random
) -> None:
    """Parts requests of the Shanghai technicians in every state."""
    shanghai = [van for van in vans if van.organisation_id == store.organisation_id]
    plans = [
        PartsRequestStatus.RECEIVED,
        PartsRequestStatus.RECEIVED,
        PartsRequestStatus.RECEIVED,
        PartsRequestStatus.SHIPPED,
        PartsRequestStatus.APPROVED,
        PartsRequestStatus.REQUESTED,
        PartsRequestStatus.BACK_ORDERED,
    ]
    for index, goal in enumerate(plans):
        van = shanghai[index % len(shanghai)]
        technician = van.technician
        assert technician is not None  # noqa: S101 - a van has one
        quantity = 999 if goal == PartsRequestStatus.BACK_ORDERED else rng.randint(1, 2)
        part = rng.choice(parts)
        if goal != PartsRequestStatus.BACK_ORDERED:
            # Ask for what the store can ship, so that only the back-order waits.
            part = max(
                parts,
                key=lambda candidate: (
                    StockLevel.objects.get(warehouse=store, part=candidate).available >= quantity,
                    candidate == part,
                ),
            )
        request = services.submit_parts_request(
            by=technician,
            source=store,
            lines=[(part, min(quantity, 9999))],
            note="补充车载备件",
        )
        if goal == PartsRequestStatus.REQUESTED:
            continue
        request = services.approve_parts_request(
            request=request,
            by=keeper,
            expected_version=request.version,
            back_order=goal == PartsRequestStatus.BACK_ORDERED,
        )
        if goal in (PartsRequestStatus.APPROVED, PartsRequestStatus.BACK_ORDERED):
            continue
        request = services.ship_parts_request(
            request=request, by=keeper, expected_version=request.version
        )
        if goal == PartsRequestStatus.SHIPPED:
            continue
        correct = index != 2
        services.confirm_parts_received(
            request=request,
            by=technician,
            expected_version=request.version,
            is_correct=correct,
            note="" if correct else "型号不符",
        )
