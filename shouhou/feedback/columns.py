"""List columns of the feedback pages beyond core.listing.Column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shouhou.core.listing import Column
from shouhou.sla.selectors import DueBadge, due_badge


@dataclass(frozen=True)
class DueColumn(Column):
    """A due time as the house's green/amber/red badge (sla.selectors.due_badge); nothing once
    the row is finished (`open_attribute` false)."""

    open_attribute: str = ""

    def badge(self, row: Any) -> DueBadge | None:
        if self.open_attribute and not getattr(row, self.open_attribute, True):
            return None
        return due_badge(self.value(row) or None)


@dataclass(frozen=True)
class LinkedColumn(Column):
    """A cell linking to the page of the object at `target` (a dotted path on the row)."""

    target: str = ""

    def href(self, row: Any) -> str:
        linked = Column(self.label, self.target).value(row) if self.target else row
        url = getattr(linked, "get_absolute_url", None)
        return str(url()) if callable(url) else ""


@dataclass(frozen=True)
class FlagColumn(Column):
    """A survey answer's flag as a badge: to handle (red) or handled (grey). The accessor leads
    from the row to the answer; empty: the row is the answer."""

    def value(self, row: Any) -> Any:
        return super().value(row) if self.accessor else row
