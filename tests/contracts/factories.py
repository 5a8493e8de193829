from __future__ import annotations

import datetime

import factory

from shouhou.contracts import services
from shouhou.contracts.models import MaintenanceContract, ServiceLevel
from tests.customers.factories import CustomerFactory


class ContractFactory(factory.django.DjangoModelFactory[MaintenanceContract]):
    class Meta:
        model = MaintenanceContract

    customer = factory.SubFactory(CustomerFactory)
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    service_level = factory.LazyFunction(lambda: ServiceLevel.objects.get(code="standard"))

    @classmethod
    def _create(
        cls, model_class: type[MaintenanceContract], *args: object, **kwargs: object
    ) -> MaintenanceContract:
        return services.create_contract(by=None, **kwargs)  # type: ignore[arg-type]
