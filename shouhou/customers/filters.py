from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import scoped_organisations
from shouhou.core.listing import yes_no_filter
from shouhou.core.selectors import regions
from shouhou.customers.models import Customer, CustomerGrade, CustomerKind, Site, Zone
from shouhou.customers.selectors import customers_visible_to


def _organisations(request: Any) -> Any:
    return scoped_organisations(user=request.user)


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    grade = django_filters.ChoiceFilter(label=_("grade"), choices=CustomerGrade.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=CustomerKind.choices)
    is_target = yes_no_filter(label=_("target customer"))
    region = django_filters.ModelChoiceFilter(
        label=_("region"), queryset=regions(), widget=AutocompleteWidget("regions")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("organisation"), queryset=_organisations, widget=AutocompleteWidget("organisations")
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(code__prefix=value.upper()) | Q(phone__prefix=value)
        )


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("region"), queryset=regions(), widget=AutocompleteWidget("regions")
    )
    zone = django_filters.ChoiceFilter(label=_("zone"), choices=Zone.choices)

    class Meta:
        model = Site
        fields: list[str] = []

    def search(self, queryset: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
