"""Form building blocks: querysets scoped to the user, a version field for optimistic locking,
and service errors shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from shouhou.core.errors import ShouhouError
from shouhou.core.models import Organisation
from shouhou.core.selectors import organisations_visible_to


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose foreign-key choices are limited to what the user sees.

    `scoped_querysets` maps a field name to a selector called with user=..."""

    scoped_querysets: dict[str, Callable[..., QuerySet[Any]]] = {}
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, selector in self.scoped_querysets.items():
            if name in self.fields:
                self.fields[name].queryset = selector(user=user)  # type: ignore[attr-defined]
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def model_field_names(self) -> list[str]:
        return list(self._meta.fields or [])

    def changes(self) -> dict[str, Any]:
        """The model fields the user changed, with their cleaned values."""
        names = self.model_field_names()
        return {name: self.cleaned_data[name] for name in self.changed_data if name in names}

    def model_values(self) -> dict[str, Any]:
        """The cleaned values of every model field on the form (for a create)."""
        return {
            name: self.cleaned_data[name]
            for name in self.model_field_names()
            if name in self.cleaned_data
        }


def scoped_organisations(*, user: Any) -> QuerySet[Organisation]:
    return organisations_visible_to(user=user).filter(is_active=True)


def add_service_error(form: forms.BaseForm, error: ShouhouError | ValidationError) -> None:
    """Show an error raised by a service on the form: on its field when the form has it."""
    if isinstance(error, ShouhouError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
