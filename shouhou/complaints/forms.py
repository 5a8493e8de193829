"""Forms of the complaint pages: registration, one small form per step of the flow, the decision
on responsibility, sanctions, the staff involved and the revisit. Forms only parse; the services
decide (deadlines, limits, what is allowed in which state)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shouhou.assets.selectors import equipment_visible_to
from shouhou.complaints.models import (
    ComplaintCase,
    Market,
    PenaltyKind,
    RemedyKind,
    ReplyChannel,
    RevisitOutcome,
    Severity,
)
from shouhou.complaints.selectors import (
    complaint_types,
    departments_visible_to,
    handlers_visible_to,
    staff_visible_to,
)
from shouhou.complaints.services import ShareLine
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.core.models import User
from shouhou.customers.selectors import customers_visible_to
from shouhou.tickets.selectors import work_orders_visible_to

STAFF_FIELDS = ("staff_1", "staff_2", "staff_3")
DECISION_LINES = 5
MONEY_FIELD: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.00")}


def _complaint_types(*, user: Any) -> Any:
    return complaint_types()


def _staff_field(label: Any) -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        widget=AutocompleteWidget("complaint_staff"),
    )


class StaffFieldsMixin:
    """Up to three staff involved, each searched as one types (an M2M on the case)."""

    fields: dict[str, Any]
    cleaned_data: dict[str, Any]

    def setup_staff(self, user: Any, current: list[User]) -> None:
        for index, name in enumerate(STAFF_FIELDS):
            self.fields[name].queryset = staff_visible_to(user=user)
            if index < len(current):
                self.fields[name].initial = current[index].pk

    def staff(self) -> list[User]:
        return [self.cleaned_data[name] for name in STAFF_FIELDS if self.cleaned_data.get(name)]


class ComplaintRegisterForm(StaffFieldsMixin, ScopedModelForm):
    """The complaint form (客户抱怨处理表) as the desk fills it in."""

    scoped_querysets = {
        "customer": customers_visible_to,
        "equipment": equipment_visible_to,
        "work_order": work_orders_visible_to,
        "complaint_type": _complaint_types,
        "handling_organisation": scoped_organisations,
    }
    staff_1 = _staff_field(_("staff involved"))
    staff_2 = _staff_field(_("staff involved (2)"))
    staff_3 = _staff_field(_("staff involved (3)"))

    class Meta:
        model = ComplaintCase
        fields = [
            "customer",
            "contact_name",
            "contact_phone",
            "channel",
            "complaint_type",
            "severity",
            "market",
            "equipment",
            "work_order",
            "description",
            "customer_request",
            "handling_organisation",
        ]
        widgets = {
            "customer": AutocompleteWidget("customers"),
            "equipment": AutocompleteWidget("equipment", forward=("customer",)),
            "work_order": AutocompleteWidget("complaint_work_orders", forward=("customer",)),
            "handling_organisation": AutocompleteWidget("organisations"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_staff(self.user, [])
        self.fields["contact_name"].required = False
        self.fields["contact_phone"].required = False
        self.fields["contact_phone"].help_text = _("Leave empty to use the customer's phone.")
        self.fields["handling_organisation"].required = False
        self.fields["customer_request"].help_text = _(
            "What the customer asks for; “not yet known” if the customer is still checking."
        )
        if not self.is_bound and self.user.organisation_id:
            self.initial.setdefault("handling_organisation", self.user.organisation_id)

    def registration_values(self) -> dict[str, Any]:
        values = self.model_values()
        values["staff_involved"] = self.staff()
        return values


class CaseForm(forms.Form):
    """A form posted from a case's page with the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, case: ComplaintCase | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.case = case
        if case is not None and not self.is_bound:
            self.initial.setdefault("version", case.version)

    def service_values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AssignForm(CaseForm):
    handler: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("handler"),
        queryset=User.objects.none(),
        widget=AutocompleteWidget("complaint_handlers"),
        help_text=_("Yourself, or the person you send (001 第二十一条)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers_visible_to(user=self.user)  # type: ignore[attr-defined]
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("handler", self.case.handler_id or self.user.pk)


class ClassifyForm(CaseForm):
    complaint_type: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("complaint type"), queryset=None
    )
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    market = forms.ChoiceField(label=_("market"), choices=Market.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint_type"].queryset = complaint_types()  # type: ignore[attr-defined]
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("complaint_type", self.case.complaint_type_id)
            self.initial.setdefault("severity", self.case.severity)
            self.initial.setdefault("market", self.case.market)


class FindingsForm(CaseForm):
    cause = forms.CharField(
        label=_("cause"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    evidence = forms.CharField(
        label=_("evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    responsible_department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible department"),
        queryset=None,
        required=False,
        widget=AutocompleteWidget("complaint_departments"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["responsible_department"]
        field.queryset = departments_visible_to(user=self.user).filter(is_active=True)
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("cause", self.case.cause)
            self.initial.setdefault("evidence", self.case.evidence)
            self.initial.setdefault("responsible_department", self.case.responsible_department_id)


class RemedyForm(CaseForm):
    remedy_kind = forms.ChoiceField(label=_("remedy"), choices=RemedyKind.choices)
    remedy_amount = forms.DecimalField(
        label=_("amount (yuan)"), initial=Decimal("0.00"), **MONEY_FIELD
    )
    remedy_description = forms.CharField(
        label=_("remedy details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class NoteForm(CaseForm):
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class RequiredNoteForm(CaseForm):
    note = forms.CharField(label=_("what is to be looked at again"), max_length=500)


class InformForm(CaseForm):
    reply_channel = forms.ChoiceField(label=_("customer informed"), choices=ReplyChannel.choices)
    summary = forms.CharField(
        label=_("what the customer was told"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None and self.case.severity == Severity.MAJOR:
            self.fields["reply_channel"].help_text = _("A major complaint is answered in writing.")
            if not self.is_bound:
                self.initial.setdefault("reply_channel", ReplyChannel.LETTER)


class AcceptForm(CaseForm):
    reply = forms.CharField(label=_("customer's reply"), max_length=500, required=False)


class RejectForm(CaseForm):
    reply = forms.CharField(label=_("what the customer does not accept"), max_length=500)


class WithdrawForm(CaseForm):
    reason = forms.CharField(label=_("reason for withdrawing"), max_length=300)


class StaffForm(StaffFieldsMixin, CaseForm):
    staff_1 = _staff_field(_("staff involved"))
    staff_2 = _staff_field(_("staff involved (2)"))
    staff_3 = _staff_field(_("staff involved (3)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = list(self.case.staff_involved.all()) if self.case is not None else []
        self.setup_staff(self.user, [] if self.is_bound else current)

    def service_values(self) -> dict[str, Any]:
        return {"staff_involved": self.staff()}


class DecisionForm(CaseForm):
    """The decision: the loss and up to five lines of department or person with a share."""

    loss_amount = forms.DecimalField(label=_("loss amount (yuan)"), **MONEY_FIELD)
    note = forms.CharField(label=_("decision note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = departments_visible_to(user=self.user).filter(is_active=True)
        staff = staff_visible_to(user=self.user)
        for index in range(1, DECISION_LINES + 1):
            self.fields[f"department_{index}"] = forms.ModelChoiceField(
                label=_("department"),
                queryset=departments,
                required=False,
                widget=AutocompleteWidget("complaint_departments"),
            )
            self.fields[f"person_{index}"] = forms.ModelChoiceField(
                label=_("or person"),
                queryset=staff,
                required=False,
                widget=AutocompleteWidget("complaint_staff"),
            )
            self.fields[f"percent_{index}"] = forms.DecimalField(
                label=_("share (%)"),
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal("100.00"),
                required=False,
            )
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("loss_amount", self.case.loss_amount)
            self.initial.setdefault("note", self.case.decision_note)
            shares = list(self.case.shares.all()[:DECISION_LINES])
            for index, share in enumerate(shares, start=1):
                self.initial[f"department_{index}"] = share.department_id
                self.initial[f"person_{index}"] = share.person_id
                self.initial[f"percent_{index}"] = share.share_percent
            if not shares and self.case.responsible_department_id:
                self.initial["department_1"] = self.case.responsible_department_id
                self.initial["percent_1"] = Decimal("100")

    def line_groups(self) -> list[list[Any]]:
        """The line fields in rows of three, for the template."""
        return [
            [self[f"department_{index}"], self[f"person_{index}"], self[f"percent_{index}"]]
            for index in range(1, DECISION_LINES + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines: list[ShareLine] = []
        for index in range(1, DECISION_LINES + 1):
            department = cleaned.get(f"department_{index}")
            person = cleaned.get(f"person_{index}")
            percent = cleaned.get(f"percent_{index}")
            if department is None and person is None and percent is None:
                continue
            if (department is None) == (person is None):
                self.add_error(f"department_{index}", _("Name a department or a person, not both."))
                continue
            if percent is None:
                self.add_error(f"percent_{index}", _("Give the share."))
                continue
            lines.append(ShareLine(share_percent=percent, department=department, person=person))
        if not lines and not self.errors:
            raise ValidationError(_("Name at least one department or person."))
        cleaned["lines"] = lines
        return cleaned

    def service_values(self) -> dict[str, Any]:
        return {
            "loss_amount": self.cleaned_data["loss_amount"],
            "lines": self.cleaned_data["lines"],
            "note": self.cleaned_data.get("note", ""),
        }


SANCTION_CHOICES = [
    (kind.value, kind.label)
    for kind in (PenaltyKind.WARNING, PenaltyKind.MINOR_DEMERIT, PenaltyKind.MAJOR_DEMERIT)
]


class SanctionForm(CaseForm):
    person: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("person"),
        queryset=User.objects.none(),
        widget=AutocompleteWidget("complaint_staff"),
    )
    kind = forms.ChoiceField(label=_("sanction"), choices=SANCTION_CHOICES)
    units = forms.IntegerField(label=_("units"), initial=1, min_value=1, max_value=10)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        required=False,
        help_text=_("Empty: the policy's amount (a major demerit is the month's whole bonus)."),
        **MONEY_FIELD,
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_visible_to(user=self.user)  # type: ignore[attr-defined]


class RevisitForm(CaseForm):
    """The revisit call; its version is the revisit's, not the case's."""

    outcome = forms.ChoiceField(label=_("outcome"), choices=RevisitOutcome.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        revisit = getattr(self.case, "revisit", None) if self.case is not None else None
        if revisit is not None and not self.is_bound:
            self.initial["version"] = revisit.version
