from __future__ import annotations

import pytest

from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory

# A 1×1 transparent PNG: what a signature canvas sends, minus the ink.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def unit(org_tree):
    """A unit of one of the service centre's customers, bought this year (in warranty)."""
    return EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.service_centre)
    )
