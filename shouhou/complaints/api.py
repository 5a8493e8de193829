"""The complaint REST API: register a complaint, read cases, move a case through its flow (one
`transitions` endpoint for every action of workflow.ACTIONS), decide responsibility, impose
sanctions, record the revisit, change the staff involved. Thin: parse, call one service or
selector, answer with the case as it now is. Every write to a case names the `version` read."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from shouhou.assets.selectors import equipment_visible_to
from shouhou.complaints import selectors, services
from shouhou.complaints.models import (
    ChaseNotice,
    ComplaintCase,
    ComplaintChannel,
    ComplaintStatus,
    Market,
    Penalty,
    PenaltyKind,
    RemedyKind,
    ReplyChannel,
    ResponsibilityShare,
    Revisit,
    RevisitOutcome,
    Severity,
)
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.services import ShareLine
from shouhou.complaints.workflow import ACTIONS
from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
    json_object,
)
from shouhou.core.auth import acting_user
from shouhou.core.locking import ensure_current
from shouhou.core.models import User
from shouhou.core.permissions import RoleModelPermissions
from shouhou.core.schema import error_responses
from shouhou.core.selectors import organisations_visible_to
from shouhou.customers.selectors import customers_visible_to
from shouhou.tickets.selectors import work_orders_visible_to

LONG_TEXT_MAX = 4000
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.00")}
CLOCK_SKEW = datetime.timedelta(minutes=5)
UNKNOWN_FIELD = _("Unknown field.")
# The largest id of a 64-bit key: larger numbers are no ids.
MAX_ID = 2**63 - 1


def enum(key: str, choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field whose schema enum has an identity of its own (`key`), so that it is named
    after its component and never collides with another app's `status`, `channel` or `kind`."""
    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "enum": values, "x-spec-enum-id": f"complaints-{key}"})
    class KeyedChoiceField(serializers.ChoiceField):
        pass

    return KeyedChoiceField(choices=choices, **kwargs)


# --- output -----------------------------------------------------------------------------------


class ComplaintPersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class ShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsibilityShare
        fields = ["department", "person", "share_percent", "amount"]


class PenaltySerializer(serializers.ModelSerializer):
    kind = enum("penalty", PenaltyKind.choices, read_only=True)

    class Meta:
        model = Penalty
        fields = ["id", "person", "department", "kind", "units", "amount", "month", "note"]


class ChaseNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChaseNotice
        fields = ["step", "step_started_at", "due_at", "issued_at", "addressed_to", "reason"]


class RevisitSerializer(serializers.ModelSerializer):
    outcome = enum("revisit", [("", "—"), *RevisitOutcome.choices], read_only=True)

    class Meta:
        model = Revisit
        fields = ["id", "due_at", "done_at", "done_by", "outcome", "note", "version"]


class ComplaintActionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Send it as `action` to the transitions endpoint.")
    label = serializers.CharField()  # type: ignore[assignment]


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint case with the staff involved, the decision, penalties, chase notices, the
    revisit and the actions the requesting user may perform now (the same in lists)."""

    status = enum("status", ComplaintStatus.choices, read_only=True)
    channel = enum("channel", ComplaintChannel.choices, read_only=True)
    severity = enum("severity", Severity.choices, read_only=True)
    market = enum("market", Market.choices, read_only=True)
    remedy_kind = enum("remedy", [("", "—"), *RemedyKind.choices], read_only=True)
    reply_channel = enum("reply", [("", "—"), *ReplyChannel.choices], read_only=True)
    complaint_type: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    handler = ComplaintPersonSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    staff_involved: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    shares = ShareSerializer(many=True, read_only=True)
    penalties = PenaltySerializer(many=True, read_only=True)
    chase_notices = ChaseNoticeSerializer(many=True, read_only=True)
    revisit = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintCase
        fields = [
            "id",
            "number",
            "status",
            "round",
            "previous_round",
            "organisation",
            "handling_organisation",
            "channel",
            "customer",
            "customer_name",
            "equipment",
            "work_order",
            "complaint_type",
            "severity",
            "market",
            "contact_name",
            "contact_phone",
            "description",
            "customer_request",
            "registered_at",
            "registered_by",
            "handler",
            "cause",
            "evidence",
            "responsible_department",
            "remedy_kind",
            "remedy_amount",
            "remedy_description",
            "proposed_at",
            "approved_at",
            "approved_by",
            "reply_channel",
            "reply_summary",
            "informed_at",
            "customer_reply",
            "closed_at",
            "rejected_at",
            "withdrawn_at",
            "due_at",
            "step_due_at",
            "is_overdue",
            "loss_amount",
            "decided_at",
            "staff_involved",
            "shares",
            "penalties",
            "chase_notices",
            "revisit",
            "available_actions",
            "version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, case: ComplaintCase) -> bool:
        return bool(selectors.overdue_reason(case))

    @extend_schema_field(RevisitSerializer(allow_null=True))
    def get_revisit(self, case: ComplaintCase) -> dict[str, Any] | None:
        revisit = getattr(case, "revisit", None)
        return RevisitSerializer(revisit).data if revisit is not None else None

    @extend_schema_field(ComplaintActionSerializer(many=True))
    def get_available_actions(self, case: ComplaintCase) -> list[dict[str, str]]:
        user = acting_user(self.context["request"])
        return [
            {"name": action.name, "label": str(action.label)}
            for action in selectors.available_actions(case=case, user=user)
        ]


def with_details(queryset: QuerySet[ComplaintCase]) -> QuerySet[ComplaintCase]:
    """Everything the detail answer shows, in a fixed number of queries."""
    return queryset.select_related("revisit").prefetch_related(
        "staff_involved",
        "shares",
        Prefetch("penalties", queryset=Penalty.objects.order_by("month", "id")),
        "chase_notices",
    )


# --- input ------------------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """A body whose unknown keys are errors, not silently ignored."""

    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors: dict[str, Any] = {}
        value = None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if not isinstance(invalid.detail, dict):
                raise
            errors.update(invalid.detail)
        errors.update({name: [UNKNOWN_FIELD] for name in unknown})
        if errors:
            raise serializers.ValidationError(errors)
        return value


def users_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    return selectors.staff_visible_to(user=user)


@extend_schema_field({"type": "integer"})
class IdField(ScopedRelatedField):
    """A row given by id, accepted only if the requesting user can see it."""


@extend_schema_field({"type": "integer"})
class UserField(ScopedRelatedField):
    """A member of staff given by id, among those the requesting user sees."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(selector=users_visible_to, **kwargs)


