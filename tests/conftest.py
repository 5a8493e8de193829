"""Shared fixtures: an organisation tree with a user per place, and fast password hashing."""

from __future__ import annotations

from dataclasses import dataclass

import freezegun
import pytest
from django.test import Client

from shouhou.core.models import Organisation, OrganisationKind, Role, User
from tests.core.factories import OrganisationFactory, UserFactory

# pytest's own clock (test durations, timeouts) keeps real time while a test freezes the clock.
freezegun.configure(extend_ignore_list=["_pytest"])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # Argon2 is the production hasher; tests need speed, not resistance to cracking.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _plain_static_files(settings: object) -> None:
    # The manifest storage needs collectstatic; tests render templates without running it.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _migration_data_after_flushes(request: pytest.FixtureRequest) -> None:
    """A transactional test starts on a database an earlier one flushed: content types,
    permissions and role groups are not in the serialized rollback (TEST_NON_SERIALIZED_APPS),
    so recreate them as `migrate` would, and forget the stale content-type cache."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    request.getfixturevalue("transactional_db")
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture(autouse=True)
def _english(settings: object) -> None:
    """Tests read English messages unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


@dataclass
class OrgTree:
    """Our HQ with a service centre; a bank (head office → two branches → an outlet); a provider."""

    hq: Organisation
    service_centre: Organisation
    bank: Organisation
    branch_a: Organisation
    outlet_a1: Organisation
    branch_b: Organisation
    provider: Organisation
    other_client: Organisation


@pytest.fixture
def org_tree(db: None) -> OrgTree:
    hq = OrganisationFactory.create(name="总部", code="HQ", kind=OrganisationKind.HEADQUARTERS)
    service_centre = OrganisationFactory.create(name="上海服务中心", code="SC-SH", parent=hq)
    bank = OrganisationFactory.create(name="某银行总行", code="BANK", kind=OrganisationKind.CLIENT)
    branch_a = OrganisationFactory.create(
        name="某银行A分行", code="BANK-A", kind=OrganisationKind.CLIENT, parent=bank
    )
    outlet_a1 = OrganisationFactory.create(
        name="某银行A分行一支行", code="BANK-A1", kind=OrganisationKind.CLIENT, parent=branch_a
    )
    branch_b = OrganisationFactory.create(
        name="某银行B分行", code="BANK-B", kind=OrganisationKind.CLIENT, parent=bank
    )
    provider = OrganisationFactory.create(
        name="维保服务商", code="PROV", kind=OrganisationKind.PROVIDER
    )
    other_client = OrganisationFactory.create(
        name="另一客户", code="OTHER", kind=OrganisationKind.CLIENT
    )
    return OrgTree(hq, service_centre, bank, branch_a, outlet_a1, branch_b, provider, other_client)


@pytest.fixture
def make_user(db: None):
    def make(
        organisation: Organisation | None, role: str = Role.DISPATCHER, **kwargs: object
    ) -> User:
        return UserFactory.create(organisation=organisation, role=role, **kwargs)

    return make


@pytest.fixture
def hq_admin(org_tree: OrgTree, make_user) -> User:
    return make_user(org_tree.hq, Role.ADMIN, is_staff=True)


@pytest.fixture
def dispatcher(org_tree: OrgTree, make_user) -> User:
    return make_user(org_tree.service_centre, Role.DISPATCHER)


@pytest.fixture
def supervisor(org_tree: OrgTree, make_user) -> User:
    return make_user(org_tree.service_centre, Role.SERVICE_MANAGER)


@pytest.fixture
def technician(org_tree: OrgTree, make_user) -> User:
    return make_user(org_tree.service_centre, Role.TECHNICIAN)


@pytest.fixture
def hq_client(client: Client, hq_admin: User) -> Client:
    client.force_login(hq_admin)
    return client
