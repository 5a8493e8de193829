"""Errors of the complaints app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class ComplaintErrorCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"


class ComplaintError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: ComplaintErrorCode = ComplaintErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
