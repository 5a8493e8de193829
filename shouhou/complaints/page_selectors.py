"""Reads the complaint pages need on top of selectors.py: the autocomplete sources (staff,
handlers, departments, work orders) and the labels the case's timeline reads."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shouhou.complaints.models import Department
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.selectors import (
    departments_visible_to,
    handlers_visible_to,
    staff_visible_to,
)
from shouhou.complaints.workflow import ACTIONS
from shouhou.core.audit import register_audit_labels
from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import User
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.selectors import work_orders_visible_to


def _people(base: QuerySet[User], term: str) -> QuerySet[User]:
    if term:
        base = base.filter(
            Q(name__icontains=term) | Q(username__istartswith=term) | Q(phone__startswith=term)
        )
    return base.order_by("name", "username", "id")


def staff_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    return _people(staff_visible_to(user=user), term)


def handler_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    return _people(handlers_visible_to(user=user), term)


def department_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Department]:
    queryset = departments_visible_to(user=user).filter(is_active=True)
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(code__istartswith=term))
    return queryset.order_by("name", "id")


def work_order_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[WorkOrder]:
    """Work orders by number prefix, narrowed to the chosen customer."""
    queryset = work_orders_visible_to(user=user)
    if customer_id := params.get("customer"):
        if not customer_id.isdigit():
            return queryset.none()
        queryset = queryset.filter(customer_id=int(customer_id))
    if term:
        queryset = queryset.filter(number__prefix=term.strip().upper())
    return queryset.order_by("-reported_at", "-id")


def _person_label(person: User) -> str:
    return f"{person} · {person.organisation}" if person.organisation_id else str(person)


def register_autocomplete_sources() -> None:
    register(
        "complaint_staff",
        AutocompleteSource(search=staff_search, permission=P.VIEW, label=_person_label),
    )
    register(
        "complaint_handlers",
        AutocompleteSource(search=handler_search, permission=P.VIEW, label=_person_label),
    )
    register(
        "complaint_departments",
        AutocompleteSource(
            search=department_search,
            permission=P.VIEW,
            label=lambda department: f"{department.name} · {department.organisation}",
        ),
    )
    register(
        "complaint_work_orders",
        AutocompleteSource(
            search=work_order_search,
            permission=P.VIEW,
            label=lambda order: f"{order.number} · {order.customer}",
        ),
    )


TIMELINE_VERBS: dict[str, str | Promise] = {
    **{name: action.label for name, action in ACTIONS.items()},
    "registered": _("Registered"),
    "staff_changed": _("Staff involved changed"),
    "next_round_opened": _("Next round opened"),
    "responsibility_decided": _("Responsibility decided"),
    "sanction_imposed": _("Sanction imposed"),
    "revisit_scheduled": _("Revisit scheduled"),
    "complaint_revisited": _("Revisited"),
    "complaint_chased": _("Chase notice issued"),
}
# Change keys the services write that are not fields of the case.
TIMELINE_KEYS: dict[str, str | Promise] = {
    "next_round": _("next round"),
    "shares": _("responsibility shares"),
    "deductions": _("bonus deductions"),
    "penalty": _("penalty"),
    "revisit_due": _("revisit due"),
    "revisit_done_at": _("revisited at"),
    "revisit_done_by": _("revisited by"),
    "revisit_outcome": _("outcome of the revisit"),
    "revisit_note": _("revisit note"),
    "chase_notice": _("chase notice"),
}


def register_timeline_labels() -> None:
    register_audit_labels(actions=TIMELINE_VERBS, keys=TIMELINE_KEYS)
