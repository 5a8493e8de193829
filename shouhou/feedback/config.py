"""Which configuration row applies: an organisation's own policy or rule, else its nearest
ancestor's, else the default row (the one without organisation)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from shouhou.core.models import Organisation
from shouhou.feedback.models import FeedbackPolicy, FollowUpRule, Questionnaire
from shouhou.feedback.people import ancestor_ids


def _nearest(queryset: QuerySet[Any], organisation: Organisation | None) -> Any:
    ids = ancestor_ids(organisation)
    nearness = Case(
        *[When(organisation_id=pk, then=Value(rank)) for rank, pk in enumerate(ids)],
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(Q(organisation__isnull=True) | Q(organisation_id__in=ids))
        .annotate(nearness=nearness)
        .order_by("nearness")
        .first()
    )


def policy_for(organisation: Organisation | None) -> FeedbackPolicy:
    """The survey policy of `organisation` (a fresh default when none was ever configured)."""
    found = _nearest(FeedbackPolicy.objects.all(), organisation)
    return found if found is not None else FeedbackPolicy()


def rule_for(kind: str, organisation: Organisation | None) -> FollowUpRule | None:
    """The follow-up rule of `kind` for `organisation`; None when it is switched off there."""
    found: FollowUpRule | None = _nearest(FollowUpRule.objects.filter(kind=kind), organisation)
    return found if found is not None and found.is_active else None


def current_questionnaire(code: str) -> Questionnaire | None:
    """The latest published version of the questionnaire `code`."""
    return (
        Questionnaire.objects.filter(code=code, is_published=True)
        .order_by("-version_number")
        .prefetch_related("questions")
        .first()
    )