class ComplaintRegisterSerializer(StrictSerializer):
    """Register a complaint (the channel defaults to `api`)."""

    customer = IdField(selector=customers_visible_to)
    complaint_type = serializers.SlugRelatedField(
        slug_field="code", queryset=selectors.complaint_types(), help_text="A complaint type code."
    )
    description = serializers.CharField(max_length=LONG_TEXT_MAX)
    customer_request = serializers.CharField(max_length=500, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="By default the customer's."
    )
    channel = enum("channel-in", ComplaintChannel.choices, default=ComplaintChannel.API)
    severity = enum("severity-in", Severity.choices, default=Severity.GENERAL)
    market = enum("market-in", Market.choices, default=Market.DOMESTIC)
    equipment = IdField(selector=equipment_visible_to, required=False, allow_null=True)
    work_order = IdField(selector=work_orders_visible_to, required=False, allow_null=True)
    staff_involved = serializers.ListField(
        child=UserField(), required=False, max_length=20, help_text="User ids."
    )
    handling_organisation = IdField(
        selector=organisations_visible_to, required=False, allow_null=True
    )
    registered_at = serializers.DateTimeField(
        required=False, help_text="By default now; not in the future."
    )

    def validate_registered_at(self, value: datetime.datetime) -> datetime.datetime:
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError(_("A complaint cannot be registered in the future."))
        if value.year < 2000:
            raise serializers.ValidationError(_("Give a date after the year 2000."))
        return value


class StaffUpdateSerializer(StrictSerializer):
    """Change the staff involved; send the `version` you read."""

    staff_involved = serializers.ListField(child=UserField(), max_length=20)
    version = VersionField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("This field is required when updating.")]}
            )
        return attrs


class TransitionParameters(StrictSerializer):
    version = VersionField()


class NoParameters(TransitionParameters):
    pass


class AssignParameters(TransitionParameters):
    handler = UserField(help_text="The handler's user id (the service director or a delegate).")


class ClassifyParameters(TransitionParameters):
    complaint_type = serializers.SlugRelatedField(
        slug_field="code", queryset=selectors.complaint_types()
    )
    severity = enum("severity-reclassify", Severity.choices)
    market = enum("market-reclassify", Market.choices)


class FindingsParameters(TransitionParameters):
    cause = serializers.CharField(max_length=LONG_TEXT_MAX)
    evidence = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True)
    responsible_department = IdField(
        selector=selectors.departments_visible_to, required=False, allow_null=True
    )


class RemedyParameters(TransitionParameters):
    remedy_kind = enum("remedy-in", RemedyKind.choices)
    remedy_amount = serializers.DecimalField(**MONEY)
    remedy_description = serializers.CharField(
        max_length=LONG_TEXT_MAX, required=False, allow_blank=True
    )


class RequiredNoteParameters(TransitionParameters):
    note = serializers.CharField(max_length=500)


