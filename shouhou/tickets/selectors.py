"""Reads on work orders, scoped to the asking user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from shouhou.assets.models import Equipment
from shouhou.assets.selectors import equipment_visible_to
from shouhou.core.audit import ReadableEntry
from shouhou.core.models import User
from shouhou.core.scoping import get_visible_or_404, scoped
from shouhou.core.selectors import audit_trail
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customers_visible_to
from shouhou.tickets.models import GoodsMovement, WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import Action, actions_for

SCREEN_POP_ROWS = 10


def work_orders_visible_to(*, user: User | AnonymousUser) -> QuerySet[WorkOrder]:
    """Orders of the user's organisation subtree, or handled by it."""
    return scoped(
        WorkOrder.objects.select_related(
            "customer",
            "equipment",
            "product_model",
            "product_model__brand",
            "technician",
            "handling_organisation",
        ),
        user,
    )


def work_order_for_user(*, user: User | AnonymousUser, work_order_id: int) -> WorkOrder:
    return get_visible_or_404(
        work_orders_visible_to(user=user).select_related(
            "site", "contract", "registered_by", "escalated_to", "inspected_by", "organisation"
        ),
        user,
        pk=work_order_id,
    )


def start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def carried_over_first(queryset: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Undispatched calls of earlier days first, oldest first (001 第十二条), then the rest
    newest first."""
    carried_over = Q(status=WorkOrderStatus.REGISTERED, reported_at__lt=start_of_today())
    return queryset.annotate(
        carried_over=Case(
            When(carried_over, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("carried_over", Case(When(carried_over, then="reported_at")), "-reported_at", "-id")


@dataclass(frozen=True)
class CallerMatch:
    """What the screen-pop found for a phone number or a serial number."""

    customers: list[Customer]
    equipment: list[Equipment]


def caller_lookup(*, user: User, term: str) -> CallerMatch:
    """Customers whose phone (or a contact's or site contact's phone) starts with `term`, and
    units whose serial number starts with it."""
    term = term.strip()
    if len(term) < 3:
        return CallerMatch(customers=[], equipment=[])
    phone = (
        Q(phone__prefix=term)
        | Q(contacts__phone__prefix=term)
        | Q(sites__contact_phone__prefix=term)
    )
    customers = list(
        customers_visible_to(user=user).filter(pk__in=Customer.objects.filter(phone).values("pk"))[
            :SCREEN_POP_ROWS
        ]
    )
    equipment = list(
        equipment_visible_to(user=user).filter(serial__prefix=term.upper())[:SCREEN_POP_ROWS]
    )
    if customers and not equipment:
        equipment = list(
            equipment_visible_to(user=user)
            .filter(customer__in=customers)
            .order_by("-id")[:SCREEN_POP_ROWS]
        )
    return CallerMatch(customers=customers, equipment=equipment)


def available_actions(*, work_order: WorkOrder, user: User) -> list[Action]:
    return actions_for(work_order, user)


def work_order_timeline(
    *, user: User | AnonymousUser, work_order: WorkOrder
) -> list[ReadableEntry]:
    """Every audited change of the order, newest first."""
    return audit_trail(user=user, instance=work_order)


def goods_register(*, user: User | AnonymousUser) -> QuerySet[GoodsMovement]:
    """The goods in/out register (客户商品进出登记簿) of the orders the user sees."""
    orders = work_orders_visible_to(user=user).values("pk")
    return GoodsMovement.objects.filter(receipt__work_order__in=orders).select_related(
        "receipt", "receipt__work_order", "receipt__work_order__customer", "by"
    )
