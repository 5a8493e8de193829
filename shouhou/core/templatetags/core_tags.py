from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from shouhou.core.listing import Column

register = template.Library()


def display(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@register.simple_tag
def cell(row: Any, column: Column) -> str:
    text = display(column.value(row))
    if column.link and hasattr(row, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', row.get_absolute_url(), text or "—")
    return format_html("{}", text)
