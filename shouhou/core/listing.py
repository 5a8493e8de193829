"""The parts every list page is made of: a scoped selector, a FilterSet, sorting, pagination that
never counts, CSV export, and one shared table template (STYLE.md 2.10)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters import FilterSet

EXPORT_CHUNK_ROWS = 2000


@dataclass(frozen=True)
class Column:
    """One column of a list table: `accessor` is a dotted attribute path on the row."""

    label: str | Promise
    accessor: str
    sort: str | None = None
    link: bool = False

    def value(self, row: Any) -> Any:
        value: Any = row
        for part in self.accessor.split("."):
            if value is None:
                return ""
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, "")
            if callable(value) and not isinstance(value, Model):
                value = value()
        return "" if value is None else value


@dataclass
class Page:
    """One page of rows, found by fetching one row more than shown instead of counting them all."""

    rows: list[Any]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def paginate(queryset: QuerySet[Any], *, page: Any, size: int) -> Page:
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)


@dataclass
class SortOption:
    label: str | Promise
    order_by: tuple[str, ...]


class _Echo:
    def write(self, value: str) -> str:
        return value


class ScopedListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Base list page: subclasses name a selector, a FilterSet, columns and sort options."""

    template_name = "core/list.html"
    title: str | Promise = ""
    selector: Callable[..., QuerySet[Any]]
    filterset_class: type[FilterSet]
    columns: list[Column] = []
    sort_options: dict[str, SortOption] = {}
    default_sort: str = ""
    page_size = 25
    create_url_name: str | None = None
    create_permission: str | None = None
    export_name: str = "export"
    # (label, url name, permission) of buttons shown above the table, e.g. an import page.
    actions: list[tuple[str | Promise, str, str]] = []

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)

    def get(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        queryset = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        )
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        sort_key = request.GET.get("sort") or self.default_sort
        if sort_key not in self.sort_options:
            sort_key = self.default_sort
        if sort_key:
            queryset = queryset.order_by(*self.sort_options[sort_key].order_by)
        if request.GET.get("export") == "csv":
            return self.export(queryset)
        page = paginate(queryset, page=request.GET.get("page"), size=self.page_size)
        context = self.get_context_data(filterset=filterset, page=page, sort_key=sort_key, **kwargs)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        without_sort = query.copy()
        without_sort.pop("sort", None)
        can_create = bool(self.create_url_name) and (
            self.create_permission is None or self.request.user.has_perm(self.create_permission)
        )
        context.update(
            title=self.title,
            columns=self.columns,
            sort_options=self.sort_options,
            querystring=query.urlencode(),
            querystring_without_sort=without_sort.urlencode(),
            create_url_name=self.create_url_name if can_create else None,
            extra_actions=[
                (label, url_name)
                for label, url_name, permission in self.actions
                if self.request.user.has_perm(permission)
            ],
        )
        return context

    def export(self, queryset: QuerySet[Any]) -> StreamingHttpResponse:
        """Stream every matching row as CSV (UTF-8 with BOM so that Excel reads Chinese)."""
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield "\ufeff"
            yield writer.writerow([str(column.label) for column in self.columns])
            for row in queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS):
                yield writer.writerow([str(column.value(row)) for column in self.columns])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.csv"'
        return response


class AnyYesNoWidget(forms.Select):
    """A yes/no filter whose empty choice reads "Any" (django-filter's says "Unknown")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("yes")), ("false", _("no"))])

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return {"true": True, "false": False}.get(value)


def yes_no_filter(label: str | Promise, **kwargs: Any) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, widget=AnyYesNoWidget, **kwargs)
