"""Forms of the parts pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.assets.selectors import product_models
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.parts.models import Part, Warehouse
from shouhou.parts.selectors import keepers_visible_to, parts_catalogue, warehouses_visible_to
from shouhou.tickets.models import PartDisposition
from shouhou.tickets.page_selectors import technicians_visible_to


def _product_models(*, user: Any) -> Any:
    return product_models()


def _active_parts(*, user: Any) -> Any:
    return parts_catalogue().filter(is_active=True)


def _open_warehouses(*, user: Any) -> Any:
    return warehouses_visible_to(user=user).filter(is_active=True)


class PartForm(ScopedModelForm):
    scoped_querysets = {"compatible_models": _product_models}

    class Meta:
        model = Part
        fields = [
            "code",
            "name",
            "specification",
            "compatible_models",
            "unit_cost",
            "sale_price",
            "is_warranty_covered",
            "supplier",
            "is_active",
        ]
        widgets = {"compatible_models": forms.SelectMultiple(attrs={"size": 6})}

    def model_field_names(self) -> list[str]:
        return [name for name in super().model_field_names() if name != "compatible_models"]


class WarehouseForm(ScopedModelForm):
    scoped_querysets = {
        "organisation": scoped_organisations,
        "technician": technicians_visible_to,
        "keeper": keepers_visible_to,
    }

    class Meta:
        model = Warehouse
        fields = ["code", "name", "kind", "organisation", "technician", "keeper", "is_active"]
        widgets = {
            "organisation": AutocompleteWidget("organisations"),
            "technician": AutocompleteWidget("technicians"),
            "keeper": AutocompleteWidget("parts_keepers"),
        }


class StockForm(forms.Form):
    """Base of the stock movement forms: a warehouse and a part, both searched as typed."""

    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("warehouse"), queryset=None, widget=AutocompleteWidget("warehouses")
    )
    part: forms.ModelChoiceField[Part] = forms.ModelChoiceField(
        label=_("part"), queryset=None, widget=AutocompleteWidget("parts")
    )
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=9999)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["warehouse"].queryset = _open_warehouses(user=user)  # type: ignore[attr-defined]
        self.fields["part"].queryset = _active_parts(user=user)  # type: ignore[attr-defined]


class ReceiveForm(StockForm):
    unit_cost = forms.DecimalField(
        label=_("unit cost (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty to use the catalogue's cost."),
    )
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class TransferForm(StockForm):
    destination: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("to warehouse"), queryset=None, widget=AutocompleteWidget("warehouses")
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].label = _("from warehouse")
        self.fields["destination"].queryset = _open_warehouses(user=self.user)  # type: ignore[attr-defined]


class WriteOffForm(StockForm):
    reason = forms.CharField(label=_("reason"), max_length=300)


class ReorderPointForm(forms.Form):
    reorder_point = forms.IntegerField(label=_("reorder point"), min_value=0, max_value=99999)
    version = forms.IntegerField(widget=forms.HiddenInput)


class WorkOrderPartForm(forms.Form):
    """Issue a catalogue part on a work order (from the van unless another warehouse is
    chosen), or hold it for the work order."""

    part: forms.ModelChoiceField[Part] = forms.ModelChoiceField(
        label=_("part"), queryset=None, widget=AutocompleteWidget("parts")
    )
    quantity = forms.IntegerField(label=_("quantity"), initial=1, min_value=1, max_value=9999)
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("from warehouse"),
        queryset=None,
        required=False,
        widget=AutocompleteWidget("warehouses"),
        help_text=_("Leave empty to take it from the technician's van."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["part"].queryset = _active_parts(user=user)  # type: ignore[attr-defined]
        self.fields["warehouse"].queryset = _open_warehouses(user=user)  # type: ignore[attr-defined]


class IssuePartForm(WorkOrderPartForm):
    disposition = forms.ChoiceField(
        label=_("replaced part"),
        choices=PartDisposition.choices,
        initial=PartDisposition.RETURNED_TO_CUSTOMER,
    )


class ReservePartForm(WorkOrderPartForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].required = True
        self.fields["warehouse"].help_text = ""


class ReturnPartForm(WorkOrderPartForm):
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].label = _("to warehouse")
        self.fields["warehouse"].help_text = _(
            "Leave empty to put it back in the technician's van."
        )


class PartsRequestForm(forms.Form):
    """A parts request: from which warehouse, for which work order, and up to five lines."""

    LINES = 5

    source: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("from warehouse"), queryset=None, widget=AutocompleteWidget("warehouses")
    )
    destination: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("to warehouse"),
        queryset=None,
        required=False,
        widget=AutocompleteWidget("warehouses"),
        help_text=_("Leave empty for your van."),
    )
    work_order_number = forms.CharField(label=_("work order number"), max_length=30, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["source"].queryset = _open_warehouses(user=user)  # type: ignore[attr-defined]
        self.fields["destination"].queryset = _open_warehouses(user=user)  # type: ignore[attr-defined]
        for index in range(1, self.LINES + 1):
            self.fields[f"part_{index}"] = forms.ModelChoiceField(
                label=_("part %(n)s") % {"n": index},
                queryset=_active_parts(user=user),
                required=index == 1,
                widget=AutocompleteWidget("parts"),
            )
            self.fields[f"quantity_{index}"] = forms.IntegerField(
                label=_("quantity %(n)s") % {"n": index},
                required=False,
                min_value=1,
                max_value=9999,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines = []
        for index in range(1, self.LINES + 1):
            part = cleaned.get(f"part_{index}")
            quantity = cleaned.get(f"quantity_{index}")
            if part is not None and not quantity:
                self.add_error(f"quantity_{index}", _("How many?"))
            if part is not None and quantity:
                lines.append((part, quantity))
        cleaned["lines"] = lines
        return cleaned

    def line_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"part_{i}"], self[f"quantity_{i}"]) for i in range(1, self.LINES + 1)]


class RequestActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    back_order = forms.BooleanField(label=_("Back-order what is missing"), required=False)
    is_correct = forms.TypedChoiceField(
        label=_("shipment"),
        choices=[("1", _("as requested")), ("0", _("wrong part or quantity"))],
        coerce=lambda value: value == "1",
        required=False,
    )


class OldPartActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        label=_("warehouse"),
        queryset=None,
        required=False,
        widget=AutocompleteWidget("warehouses"),
    )
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = _open_warehouses(user=user)  # type: ignore[attr-defined]


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
