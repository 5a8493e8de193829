"""Search-as-you-type for foreign keys: no page ever renders an unbounded drop-down.

Each app registers its sources in AppConfig.ready(); a source answers with at most
MAX_RESULTS rows already scoped to the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse

MAX_RESULTS = 20


@dataclass(frozen=True)
class AutocompleteSource:
    """`search(user=..., term=..., params=...)` returns a scoped, ordered queryset."""

    search: Callable[..., QuerySet[Any]]
    permission: str
    label: Callable[[Any], str] = str


_SOURCES: dict[str, AutocompleteSource] = {}


def register(name: str, source: AutocompleteSource) -> None:
    _SOURCES[name] = source


def get_source(name: str) -> AutocompleteSource | None:
    return _SOURCES.get(name)


class AutocompleteWidget(forms.Widget):
    """A text box that searches `source` as the user types and keeps the chosen id in a hidden
    input. `forward` names other fields whose values narrow the search (site → customer)."""

    template_name = "core/widgets/autocomplete.html"

    def __init__(
        self, source: str, *, forward: tuple[str, ...] = (), attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__(attrs)
        self.source = source
        self.forward = forward
        self.choices: Any = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, ""):
            row = self._lookup(value)
            label = _SOURCES[self.source].label(row) if row is not None else ""
        context["widget"].update(
            source_url=reverse("core:autocomplete", args=[self.source]),
            label=label,
            forward=",".join(self.forward),
        )
        return context

    def _lookup(self, value: Any) -> Model | None:
        # The field's queryset is already scoped to the user, so a tampered id shows no label.
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return None
        try:
            return queryset.filter(pk=value).first()
        except (ValueError, TypeError):
            return None
