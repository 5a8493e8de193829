"""Reads of the feedback app, scoped to the asking user: invitations, answers and their flags,
follow-up calls and the people who make them. The public survey page reads its invitation
through the signed link instead (`invitation_for_link`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import Role, User
from shouhou.core.scoping import get_visible_or_404, scoped, visible_organisations
from shouhou.feedback.links import read_token
from shouhou.feedback.models import (
    FollowUp,
    FollowUpAttempt,
    InvitationStatus,
    LossReason,
    Questionnaire,
    SurveyAnswer,
    SurveyAnswerItem,
    SurveyInvitation,
)
from shouhou.feedback.permissions import FeedbackPermission
from shouhou.notify.models import Notification

# --- invitations --------------------------------------------------------------------------------


def invitations_visible_to(*, user: User | AnonymousUser) -> QuerySet[SurveyInvitation]:
    """Invitations of the work orders the user's organisation subtree owns or handles."""
    return scoped(
        SurveyInvitation.objects.select_related(
            "work_order", "customer", "technician", "handling_organisation", "answer"
        ),
        user,
    )


def invitation_for_user(*, user: User | AnonymousUser, invitation_id: int) -> SurveyInvitation:
    return get_visible_or_404(
        invitations_visible_to(user=user).select_related("questionnaire", "organisation"),
        user,
        pk=invitation_id,
    )


def invitation_messages(*, invitation: SurveyInvitation) -> QuerySet[Notification]:
    """The SMS and emails sent for an invitation the caller already fetched through a scoped
    selector: the invitation and its reminders."""
    return Notification.objects.filter(
        Q(dedupe_key__startswith=f"survey-invitation:{invitation.pk}:")
        | Q(dedupe_key__startswith=f"survey-reminder:{invitation.pk}:")
    ).order_by("created_at", "id")


class LinkState(StrEnum):
    OPEN = "open"
    INVALID = "invalid"
    EXPIRED = "expired"
    ANSWERED = "answered"


@dataclass(frozen=True)
class LinkLookup:
    state: LinkState
    invitation: SurveyInvitation | None = None
    questionnaire: Questionnaire | None = None


def invitation_for_link(*, token: str) -> LinkLookup:
    """What a survey link leads to: a tampered or unknown token is invalid; an answered or
    expired invitation says so; otherwise the questionnaire to fill in. Reads only."""
    claim = read_token(token)
    if claim is None:
        return LinkLookup(LinkState.INVALID)
    invitation = (
        SurveyInvitation.objects.select_related("work_order", "customer", "handling_organisation")
        .filter(pk=claim.invitation_id, token_nonce=claim.nonce)
        .first()
    )
    if invitation is None:
        return LinkLookup(LinkState.INVALID)
    if invitation.status == InvitationStatus.ANSWERED:
        return LinkLookup(LinkState.ANSWERED, invitation)
    if invitation.status == InvitationStatus.EXPIRED or invitation.expires_at <= timezone.now():
        return LinkLookup(LinkState.EXPIRED, invitation)
    questionnaire = Questionnaire.objects.prefetch_related("questions").get(
        pk=invitation.questionnaire_id
    )
    return LinkLookup(LinkState.OPEN, invitation, questionnaire)


def questionnaire_with_questions(*, questionnaire_id: int) -> Questionnaire:
    return Questionnaire.objects.prefetch_related("questions").get(pk=questionnaire_id)


# --- answers and flags --------------------------------------------------------------------------


def answers_visible_to(*, user: User | AnonymousUser) -> QuerySet[SurveyAnswer]:
    return scoped(
        SurveyAnswer.objects.select_related(
            "invitation",
            "work_order",
            "customer",
            "technician",
            "handling_organisation",
            "flag_handled_by",
        ),
        user,
    )


def answer_for_user(*, user: User | AnonymousUser, answer_id: int) -> SurveyAnswer:
    return get_visible_or_404(answers_visible_to(user=user), user, pk=answer_id)


def flagged_answers_visible_to(
    user: User | AnonymousUser, *, only_open: bool = False
) -> QuerySet[SurveyAnswer]:
    """Answers flagged for the complaints officer (a complaint, or the worst rating on an item),
    newest first; `only_open` leaves out those already handled (see services.mark_flag_handled).
    The complaints app reads this to open cases."""
    answers = answers_visible_to(user=user).filter(is_flagged=True)
    if only_open:
        answers = answers.filter(flag_handled_at__isnull=True)
    return answers.order_by("-submitted_at", "-id")


def answer_items(*, answer: SurveyAnswer) -> list[SurveyAnswerItem]:
    """The items of an answer the caller already fetched, in the questionnaire's order, with
    the question each was answered to."""
    return list(
        SurveyAnswerItem.objects.filter(answer=answer)
        .select_related("question")
        .order_by("question__position", "id")
    )


# --- follow-ups ---------------------------------------------------------------------------------


def follow_ups_visible_to(*, user: User | AnonymousUser) -> QuerySet[FollowUp]:
    return scoped(
        FollowUp.objects.select_related(
            "customer", "work_order", "equipment", "assigned_to", "handling_organisation"
        ),
        user,
    )


def follow_up_for_user(*, user: User | AnonymousUser, follow_up_id: int) -> FollowUp:
    return get_visible_or_404(
        follow_ups_visible_to(user=user)
        .select_related("rule", "parent", "organisation", "equipment__product_model")
        .prefetch_related(
            Prefetch(
                "attempts",
                queryset=FollowUpAttempt.objects.select_related("called_by", "loss_reason"),
            ),
            "children",
        ),
        user,
        pk=follow_up_id,
    )


def follow_up_complaints_visible_to(user: User | AnonymousUser) -> QuerySet[FollowUpAttempt]:
    """Calls in which the customer complained (000 第五篇 四), newest first, for the complaints
    app."""
    return (
        scoped(FollowUpAttempt.objects.all(), user)
        .exclude(complaint="")
        .select_related("follow_up", "follow_up__customer", "called_by")
        .order_by("-called_at", "-id")
    )


def survey_answer_of(*, work_order_id: int | None) -> SurveyAnswer | None:
    """The survey answer of a work order the caller already sees (for the follow-up page)."""
    if work_order_id is None:
        return None
    return SurveyAnswer.objects.filter(work_order_id=work_order_id).first()


def loss_reasons() -> QuerySet[LossReason]:
    return LossReason.objects.filter(is_active=True)


def followup_agents_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active follow-up agents of the organisations the user sees."""
    people = User.objects.filter(is_active=True, role=Role.FOLLOWUP_AGENT).select_related(
        "organisation"
    )
    organisations = visible_organisations(user)
    return people if organisations is None else people.filter(organisation__in=organisations)


def followup_agent_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    people = followup_agents_visible_to(user=user)
    if term:
        people = people.filter(
            Q(name__icontains=term) | Q(username__istartswith=term) | Q(phone__startswith=term)
        )
    return people.order_by("name", "username", "id")


def _person_label(person: User) -> str:
    return f"{person} · {person.organisation}" if person.organisation_id else str(person)


def register_autocomplete_sources() -> None:
    register(
        "followup_agents",
        AutocompleteSource(
            search=followup_agent_search,
            permission=FeedbackPermission.VIEW_FOLLOW_UPS,
            label=_person_label,
        ),
    )
