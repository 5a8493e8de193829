"""Writes on surveys: the invitation after a closed work order (001 第十七条: every call), its
reminders and expiry, the answer (through the link, or keyed in from a phone call or a paper
card), the flag for the complaints officer, and new questionnaire versions."""

from __future__ import annotations

import datetime
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Role, User
from shouhou.customers.models import Contact
from shouhou.feedback.config import current_questionnaire, policy_for
from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.links import survey_url
from shouhou.feedback.models import (
    AnswerChannel,
    FeedbackPolicy,
    InvitationStatus,
    Question,
    QuestionKind,
    Questionnaire,
    SurveyAnswer,
    SurveyAnswerItem,
    SurveyInvitation,
)
from shouhou.feedback.people import people_over
from shouhou.feedback.permissions import FeedbackPermission
from shouhou.feedback.workflow import apply_transition
from shouhou.notify.models import Channel
from shouhou.notify.services import Address, queue_notification
from shouhou.tickets.models import WorkOrder, WorkOrderStatus

logger = logging.getLogger(__name__)

# The sweep invites closed work orders the close hook missed, up to this far back.
SWEEP_LOOKBACK = datetime.timedelta(days=30)
TEXT_ANSWER_MAX = 2000
NPS_RANGE = range(11)
INVITATION_FIELDS = [
    "work_order",
    "questionnaire",
    "customer",
    "technician",
    "contact_name",
    "phone",
    "email",
    "sent_by_sms",
    "sent_by_email",
    "expires_at",
]
_NOT_DIGITS = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def mobile_number(phone: str) -> str | None:
    """The mainland mobile number in `phone` (spaces, dashes and +86 removed), or None for a
    landline or anything else an SMS cannot reach."""
    digits = _NOT_DIGITS.sub("", phone or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits if _MOBILE.fullmatch(digits) else None


def _contact_email(work_order: WorkOrder) -> str:
    """The email of the contact who called (same phone), else of the primary contact, else the
    customer's own."""
    contacts = list(
        Contact.objects.filter(customer_id=work_order.customer_id)
        .exclude(email="")
        .order_by("-is_primary", "id")
        .values_list("phone", "email")
    )
    for phone, email in contacts:
        if phone and phone == work_order.contact_phone:
            return str(email)
    if contacts:
        return str(contacts[0][1])
    return work_order.customer.email or ""


def _message_context(invitation: SurveyInvitation) -> dict[str, Any]:
    return {
        "name": invitation.contact_name or invitation.customer.name,
        "customer": invitation.customer.name,
        "number": invitation.work_order.number,
        "link": survey_url(invitation_id=invitation.pk, nonce=invitation.token_nonce),
        "expires": f"{timezone.localtime(invitation.expires_at):%Y-%m-%d %H:%M}",
    }


def _send(invitation: SurveyInvitation, *, template_code: str, dedupe_key: str) -> int:
    """Queue the message by SMS and/or email to the customer; the count of messages queued."""
    channels = [Channel.SMS] * invitation.sent_by_sms + [Channel.EMAIL] * invitation.sent_by_email
    if not channels:
        return 0
    customer = Address(
        name=invitation.contact_name or invitation.customer.name,
        phone=mobile_number(invitation.phone) or "" if invitation.sent_by_sms else "",
        email=invitation.email if invitation.sent_by_email else "",
    )
    context = _message_context(invitation)
    queued = queue_notification(
        addresses=[customer],
        template_code=template_code,
        context=context,
        channels=channels,
        link=context["link"],
        dedupe_key=dedupe_key,
        organisation=invitation.organisation,
    )
    return len(queued)


@transaction.atomic
def invite_after_close(*, work_order: WorkOrder, by: User | None) -> SurveyInvitation | None:
    """Invite the customer of a closed work order to the survey, by SMS and/or email as the
    policy says, with a signed single-use link. Exactly one invitation per order: a second call
    returns the first. None (and nothing written) while no questionnaire is published; the
    periodic sweep invites the order once one is."""
    if work_order.status != WorkOrderStatus.CLOSED:
        raise FeedbackError(
            _("Only a closed work order is surveyed."), code=FeedbackErrorCode.INVALID_TRANSITION
        )
    existing = SurveyInvitation.objects.filter(work_order_id=work_order.pk).first()
    if existing is not None:
        return existing
    policy = policy_for(work_order.handling_organisation)
    questionnaire = current_questionnaire(policy.questionnaire_code)
    if questionnaire is None:
        logger.warning(
            "no published questionnaire %r: %s not invited", policy.questionnaire_code, work_order
        )
        return None
    now = timezone.now()
    email = _contact_email(work_order) if policy.send_email else ""
    invitation = SurveyInvitation(
        work_order=work_order,
        questionnaire=questionnaire,
        organisation_id=work_order.organisation_id,
        handling_organisation_id=work_order.handling_organisation_id,
        customer_id=work_order.customer_id,
        technician_id=work_order.technician_id,
        contact_name=work_order.contact_name,
        phone=work_order.contact_phone,
        email=email,
        sent_by_sms=policy.send_sms and mobile_number(work_order.contact_phone) is not None,
        sent_by_email=bool(email),
        token_nonce=secrets.token_urlsafe(12),
        invited_at=now,
        expires_at=now + policy.expires_after,
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        return SurveyInvitation.objects.get(work_order_id=work_order.pk)  # invited concurrently
    record_audit(
        actor=by,
        action="survey.invited",
        instance=invitation,
        changes=created_changes(invitation, INVITATION_FIELDS),
        organisation=invitation.organisation,
    )
    _send(
        invitation,
        template_code="survey_invitation",
        dedupe_key=f"survey-invitation:{invitation.pk}",
    )
    return invitation


def invite_closed_work_orders(*, now: datetime.datetime | None = None) -> int:
    """Invite every order closed in the last SWEEP_LOOKBACK that has no invitation yet (the
    close hook's safety net; running it twice invites nobody twice). Returns how many."""
    now = now or timezone.now()
    missing = (
        WorkOrder.objects.filter(
            status=WorkOrderStatus.CLOSED,
            closed_at__gte=now - SWEEP_LOOKBACK,
            survey_invitation__isnull=True,
        )
        .select_related("customer", "handling_organisation")
        .order_by("closed_at", "pk")
    )
    invited = 0
    for work_order in missing.iterator(chunk_size=500):
        with transaction.atomic():
            if SurveyInvitation.objects.filter(work_order_id=work_order.pk).exists():
                continue
            if invite_after_close(work_order=work_order, by=None) is not None:
                invited += 1
    return invited


# --- reminders and expiry ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    expired: int


def _expire(invitation_id: int) -> bool:
    with transaction.atomic():
        current = lock_for_update(SurveyInvitation, pk=invitation_id, expected_version=None)
        if current.status != InvitationStatus.WAITING or current.expires_at > timezone.now():
            return False
        fields = apply_transition(record=current, to=InvitationStatus.EXPIRED)
        save_versioned(current, expected_version=current.version, fields=fields)
        record_audit(
            actor=None,
            action="survey.expired",
            instance=current,
            changes={"status": [InvitationStatus.WAITING.value, current.status]},
            organisation=current.organisation,
        )
    return True


def _remind(invitation_id: int, policies: dict[int, FeedbackPolicy]) -> bool:
    with transaction.atomic():
        current = lock_for_update(SurveyInvitation, pk=invitation_id, expected_version=None)
        now = timezone.now()
        policy = policies.get(current.handling_organisation_id)
        if policy is None:
            policy = policies[current.handling_organisation_id] = policy_for(
                current.handling_organisation
            )
        last = current.last_reminded_at or current.invited_at
        if (
            current.status != InvitationStatus.WAITING
            or current.expires_at <= now
            or current.reminder_count >= policy.reminder_limit
            or last + policy.remind_after > now
        ):
            return False
        current.reminder_count += 1
        current.last_reminded_at = now
        save_versioned(
            current,
            expected_version=current.version,
            fields=["reminder_count", "last_reminded_at"],
        )
        record_audit(
            actor=None,
            action="survey.reminded",
            instance=current,
            changes={"reminder_count": [current.reminder_count - 1, current.reminder_count]},
            organisation=current.organisation,
        )
        _send(
            current,
            template_code="survey_reminder",
            dedupe_key=f"survey-reminder:{current.pk}:{current.reminder_count}",
        )
    return True


def remind_and_expire_invitations(*, now: datetime.datetime | None = None) -> SweepResult:
    """Expire the invitations whose link ran out, and remind those still unanswered after the
    policy's delay, at most its number of times. Each row is decided under its lock, so two
    runs at once neither expire nor remind anything twice."""
    now = now or timezone.now()
    due_to_expire = SurveyInvitation.objects.filter(
        status=InvitationStatus.WAITING, expires_at__lte=now
    ).values_list("pk", flat=True)
    expired = sum(_expire(pk) for pk in list(due_to_expire))
    waiting = (
        SurveyInvitation.objects.filter(status=InvitationStatus.WAITING, expires_at__gt=now)
        .exclude(sent_by_sms=False, sent_by_email=False)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    policies: dict[int, FeedbackPolicy] = {}
    reminded = sum(_remind(pk, policies) for pk in list(waiting))
    return SweepResult(reminded=reminded, expired=expired)


# --- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemValue:
    question: Question
    value: int | None
    label: str
    text: str


def _choice_value(question: Question, raw: Any) -> int | None:
    allowed = {choice.get("value") for choice in question.choices if isinstance(choice, dict)}
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    if question.kind == QuestionKind.NPS:
        return value if value in NPS_RANGE else None
    return value if value in allowed else None


def validated_items(*, questionnaire: Questionnaire, values: dict[str, Any]) -> list[ItemValue]:
    """The answers of `values` ({question code: value}) checked against the questionnaire's
    questions; the first problem raises, naming the question as the field."""
    questions = list(questionnaire.questions.all())
    known = {question.code for question in questions}
    unknown = sorted(set(values) - known)
    if unknown:
        raise FeedbackError(
            _("Unknown question: %(codes)s.") % {"codes": ", ".join(unknown)}, field=unknown[0]
        )
    items = []
    for question in questions:
        raw = values.get(question.code)
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        if empty:
            if question.is_required:
                raise FeedbackError(_("Please answer this question."), field=question.code)
            continue
        if question.kind == QuestionKind.TEXT:
            text = str(raw).strip()
            if len(text) > TEXT_ANSWER_MAX:
                raise FeedbackError(
                    _("Please keep it under %(count)d characters.") % {"count": TEXT_ANSWER_MAX},
                    field=question.code,
                )
            items.append(ItemValue(question, None, "", text))
            continue
        value = _choice_value(question, raw)
        if value is None:
            raise FeedbackError(_("Choose one of the answers offered."), field=question.code)
        label = question.label_for(value) if question.kind == QuestionKind.CHOICE else str(value)
        items.append(ItemValue(question, value, label[:100], ""))
    return items


def flag_reasons(items: list[ItemValue]) -> list[dict[str, str]]:
    """Why an answer goes to the complaints officer: a flagged value (the worst rating) on any
    item, or a text in a question where any answer flags (a complaint)."""
    reasons = []
    for item in items:
        question = item.question
        if question.kind == QuestionKind.TEXT:
            if question.flags_when_answered and item.text:
                reasons.append(
                    {"question": question.code, "text": question.text, "answer": item.text}
                )
        elif item.value in (question.flag_values or []):
            reasons.append({"question": question.code, "text": question.text, "answer": item.label})
    return reasons


def _notify_flagged(answer: SurveyAnswer) -> None:
    officers = people_over(
        [answer.handling_organisation, answer.organisation], [Role.QUALITY_OFFICER]
    )
    if not officers:
        return
    reasons = "；".join(f"{reason['text']}：{reason['answer']}" for reason in answer.flag_reasons)
    queue_notification(
        recipients=officers,
        template_code="survey_flagged",
        context={
            "number": answer.work_order.number,
            "customer": answer.customer.name,
            "technician": str(answer.technician or "—"),
            "reasons": reasons,
        },
        channels=[Channel.IN_APP, Channel.EMAIL],
        link=answer.get_absolute_url(),
        dedupe_key=f"survey-flagged:{answer.pk}",
        organisation=answer.organisation,
    )


@transaction.atomic
def submit_survey_answer(
    *,
    invitation: SurveyInvitation,
    values: dict[str, Any],
    channel: str,
    by: User | None,
) -> SurveyAnswer:
    """Store the one answer of an invitation and close it. Through the link (by=None) only while
    the link is valid; keyed in by an agent (phone call, paper card) also after it expired. A
    flagged answer (worst rating, complaint) is announced to the complaints officers."""
    if channel not in AnswerChannel.values:
        raise FeedbackError(_("Unknown way of answering."), field="channel")
    if channel == AnswerChannel.LINK and by is not None:
        raise FeedbackError(_("Key in answers from a phone call or a paper card."), field="channel")
    if channel != AnswerChannel.LINK and (
        by is None or not by.has_perm(FeedbackPermission.ENTER_ANSWER)
    ):
        raise FeedbackError(
            _("You may not key in survey answers."), code=FeedbackErrorCode.NOT_ALLOWED
        )
    current = lock_for_update(SurveyInvitation, pk=invitation.pk, expected_version=None)
    if current.status == InvitationStatus.ANSWERED:
        raise FeedbackError(
            _("This survey has already been answered."), code=FeedbackErrorCode.ALREADY_ANSWERED
        )
    now = timezone.now()
    if channel == AnswerChannel.LINK and (
        current.status == InvitationStatus.EXPIRED or current.expires_at <= now
    ):
        raise FeedbackError(_("This survey link has expired."), code=FeedbackErrorCode.EXPIRED)
    questionnaire = Questionnaire.objects.prefetch_related("questions").get(
        pk=current.questionnaire_id
    )
    items = validated_items(questionnaire=questionnaire, values=values)
    reasons = flag_reasons(items)
    work_order = WorkOrder.objects.select_related("customer").get(pk=current.work_order_id)
    answer = SurveyAnswer.objects.create(
        invitation=current,
        questionnaire=questionnaire,
        work_order=work_order,
        customer_id=current.customer_id,
        technician_id=current.technician_id,
        organisation_id=current.organisation_id,
        handling_organisation_id=current.handling_organisation_id,
        channel=channel,
        entered_by=by,
        submitted_at=now,
        is_flagged=bool(reasons),
        flag_reasons=reasons,
    )
    SurveyAnswerItem.objects.bulk_create(
        SurveyAnswerItem(
            answer=answer,
            question=item.question,
            value=item.value,
            label=item.label,
            text=item.text,
        )
        for item in items
    )
    before = current.status
    fields = apply_transition(record=current, to=InvitationStatus.ANSWERED)
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="survey.answered",
        instance=current,
        changes={
            "status": [before, current.status],
            "channel": [None, channel],
            **({"flagged": [None, True]} if reasons else {}),
        },
        organisation=current.organisation,
    )
    if reasons:
        _notify_flagged(answer)
    return answer


@transaction.atomic
def mark_flag_handled(
    *, answer: SurveyAnswer, by: User, note: str, expected_version: int | None = None
) -> SurveyAnswer:
    """The complaints officer took care of a flagged answer (opened a complaint case, called the
    customer…); `note` says how. A flag is handled once."""
    if not by.has_perm(FeedbackPermission.HANDLE_FLAGS):
        raise FeedbackError(
            _("You may not handle flagged answers."), code=FeedbackErrorCode.NOT_ALLOWED
        )
    if not note.strip():
        raise FeedbackError(_("Say how the flag was handled."), field="note")
    current = lock_for_update(SurveyAnswer, pk=answer.pk, expected_version=expected_version)
    if not current.is_flagged:
        raise FeedbackError(_("This answer is not flagged."), code=FeedbackErrorCode.NOT_FLAGGED)
    if current.flag_handled_at is not None:
        raise FeedbackError(
            _("This flag was already handled."), code=FeedbackErrorCode.INVALID_TRANSITION
        )
    fields = ["flag_handled_at", "flag_handled_by", "flag_note"]
    before = snapshot(current, fields)
    current.flag_handled_at = timezone.now()
    current.flag_handled_by = by
    current.flag_note = note.strip()
    save_versioned(current, expected_version=current.version, fields=fields)
    record_audit(
        actor=by,
        action="survey.flag_handled",
        instance=current,
        changes=diff(before, snapshot(current, fields)),
        organisation=current.organisation,
    )
    return current


# --- questionnaire versions -----------------------------------------------------------------------

QUESTION_COPY_FIELDS = [
    "position",
    "code",
    "text",
    "short_label",
    "help_text",
    "kind",
    "choices",
    "is_required",
    "is_technician_rating",
    "is_overall_satisfaction",
    "flag_values",
    "flags_when_answered",
]


def questionnaire_in_use(questionnaire: Questionnaire) -> bool:
    """A version sent out in an invitation is frozen: its answers must keep their meaning."""
    return SurveyInvitation.objects.filter(questionnaire=questionnaire).exists()


@transaction.atomic
def copy_questionnaire(*, questionnaire: Questionnaire, by: User | None) -> Questionnaire:
    """A new, unpublished version of the questionnaire with the same questions, to edit."""
    latest = Questionnaire.objects.filter(code=questionnaire.code).aggregate(Max("version_number"))
    copy = Questionnaire.objects.create(
        code=questionnaire.code,
        version_number=(latest["version_number__max"] or 0) + 1,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        closing=questionnaire.closing,
        is_published=False,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            **{name: getattr(question, name) for name in QUESTION_COPY_FIELDS},
        )
        for question in questionnaire.questions.all()
    )
    record_audit(
        actor=by,
        action="questionnaire.copied",
        instance=copy,
        changes={"version_number": [questionnaire.version_number, copy.version_number]},
    )
    return copy


@transaction.atomic
def publish_questionnaire(*, questionnaire: Questionnaire, by: User | None) -> Questionnaire:
    """Make this version the one new invitations use (the latest published version wins)."""
    current = lock_for_update(Questionnaire, pk=questionnaire.pk, expected_version=None)
    questions = list(current.questions.all())
    if not questions:
        raise FeedbackError(_("A questionnaire needs at least one question."))
    for question in questions:
        question.full_clean()
    if current.is_published:
        return current
    current.is_published = True
    current.published_at = timezone.now()
    save_versioned(
        current, expected_version=current.version, fields=["is_published", "published_at"]
    )
    record_audit(
        actor=by,
        action="questionnaire.published",
        instance=current,
        changes={"is_published": [False, True]},
    )
    return current
