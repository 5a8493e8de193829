"""Errors raised by services; views turn them into form errors or 400/409 responses."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    INVALID = "invalid"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    # The rule exists but this user may not invoke it (the API answers 403).
    NOT_ALLOWED = "not_allowed"


# Codes of errors that mean "you may not", not "this is wrong": the API answers 403 to them.
FORBIDDEN_CODES = frozenset({ErrorCode.FORBIDDEN, ErrorCode.NOT_ALLOWED})


class ShouhouError(Exception):
    """A business rule refused the operation; `message` is shown to the user as is."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = ErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class ConflictError(ShouhouError):
    """Someone else saved the record since it was read (optimistic locking)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message, code=ErrorCode.CONFLICT)
