from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import scoped_organisations
from shouhou.core.selectors import regions
from shouhou.customers.selectors import customers_visible_to
from shouhou.tickets.models import (
    Channel,
    GoodsDirection,
    GoodsMovement,
    Priority,
    ResolutionMode,
    ServiceCategory,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.page_selectors import SAVED_VIEWS, saved_view, technicians_visible_to

DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _organisations(request: Any) -> Any:
    return scoped_organisations(user=request.user)


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


def _technicians(request: Any) -> Any:
    return technicians_visible_to(user=request.user)


class WorkOrderFilter(django_filters.FilterSet):
    """The work-order list's search, filters and saved views (the tabs above the list)."""

    view = django_filters.ChoiceFilter(
        label="",
        choices=list(SAVED_VIEWS.items()),
        method="filter_view",
        widget=forms.HiddenInput,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=WorkOrderStatus.choices)
    service_category = django_filters.ChoiceFilter(
        label=_("service category"), choices=ServiceCategory.choices
    )
    resolution_mode = django_filters.ChoiceFilter(
        label=_("resolution mode"), choices=ResolutionMode.choices
    )
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    priority = django_filters.ChoiceFilter(label=_("priority"), choices=Priority.choices)
    technician = django_filters.ModelChoiceFilter(
        label=_("technician"), queryset=_technicians, widget=AutocompleteWidget("technicians")
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("region"),
        queryset=regions(),
        field_name="site__region",
        widget=AutocompleteWidget("regions"),
    )
    handling_organisation = django_filters.ModelChoiceFilter(
        label=_("handled by"), queryset=_organisations, widget=AutocompleteWidget("organisations")
    )
    reported_at = django_filters.DateFromToRangeFilter(label=_("call date"), widget=DATE_RANGE)

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def search(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
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
        self, queryset: QuerySet[WorkOrder], name: str, value: str
    ) -> QuerySet[WorkOrder]:
        return saved_view(queryset, name=value, user=self.request.user)


class GoodsMovementFilter(django_filters.FilterSet):
    """The goods in/out register's filters (客户商品进出登记簿)."""

    q = django_filters.CharFilter(label=_("Receipt or work order number"), method="search")
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=GoodsDirection.choices)
    at = django_filters.DateFromToRangeFilter(label=_("date"), widget=DATE_RANGE)

    class Meta:
        model = GoodsMovement
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[GoodsMovement], name: str, value: str
    ) -> QuerySet[GoodsMovement]:
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(
            Q(receipt__number__prefix=value) | Q(receipt__work_order__number__prefix=value)
        )
