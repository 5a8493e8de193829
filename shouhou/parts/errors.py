"""Errors of the parts app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class PartsErrorCode(StrEnum):
    INVALID = "invalid"
    INSUFFICIENT_STOCK = "insufficient_stock"
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"


class PartsError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: PartsErrorCode = PartsErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
