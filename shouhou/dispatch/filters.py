"""Filters of the dispatch list pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhou.core.listing import yes_no_filter
from shouhou.dispatch.models import CertificationLevel, TechnicianProfile


class TechnicianFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    certification_level = django_filters.ChoiceFilter(
        label=_("certification level"), choices=CertificationLevel.choices
    )
    is_active = yes_no_filter(label=_("available for dispatch"))

    class Meta:
        model = TechnicianProfile
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[TechnicianProfile], name: str, value: str
    ) -> QuerySet[TechnicianProfile]:
        return queryset.filter(
            Q(user__name__icontains=value)
            | Q(user__username__istartswith=value)
            | Q(user__phone__startswith=value)
            | Q(home_centre__name__icontains=value)
        )
