"""Organisation and user services."""

from __future__ import annotations

import pytest

from shouhou.core import services
from shouhou.core.errors import ShouhouError
from shouhou.core.models import Organisation, OrganisationKind, Role
from tests.core.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree() -> None:
    root = OrganisationFactory.create(kind=OrganisationKind.CLIENT)
    child = OrganisationFactory.create(parent=root)
    grandchild = OrganisationFactory.create(parent=child)

    assert grandchild.path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"
    assert (root.depth, child.depth, grandchild.depth) == (0, 1, 2)


def test_moving_a_subtree_repaths_every_descendant(org_tree, hq_admin) -> None:
    services.update_organisation(
        organisation=org_tree.branch_a,
        by=hq_admin,
        expected_version=org_tree.branch_a.version,
        parent=org_tree.branch_b,
    )
    outlet = Organisation.objects.get(pk=org_tree.outlet_a1.pk)
    assert (
        outlet.path
        == f"/{org_tree.bank.pk}/{org_tree.branch_b.pk}/{org_tree.branch_a.pk}/{outlet.pk}/"
    )
    assert outlet.depth == 3


def test_an_organisation_cannot_move_under_its_own_descendant(org_tree, hq_admin) -> None:
    with pytest.raises(ShouhouError, match="descendants"):
        services.update_organisation(
            organisation=org_tree.bank,
            by=hq_admin,
            expected_version=None,
            parent=org_tree.outlet_a1,
        )


def test_a_branch_user_cannot_create_a_root_or_a_sibling(org_tree, make_user) -> None:
    user = make_user(org_tree.branch_a, Role.ADMIN)
    with pytest.raises(ShouhouError):
        services.create_organisation(by=user, name="x", code="X1", kind=OrganisationKind.CLIENT)
    with pytest.raises(ShouhouError):
        services.create_organisation(
            by=user, name="y", code="Y1", kind=OrganisationKind.CLIENT, parent=org_tree.branch_b
        )
    outlet = services.create_organisation(
        by=user, name="z", code="Z1", kind=OrganisationKind.CLIENT, parent=org_tree.branch_a
    )
    assert outlet.path.startswith(org_tree.branch_a.path)


def test_role_grants_its_groups_permissions(org_tree, make_user) -> None:
    technician = make_user(org_tree.service_centre, Role.TECHNICIAN)
    dispatcher = make_user(org_tree.service_centre, Role.DISPATCHER)

    assert technician.has_perm("assets.view_equipment")
    assert not technician.has_perm("customers.add_customer")
    assert dispatcher.has_perm("customers.add_customer")


def test_customer_user_must_belong_to_a_client(org_tree) -> None:
    with pytest.raises(ShouhouError, match="client"):
        services.create_user(
            by=None, username="c1", password="x", organisation=org_tree.hq, role=Role.CUSTOMER_USER
        )
