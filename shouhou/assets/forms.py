from __future__ import annotations

from typing import Any

from django import forms

from shouhou.assets.models import Equipment
from shouhou.assets.selectors import product_models
from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.customers.selectors import customers_visible_to, sites_visible_to


def _product_models(*, user: Any) -> Any:
    return product_models()


class EquipmentForm(ScopedModelForm):
    scoped_querysets = {
        "customer": customers_visible_to,
        "site": sites_visible_to,
        "serving_provider": scoped_organisations,
        "product_model": _product_models,
    }

    class Meta:
        model = Equipment
        fields = [
            "serial",
            "product_model",
            "customer",
            "site",
            "serving_provider",
            "purchased_on",
            "installed_on",
            "has_purchase_proof",
            "warranty_months",
            "status",
            "notes",
        ]
        widgets = {
            "product_model": AutocompleteWidget("product_models"),
            "customer": AutocompleteWidget("customers"),
            "site": AutocompleteWidget("sites", forward=("customer",)),
            "serving_provider": AutocompleteWidget("organisations"),
            "purchased_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "installed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
