from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.autocomplete import AutocompleteWidget
from shouhou.core.forms import ScopedModelForm, scoped_organisations
from shouhou.core.selectors import regions
from shouhou.customers import selectors
from shouhou.customers.models import Contact, Customer, Site


def _regions(*, user: Any) -> Any:
    return regions()


class CustomerForm(ScopedModelForm):
    scoped_querysets = {"organisation": scoped_organisations, "region": _regions}

    class Meta:
        model = Customer
        fields = [
            "name",
            "code",
            "kind",
            "grade",
            "is_target",
            "source",
            "phone",
            "email",
            "address",
            "region",
            "organisation",
            "notes",
        ]
        widgets = {
            "organisation": AutocompleteWidget("organisations"),
            "region": AutocompleteWidget("regions"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number automatically.")
        if self.instance.pk is None and not self.is_bound and self.user.organisation_id:
            self.initial.setdefault("organisation", self.user.organisation_id)


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]


class SiteForm(ScopedModelForm):
    scoped_querysets = {"customer": selectors.customers_visible_to, "region": _regions}

    class Meta:
        model = Site
        fields = [
            "customer",
            "name",
            "address",
            "region",
            "zone",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "customer": AutocompleteWidget("customers"),
            "region": AutocompleteWidget("regions"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A site stays with its customer: its equipment and history belong there.
            self.fields["customer"].disabled = True
