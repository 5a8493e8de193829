"""The dispatch REST API: technicians (read, create, correct), the ranking of technicians for a
work order, day plans (request, read with their assignments, accept per technician or whole,
discard) and positions reported by technicians' phones. Thin: every write goes through the
dispatch services; updates name the `version` the client read."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
    scoped_organisation_field,
)
from shouhou.core.auth import acting_user
from shouhou.core.models import Region
from shouhou.core.schema import error_responses
from shouhou.core.selectors import organisations_visible_to, users_visible_to
from shouhou.dispatch import selectors, services
from shouhou.dispatch.models import (
    Plan,
    PlanAssignment,
    PlanStatus,
    TechnicianPosition,
    TechnicianProfile,
    TechnicianSkill,
)
from shouhou.dispatch.planning import DayPlanner, day_queues, suggest
from shouhou.tickets.selectors import work_orders_visible_to


@extend_schema_field(OpenApiTypes.INT)
class IdField(ScopedRelatedField):
    """A record given by id, accepted only if the caller can see it."""


@extend_schema_field(
    {
        "type": "string",
        "enum": PlanStatus.values,
        "description": "queued → solving → proposed → accepted or discarded (or failed)",
    },
    component_name="PlanStatusEnum",
)
class PlanStatusField(serializers.CharField):
    """The plan's status, documented inline (its name "status" is shared by other enums)."""


# --- technicians --------------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechnicianSkill
        fields = ["id", "product_type", "brand"]


class TechnicianSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.name", read_only=True)
    skills = SkillSerializer(many=True, read_only=True)

    class Meta:
        model = TechnicianProfile
        fields = [
            "id",
            "user",
            "name",
            "home_centre",
            "certification_level",
            "regions",
            "skills",
            "home_latitude",
            "home_longitude",
            "last_latitude",
            "last_longitude",
            "last_position_at",
            "daily_capacity",
            "is_active",
            "version",
        ]


class TechnicianInputSerializer(serializers.ModelSerializer):
    user = ScopedRelatedField(selector=selectors.technician_users_visible_to)
    home_centre = scoped_organisation_field()
    regions = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), many=True, required=False
    )
    version = VersionField(required=False)

    class Meta:
        model = TechnicianProfile
        fields = [
            "user",
            "home_centre",
            "certification_level",
            "regions",
            "home_latitude",
            "home_longitude",
            "daily_capacity",
            "is_active",
            "version",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": ["This field is required when updating."]}
                )
            if "user" in attrs and attrs["user"] != self.instance.user:
                raise serializers.ValidationError(
                    {"user": ["A profile cannot move to another person."]}
                )
            attrs.pop("user", None)
        return attrs


class SuggestionSerializer(serializers.Serializer):
    technician = serializers.IntegerField(source="technician.user.pk")
    name = serializers.CharField(source="technician.user.name")
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    arrival_at = serializers.DateTimeField(allow_null=True)
    late_minutes = serializers.IntegerField()
    others_late = serializers.IntegerField()
    travel_minutes = serializers.IntegerField()
    load = serializers.IntegerField()


class SuggestionQuery(serializers.Serializer):
    work_order = serializers.IntegerField(min_value=1)
    day = serializers.DateField(required=False)


class TechnicianFilterSet(django_filters.FilterSet):
    class Meta:
        model = TechnicianProfile
        fields = ["home_centre", "certification_level", "is_active"]


@extend_schema_view(
    list=extend_schema(description="Technicians' dispatch profiles you may see."),
    create=extend_schema(
        request=TechnicianInputSerializer,
        responses={201: TechnicianSerializer, **error_responses(400, 401, 403)},
        description="Make a technician dispatchable.",
    ),
    partial_update=extend_schema(
        request=TechnicianInputSerializer,
        responses={200: TechnicianSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="Correct a technician's dispatch details; send the `version` you read.",
    ),
)
class TechnicianViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    selector = staticmethod(selectors.technicians_visible_to)
    serializer_class = TechnicianSerializer
    input_serializer_class = TechnicianInputSerializer
    filterset_class = TechnicianFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[TechnicianProfile]:
        return super().get_queryset().prefetch_related("skills", "regions")

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.create_technician_profile(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        return services.update_technician_profile(
            profile=instance, by=acting_user(self.request), expected_version=version, **data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("work_order", int, required=True, description="The work order."),
            OpenApiParameter("day", datetime.date, description="The day (default: today)."),
        ],
        responses={200: SuggestionSerializer(many=True), **error_responses(400, 401, 403, 404)},
        description="The technicians of the work order's service centre ranked for it (who "
        "may take it, who gets there on time, who drives least, who has the lightest day), "
        "with the reasons.",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def suggestions(self, request: Request) -> Response:
        query = SuggestionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = acting_user(request)
        work_order = (
            work_orders_visible_to(user=user).filter(pk=query.validated_data["work_order"]).first()
        )
        if work_order is None:
            raise Http404
        day = query.validated_data.get("day") or timezone.localdate()
        planner = DayPlanner(organisation=work_order.handling_organisation, day=day)
        technicians = [planner.technician_day(p) for p in planner.profiles()]
        ranked = suggest(planner, work_order, technicians=technicians, queues=day_queues(planner))
        return Response(SuggestionSerializer(ranked, many=True).data)


# --- plans --------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAssignment
        fields = [
            "id",
            "work_order",
            "technician",
            "previous_technician",
            "sequence",
            "arrival_at",
            "start_at",
            "end_at",
            "due_at",
            "late_minutes",
            "service_minutes",
            "travel_minutes",
            "travel_distance_m",
            "is_fixed",
            "reason",
            "status",
            "note",
        ]


class PlanSerializer(serializers.ModelSerializer):
    status = PlanStatusField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "organisation",
            "region",
            "day",
            "status",
            "is_replan",
            "planned_from",
            "time_limit_seconds",
            "progress",
            "job_count",
            "technician_count",
            "late_count",
            "unassigned_count",
            "total_distance_m",
            "solve_seconds",
            "travel_provider",
            "message",
            "created_by",
            "created_at",
            "version",
        ]


class PlanDetailSerializer(PlanSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "assignments"]


class PlanRequestSerializer(serializers.Serializer):
    organisation = IdField(selector=organisations_visible_to)
    day = serializers.DateField()
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )


