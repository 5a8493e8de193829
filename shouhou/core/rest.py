"""API settings referenced by name from settings.REST_FRAMEWORK (kept apart from api.py, which
imports DRF's views: importing those while DRF reads its settings would be circular)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.fields import IntegerField
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shouhou.core.errors import FORBIDDEN_CODES, ConflictError, ShouhouError


class IdCursorPagination(CursorPagination):
    """Newest first by id: stable under inserts and as fast on page 1,000 as on page 1. A
    `page_size` that is not a positive integer is an error (400), one above the maximum gives
    the maximum."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size or self.max_page_size
        try:
            size = IntegerField(min_value=1).run_validation(raw)
        except ValidationError as invalid:
            raise ValidationError({self.page_size_query_param: invalid.detail}) from invalid
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus service errors (400; 403 when the user may not; 409 on conflicts) and
    model validation (400). Every error body has `detail` and `code`; field errors appear under
    their field names as lists of messages as well."""
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ShouhouError):
        body: dict[str, Any] = {"detail": str(exc.message), "code": str(exc.code)}
        if exc.field and exc.field not in RESERVED_KEYS:
            body[exc.field] = [str(exc.message)]
        forbidden = exc.code in FORBIDDEN_CODES
        return Response(
            body, status=status.HTTP_403_FORBIDDEN if forbidden else status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            return Response(_field_error_body(fields), status=400)
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=400)
    # As DRF's handler does, so that the body below gets the code of the DRF exception.
    if isinstance(exc, Http404):
        exc = NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, APIException):
        response.data = _api_error_body(exc, response.data)
    return response


# Keys of the error body itself: a field of that name is reported in `detail` only.
RESERVED_KEYS = frozenset({"detail", "code"})


def _first_message(value: Any) -> str:
    """The first message of a (possibly nested) DRF error structure."""
    if isinstance(value, dict):
        value = next(iter(value.values()), "")
    if isinstance(value, list):
        return _first_message(value[0]) if value else ""
    return str(value)


def _field_error_body(errors: dict[str, Any], code: str = "invalid") -> dict[str, Any]:
    summary = "; ".join(
        _first_message(messages)
        if name in ("non_field_errors", "__all__")
        else f"{name}: {_first_message(messages)}"
        for name, messages in errors.items()
    )
    fields = {name: messages for name, messages in errors.items() if name not in RESERVED_KEYS}
    return {**fields, "detail": summary or "Invalid input.", "code": code}


def _api_error_body(exc: APIException, data: Any) -> dict[str, Any]:
    """DRF's error data in the one error shape: {"detail", "code", <field>: [messages]}."""
    if isinstance(exc, ValidationError):
        if isinstance(data, dict):
            return _field_error_body(data)
        messages = data if isinstance(data, list) else [data]
        codes = exc.get_codes()
        code = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], str) else None
        return {"detail": " ".join(str(m) for m in messages), "code": code or "invalid"}
    if isinstance(data, dict) and "detail" in data:
        codes = exc.get_codes()
        return {**data, "code": codes if isinstance(codes, str) else exc.default_code}
    return {"detail": _first_message(data), "code": exc.default_code}
