"""Filters of the parts list pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.listing import yes_no_filter
from shouhou.parts.models import (
    MovementKind,
    OldPart,
    OldPartStatus,
    Part,
    PartsRequest,
    PartsRequestStatus,
    StockLevel,
    StockMovement,
    Warehouse,
    WarehouseKind,
)
from shouhou.parts.selectors import below_reorder_point, parts_catalogue, warehouses_visible_to

DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _warehouses(request: Any) -> Any:
    return warehouses_visible_to(user=request.user)


def _parts(request: Any) -> Any:
    return parts_catalogue()


def _warehouse_filter(label: Any) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=label, queryset=_warehouses, widget=AutocompleteWidget("warehouses")
    )


def _part_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("part"), queryset=_parts, widget=AutocompleteWidget("parts")
    )


class PartFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    is_warranty_covered = yes_no_filter(label=_("covered by warranty"))
    is_active = yes_no_filter(label=_("active"))

    class Meta:
        model = Part
        fields: list[str] = []

    def search(self, queryset: QuerySet[Part], name: str, value: str) -> QuerySet[Part]:
        return queryset.filter(Q(code__istartswith=value) | Q(name__icontains=value))


class WarehouseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=WarehouseKind.choices)
    is_active = yes_no_filter(label=_("active"))

    class Meta:
        model = Warehouse
        fields: list[str] = []

    def search(self, queryset: QuerySet[Warehouse], name: str, value: str) -> QuerySet[Warehouse]:
        return queryset.filter(Q(code__istartswith=value) | Q(name__icontains=value))


class StockLevelFilter(django_filters.FilterSet):
    warehouse = _warehouse_filter(_("warehouse"))
    part = _part_filter()
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=WarehouseKind.choices, field_name="warehouse__kind"
    )
    low = yes_no_filter(label=_("at or below the reorder point"), method="filter_low")
    in_stock = yes_no_filter(label=_("in stock"), method="filter_in_stock")

    class Meta:
        model = StockLevel
        fields: list[str] = []

    def filter_low(
        self, queryset: QuerySet[StockLevel], name: str, value: bool | None
    ) -> QuerySet[StockLevel]:
        if value is None:
            return queryset
        low = below_reorder_point(queryset).values("pk")
        return queryset.filter(pk__in=low) if value else queryset.exclude(pk__in=low)

    def filter_in_stock(
        self, queryset: QuerySet[StockLevel], name: str, value: bool | None
    ) -> QuerySet[StockLevel]:
        if value is None:
            return queryset
        return queryset.filter(on_hand__gt=0) if value else queryset.filter(on_hand=0)


class MovementFilter(django_filters.FilterSet):
    warehouse = _warehouse_filter(_("warehouse"))
    part = _part_filter()
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=MovementKind.choices)
    work_order = django_filters.CharFilter(
        label=_("work order number"), field_name="work_order__number", lookup_expr="iexact"
    )
    at = django_filters.DateFromToRangeFilter(label=_("date"), widget=DATE_RANGE)

    class Meta:
        model = StockMovement
        fields: list[str] = []


class PartsRequestFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("request number"), lookup_expr="istartswith")
    status = django_filters.ChoiceFilter(label=_("status"), choices=PartsRequestStatus.choices)
    source = _warehouse_filter(_("from warehouse"))
    mine = yes_no_filter(label=_("mine"), method="filter_mine")

    class Meta:
        model = PartsRequest
        fields: list[str] = []

    def filter_mine(
        self, queryset: QuerySet[PartsRequest], name: str, value: bool | None
    ) -> QuerySet[PartsRequest]:
        if value is None:
            return queryset
        user = self.request.user if self.request is not None else None
        mine = Q(requested_by_id=getattr(user, "pk", None))
        return queryset.filter(mine) if value else queryset.exclude(mine)


class OldPartFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=OldPartStatus.choices)
    intended = django_filters.ChoiceFilter(label=_("to be"), choices=OldPartStatus.choices)
    work_order = django_filters.CharFilter(
        label=_("work order number"), field_name="work_order__number", lookup_expr="iexact"
    )

    class Meta:
        model = OldPart
        fields: list[str] = []
