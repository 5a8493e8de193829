from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment
from shouhou.assets.selectors import equipment_visible_to
from shouhou.contracts.models import MaintenanceContract
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.customers.selectors import customers_visible_to

_SEPARATORS = re.compile(r"[\s,;，；、]+")


class ContractForm(ScopedModelForm):
    """A contract and its covered units, given as serial numbers (a bank may cover hundreds)."""

    scoped_querysets = {"customer": customers_visible_to, "provider": scoped_organisations}
    equipment_serials = forms.CharField(
        label=_("covered equipment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Serial numbers of the customer's units, separated by spaces, commas or lines."
        ),
    )

    class Meta:
        model = MaintenanceContract
        fields = [
            "number",
            "kind",
            "customer",
            "provider",
            "starts_on",
            "ends_on",
            "service_level",
            "fee_amount",
            "status",
            "notes",
        ]
        widgets = {
            "customer": AutocompleteWidget("customers"),
            "provider": AutocompleteWidget("organisations"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty to number automatically.")
        if self.instance.pk is not None and not self.is_bound:
            self.initial["equipment_serials"] = "\n".join(
                self.instance.equipment.order_by("serial").values_list("serial", flat=True)
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date is before the start date."))
        customer = cleaned.get("customer")
        serials = sorted(
            {s.upper() for s in _SEPARATORS.split(cleaned.get("equipment_serials", "")) if s}
        )
        units: list[Equipment] = []
        if customer is not None and serials:
            units = list(
                equipment_visible_to(user=self.user).filter(customer=customer, serial__in=serials)
            )
            unknown = sorted(set(serials) - {unit.serial for unit in units})
            if unknown:
                self.add_error(
                    "equipment_serials",
                    _("Not equipment of this customer: %(serials)s")
                    % {"serials": ", ".join(unknown)},
                )
        cleaned["equipment"] = units
        return cleaned
