"""List columns of the work-order pages beyond core.listing.Column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shouhou.core.listing import Column
from shouhou.sla.selectors import DueBadge, due_badge


@dataclass(frozen=True)
class LinkedColumn(Column):
    """A column whose cell links to the page of the object at `target` (a dotted path on the
    row), e.g. a goods movement's work order."""

    target: str = ""

    def href(self, row: Any) -> str:
        linked = Column(self.label, self.target).value(row)
        url = getattr(linked, "get_absolute_url", None)
        return str(url()) if callable(url) else ""


@dataclass(frozen=True)
class DueColumn(Column):
    """The due time of the order's most urgent running promise, as a green/amber/red badge."""

    def badge(self, row: Any) -> DueBadge | None:
        return due_badge(self.value(row) or None)
