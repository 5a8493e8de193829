"""The API's one error shape: every 4xx body has `detail` and `code`; service errors that mean
"you may not" answer 403, conflicts 409."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions

from shouhou.core.errors import ConflictError, ErrorCode, ShouhouError
from shouhou.core.rest import exception_handler
from shouhou.tickets.errors import TicketError, TicketErrorCode


def answer(exc: Exception) -> tuple[int, dict]:
    response = exception_handler(exc, {})
    assert response is not None
    return response.status_code, response.data


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ShouhouError("no", code=ErrorCode.FORBIDDEN), 403, "forbidden"),
        (TicketError("no", code=TicketErrorCode.NOT_ALLOWED), 403, "not_allowed"),
        (TicketError("bad", code=TicketErrorCode.INVALID_TRANSITION), 400, "invalid_transition"),
        (ConflictError("stale"), 409, "conflict"),
        (Http404(), 404, "not_found"),
        (DjangoPermissionDenied(), 403, "permission_denied"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.ParseError(), 400, "parse_error"),
        (exceptions.ValidationError("one message"), 400, "invalid"),
    ],
)
def test_every_error_has_detail_and_code(exc, status, code) -> None:
    assert answer(exc)[0] == status
    body = answer(exc)[1]
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]


def test_field_errors_keep_their_names_and_are_summed_up() -> None:
    status, body = answer(
        exceptions.ValidationError({"name": ["Too long."], "non_field_errors": ["Pick one."]})
    )
    assert status == 400
    assert body["name"] == ["Too long."]
    assert body["detail"] == "name: Too long.; Pick one."
    assert body["code"] == "invalid"


def test_a_field_named_like_the_error_keys_is_reported_in_the_detail() -> None:
    _status, body = answer(exceptions.ValidationError({"code": ["Already taken."]}))
    assert body == {"detail": "code: Already taken.", "code": "invalid"}


def test_model_validation_errors_are_field_errors() -> None:
    status, body = answer(DjangoValidationError({"address": ["This field cannot be blank."]}))
    assert status == 400
    assert body["address"] == ["This field cannot be blank."]
    assert body["code"] == "invalid"


def test_a_service_error_names_its_field() -> None:
    _status, body = answer(ShouhouError("Say why.", field="reason"))
    assert body == {"detail": "Say why.", "code": "invalid", "reason": ["Say why."]}
