"""Forms of the dispatch pages. They only parse; the services decide."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Brand, ProductType
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.core.models import Organisation, Region
from shouhou.dispatch.models import TechnicianProfile
from shouhou.dispatch.selectors import technician_users_visible_to

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TechnicianProfileForm(ScopedModelForm):
    scoped_querysets = {"home_centre": scoped_organisations, "user": technician_users_visible_to}

    class Meta:
        model = TechnicianProfile
        fields = [
            "user",
            "home_centre",
            "certification_level",
            "home_latitude",
            "home_longitude",
            "daily_capacity",
            "is_active",
        ]
        widgets = {
            "user": AutocompleteWidget("dispatch_new_technicians"),
            "home_centre": AutocompleteWidget("organisations"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["user"]


class SkillForm(forms.Form):
    product_type = forms.ModelChoiceField(
        label=_("product type"), queryset=ProductType.objects.all(), required=False
    )
    brand = forms.ModelChoiceField(label=_("brand"), queryset=Brand.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("product_type") and not cleaned.get("brand"):
            raise forms.ValidationError(_("Choose a product type, a brand, or both."))
        return cleaned


class RegionForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.all(), widget=AutocompleteWidget("regions")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RemoveRegionForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.all(), widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ShiftForm(forms.Form):
    day = forms.DateField(label=_("date"), widget=DATE_INPUT)
    starts_at = forms.TimeField(label=_("from"), widget=TIME_INPUT, required=False)
    ends_at = forms.TimeField(label=_("to"), widget=TIME_INPUT, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate() + datetime.timedelta(days=1))


# --- the board ---------------------------------------------------------------------------


class BoardForm(forms.Form):
    """Which centre and day the board shows (GET)."""

    centre: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("service centre"), queryset=None, required=False
    )
    day = forms.DateField(label=_("date"), widget=DATE_INPUT, required=False)
    region = forms.ModelChoiceField(
        label=_("region"),
        queryset=Region.objects.all(),
        required=False,
        widget=AutocompleteWidget("regions"),
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["centre"].empty_label = None  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    """Dispatch one work order to one technician from the board (click or drag)."""

    work_order = forms.IntegerField(min_value=1)
    technician = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=1)


class PlanRequestForm(forms.Form):
    centre = forms.IntegerField(min_value=1)
    day = forms.DateField()
    region = forms.IntegerField(min_value=1, required=False)


class PlanDecisionForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    technician = forms.IntegerField(min_value=1, required=False)


# --- the phone ---------------------------------------------------------------------------


class PhoneActionForm(forms.Form):
    """A step of the job, with the phone's position when the browser gave one."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=8,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        required=False,
        max_digits=13,
        decimal_places=8,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        widget=forms.HiddenInput,
    )
    accuracy = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, work_order: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if work_order is not None and not self.is_bound:
            self.initial["version"] = work_order.version


class CompleteForm(PhoneActionForm):
    work_done = forms.CharField(
        label=_("work done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class PhoneLabourForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.IntegerField(
        label=_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    description = forms.CharField(label=_("work done"), max_length=300, required=False)


class PhonePartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    part_name = forms.CharField(label=_("part"), max_length=200)
    quantity = forms.IntegerField(label=_("quantity"), initial=1, min_value=1, max_value=9999)


class PhonePhotoForm(forms.Form):
    file = forms.FileField(
        label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )


class ReportForm(forms.Form):
    centre: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("service centre"), queryset=None, required=False
    )
    date_from = forms.DateField(label=_("from"), widget=DATE_INPUT, required=False)
    date_to = forms.DateField(label=_("to"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["centre"].empty_label = None  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Choose at most a year."))
        return cleaned
