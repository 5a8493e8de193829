"""Business rules decided at intake: warranty status and the default service category."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shouhou.assets.models import Equipment
from shouhou.contracts.models import MaintenanceContract
from shouhou.tickets.models import ServiceCategory


@dataclass(frozen=True)
class WarrantyDecision:
    is_in_warranty: bool
    note: str


def decide_warranty(
    *,
    equipment: Equipment | None,
    on: datetime.date,
    has_purchase_proof: bool,
    is_human_damage: bool,
) -> WarrantyDecision:
    """In warranty only with proof of purchase, no human damage and the unit's warranty running
    on the call date (001 第五篇 1.1.1, 1.5)."""
    if is_human_damage:
        return WarrantyDecision(False, _("Human damage: charged even within the warranty period."))
    if not has_purchase_proof:
        return WarrantyDecision(False, _("No proof of purchase: handled as out of warranty."))
    if equipment is None:
        return WarrantyDecision(
            False, _("The unit is not in the archive: handled as out of warranty.")
        )
    if equipment.warranty_ends_on is None:
        return WarrantyDecision(
            False, _("No purchase or installation date: handled as out of warranty.")
        )
    end = equipment.warranty_ends_on.isoformat()
    if on <= equipment.warranty_ends_on:
        return WarrantyDecision(True, _("In warranty until %(date)s.") % {"date": end})
    return WarrantyDecision(False, _("The warranty ended on %(date)s.") % {"date": end})


def default_category(
    *, warranty: WarrantyDecision, contract: MaintenanceContract | None
) -> ServiceCategory:
    """B under a contract in force, else C in warranty, else A (paid)."""
    if contract is not None:
        return ServiceCategory.CONTRACT
    if warranty.is_in_warranty:
        return ServiceCategory.FREE
    return ServiceCategory.PAID
