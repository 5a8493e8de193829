from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.contracts.models import ContractKind, ContractStatus, MaintenanceContract, ServiceLevel
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.listing import yes_no_filter
from shouhou.customers.selectors import customers_visible_to


def _customers(request: Any) -> Any:
    return customers_visible_to(user=request.user)


class ContractFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("contract number"), lookup_expr="istartswith")
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=_customers, widget=AutocompleteWidget("customers")
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ContractKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ContractStatus.choices)
    service_level = django_filters.ModelChoiceFilter(
        label=_("service level"), queryset=ServiceLevel.objects.all()
    )
    ends_on = django_filters.DateFromToRangeFilter(
        label=_("end date"), widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )
    in_force = yes_no_filter(label=_("in force today"), method="filter_in_force")

    class Meta:
        model = MaintenanceContract
        fields: list[str] = []

    def filter_in_force(
        self, queryset: QuerySet[MaintenanceContract], name: str, value: bool | None
    ) -> QuerySet[MaintenanceContract]:
        if value is None:
            return queryset
        today = timezone.localdate()
        in_force = {"status": ContractStatus.ACTIVE, "starts_on__lte": today, "ends_on__gte": today}
        return queryset.filter(**in_force) if value else queryset.exclude(**in_force)
