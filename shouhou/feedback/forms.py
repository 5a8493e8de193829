"""Forms of the feedback pages: the questionnaire (built from the version's questions), the
agent's keyed-in answer, a flag handled, a follow-up call's outcome, assignment, and the report
pickers."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import scoped_organisations
from shouhou.core.models import Organisation, User
from shouhou.feedback.models import (
    AnswerChannel,
    CallResult,
    Evaluation,
    Question,
    QuestionKind,
    Questionnaire,
)
from shouhou.feedback.reports import SATISFACTION_DIMENSIONS
from shouhou.feedback.selectors import followup_agents_visible_to, loss_reasons
from shouhou.feedback.services import CallOutcome
from shouhou.feedback.services.surveys import NPS_RANGE, TEXT_ANSWER_MAX


class ScaleRadioSelect(forms.RadioSelect):
    """Radio buttons laid out as a row of large chips (a thumb on a phone hits them)."""

    template_name = "feedback/widgets/scale.html"
    option_template_name = "feedback/widgets/scale_option.html"


def question_field(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.text,
        "required": question.is_required,
        "help_text": question.help_text,
    }
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_ANSWER_MAX, **common
        )
    if question.kind == QuestionKind.NPS:
        choices = [(value, str(value)) for value in NPS_RANGE]
    else:
        choices = [(choice["value"], choice["label"]) for choice in question.choices]
    return forms.TypedChoiceField(
        choices=choices, coerce=int, empty_value=None, widget=ScaleRadioSelect, **common
    )


class SurveyForm(forms.Form):
    """The questions of one questionnaire version, one field per question code."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.codes: list[str] = []
        for question in questionnaire.questions.all():
            self.fields[question.code] = question_field(question)
            self.codes.append(question.code)

    def values(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(code) for code in self.codes}


class StaffAnswerForm(SurveyForm):
    """An answer an agent keys in from a phone call or a paper card (调查卡)."""

    via = forms.ChoiceField(
        label=_("answered by"),
        choices=[
            (AnswerChannel.PHONE, AnswerChannel.PHONE.label),
            (AnswerChannel.PAPER, AnswerChannel.PAPER.label),
        ],
        initial=AnswerChannel.PHONE,
        widget=ScaleRadioSelect,
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FlagHandledForm(VersionedForm):
    note = forms.CharField(
        label=_("How was it handled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("E.g. the complaint case opened, or what the customer was told."),
    )


class CallForm(VersionedForm):
    """What came of one follow-up call (跟踪服务电话记录)."""

    result = forms.ChoiceField(
        label=_("result"), choices=CallResult.choices, widget=forms.RadioSelect
    )
    evaluation = forms.ChoiceField(
        label=_("customer's evaluation"),
        choices=Evaluation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    product_usage = forms.CharField(
        label=_("how the product is used"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_needs = forms.CharField(
        label=_("new needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    complaint = forms.CharField(
        label=_("complaint"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Goes to the store and service managers; you call back within three days."),
    )
    is_customer_lost = forms.BooleanField(label=_("customer lost"), required=False)
    loss_reason = forms.ModelChoiceField(
        label=_("loss reason"), queryset=loss_reasons(), required=False
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def outcome(self) -> CallOutcome:
        data = self.cleaned_data
        return CallOutcome(
            result=data["result"],
            evaluation=data.get("evaluation") or "",
            product_usage=data.get("product_usage") or "",
            new_needs=data.get("new_needs") or "",
            complaint=data.get("complaint") or "",
            is_customer_lost=bool(data.get("is_customer_lost")),
            loss_reason=data.get("loss_reason"),
            notes=data.get("notes") or "",
        )


class AssignForm(VersionedForm):
    assigned_to = forms.ModelChoiceField(
        label=_("assign to"),
        queryset=User.objects.none(),
        widget=AutocompleteWidget("followup_agents"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = followup_agents_visible_to(user=user)  # type: ignore[attr-defined]


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("reason"), max_length=300)


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def last_month() -> datetime.date:
    return (this_month() - datetime.timedelta(days=1)).replace(day=1)


MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthForm(forms.Form):
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], widget=MONTH_WIDGET)

    def chosen_month(self, default: datetime.date) -> datetime.date:
        if self.is_valid():
            return self.cleaned_data["month"].replace(day=1)
        return default


class SatisfactionForm(MonthForm):
    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[(key, label) for key, (label, _fields) in SATISFACTION_DIMENSIONS.items()],
        required=False,
    )


class FollowUpReportForm(MonthForm):
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=AutocompleteWidget("organisations"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped_organisations(user=user)  # type: ignore[attr-defined]


class SubmitReportForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], widget=forms.HiddenInput)
    organisation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("note to the service manager"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
