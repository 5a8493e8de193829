from __future__ import annotations

import pytest

from shouhou.core.models import Role, User
from tests.conftest import OrgTree
from tests.parts.conftest import central, order, paid_order, part, van  # noqa: F401 - fixtures


@pytest.fixture
def accountant(org_tree: OrgTree, make_user) -> User:  # noqa: ANN001
    return make_user(org_tree.service_centre, Role.ACCOUNTANT)
