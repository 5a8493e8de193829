from __future__ import annotations

import factory

from shouhou.customers import services
from shouhou.customers.models import Customer, Site, Zone
from tests.core.factories import OrganisationFactory


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}有限公司")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class: type[Customer], *args: object, **kwargs: object) -> Customer:
        return services.create_customer(by=None, **kwargs)


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"网点{n}")
    address = factory.Sequence(lambda n: f"上海市浦东新区世纪大道{n}号")
    zone = Zone.URBAN

    @classmethod
    def _create(cls, model_class: type[Site], *args: object, **kwargs: object) -> Site:
        return services.create_site(by=None, **kwargs)  # type: ignore[arg-type]
