"""The complaint list's search, filters and saved views (the tabs above the list)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhou.complaints.models import (
    ComplaintCase,
    ComplaintChannel,
    ComplaintStatus,
    Market,
    Severity,
)
from shouhou.complaints.selectors import (
    SAVED_VIEWS,
    complaint_types,
    departments_visible_to,
    handlers_visible_to,
    saved_view,
)
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.customers.selectors import customers_visible_to

DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


def _handlers(request: Any) -> Any:
    return handlers_visible_to(user=request.user)


def _departments(request: Any) -> Any:
    return departments_visible_to(user=request.user)


def _types(request: Any) -> Any:
    return complaint_types()


class ComplaintFilter(django_filters.FilterSet):
    view = django_filters.ChoiceFilter(
        label="", choices=list(SAVED_VIEWS.items()), method="filter_view", widget=forms.HiddenInput
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=ComplaintStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=Severity.choices)
    complaint_type = django_filters.ModelChoiceFilter(label=_("complaint type"), queryset=_types)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=ComplaintChannel.choices)
    market = django_filters.ChoiceFilter(label=_("market"), choices=Market.choices)
    handler = django_filters.ModelChoiceFilter(
        label=_("handler"), queryset=_handlers, widget=AutocompleteWidget("complaint_handlers")
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )
    responsible_department = django_filters.ModelChoiceFilter(
        label=_("responsible department"),
        queryset=_departments,
        widget=AutocompleteWidget("complaint_departments"),
    )
    registered_at = django_filters.DateFromToRangeFilter(
        label=_("registered on"), widget=DATE_RANGE
    )

    class Meta:
        model = ComplaintCase
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[ComplaintCase], name: str, value: str
    ) -> QuerySet[ComplaintCase]:
        """Number or contact phone by prefix, customer by name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__prefix=value.upper())
            | Q(contact_phone__prefix=value)
            | Q(customer__name__icontains=value)
        )

    def filter_view(
        self, queryset: QuerySet[ComplaintCase], name: str, value: str
    ) -> QuerySet[ComplaintCase]:
        return saved_view(queryset, name=value, user=self.request.user)
