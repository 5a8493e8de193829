"""Errors of the billing app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class BillingErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"
    QUOTE_REQUIRED = "quote_required"
    ABOVE_LIMIT = "above_limit"


class BillingError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: BillingErrorCode = BillingErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