class NoteParameters(TransitionParameters):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class InformParameters(TransitionParameters):
    reply_channel = enum("reply-in", ReplyChannel.choices)
    summary = serializers.CharField(max_length=LONG_TEXT_MAX)


class ReplyParameters(TransitionParameters):
    reply = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RequiredReplyParameters(TransitionParameters):
    reply = serializers.CharField(max_length=500)


class ReasonParameters(TransitionParameters):
    reason = serializers.CharField(max_length=300)


@dataclass(frozen=True)
class Transition:
    parameters: type[TransitionParameters]
    service: Callable[..., ComplaintCase]


TRANSITIONS: dict[str, Transition] = {
    "assign_handler": Transition(AssignParameters, services.assign_handler),
    "reclassify": Transition(ClassifyParameters, services.classify_complaint),
    "start_investigation": Transition(NoParameters, services.start_investigation),
    "record_findings": Transition(FindingsParameters, services.record_findings),
    "propose_remedy": Transition(RemedyParameters, services.propose_remedy),
    "return_for_investigation": Transition(
        RequiredNoteParameters, services.return_for_investigation
    ),
    "approve_remedy": Transition(NoteParameters, services.approve_remedy),
    "inform_customer": Transition(InformParameters, services.inform_customer),
    "customer_accepts": Transition(ReplyParameters, services.record_customer_acceptance),
    "customer_rejects": Transition(RequiredReplyParameters, services.record_customer_rejection),
    "withdraw_complaint": Transition(ReasonParameters, services.withdraw_complaint),
}
assert set(TRANSITIONS) == set(ACTIONS)  # noqa: S101 - every action of the flow has its body


def _body(name: str, parameters: type[TransitionParameters]) -> type[StrictSerializer]:
    class_name = "Complaint" + "".join(part.capitalize() for part in name.split("_"))
    return type(
        class_name,
        (parameters,),
        {
            "__module__": __name__,
            "__doc__": f"Perform “{name}”.",
            "action": serializers.ChoiceField(choices=[name]),
        },
    )


TRANSITION_BODIES: dict[str, type[serializers.Serializer]] = {
    name: _body(name, transition.parameters) for name, transition in TRANSITIONS.items()
}
TRANSITION_SCHEMAS: dict[str, serializers.Serializer | type[serializers.Serializer]] = dict(
    TRANSITION_BODIES
)


class TransitionChoiceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))


class ShareLineSerializer(StrictSerializer):
    department = IdField(selector=selectors.departments_visible_to, required=False, allow_null=True)
    person = UserField(required=False, allow_null=True)
    share_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("department") is None) == (attrs.get("person") is None):
            raise serializers.ValidationError(_("Name a department or a person, not both."))
        return attrs


