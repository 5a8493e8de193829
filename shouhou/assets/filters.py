from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment, EquipmentStatus
from shouhou.assets.selectors import brands, product_models, product_types
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import scoped_organisations
from shouhou.core.listing import yes_no_filter
from shouhou.core.selectors import regions
from shouhou.customers.selectors import customers_visible_to, sites_visible_to


def _organisations(request: Any) -> Any:
    return scoped_organisations(user=request.user)


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


def _sites(request: Any) -> Any:
    return sites_visible_to(user=request.user)


class EquipmentFilter(django_filters.FilterSet):
    """The equipment archive's filters (机具档案): type, brand, model, region, dates."""

    q = django_filters.CharFilter(label=_("Serial number"), method="search")
    product_type = django_filters.ModelChoiceFilter(
        label=_("product type"), queryset=product_types(), field_name="product_model__product_type"
    )
    brand = django_filters.ModelChoiceFilter(
        label=_("brand"), queryset=brands(), field_name="product_model__brand"
    )
    product_model = django_filters.ModelChoiceFilter(
        label=_("product model"),
        queryset=product_models(),
        widget=AutocompleteWidget("product_models"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("region"), queryset=regions(), widget=AutocompleteWidget("regions")
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )
    site = django_filters.ModelChoiceFilter(
        label=_("site"), queryset=_sites, widget=AutocompleteWidget("sites", forward=("customer",))
    )
    serving_provider = django_filters.ModelChoiceFilter(
        label=_("serving provider"),
        queryset=_organisations,
        widget=AutocompleteWidget("organisations"),
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=EquipmentStatus.choices)
    installed_on = django_filters.DateFromToRangeFilter(
        label=_("installation date"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    warranty_ends_on = django_filters.DateFromToRangeFilter(
        label=_("warranty end"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    in_warranty = yes_no_filter(label=_("in warranty today"), method="filter_in_warranty")

    class Meta:
        model = Equipment
        fields: list[str] = []

    def search(self, queryset: QuerySet[Equipment], name: str, value: str) -> QuerySet[Equipment]:
        return queryset.filter(serial__prefix=value.strip().upper())

    def filter_in_warranty(
        self, queryset: QuerySet[Equipment], name: str, value: bool | None
    ) -> QuerySet[Equipment]:
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.filter(warranty_ends_on__gte=today)
        return queryset.exclude(warranty_ends_on__gte=today)
