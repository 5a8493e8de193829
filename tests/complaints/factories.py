"""Factories of the complaints app. Cases go through the services, so numbers, deadlines and
audit entries are what production writes; departments and staff profiles are configuration
(edited in the admin), so they are rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from shouhou.complaints import services
from shouhou.complaints.models import (
    ComplaintCase,
    ComplaintType,
    Department,
    StaffProfile,
)
from shouhou.core.models import User
from tests.core.factories import OrganisationFactory
from tests.customers.factories import CustomerFactory


def complaint_type(code: str = "service_attitude") -> ComplaintType:
    """A type seeded by the migration."""
    return ComplaintType.objects.get(code=code)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class StaffProfileFactory(factory.django.DjangoModelFactory[StaffProfile]):
    class Meta:
        model = StaffProfile

    department = factory.SubFactory(DepartmentFactory)
    base_points = Decimal("1.00")
    monthly_bonus_amount = Decimal("2000.00")


class ComplaintFactory(factory.django.DjangoModelFactory[ComplaintCase]):
    """A registered complaint about a customer of a fresh organisation."""

    class Meta:
        model = ComplaintCase

    customer = factory.SubFactory(CustomerFactory)
    complaint_type = factory.LazyFunction(complaint_type)
    description = "维修人员态度恶劣，答应的事情没有办理"
    contact_name = "王先生"
    contact_phone = factory.Sequence(lambda n: f"1391234{n:04d}")

    @classmethod
    def _create(cls, model_class: type[ComplaintCase], *args: Any, **kwargs: Any) -> ComplaintCase:
        by: User | None = kwargs.pop("by", None)
        return services.register_complaint(by=by, **kwargs)
