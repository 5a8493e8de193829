"""Template helpers of the feedback pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from shouhou.core.listing import Column
from shouhou.core.templatetags.core_tags import cell, display
from shouhou.feedback.columns import DueColumn, FlagColumn, LinkedColumn

register = template.Library()


@register.simple_tag
def feedback_cell(row: Any, column: Column) -> str:
    """core's `cell`, plus due badges, flag badges and links to another object's page."""
    if isinstance(column, DueColumn):
        badge = column.badge(row)
        if badge is None:
            return format_html("{}", "—")
        return format_html('<span class="badge {}">{}</span>', badge.css, badge.text)
    if isinstance(column, FlagColumn):
        answer = column.value(row)
        if not answer or not getattr(answer, "is_flagged", False):
            return format_html("{}", "")
        if answer.flag_handled_at is None:
            return format_html('<span class="badge bad">{}</span>', _("to handle"))
        return format_html('<span class="badge">{}</span>', _("handled"))
    if isinstance(column, LinkedColumn):
        text = display(column.value(row)) or "—"
        href = column.href(row)
        return format_html('<a href="{}">{}</a>', href, text) if href else format_html("{}", text)
    return cell(row, column)


@register.filter
def percent(value: Any) -> str:
    """A Decimal percentage as "83.3%", or "—" when there is none."""
    return "—" if value is None else f"{value}%"


@register.filter
def or_dash(value: Any) -> Any:
    return "—" if value is None or value == "" else value


@register.filter
def scores(row: Any, columns: Any) -> list[Any]:
    """A technician row's averages in the order of the report's columns."""
    return list(row.values(columns))


@register.filter
def levels(row: Any, columns: Any) -> list[int]:
    """A satisfaction row's counts in the order of the report's level columns."""
    return list(row.counts(columns))


@register.filter
def loss_counts(row: Any, reasons: Any) -> list[int]:
    """A loss row's counts in the order of the loss reasons."""
    return [row.counts.get(reason.pk, 0) for reason in reasons]
