"""API settings referenced by name from settings.REST_FRAMEWORK (kept apart from api.py, which
imports DRF's views: importing those while DRF reads its settings would be circular)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shouhou.core.errors import ConflictError, ShouhouError


class IdCursorPagination(CursorPagination):
    """Newest first by id: stable under inserts and as fast on page 1,000 as on page 1."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus service errors (400, 409 on conflicts) and model validation (400)."""
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ShouhouError):
        body: dict[str, Any] = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body[exc.field] = [str(exc.message)]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            return Response({"detail": "invalid", "code": "invalid", **fields}, status=400)
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=400)
    return drf_exception_handler(exc, context)