class PlanDecisionSerializer(serializers.Serializer):
    version = VersionField()
    technician = IdField(
        selector=users_visible_to, required=False, allow_null=True, help_text="Only this route."
    )


class PlanDiscardSerializer(serializers.Serializer):
    version = VersionField()


class PlanFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = Plan
        fields = ["organisation", "day", "status"]


@extend_schema_view(
    list=extend_schema(description="Day plans you may see, newest first."),
    retrieve=extend_schema(
        responses={200: PlanDetailSerializer, **error_responses(401, 403, 404)},
        description="A plan with its proposed assignments (technician none: not planned, "
        "with the reason).",
    ),
    create=extend_schema(
        request=PlanRequestSerializer,
        responses={201: PlanSerializer, **error_responses(400, 401, 403)},
        description="Ask for a day plan of a service centre; a worker solves it within the "
        "configured time limit (poll `status` and `progress`). Today's plan starts from now "
        "and keeps started jobs.",
    ),
)
class PlanViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(selectors.plans_visible_to)
    serializer_class = PlanSerializer
    input_serializer_class = PlanRequestSerializer
    filterset_class = PlanFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Plan]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("assignments")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "retrieve":
            return PlanDetailSerializer
        return super().get_serializer_class()

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.request_plan(
            by=acting_user(self.request),
            organisation=data["organisation"],
            day=data["day"],
            region=data.get("region"),
        )

    def _detail(self, plan: Plan) -> Response:
        fresh = self.get_queryset().prefetch_related("assignments").get(pk=plan.pk)
        return Response(PlanDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=PlanDecisionSerializer,
        responses={200: PlanDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="Accept the proposed plan, or one technician's route of it: each "
        "assignment is dispatched through the work-order service; one whose order changed "
        "since is not applied (status `skipped`, with a note).",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        body = PlanDecisionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        services.accept_plan(
            plan=plan,
            by=acting_user(request),
            expected_version=body.validated_data["version"],
            technician=body.validated_data.get("technician"),
        )
        return self._detail(plan)

    @extend_schema(
        request=PlanDiscardSerializer,
        responses={200: PlanDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="Discard the plan; what was already accepted stays dispatched.",
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        body = PlanDiscardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.discard_plan(
            plan=plan, by=acting_user(request), expected_version=body.validated_data["version"]
        )
        return self._detail(plan)


# --- positions ----------------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechnicianPosition
        fields = [
            "id",
            "technician",
            "at",
            "latitude",
            "longitude",
            "accuracy_m",
            "event",
            "work_order",
        ]


class PositionInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(
        max_digits=12, decimal_places=8, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=13, decimal_places=8, min_value=-180, max_value=180
    )
    accuracy_m = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    work_order = IdField(selector=work_orders_visible_to, required=False, allow_null=True)


class PositionFilterSet(django_filters.FilterSet):
    class Meta:
        model = TechnicianPosition
        fields = ["technician", "work_order", "event"]


@extend_schema_view(
    list=extend_schema(description="Positions reported by technicians you may see."),
    create=extend_schema(
        request=PositionInputSerializer,
        responses={201: PositionSerializer, **error_responses(400, 401, 403)},
        description="Report the caller's own position (a technician's phone).",
    ),
)
class PositionViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(selectors.positions_visible_to)
    serializer_class = PositionSerializer
    input_serializer_class = PositionInputSerializer
    filterset_class = PositionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.record_position(
            by=acting_user(self.request),
            position=services.Position(
                latitude=Decimal(data["latitude"]),
                longitude=Decimal(data["longitude"]),
                accuracy_m=data.get("accuracy_m"),
            ),
            work_order=data.get("work_order"),
        )
