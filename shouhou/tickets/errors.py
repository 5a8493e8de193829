"""Errors of the work-order app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class TicketErrorCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"
    READ_ONLY = "read_only"
    INVALID = "invalid"


class TicketError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: TicketErrorCode = TicketErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
