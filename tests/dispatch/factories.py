"""Factories of the dispatch app; they go through the services, as production does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from shouhou.core.models import Organisation, Role, User
from shouhou.dispatch import services
from shouhou.dispatch.models import TechnicianProfile
from tests.core.factories import UserFactory

# 上海服务中心 in 闵行, and places around it (latitude, longitude).
SHANGHAI_BASE = (Decimal("31.112800"), Decimal("121.381600"))
XUHUI = (Decimal("31.188400"), Decimal("121.436500"))
PUDONG = (Decimal("31.221500"), Decimal("121.544700"))
JIADING = (Decimal("31.374700"), Decimal("121.265500"))


class TechnicianProfileFactory(factory.django.DjangoModelFactory[TechnicianProfile]):
    """A technician login with a dispatch profile based in Minhang."""

    class Meta:
        model = TechnicianProfile

    user = factory.SubFactory(UserFactory, role=Role.TECHNICIAN)
    home_centre = factory.LazyAttribute(lambda profile: profile.user.organisation)
    home_latitude = SHANGHAI_BASE[0]
    home_longitude = SHANGHAI_BASE[1]

    @classmethod
    def _create(
        cls, model_class: type[TechnicianProfile], *args: object, **kwargs: Any
    ) -> TechnicianProfile:
        return services.create_technician_profile(by=None, **kwargs)


def technician_with_profile(
    organisation: Organisation, *, name: str = "", **profile: Any
) -> TechnicianProfile:
    user: User = UserFactory.create(
        organisation=organisation, role=Role.TECHNICIAN, **({"name": name} if name else {})
    )
    return TechnicianProfileFactory.create(user=user, home_centre=organisation, **profile)
