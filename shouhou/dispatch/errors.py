"""Errors of the dispatch app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class DispatchErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"
    TRAVEL = "travel_unavailable"


class DispatchError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: DispatchErrorCode = DispatchErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
