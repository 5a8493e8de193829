"""Customer voice: versioned questionnaires, the survey invitation sent after every closed work
order and its answer (001 第十六条–第十八条), follow-up calls (回访, 000 第五篇,
004 客户服务工作流程) with their sampling decisions and attempts, and the configuration rows the
business edits."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment
from shouhou.core.models import Organisation, Scope, TimeStampedModel
from shouhou.customers.models import Customer
from shouhou.tickets.models import WorkOrder

# --- questionnaires ---------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("Choice on a scale")
    NPS = "nps", _("Likelihood to recommend (0–10)")
    TEXT = "text", _("Free text")


class Questionnaire(TimeStampedModel):
    """One version of a questionnaire. A version that has answers is never edited: a change is a
    new version (services.copy_questionnaire), so that old answers keep the questions, scales
    and labels they were given with."""

    code = models.CharField(_("code"), max_length=50)
    version_number = models.PositiveIntegerField(_("version number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    closing = models.TextField(_("thank-you text"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version_number"], name="feedback_questionnaire_code_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version_number}"


class Question(models.Model):
    """A question of one questionnaire version. A choice question carries its own scale
    (`choices`: [{"value": 4, "label": "很好"}, …]); `flag_values` are the values that flag the
    answer for the complaints officer, `flags_when_answered` makes any text answer flag it."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(
        _("code"),
        max_length=50,
        help_text=_("Keep the same code across versions for the same question."),
    )
    text = models.CharField(_("question"), max_length=300)
    short_label = models.CharField(_("short label"), max_length=50, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("scale"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    is_technician_rating = models.BooleanField(
        _("rates the technician"),
        default=False,
        help_text=_("Counts in the technician's monthly score."),
    )
    is_overall_satisfaction = models.BooleanField(_("overall satisfaction"), default=False)
    flag_values = models.JSONField(_("values that flag the answer"), default=list, blank=True)
    flags_when_answered = models.BooleanField(_("any answer flags"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="feedback_question_code_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.short_label or self.text

    def clean(self) -> None:
        if self.kind != QuestionKind.CHOICE:
            return
        choices = self.choices if isinstance(self.choices, list) else []
        values = [c.get("value") for c in choices if isinstance(c, dict)]
        labels = [c.get("label") for c in choices if isinstance(c, dict)]
        if (
            len(choices) < 2
            or len(values) != len(choices)
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            or len(set(values)) != len(values)
            or not all(isinstance(label, str) and label.strip() for label in labels)
        ):
            raise ValidationError(
                {
                    "choices": _(
                        'Give at least two choices as [{"value": 4, "label": "…"}, …] with '
                        "different whole-number values and a label each."
                    )
                }
            )
        if any(value not in values for value in self.flag_values or []):
            raise ValidationError({"flag_values": _("Flag only values of the scale.")})

    def label_for(self, value: int | None) -> str:
        for choice in self.choices or []:
            if isinstance(choice, dict) and choice.get("value") == value:
                return str(choice.get("label", value))
        return "" if value is None else str(value)

    @property
    def top_value(self) -> int | None:
        values = [
            c["value"]
            for c in self.choices or []
            if isinstance(c, dict) and isinstance(c.get("value"), int)
        ]
        return max(values) if values else None


# --- configuration ----------------------------------------------------------------------------


class FeedbackPolicy(models.Model):
    """How surveys go out and when the monthly follow-up report is due, for an organisation and
    its subtree (the row without organisation is the default)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the default for every organisation without its own policy."),
    )
    questionnaire_code = models.CharField(
        _("questionnaire"), max_length=50, default="after_service"
    )
    send_sms = models.BooleanField(_("invite by SMS"), default=True)
    send_email = models.BooleanField(_("invite by email"), default=True)
    expires_after = models.DurationField(_("link valid for"), default=datetime.timedelta(days=14))
    remind_after = models.DurationField(_("remind after"), default=datetime.timedelta(days=3))
    reminder_limit = models.PositiveSmallIntegerField(
        _("reminders at most"), default=1, validators=[MaxValueValidator(10)]
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("monthly follow-up report due on day"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the next month by which the follow-up report is due (000 第五篇 五)."),
    )

    class Meta:
        verbose_name = _("feedback policy")
        verbose_name_plural = _("feedback policies")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire_code"],
                condition=Q(organisation__isnull=True),
                name="feedback_policy_one_default",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation or _("Default"))


class FollowUpKind(models.TextChoices):
    REPAIR = "repair", _("After a repair")
    INSTALLATION = "installation", _("After an installation")
    SECOND_CALL = "second_call", _("Second call")
    COMPLAINT_CALLBACK = "complaint_callback", _("Call back after a complaint")


# Kinds created by the periodic job from events, with a sample; the others follow a call.
SAMPLED_KINDS = (FollowUpKind.REPAIR, FollowUpKind.INSTALLATION)


class FollowUpRule(models.Model):
    """When a follow-up call is due after an event, whom it covers and how often to try:
    target customers at `target_percent`, the others at `sample_percent` (000 第五篇 二); the call
    window runs from `starts_after` to `due_within` after the event (001 第二篇 (二), 004 (三)4–5;
    000 第五篇 四 2 for the call back after a complaint)."""

    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the default for every organisation without its own rule."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    starts_after = models.DurationField(_("call from"), default=datetime.timedelta(0))
    due_within = models.DurationField(_("call by"), default=datetime.timedelta(days=7))
    counts_working_time = models.BooleanField(
        _("in working time"),
        default=False,
        help_text=_("Count the window in the organisation's working time, not calendar time."),
    )
    target_percent = models.PositiveSmallIntegerField(
        _("target customers (%)"), default=100, validators=[MaxValueValidator(100)]
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("other customers (%)"), default=30, validators=[MaxValueValidator(100)]
    )
    sample_seed = models.PositiveIntegerField(
        _("sample seed"),
        default=1,
        help_text=_("The same seed always draws the same sample; change it for another draw."),
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts at most"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    retry_after = models.DurationField(_("try again after"), default=datetime.timedelta(days=1))
    script = models.TextField(_("call script"), blank=True)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["kind", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation"], name="feedback_rule_kind_organisation"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(organisation__isnull=True),
                name="feedback_rule_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.organisation or _("Default")
        return f"{self.get_kind_display()} · {owner}"

    def clean(self) -> None:
        if self.due_within <= self.starts_after:
            raise ValidationError({"due_within": _("The call must be due after it may start.")})
        if self.retry_after <= datetime.timedelta(0):
            raise ValidationError({"retry_after": _("Try again after some time.")})


class LossReason(models.Model):
    """Why a customer was lost (流失原因), for the monthly analysis (000 第五篇 五)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("reason"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("loss reason")
        verbose_name_plural = _("loss reasons")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


# --- surveys ----------------------------------------------------------------------------------


class InvitationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")


class SurveyInvitation(TimeStampedModel):
    """The survey of one closed work order (001 第十七条: every call, no sampling). The link in
    the SMS or email carries the id and `token_nonce`, signed; answering closes it."""

    work_order = models.OneToOneField(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="survey_invitation",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    handling_organisation = models.ForeignKey(
        Organisation, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    sent_by_sms = models.BooleanField(_("sent by SMS"), default=False)
    sent_by_email = models.BooleanField(_("sent by email"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.WAITING,
        editable=False,
    )
    token_nonce = models.CharField(max_length=24, editable=False)
    invited_at = models.DateTimeField(_("invited at"))
    expires_at = models.DateTimeField(_("link valid until"))
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-invited_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["handling_organisation", "-invited_at"]),
            models.Index(fields=["organisation", "-invited_at"]),
            models.Index(fields=["technician", "invited_at"]),
            models.Index(fields=["-invited_at"]),
        ]

    def __str__(self) -> str:
        return str(_("Survey of %(number)s") % {"number": self.work_order.number})

    def get_absolute_url(self) -> str:
        return reverse("feedback:invitation-detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.status == InvitationStatus.ANSWERED


class AnswerChannel(models.TextChoices):
    LINK = "link", _("Survey link")
    PHONE = "phone", _("Phone call")
    PAPER = "paper", _("Paper card")


class SurveyAnswer(TimeStampedModel):
    """The one answer to an invitation, by the customer through the link or keyed in by an agent
    from a phone call or a paper card. A complaint or a worst rating flags it for the complaints
    officer, who marks the flag handled (the complaints app turns it into a case)."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("survey invitation"),
        on_delete=models.PROTECT,
        related_name="answer",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    handling_organisation = models.ForeignKey(
        Organisation, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("answered by"), max_length=10, choices=AnswerChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("answered at"))
    is_flagged = models.BooleanField(_("flagged"), default=False)
    # [{"question": code, "text": question text, "answer": label or text}]
    flag_reasons = models.JSONField(_("why flagged"), default=list, blank=True)
    flag_handled_at = models.DateTimeField(_("flag handled at"), null=True, blank=True)
    flag_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flag handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flag_note = models.TextField(_("how the flag was handled"), blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("handle_flagged_answer", _("Can handle flagged survey answers")),
            ("view_technician_scores", _("Can view technicians' survey scores")),
        ]
        indexes = [
            models.Index(
                fields=["handling_organisation", "-submitted_at"],
                condition=Q(is_flagged=True),
                name="feedback_flagged_idx",
            ),
            models.Index(fields=["technician", "submitted_at"]),
            models.Index(fields=["-submitted_at"]),
        ]

    def __str__(self) -> str:
        return str(_("Answer to the survey of %(number)s") % {"number": self.work_order.number})

    def get_absolute_url(self) -> str:
        return reverse("feedback:invitation-detail", args=[self.invitation_id])

    @property
    def is_flag_open(self) -> bool:
        return self.is_flagged and self.flag_handled_at is None

    @property
    def reasons_text(self) -> str:
        return "; ".join(
            f"{reason.get('text', '')}: {reason.get('answer', '')}"
            for reason in self.flag_reasons or []
            if isinstance(reason, dict)
        )


class SurveyAnswerItem(models.Model):
    """The answer to one question, with the scale label as the customer saw it."""

    answer = models.ForeignKey(
        SurveyAnswer,
        verbose_name=_("survey answer"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    label = models.CharField(_("answer"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer item")
        verbose_name_plural = _("answer items")
        ordering = ["answer", "question__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "question"], name="feedback_one_item_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.label or self.text}"


# --- follow-up calls ----------------------------------------------------------------------------


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Not reached")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class Selection(models.TextChoices):
    TARGET = "target", _("Target customer")
    SAMPLE = "sample", _("Sampled")
    FOLLOWS = "follows", _("Follows an earlier call")


class SamplingDecision(models.Model):
    """Whether one event (a closed work order, an installation) is followed up, decided once and
    kept: the n-th event of a stream (rule, month, organisation, target or not) is drawn with a
    number derived from the rule's seed, so the same seed gives the same sample."""

    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    rule = models.ForeignKey(
        FollowUpRule, verbose_name=_("follow-up rule"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("month"), max_length=7)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_key = models.CharField(max_length=60, unique=True)
    is_target = models.BooleanField(_("target customer"))
    sequence = models.PositiveIntegerField(_("position in the stream"))
    draw = models.FloatField(_("random draw"))
    is_selected = models.BooleanField(_("followed up"))
    decided_at = models.DateTimeField(_("decided at"))

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("sampling decision")
        verbose_name_plural = _("sampling decisions")
        ordering = ["period", "organisation", "is_target", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "period", "organisation", "is_target", "sequence"],
                name="feedback_sampling_stream_position",
            )
        ]
        indexes = [models.Index(fields=["kind", "period", "organisation"])]

    def __str__(self) -> str:
        return self.source_key


class FollowUp(TimeStampedModel):
    """One follow-up call to make (回访): after a repair or an installation, a second call a week
    after the first, or a call back within three days after a complaint."""

    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    rule = models.ForeignKey(
        FollowUpRule, verbose_name=_("follow-up rule"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
        editable=False,
    )
    source_key = models.CharField(max_length=60, unique=True, editable=False)
    selection = models.CharField(_("why called"), max_length=10, choices=Selection.choices)
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("earlier call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    handling_organisation = models.ForeignKey(
        Organisation, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    event_at = models.DateTimeField(_("event at"))
    start_at = models.DateTimeField(_("call from"))
    due_at = models.DateTimeField(_("call by"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation", provider="handling_organisation")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        permissions = [
            ("work_followup", _("Can record follow-up calls")),
            ("assign_followup", _("Can assign follow-up calls")),
            ("view_feedback_reports", _("Can view feedback reports")),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["assigned_to", "status", "due_at"]),
            models.Index(fields=["handling_organisation", "status", "due_at"]),
            models.Index(fields=["organisation", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:follow-up-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN


class CallResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    REFUSED = "refused", _("Refused to talk")


class Evaluation(models.TextChoices):
    """The customer's evaluation, on the 002 platform's scale (很满意/满意/不满意)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class FollowUpAttempt(models.Model):
    """One call of a follow-up and what came of it (跟踪服务电话记录表)."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=12, choices=CallResult.choices)
    evaluation = models.CharField(
        _("customer's evaluation"), max_length=20, choices=Evaluation.choices, blank=True
    )
    product_usage = models.TextField(_("how the product is used"), blank=True)
    new_needs = models.TextField(_("new needs"), blank=True)
    complaint = models.TextField(_("complaint"), blank=True)
    is_customer_lost = models.BooleanField(_("customer lost"), default=False)
    loss_reason = models.ForeignKey(
        LossReason,
        verbose_name=_("loss reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    scope: ClassVar[Scope] = Scope(
        owner="follow_up__organisation", provider="follow_up__handling_organisation"
    )

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["follow_up", "number"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "number"], name="feedback_attempt_number")
        ]
        indexes = [models.Index(fields=["called_at"])]

    def __str__(self) -> str:
        return f"{self.follow_up} #{self.number}"


class FollowUpMonthlyReport(models.Model):
    """The follow-up report of one organisation for one month, submitted to the service manager
    by the due day of the next month (000 第五篇 五); `summary` keeps the figures as submitted."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    note = models.TextField(_("note"), blank=True)
    summary = models.JSONField(_("figures"), default=dict, blank=True)

    scope: ClassVar[Scope] = Scope(owner="organisation")

    class Meta:
        verbose_name = _("monthly follow-up report")
        verbose_name_plural = _("monthly follow-up reports")
        ordering = ["-month", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="feedback_one_report_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%Y-%m}"
