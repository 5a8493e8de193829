"""Factories for organisations and users; they go through the services so paths and audit
entries are what production would write."""

from __future__ import annotations

import factory

from shouhou.core import services
from shouhou.core.models import Organisation, OrganisationKind, Region, Role, User

TEST_PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"组织{n}")
    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    kind = OrganisationKind.SERVICE_CENTRE
    parent = None

    @classmethod
    def _create(
        cls, model_class: type[Organisation], *args: object, **kwargs: object
    ) -> Organisation:
        return services.create_organisation(by=None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.DISPATCHER

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        return services.create_user(by=None, password=TEST_PASSWORD, **kwargs)  # type: ignore[arg-type]


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.Sequence(lambda n: f"R{n:05d}")
