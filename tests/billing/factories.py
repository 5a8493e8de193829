"""Billing set-ups through the services: a quote the customer accepted, a resolved order."""

from __future__ import annotations

from collections.abc import Sequence

from shouhou.billing import services
from shouhou.billing.models import Quote
from shouhou.core.models import User
from shouhou.parts.models import Part
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import WorkOrder


def accepted_quote(
    order: WorkOrder,
    *,
    by: User,
    parts: Sequence[tuple[Part, int]] = (),
    labour_minutes: int = 60,
) -> Quote:
    quote = services.prepare_quote(work_order=order, by=by, labour_minutes=labour_minutes)
    for part, quantity in parts:
        quote = services.plan_quote_part(
            quote=quote, by=by, expected_version=quote.version, part=part, quantity=quantity
        )
    quote = services.send_quote(quote=quote, by=by, expected_version=quote.version)
    return services.decide_quote(
        quote=quote, accepted=True, by=by, expected_version=quote.version, customer_name="王先生"
    )


def resolve_on_site(order: WorkOrder, *, technician: User) -> WorkOrder:
    """Accept, travel, arrive and fix: the order is resolved and may be invoiced."""
    for service in (
        ticket_services.accept_work_order,
        ticket_services.depart_work_order,
        ticket_services.arrive_work_order,
    ):
        order = service(work_order=order, by=technician, expected_version=order.version)
    return ticket_services.resolve_work_order(
        work_order=order, by=technician, expected_version=order.version, work_done="更换电源板"
    )
