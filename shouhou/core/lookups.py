"""`field__prefix=value`: starts-with that uses the column's ordinary index on both databases.

SQLite's LIKE ignores case, so `startswith` cannot use a plain (case-sensitive) index and scans
the table; GLOB is case-sensitive and does use it. PostgreSQL's LIKE uses the pattern-ops index
Django creates for indexed text columns. Store the column normalised (serials upper-case) and
pass the value normalised the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField
from django.db.models.lookups import StartsWith

_GLOB_SPECIAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


@CharField.register_lookup
class Prefix(StartsWith):
    lookup_name = "prefix"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        # The backends know this lookup's SQL under its built-in name.
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        value = "".join(_GLOB_SPECIAL.get(char, char) for char in str(self.rhs))
        return f"{lhs} GLOB %s", [*lhs_params, f"{value}*"]
