"""Forms of the work-order pages: intake, corrections, and one small form per lifecycle action.

Forms only parse; the services decide (warranty, category, what is allowed in which state)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.assets.selectors import equipment_visible_to, product_models
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.core.models import Role, User
from shouhou.customers.selectors import customers_visible_to, sites_visible_to
from shouhou.tickets.models import (
    PartDisposition,
    ResolutionMode,
    ServiceCategory,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.page_selectors import directors_visible_to, technicians_visible_to
from shouhou.tickets.workflow import MODE_CHANGES

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _product_models(*, user: Any) -> Any:
    return product_models()


class IntakeForm(ScopedModelForm):
    """The repair-call register's line (叫修登记簿): who calls, about which unit, with what."""

    scoped_querysets = {
        "customer": customers_visible_to,
        "equipment": equipment_visible_to,
        "site": sites_visible_to,
        "product_model": _product_models,
        "handling_organisation": scoped_organisations,
    }

    class Meta:
        model = WorkOrder
        fields = [
            "customer",
            "equipment",
            "site",
            "contact_name",
            "contact_phone",
            "address",
            "product_model",
            "reported_serial",
            "symptom",
            "channel",
            "priority",
            "resolution_mode",
            "has_purchase_proof",
            "is_human_damage",
            "promised_at",
            "handling_organisation",
        ]
        widgets = {
            "customer": AutocompleteWidget("customers"),
            "equipment": AutocompleteWidget("equipment", forward=("customer",)),
            "site": AutocompleteWidget("sites", forward=("customer",)),
            "product_model": AutocompleteWidget("product_models"),
            "handling_organisation": AutocompleteWidget("organisations"),
            "symptom": forms.Textarea(attrs={"rows": 3}),
            "promised_at": DATETIME_INPUT,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].required = False
        self.fields["address"].help_text = _("Leave empty to use the site's or customer's address.")
        self.fields["product_model"].help_text = _("Only when the unit is not in the archive.")
        self.fields["reported_serial"].help_text = self.fields["product_model"].help_text
        self.fields["handling_organisation"].required = False
        self.fields["promised_at"].required = False
        if not self.is_bound and self.user.organisation_id:
            self.initial.setdefault("handling_organisation", self.user.organisation_id)

    def clean_reported_serial(self) -> str:
        return str(self.cleaned_data.get("reported_serial") or "").strip().upper()

    def registration_values(self) -> dict[str, Any]:
        """The service's arguments: what the archive knows about a known unit is not retyped."""
        values = self.model_values()
        if values.get("equipment") is not None:
            values.pop("product_model", None)
            values.pop("reported_serial", None)
        return values


class WorkOrderUpdateForm(ScopedModelForm):
    """Correct what the caller said."""

    scoped_querysets = {"product_model": _product_models}

    class Meta:
        model = WorkOrder
        fields = [
            "contact_name",
            "contact_phone",
            "address",
            "zone",
            "symptom",
            "priority",
            "promised_at",
            "product_model",
            "reported_serial",
        ]
        widgets = {
            "product_model": AutocompleteWidget("product_models"),
            "symptom": forms.Textarea(attrs={"rows": 3}),
            "promised_at": DATETIME_INPUT,
        }

    def __init__(self, *args: Any, work_order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        if self.instance.equipment_id is not None:
            # The archive knows the unit's model and serial.
            del self.fields["product_model"]
            del self.fields["reported_serial"]


class WorkOrderForm(forms.Form):
    """A form posted from a work order's page with the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, work_order: WorkOrder | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.work_order = work_order
        if work_order is not None and not self.is_bound:
            self.initial.setdefault("version", work_order.version)

    def service_values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class DispatchForm(WorkOrderForm):
    technician: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("technician"), queryset=None, widget=AutocompleteWidget("technicians")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["technician"]
        field.queryset = technicians_visible_to(user=self.user)  # type: ignore[attr-defined]
        if self.work_order is not None and not self.is_bound:
            self.initial.setdefault("technician", self.work_order.technician_id)


class ResolveForm(WorkOrderForm):
    work_done = forms.CharField(
        label=_("work done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class TakeInForm(WorkOrderForm):
    items = forms.CharField(label=_("goods received"), max_length=300)
    accessories = forms.CharField(label=_("accessories"), max_length=300, required=False)
    condition = forms.CharField(label=_("condition on receipt"), max_length=300, required=False)


class NoteForm(WorkOrderForm):
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class InspectionFailedForm(WorkOrderForm):
    note = forms.CharField(label=_("what is wrong"), max_length=500)


class ReceiveFromFactoryForm(WorkOrderForm):
    replacement_serial = forms.CharField(
        label=_("serial number of the replacement unit"),
        max_length=100,
        required=False,
        help_text=_("Required for an exchange."),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class ReasonForm(WorkOrderForm):
    reason = forms.CharField(label=_("reason"), max_length=300)


class CategoryForm(WorkOrderForm):
    category = forms.ChoiceField(label=_("service category"), choices=ServiceCategory.choices)
    reason = forms.CharField(label=_("reason for the category"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.work_order is not None and not self.is_bound:
            self.initial.setdefault("category", self.work_order.service_category)


class ModeForm(WorkOrderForm):
    mode = forms.ChoiceField(label=_("resolution mode"), choices=ResolutionMode.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.work_order is not None:
            # The modes the order may still change to in its status, other than its own.
            allowed = MODE_CHANGES.get(WorkOrderStatus(self.work_order.status), frozenset())
            field: Any = self.fields["mode"]
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value in allowed and value != self.work_order.resolution_mode
            ]


class EscalateForm(WorkOrderForm):
    to: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("service director"), queryset=None, widget=AutocompleteWidget("directors")
    )
    note = forms.CharField(
        label=_("escalation note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = directors_visible_to(user=self.user)  # type: ignore[attr-defined]


class LabourForm(WorkOrderForm):
    """A line of the repair card (修护卡): who worked when, how long, on which kind of work."""

    technician: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("technician"), queryset=None, widget=AutocompleteWidget("technicians")
    )
    worked_on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    minutes = forms.IntegerField(
        label=_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    category = forms.ChoiceField(label=_("service category"), choices=ServiceCategory.choices)
    description = forms.CharField(label=_("work done"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians_visible_to(user=self.user)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("worked_on", timezone.localdate())
            if self.work_order is not None:
                mine = self.user.pk if getattr(self.user, "role", "") == Role.TECHNICIAN else None
                self.initial.setdefault("technician", self.work_order.technician_id or mine)
                self.initial.setdefault("category", self.work_order.service_category)


class PartForm(WorkOrderForm):
    part_name = forms.CharField(label=_("part"), max_length=200)
    part_code = forms.CharField(label=_("part code"), max_length=50, required=False)
    quantity = forms.IntegerField(label=_("quantity"), initial=1, min_value=1, max_value=9999)
    disposition = forms.ChoiceField(
        label=_("replaced part"),
        choices=PartDisposition.choices,
        initial=PartDisposition.RETURNED_TO_CUSTOMER,
    )


class AttachmentForm(forms.Form):
    """A photo of the fault or a document; the service checks its type and size."""

    file = forms.FileField(label=_("file"))

    def __init__(
        self, *args: Any, user: Any, work_order: WorkOrder | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.work_order = work_order
