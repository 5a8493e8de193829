from __future__ import annotations

import factory

from shouhou.tickets import services
from shouhou.tickets.models import WorkOrder
from tests.assets.factories import EquipmentFactory


class WorkOrderFactory(factory.django.DjangoModelFactory[WorkOrder]):
    """A registered call about a registered unit."""

    class Meta:
        model = WorkOrder

    equipment = factory.SubFactory(EquipmentFactory)
    customer = factory.LazyAttribute(lambda order: order.equipment.customer)
    symptom = "开机无显示"
    contact_name = "王先生"
    contact_phone = factory.Sequence(lambda n: f"1391234{n:04d}")
    address = "上海市浦东新区世纪大道100号"

    @classmethod
    def _create(cls, model_class: type[WorkOrder], *args: object, **kwargs: object) -> WorkOrder:
        by = kwargs.pop("by", None)
        return services.register_work_order(by=by, **kwargs)  # type: ignore[arg-type]
