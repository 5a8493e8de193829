"""A service centre's Monday: technicians with profiles around Minhang, repair calls at sites
with map positions, the clock frozen so that SLA due times are known (an urban call registered
at 07:30 is due on site at 16:00: six working hours on the standard calendar)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import freezegun
import pytest
from freezegun import freeze_time

from shouhou.assets.models import ProductModel
from shouhou.core.models import User
from shouhou.customers.models import Site
from shouhou.dispatch import services
from shouhou.dispatch.models import DispatchSettings, TechnicianProfile
from shouhou.sla.calendars import forget_compiled_calendars
from shouhou.tickets.models import WorkOrder
from tests.assets.factories import (
    BrandFactory,
    EquipmentFactory,
    ProductModelFactory,
    ProductTypeFactory,
)
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.dispatch.factories import JIADING, PUDONG, XUHUI, technician_with_profile
from tests.tickets.factories import WorkOrderFactory

# The optimiser bounds its search by the wall clock: it must see real time under a frozen one.
freezegun.configure(extend_ignore_list=["shouhou.dispatch.optimiser", "pyvrp"])

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: datetime.date = MONDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Iterator[None]:
    forget_compiled_calendars()
    yield
    forget_compiled_calendars()


@pytest.fixture
def _quick_plans(db: None) -> None:
    """Plans in tests search for a second, not the production default."""
    DispatchSettings.objects.filter(is_default=True).update(plan_time_limit_seconds=1)


@dataclass
class Day:
    org_tree: OrgTree
    dispatcher: User
    wang: TechnicianProfile  # ATM and CRS, senior
    li: TechnicianProfile  # air conditioners only
    atm: ProductModel
    aircon: ProductModel
    sites: dict[str, Site]

    def call(
        self, *, site: str = "xuhui", model: ProductModel | None = None, **fields: object
    ) -> WorkOrder:
        """A repair call at one of the sites, registered by the dispatcher at the current time."""
        place = self.sites[site]
        unit = EquipmentFactory.create(
            customer=place.customer, site=place, product_model=model or self.atm
        )
        return WorkOrderFactory.create(equipment=unit, by=self.dispatcher, **fields)


@pytest.fixture
def day(org_tree: OrgTree, dispatcher: User, _quick_plans: None) -> Iterator[Day]:
    with freeze_time(at(7, 30)):
        centre = org_tree.service_centre
        atm = ProductModelFactory.create(
            product_type=ProductTypeFactory.create(code="ATM", name="自动柜员机"),
            brand=BrandFactory.create(name="广电运通"),
        )
        aircon = ProductModelFactory.create(
            product_type=ProductTypeFactory.create(code="AC", name="空调"),
            brand=BrandFactory.create(name="格力"),
        )
        wang = technician_with_profile(centre, name="王建军", certification_level="senior")
        li = technician_with_profile(centre, name="李明")
        services.add_skill(profile=wang, by=None, product_type=atm.product_type)
        services.add_skill(profile=li, by=None, product_type=aircon.product_type)
        customer = CustomerFactory.create(organisation=centre, name="宏达机电")
        sites = {
            name: SiteFactory.create(
                customer=customer, name=name, latitude=place[0], longitude=place[1]
            )
            for name, place in (("xuhui", XUHUI), ("pudong", PUDONG), ("jiading", JIADING))
        }
        sites["nowhere"] = SiteFactory.create(customer=customer, name="nowhere")
        yield Day(org_tree, dispatcher, wang, li, atm, aircon, sites)


def decimal(value: float) -> Decimal:
    return Decimal(str(value))
