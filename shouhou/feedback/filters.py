"""Filters of the feedback lists: invitations, flagged answers and the follow-up queue."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import scoped_organisations
from shouhou.core.listing import yes_no_filter
from shouhou.feedback.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    InvitationStatus,
    SurveyAnswer,
    SurveyInvitation,
)
from shouhou.tickets.page_selectors import technicians_visible_to

DATE_RANGE = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _technicians(request: Any) -> Any:
    return technicians_visible_to(user=request.user)


def _organisations(request: Any) -> Any:
    return scoped_organisations(user=request.user)


class InvitationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=InvitationStatus.choices)
    flagged = yes_no_filter(label=_("flagged"), field_name="answer__is_flagged")
    technician = django_filters.ModelChoiceFilter(
        label=_("technician"), queryset=_technicians, widget=AutocompleteWidget("technicians")
    )
    handling_organisation = django_filters.ModelChoiceFilter(
        label=_("handled by"), queryset=_organisations, widget=AutocompleteWidget("organisations")
    )
    invited_at = django_filters.DateFromToRangeFilter(label=_("invited on"), widget=DATE_RANGE)

    class Meta:
        model = SurveyInvitation
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[SurveyInvitation], name: str, value: str
    ) -> QuerySet[SurveyInvitation]:
        """Work order number or phone by prefix, customer by name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(work_order__number__prefix=value.upper())
            | Q(phone__prefix=value)
            | Q(customer__name__icontains=value)
        )


FLAG_STATES = [("open", _("To handle")), ("handled", _("Handled"))]


class FlaggedAnswerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("state"), choices=FLAG_STATES, method="filter_state"
    )
    technician = django_filters.ModelChoiceFilter(
        label=_("technician"), queryset=_technicians, widget=AutocompleteWidget("technicians")
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("answered on"), widget=DATE_RANGE)

    class Meta:
        model = SurveyAnswer
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[SurveyAnswer], name: str, value: str
    ) -> QuerySet[SurveyAnswer]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(work_order__number__prefix=value.upper()) | Q(customer__name__icontains=value)
        )

    def filter_state(
        self, queryset: QuerySet[SurveyAnswer], name: str, value: str
    ) -> QuerySet[SurveyAnswer]:
        return queryset.filter(flag_handled_at__isnull=(value == "open"))


# The queue's tabs; the empty key is the default (see views.FollowUpQueueView).
QUEUE_VIEWS = {
    "mine": _("My calls"),
    "due": _("To call now"),
    "unassigned": _("Unassigned"),
    "overdue": _("Overdue"),
    "open": _("All open"),
    "finished": _("Finished"),
}


def queue_view(queryset: QuerySet[FollowUp], *, name: str, user: Any) -> QuerySet[FollowUp]:
    now = timezone.now()
    is_open = Q(status=FollowUpStatus.OPEN)
    conditions = {
        "mine": is_open & Q(assigned_to=user),
        "due": is_open & Q(assigned_to=user) & Q(next_attempt_at__lte=now),
        "unassigned": is_open & Q(assigned_to__isnull=True),
        "overdue": is_open & Q(due_at__lt=now),
        "open": is_open,
        "finished": ~is_open,
    }
    return queryset.filter(conditions.get(name, is_open))


class FollowUpFilter(django_filters.FilterSet):
    view = django_filters.ChoiceFilter(
        label="",
        choices=list(QUEUE_VIEWS.items()),
        method="filter_view",
        widget=forms.HiddenInput,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=FollowUpKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=FollowUpStatus.choices)
    handling_organisation = django_filters.ModelChoiceFilter(
        label=_("handled by"), queryset=_organisations, widget=AutocompleteWidget("organisations")
    )
    due_at = django_filters.DateFromToRangeFilter(label=_("call by"), widget=DATE_RANGE)

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def search(self, queryset: QuerySet[FollowUp], name: str, value: str) -> QuerySet[FollowUp]:
        """Customer by name, phone or work order number by prefix."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer__name__icontains=value)
            | Q(phone__prefix=value)
            | Q(work_order__number__prefix=value.upper())
        )

    def filter_view(
        self, queryset: QuerySet[FollowUp], name: str, value: str
    ) -> QuerySet[FollowUp]:
        return queue_view(queryset, name=value, user=self.request.user)
