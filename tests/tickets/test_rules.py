"""Warranty decision and default service category at intake."""

from __future__ import annotations

import datetime

import pytest

from shouhou.tickets.models import ServiceCategory
from shouhou.tickets.rules import WarrantyDecision, decide_warranty, default_category
from tests.assets.factories import EquipmentFactory
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 22)


def test_unit_within_its_warranty_is_in_warranty(org_tree) -> None:
    unit = EquipmentFactory.create(purchased_on=datetime.date(2026, 1, 15))
    decision = decide_warranty(
        equipment=unit, on=DAY, has_purchase_proof=True, is_human_damage=False
    )
    assert decision.is_in_warranty
    assert "2027-01-14" in decision.note


@pytest.mark.parametrize(("proof", "damage"), [(False, False), (True, True), (False, True)])
def test_no_proof_or_human_damage_is_out_of_warranty(org_tree, proof, damage) -> None:
    unit = EquipmentFactory.create(purchased_on=datetime.date(2026, 1, 15))
    decision = decide_warranty(
        equipment=unit, on=DAY, has_purchase_proof=proof, is_human_damage=damage
    )
    assert not decision.is_in_warranty


def test_expired_warranty_is_out(org_tree) -> None:
    unit = EquipmentFactory.create(purchased_on=datetime.date(2020, 1, 15))
    decision = decide_warranty(
        equipment=unit, on=DAY, has_purchase_proof=True, is_human_damage=False
    )
    assert not decision.is_in_warranty
    assert "2021-01-14" in decision.note


def test_last_day_of_warranty_is_still_in(org_tree) -> None:
    unit = EquipmentFactory.create(purchased_on=datetime.date(2025, 11, 23))
    assert unit.warranty_ends_on == DAY
    assert decide_warranty(
        equipment=unit, on=DAY, has_purchase_proof=True, is_human_damage=False
    ).is_in_warranty


def test_unknown_unit_is_out_of_warranty() -> None:
    assert not decide_warranty(
        equipment=None, on=DAY, has_purchase_proof=True, is_human_damage=False
    ).is_in_warranty


def test_category_defaults(org_tree) -> None:
    inside = WarrantyDecision(True, "")
    outside = WarrantyDecision(False, "")
    contract = ContractFactory.create()
    assert default_category(warranty=outside, contract=contract) == ServiceCategory.CONTRACT
    assert default_category(warranty=inside, contract=None) == ServiceCategory.FREE
    assert default_category(warranty=outside, contract=None) == ServiceCategory.PAID