class DecisionSerializer(StrictSerializer):
    version = VersionField()
    loss_amount = serializers.DecimalField(**MONEY)
    shares = serializers.ListField(child=ShareLineSerializer(), allow_empty=False, max_length=20)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SanctionSerializer(StrictSerializer):
    version = VersionField()
    person = UserField()
    kind = enum(
        "sanction",
        [
            (kind.value, kind.label)
            for kind in (
                PenaltyKind.WARNING,
                PenaltyKind.MINOR_DEMERIT,
                PenaltyKind.MAJOR_DEMERIT,
            )
        ],
    )
    units = serializers.IntegerField(min_value=1, max_value=10, default=1)
    amount = serializers.DecimalField(
        required=False,
        allow_null=True,
        help_text="By default the policy's amount.",
        **MONEY,
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RevisitInputSerializer(StrictSerializer):
    version = VersionField()  # the revisit's version, not the case's
    outcome = enum("revisit-in", RevisitOutcome.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


# --- filters and permissions ------------------------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A related row by id; an id the user cannot see simply matches nothing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class ComplaintApiFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ComplaintStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    complaint_type = django_filters.CharFilter(field_name="complaint_type__code", max_length=30)
    customer = IdFilter()
    handler = IdFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ComplaintCase
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[ComplaintCase], name: str, value: bool | None
    ) -> QuerySet[ComplaintCase]:
        if value is None:
            return queryset
        late = selectors.overdue_cases(queryset).values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class ComplaintPermissions(RoleModelPermissions):
    """The role permissions each endpoint needs (any one of the listed sets); which action a
    user may perform on which case is the workflow's decision (403, code `not_allowed`)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        alternatives = view.required_permissions.get(getattr(view, "action", None))
        if alternatives is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated) and any(
            user.has_perms(needed) for needed in alternatives
        )


def _detail_write(
    request: Any, *, status_code: int = 200, description: str
) -> Callable[[Any], Any]:
    return extend_schema(
        request=request,
        responses={
            status_code: ComplaintSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
        description=description,
    )


@extend_schema_view(
    list=extend_schema(description="Complaint cases you may see, newest first."),
    retrieve=extend_schema(
        description="One case with its decision, penalties, chase notices, revisit and the "
        "actions you may perform now."
    ),
    create=extend_schema(
        request=ComplaintRegisterSerializer,
        responses={201: ComplaintSerializer, **error_responses(400, 401, 403)},
        description="Register a complaint: numbered year-month + serial, closure due in 13 days "
        "(domestic) or 17 (abroad).",
    ),
    partial_update=extend_schema(
        request=StaffUpdateSerializer,
        responses={200: ComplaintSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="Change the staff involved; send the `version` you read.",
    ),
)
class ComplaintViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    """Complaint cases the caller may see; every write goes through complaints.services."""

    selector = staticmethod(selectors.complaints_visible_to)
    serializer_class = ComplaintSerializer
    input_serializer_class = ComplaintRegisterSerializer
    filterset_class = ComplaintApiFilter
    parser_classes = [JSONParser]
    permission_classes = [IsAuthenticated, ComplaintPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((P.VIEW,),),
        "retrieve": ((P.VIEW,),),
        "create": ((P.VIEW, P.REGISTER),),
        "partial_update": ((P.VIEW, P.HANDLE),),
        "transitions": ((P.VIEW,),),
        "decision": ((P.VIEW, P.DECIDE),),
        "sanctions": ((P.VIEW, P.DECIDE),),
        "revisit": ((P.VIEW, P.REVISIT),),
    }

    def get_queryset(self) -> QuerySet[ComplaintCase]:
        return with_details(super().get_queryset())

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "partial_update":
            return StaffUpdateSerializer
        return super().get_serializer_class()

    def output(self, instance: Model, *, status_code: int = 200) -> Response:
        case = with_details(selectors.complaints_visible_to(user=self.request.user)).get(
            pk=instance.pk
        )
        context = self.get_serializer_context()
        return Response(ComplaintSerializer(case, context=context).data, status_code)

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.register_complaint(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        if "staff_involved" not in data:  # nothing to change: the case as it is, if current
            ensure_current(instance, version)
            return instance
        return services.update_staff_involved(
            case=instance,
            by=acting_user(self.request),
            expected_version=version,
            staff_involved=data["staff_involved"],
        )

    @_detail_write(
        PolymorphicProxySerializer(
            component_name="ComplaintTransition",
            serializers=TRANSITION_SCHEMAS,
            resource_type_field_name="action",
        ),
        description="Perform a step of the flow: `action` names it (see `available_actions`), "
        "`version` is the one you read. A step the case's state does not allow answers 400 with "
        "code `invalid_transition`; one you may not perform (or beyond your approval limit), "
        "403. A rejection answers with the new round.",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        body = json_object(request.data)
        name = self.validated(TransitionChoiceSerializer, {"action": body.get("action")})["action"]
        parameters = self.validated(TRANSITION_BODIES[name], body)
        del parameters["action"]
        version = parameters.pop("version")
        ensure_current(case, version)
        result = TRANSITIONS[name].service(
            case=case, by=acting_user(request), expected_version=version, **parameters
        )
        return self.output(result)

    @_detail_write(
        DecisionSerializer,
        description="Decide responsibility: the loss and its shares (departments or persons, "
        "adding up to 100 %); the bonus deductions follow.",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = self.validated(DecisionSerializer, request.data)
        services.record_decision(
            case=case,
            by=acting_user(request),
            expected_version=data["version"],
            loss_amount=data["loss_amount"],
            lines=[
                ShareLine(
                    share_percent=line["share_percent"],
                    department=line.get("department"),
                    person=line.get("person"),
                )
                for line in data["shares"]
            ],
            note=data.get("note", ""),
        )
        return self.output(case)

    @_detail_write(
        SanctionSerializer,
        status_code=201,
        description="Impose a warning or a demerit on a person the decision names.",
    )
    @action(detail=True, methods=["post"])
    def sanctions(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = self.validated(SanctionSerializer, request.data)
        services.impose_sanction(
            case=case,
            by=acting_user(request),
            expected_version=data.pop("version"),
            **data,
        )
        return self.output(case, status_code=201)

    @_detail_write(
        RevisitInputSerializer,
        description="Record the revisit after closure; `version` is the revisit's.",
    )
    @action(detail=True, methods=["post"])
    def revisit(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = self.validated(RevisitInputSerializer, request.data)
        revisit = selectors.revisit_of(case=case)
        if revisit is None:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("This complaint has no revisit.")]}
            )
        services.record_revisit(
            revisit=revisit,
            by=acting_user(request),
            expected_version=data["version"],
            outcome=data["outcome"],
            note=data.get("note", ""),
        )
        return self.output(case)
