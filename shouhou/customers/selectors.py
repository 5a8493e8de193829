"""Reads on customers, contacts and sites, scoped to the asking user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import User
from shouhou.core.scoping import get_visible_or_404, scoped
from shouhou.customers.models import Contact, Customer, Site


def customers_visible_to(*, user: User | AnonymousUser) -> QuerySet[Customer]:
    """Customers of the user's organisation subtree, or with equipment their provider serves."""
    return scoped(Customer.objects.select_related("organisation", "region"), user)


def customer_for_user(*, user: User | AnonymousUser, customer_id: int) -> Customer:
    return get_visible_or_404(customers_visible_to(user=user), user, pk=customer_id)


def customer_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Customer]:
    """Customers whose name contains `term`, or whose number or phone starts with it."""
    queryset = customers_visible_to(user=user)
    if term:
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(code__prefix=term.upper()) | Q(phone__prefix=term)
        )
    return queryset.order_by("name", "id")


def contacts_of(*, customer: Customer) -> QuerySet[Contact]:
    """Contacts of a customer the caller has already fetched through a scoped selector."""
    return customer.contacts.all()


def sites_visible_to(*, user: User | AnonymousUser) -> QuerySet[Site]:
    return scoped(Site.objects.select_related("customer", "region", "region__parent"), user)


def site_for_user(*, user: User | AnonymousUser, site_id: int) -> Site:
    return get_visible_or_404(sites_visible_to(user=user), user, pk=site_id)


def site_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Site]:
    queryset = sites_visible_to(user=user)
    if customer_id := params.get("customer"):
        if not customer_id.isdigit():
            return queryset.none()
        queryset = queryset.filter(customer_id=int(customer_id))
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(address__icontains=term))
    return queryset.order_by("name", "id")


def register_autocomplete_sources() -> None:
    register(
        "customers",
        AutocompleteSource(
            search=customer_search,
            permission="customers.view_customer",
            label=lambda customer: f"{customer.name} ({customer.code})",
        ),
    )
    register(
        "sites",
        AutocompleteSource(
            search=site_search,
            permission="customers.view_site",
            label=lambda site: f"{site.name} · {site.address}",
        ),
    )
