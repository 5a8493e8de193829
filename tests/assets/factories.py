from __future__ import annotations

import datetime

import factory

from shouhou.assets import services
from shouhou.assets.models import Brand, Equipment, ProductModel, ProductType
from tests.customers.factories import CustomerFactory


class ProductTypeFactory(factory.django.DjangoModelFactory[ProductType]):
    class Meta:
        model = ProductType
        django_get_or_create = ("code",)

    name = "自动柜员机"
    code = "ATM"


class BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand
        django_get_or_create = ("name",)

    name = "广电运通"


class ProductModelFactory(factory.django.DjangoModelFactory[ProductModel]):
    class Meta:
        model = ProductModel

    product_type = factory.SubFactory(ProductTypeFactory)
    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"GRG-H{n:03d}")
    warranty_months = 12


class EquipmentFactory(factory.django.DjangoModelFactory[Equipment]):
    class Meta:
        model = Equipment

    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    product_model = factory.SubFactory(ProductModelFactory)
    customer = factory.SubFactory(CustomerFactory)
    purchased_on = datetime.date(2026, 1, 15)

    @classmethod
    def _create(cls, model_class: type[Equipment], *args: object, **kwargs: object) -> Equipment:
        return services.register_equipment(by=None, **kwargs)
