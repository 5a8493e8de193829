"""Filters of the billing list pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.billing.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    LabourBasis,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.listing import yes_no_filter
from shouhou.customers.selectors import customers_visible_to

DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


def _customer_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )


class FeeScheduleFilter(django_filters.FilterSet):
    labour_basis = django_filters.ChoiceFilter(
        label=_("labour charged"), choices=LabourBasis.choices
    )
    company_wide = yes_no_filter(
        label=_("company-wide"), field_name="organisation", method="filter_company"
    )

    class Meta:
        model = FeeSchedule
        fields: list[str] = []

    def filter_company(
        self, queryset: QuerySet[FeeSchedule], name: str, value: bool | None
    ) -> QuerySet[FeeSchedule]:
        if value is None:
            return queryset
        return queryset.filter(organisation__isnull=value)


class AdjustmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=AdjustmentStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=AdjustmentKind.choices)
    work_order = django_filters.CharFilter(
        label=_("work order number"), field_name="work_order__number", lookup_expr="iexact"
    )

    class Meta:
        model = Adjustment
        fields: list[str] = []


class PaymentFilter(django_filters.FilterSet):
    customer = _customer_filter()
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PaymentKind.choices)
    method = django_filters.ChoiceFilter(label=_("method"), choices=PaymentMethod.choices)
    held = yes_no_filter(label=_("held by a technician"), method="filter_held")
    received_at = django_filters.DateFromToRangeFilter(label=_("received at"), widget=DATE_RANGE)

    class Meta:
        model = Payment
        fields: list[str] = []

    def filter_held(
        self, queryset: QuerySet[Payment], name: str, value: bool | None
    ) -> QuerySet[Payment]:
        if value is None:
            return queryset
        held = {"collected_by__isnull": False, "handover__isnull": True}
        return queryset.filter(**held) if value else queryset.exclude(**held)


class InvoiceFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("invoice number"), lookup_expr="istartswith")
    customer = _customer_filter()
    status = django_filters.ChoiceFilter(label=_("status"), choices=InvoiceStatus.choices)
    issued_at = django_filters.DateFromToRangeFilter(label=_("issued at"), widget=DATE_RANGE)
    overdue = yes_no_filter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Invoice], name: str, value: bool | None
    ) -> QuerySet[Invoice]:
        if value is None:
            return queryset
        overdue = {"status": InvoiceStatus.ISSUED, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
