"""API building blocks: scoped viewsets whose writes go through services, cursor pagination
that never counts, scoped related fields and one error format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from shouhou.core.models import Organisation
from shouhou.core.selectors import organisations_visible_to


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key given by id, accepted only if the requesting user can see that row."""

    def __init__(self, *, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(user=self.context["request"].user)


def scoped_organisation_field(**kwargs: Any) -> ScopedRelatedField:
    return ScopedRelatedField(selector=organisations_visible_to, **kwargs)


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer: a readable `detail`, a machine-readable `code`
    (`invalid`, `invalid_transition`, `not_allowed`, `conflict`, `not_found`, …) and, for invalid
    input, each field's messages under the field's name."""

    detail = serializers.CharField()
    code = serializers.CharField()


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and read through a scoped selector. Add ServiceCreateMixin / ServiceUpdateMixin
    (before this class) to write through services."""

    selector: Callable[..., QuerySet[Any]]
    serializer_class: type[serializers.Serializer]
    input_serializer_class: type[serializers.Serializer] | None = None
    # Any id segment reaches get_object, so that "/1.5/" answers a JSON 404 like "/999/" does.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action in ("create", "update", "partial_update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.serializer_class

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except (ValueError, TypeError) as bad_id:
            raise Http404 from bad_id

    def output(self, instance: Model, *, status_code: int = 200) -> Response:
        serializer = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def validated(
        self, serializer_class: type[serializers.Serializer], data: Any
    ) -> dict[str, Any]:
        """An action's body checked by `serializer_class`, with the request in the context
        (scoped ids need it); 400 when it is invalid."""
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def json_object(data: Any) -> Mapping[str, Any]:
    """The request body, which must be a JSON object: anything else answers 400 with DRF's own
    message, as a serializer would."""
    if not isinstance(data, Mapping):
        raise serializers.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    serializers.Serializer.default_error_messages["invalid"].format(
                        datatype=type(data).__name__
                    )
                ]
            }
        )
    return data


class ServiceCreateMixin:
    """POST creates through `create_object`, a service call."""

    def create_object(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return self.output(self.create_object(data), status_code=201)  # type: ignore[attr-defined]


class ServiceUpdateMixin:
    """PUT/PATCH update through `update_object`; the body carries the `version` the client read,
    and a stale one answers 409."""

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(instance, data=request.data, partial=partial)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        return self.output(self.update_object(instance, data, version))  # type: ignore[attr-defined]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


# The largest value of the version column on every database (a 32-bit integer).
MAX_VERSION = 2_147_483_647


class VersionField(serializers.IntegerField):
    """The version the client read; required on updates for optimistic locking."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The record's version as last read.")
        super().__init__(min_value=1, max_value=MAX_VERSION, **kwargs)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "parent",
            "phone",
            "address",
            "is_active",
            "version",
        ]


class OrganisationViewSet(ServiceViewSet):
    selector = staticmethod(organisations_visible_to)
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "parent", "is_active"]
