"""Forms of the billing pages: they parse; the services decide."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.billing.models import (
    AdjustmentKind,
    FeeSchedule,
    PaymentKind,
    PaymentMethod,
)
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.customers.models import Zone
from shouhou.parts.selectors import parts_catalogue

_JOB_SEPARATOR = re.compile(r"\s*[|｜]\s*")


class FeeScheduleForm(ScopedModelForm):
    """A version of the fee standard: rates, a call-out fee per zone, job types one a line."""

    scoped_querysets = {"organisation": scoped_organisations}

    class Meta:
        model = FeeSchedule
        fields = [
            "name",
            "organisation",
            "effective_from",
            "labour_basis",
            "hourly_rate",
            "labour_increment_minutes",
            "minimum_labour_minutes",
            "distance_rate_per_km",
            "free_distance_km",
            "notes",
        ]
        widgets = {
            "organisation": AutocompleteWidget("organisations"),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = False
        for zone, label in Zone.choices:
            self.fields[f"call_out_{zone}"] = forms.DecimalField(
                label=_("call-out fee, %(zone)s (yuan)") % {"zone": label},
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.00"),
            )
        self.fields["jobs"] = forms.CharField(
            label=_("job types"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("One a line: code | name | amount, e.g. MODULE | Module replacement | 150"),
        )
        if self.instance.pk is not None and not self.is_bound:
            for fee in self.instance.call_out_fees.all():
                self.initial[f"call_out_{fee.zone}"] = fee.amount
            self.initial["jobs"] = "\n".join(
                f"{job.code} | {job.name} | {job.amount}" for job in self.instance.jobs.all()
            )

    def clean_jobs(self) -> list[tuple[str, str, Decimal]]:
        jobs = []
        for number, line in enumerate(str(self.cleaned_data.get("jobs", "")).splitlines(), 1):
            if not line.strip():
                continue
            parts = _JOB_SEPARATOR.split(line.strip())
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)s: write code | name | amount.") % {"n": number}
                )
            try:
                amount = Decimal(parts[2])
            except InvalidOperation as bad:
                raise forms.ValidationError(
                    _("Line %(n)s: the amount is not a number.") % {"n": number}
                ) from bad
            if amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
                raise forms.ValidationError(
                    _("Line %(n)s: give a positive amount in yuan and fen.") % {"n": number}
                )
            jobs.append((parts[0][:30], parts[1][:100], amount))
        return jobs

    def rates(self) -> dict[str, Any]:
        return {
            "call_out": {zone: self.cleaned_data[f"call_out_{zone}"] for zone in Zone.values},
            "jobs": self.cleaned_data["jobs"],
        }


class WorkOrderForm(forms.Form):
    """A form posted from the work order's money panel (the order is in the URL)."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class ChargeBasisForm(WorkOrderForm):
    job_type = forms.ChoiceField(label=_("job type"), required=False)
    distance_km = forms.DecimalField(
        label=_("distance (km)"), max_digits=7, decimal_places=1, min_value=0, max_value=10000
    )
    is_call_out_charged = forms.BooleanField(label=_("call-out fee applies"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, job_types: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["job_type"].choices = [("", "—"), *job_types]  # type: ignore[attr-defined]


class QuotePrepareForm(WorkOrderForm):
    labour_minutes = forms.IntegerField(
        label=_("estimated labour (minutes)"), min_value=0, max_value=6000, initial=60
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class QuoteUpdateForm(QuotePrepareForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuotePartForm(WorkOrderForm):
    part = forms.ModelChoiceField(
        label=_("part"),
        queryset=parts_catalogue().filter(is_active=True),
        widget=AutocompleteWidget("parts"),
    )
    quantity = forms.IntegerField(
        label=_("quantity"), min_value=0, max_value=9999, initial=1, help_text=_("0 removes it.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(WorkOrderForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuoteDecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label=_("the customer"),
        choices=[("accept", _("accepts the quote")), ("decline", _("declines the quote"))],
        widget=forms.RadioSelect,
    )
    customer_name = forms.CharField(label=_("customer's name"), max_length=100)
    reason = forms.CharField(label=_("reason for declining"), max_length=300, required=False)


class CustomerDecisionForm(forms.Form):
    """The customer's answer on the signed link."""

    customer_name = forms.CharField(label=_("your name"), max_length=100)
    reason = forms.CharField(
        label=_("reason for declining (optional)"), max_length=300, required=False
    )


class AdjustmentRequestForm(WorkOrderForm):
    kind = forms.ChoiceField(label=_("kind"), choices=AdjustmentKind.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Not needed for a waiver: the whole charge is waived."),
    )
    reason = forms.CharField(label=_("reason"), max_length=300)


class AdjustmentDecisionForm(VersionForm):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class PaymentForm(WorkOrderForm):
    kind = forms.ChoiceField(
        label=_("kind"), choices=PaymentKind.choices, initial=PaymentKind.PAYMENT
    )
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    collected_on_site = forms.BooleanField(
        label=_("collected on site (held by the technician until handed over)"), required=False
    )
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class InvoicePaymentForm(PaymentForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["collected_on_site"]


class InvoiceIssueForm(WorkOrderForm):
    buyer_name = forms.CharField(
        label=_("buyer"), max_length=200, required=False, help_text=_("Empty: the customer.")
    )
    buyer_tax_number = forms.CharField(label=_("buyer's tax number"), max_length=30, required=False)


class VoidForm(VersionForm):
    reason = forms.CharField(label=_("reason for voiding"), max_length=300)


class HandoverForm(forms.Form):
    payments: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("payments handed over"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, held: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payments"].queryset = held  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["payments"] = list(held.values_list("pk", flat=True))


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=DATE_INPUT)
    end = forms.DateField(label=_("to"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", _("Choose at most three years."))
        return cleaned
