"""Errors of the feedback app."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from shouhou.core.errors import ShouhouError


class FeedbackErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    NOT_ALLOWED = "not_allowed"
    ALREADY_ANSWERED = "already_answered"
    EXPIRED = "expired"
    NOT_FLAGGED = "not_flagged"


class FeedbackError(ShouhouError):
    def __init__(
        self,
        message: str | Promise,
        *,
        code: FeedbackErrorCode = FeedbackErrorCode.INVALID,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
