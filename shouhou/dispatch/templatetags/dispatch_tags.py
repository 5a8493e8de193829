"""Template filters of the dispatch pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes_text(value: int | float | None) -> str:
    """45 → "45 min", 125 → "2 h 5 min", 44523 → "30 d 22 h"."""
    if value is None:
        return "—"
    minutes = int(round(value))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
