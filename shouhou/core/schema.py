"""OpenAPI generation (settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): every operation
documents the error answers it can give, in the one error shape of `core.rest`, so that a schema
fuzzer finds no undocumented status code."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_patched_serializer
from drf_spectacular.utils import OpenApiResponse

from shouhou.core.api import ErrorSerializer, VersionField

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `detail` says what is wrong, `code` is `invalid` (or the business "
    "rule's code, such as `invalid_transition`), and each invalid field lists its messages "
    "under its name.",
    401: "Not authenticated: send `Authorization: Token <key>`.",
    403: "Your role may not do this (`code` is `permission_denied` or `not_allowed`).",
    404: "No such record, or not visible to you (also: an invalid pagination cursor).",
    409: "Someone else changed the record after you read it (`code` is `conflict`): read it "
    "again and send the new `version`.",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error answers, for `@extend_schema(responses={...})`."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


class ShouhouAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the error answers an operation can give unless it
    declares its own 4xx responses, and documenting service-backed writes with the output
    serializer they answer with (not the input serializer). A PATCH body requires the `version`
    the client read, like every other write to an existing record. A body that refuses unknown
    fields says so (`additionalProperties: false`)."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response" or any(str(code).startswith("4") for code in responses):
            return responses
        for code, response in error_responses(*self.error_codes()).items():
            responses[str(code)] = self._get_response_for_code(response, str(code))
        return responses

    def error_codes(self) -> list[int]:
        """400 for bodies and query filters, 401 and 403 always (tokens are checked on every
        endpoint), 404 for paths naming a record and cursor-paginated lists, 409 for writes to an
        existing record (they carry a version)."""
        has_id = "{" in self.path
        is_list = self.method == "GET" and self._is_list_view()
        codes = []
        if self.method in WRITE_METHODS or is_list or self.get_override_parameters():
            codes.append(400)
        codes += [401, 403]
        if has_id or is_list:
            codes.append(404)
        if has_id and self.method in WRITE_METHODS:
            codes.append(409)
        return codes

    def get_response_serializers(self) -> Any:
        view = self.view
        if getattr(view, "input_serializer_class", None) and getattr(view, "action", None) in (
            "create",
            "update",
            "partial_update",
        ):
            return getattr(view, "serializer_class", None)
        return super().get_response_serializers()

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        serializer = force_instance(serializer)
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if is_patched_serializer(serializer, direction) and isinstance(
            serializer.fields.get("version"), VersionField
        ):
            schema["required"] = ["version"]
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema
