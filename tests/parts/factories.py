"""Factories for the parts app; they go through the services."""

from __future__ import annotations

from decimal import Decimal

import factory

from shouhou.core.models import User
from shouhou.parts import services
from shouhou.parts.models import Part, StockMovement, Warehouse, WarehouseKind
from tests.core.factories import OrganisationFactory


class PartFactory(factory.django.DjangoModelFactory[Part]):
    class Meta:
        model = Part

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"配件{n}")
    unit_cost = Decimal("60.00")
    sale_price = Decimal("100.00")
    is_warranty_covered = True

    @classmethod
    def _create(cls, model_class: type[Part], *args: object, **kwargs: object) -> Part:
        return services.create_part(by=None, **kwargs)  # type: ignore[arg-type]


class WarehouseFactory(factory.django.DjangoModelFactory[Warehouse]):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"仓库{n}")
    kind = WarehouseKind.CENTRAL
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class: type[Warehouse], *args: object, **kwargs: object) -> Warehouse:
        return services.create_warehouse(by=None, **kwargs)


def van_for(technician: User) -> Warehouse:
    """The technician's van, in their organisation."""
    return WarehouseFactory.create(
        kind=WarehouseKind.VAN,
        technician=technician,
        organisation=technician.organisation,
        name=f"{technician}的车",
    )


def stock(warehouse: Warehouse, part: Part, quantity: int, *, by: User) -> StockMovement:
    return services.receive_stock(warehouse=warehouse, part=part, quantity=quantity, by=by)
