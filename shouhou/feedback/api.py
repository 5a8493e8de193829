"""The feedback REST API: survey invitations and answers (read), a flagged answer marked
handled, follow-up calls (read) and a call's outcome recorded. Thin: parse, call one service or
selector, answer with the record as it now is. Writes name the `version` the client read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.core.api import ServiceViewSet, VersionField
from shouhou.core.auth import acting_user
from shouhou.core.schema import error_responses
from shouhou.feedback import selectors, services
from shouhou.feedback.models import (
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpStatus,
    InvitationStatus,
    SurveyAnswer,
    SurveyAnswerItem,
    SurveyInvitation,
)

LONG_TEXT_MAX = 2000

# --- output -------------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    answer: serializers.PrimaryKeyRelatedField[SurveyAnswer] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "questionnaire",
            "organisation",
            "handling_organisation",
            "customer",
            "technician",
            "contact_name",
            "phone",
            "email",
            "sent_by_sms",
            "sent_by_email",
            "status",
            "invited_at",
            "expires_at",
            "reminder_count",
            "last_reminded_at",
            "answered_at",
            "expired_at",
            "answer",
            "version",
        ]
        read_only_fields = fields


class AnswerItemSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", read_only=True)
    question_text = serializers.CharField(source="question.text", read_only=True)

    class Meta:
        model = SurveyAnswerItem
        fields = ["question", "question_text", "value", "label", "text"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    items = AnswerItemSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = [
            "id",
            "invitation",
            "questionnaire",
            "work_order",
            "work_order_number",
            "customer",
            "technician",
            "organisation",
            "handling_organisation",
            "channel",
            "entered_by",
            "submitted_at",
            "is_flagged",
            "flag_reasons",
            "flag_handled_at",
            "flag_handled_by",
            "flag_note",
            "items",
            "version",
        ]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpAttempt
        fields = [
            "id",
            "number",
            "called_at",
            "called_by",
            "result",
            "evaluation",
            "product_usage",
            "new_needs",
            "complaint",
            "is_customer_lost",
            "loss_reason",
            "notes",
        ]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "kind",
            "status",
            "selection",
            "work_order",
            "equipment",
            "parent",
            "customer",
            "organisation",
            "handling_organisation",
            "contact_name",
            "phone",
            "event_at",
            "start_at",
            "due_at",
            "next_attempt_at",
            "attempt_count",
            "assigned_to",
            "completed_at",
            "attempts",
            "version",
        ]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------------


class FlagHandledInput(serializers.Serializer):
    version = VersionField()
    note = serializers.CharField(max_length=LONG_TEXT_MAX)


class CallInput(serializers.Serializer):
    version = VersionField()
    result = serializers.ChoiceField(choices=CallResult.choices)
    evaluation = serializers.ChoiceField(
        choices=Evaluation.choices, required=False, allow_blank=True
    )
    product_usage = serializers.CharField(
        max_length=LONG_TEXT_MAX, required=False, allow_blank=True
    )
    new_needs = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True)
    complaint = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True)
    is_customer_lost = serializers.BooleanField(required=False, default=False)
    loss_reason = serializers.PrimaryKeyRelatedField(
        queryset=selectors.loss_reasons(), required=False, allow_null=True
    )
    notes = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True)

    def outcome(self) -> services.CallOutcome:
        data = self.validated_data
        return services.CallOutcome(
            result=data["result"],
            evaluation=data.get("evaluation", ""),
            product_usage=data.get("product_usage", ""),
            new_needs=data.get("new_needs", ""),
            complaint=data.get("complaint", ""),
            is_customer_lost=data.get("is_customer_lost", False),
            loss_reason=data.get("loss_reason"),
            notes=data.get("notes", ""),
        )


# --- viewsets -------------------------------------------------------------------------------------


class InvitationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)

    class Meta:
        model = SurveyInvitation
        fields = ["status", "technician", "handling_organisation"]


class InvitationViewSet(ServiceViewSet):
    """Survey invitations, one per closed work order, newest first."""

    selector = staticmethod(selectors.invitations_visible_to)
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet


class AnswerFilterSet(django_filters.FilterSet):
    flag_open = django_filters.BooleanFilter(
        method="filter_flag_open", label="Flagged and not handled yet"
    )

    class Meta:
        model = SurveyAnswer
        fields = ["is_flagged", "technician", "channel"]

    def filter_flag_open(
        self, queryset: QuerySet[SurveyAnswer], name: str, value: bool
    ) -> QuerySet[SurveyAnswer]:
        condition = {"is_flagged": True, "flag_handled_at__isnull": True}
        return queryset.filter(**condition) if value else queryset.exclude(**condition)


class AnswerViewSet(ServiceViewSet):
    """Survey answers with their items; `is_flagged` / `flag_open` find those for the
    complaints officer."""

    selector = staticmethod(selectors.answers_visible_to)
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("items__question")

    @extend_schema(
        request=FlagHandledInput,
        responses={200: AnswerSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="handle-flag",
        permission_classes=[IsAuthenticated],
    )
    def handle_flag(self, request: Request, pk: str | None = None) -> Response:
        """Mark a flagged answer handled, saying how (the service checks the permission)."""
        answer = self.get_object()
        body = FlagHandledInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.mark_flag_handled(
            answer=answer,
            by=acting_user(request),
            note=body.validated_data["note"],
            expected_version=body.validated_data["version"],
        )
        return self.output(self.get_queryset().get(pk=answer.pk))


class FollowUpFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FollowUpKind.choices)
    status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices)

    class Meta:
        model = FollowUp
        fields = ["kind", "status", "assigned_to", "handling_organisation"]


class FollowUpViewSet(ServiceViewSet):
    """Follow-up calls (回访) with their attempts."""

    selector = staticmethod(selectors.follow_ups_visible_to)
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("attempts")

    @extend_schema(
        request=CallInput,
        responses={200: FollowUpSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def calls(self, request: Request, pk: str | None = None) -> Response:
        """Record one call and its outcome; the answer is the follow-up as it now is."""
        follow_up = self.get_object()
        body = CallInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_follow_up_attempt(
            follow_up=follow_up,
            by=acting_user(request),
            expected_version=body.validated_data["version"],
            outcome=body.outcome(),
        )
        return self.output(self.get_queryset().get(pk=follow_up.pk))
