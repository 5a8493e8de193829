"""Template helpers of the work-order pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from shouhou.core.listing import Column
from shouhou.core.templatetags.core_tags import cell, display
from shouhou.tickets.columns import DueColumn, LinkedColumn

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """The URL named `name`, or "" while no page has that name (pages built separately)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def list_cell(row: Any, column: Column) -> str:
    """core's `cell`, plus links to another object's page (LinkedColumn) and due badges."""
    if isinstance(column, DueColumn):
        badge = column.badge(row)
        if badge is None:
            return format_html("{}", "—")
        return format_html('<span class="badge {}">{}</span>', badge.css, badge.text)
    if isinstance(column, LinkedColumn):
        text = display(column.value(row)) or "—"
        href = column.href(row)
        return format_html('<a href="{}">{}</a>', href, text) if href else format_html("{}", text)
    return cell(row, column)
