"""Reads on maintenance contracts, scoped to the asking user."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from shouhou.assets.models import Equipment
from shouhou.contracts.models import ContractStatus, MaintenanceContract
from shouhou.core.models import User
from shouhou.core.scoping import get_visible_or_404, scoped


def contracts_visible_to(*, user: User | AnonymousUser) -> QuerySet[MaintenanceContract]:
    return scoped(
        MaintenanceContract.objects.select_related("customer", "service_level", "provider"), user
    )


def contract_for_user(*, user: User | AnonymousUser, contract_id: int) -> MaintenanceContract:
    return get_visible_or_404(contracts_visible_to(user=user), user, pk=contract_id)


def contracts_in_force_for(*, equipment: Equipment, on: datetime.date) -> list[MaintenanceContract]:
    """Signed contracts covering `equipment` whose period contains `on`."""
    return list(
        equipment.contracts.filter(
            status=ContractStatus.ACTIVE, starts_on__lte=on, ends_on__gte=on
        ).select_related("service_level")
    )


def contracts_of_customer(
    *, user: User | AnonymousUser, customer_id: int, limit: int = 20
) -> list[MaintenanceContract]:
    return list(
        contracts_visible_to(user=user).filter(customer_id=customer_id).order_by("-ends_on")[:limit]
    )
