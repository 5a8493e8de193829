"""The work-order REST API: register a call, read and correct it, move it through its lifecycle
(one `transitions` endpoint for every action of workflow.ACTIONS but signing, which has its own),
sign the voucher, add labour, parts and attachments, change the category or the resolution mode,
escalate, and the caller screen-pop. Thin: parse, call one service or selector, answer with the
order as it now is. Every write to an existing order names the `version` the client read."""

from __future__ import annotations

import base64
import binascii
import copy
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import django_filters
from django import forms
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.assets.models import Equipment, ProductModel
from shouhou.assets.selectors import equipment_visible_to, product_models
from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
    json_object,
    scoped_organisation_field,
)
from shouhou.core.auth import acting_user
from shouhou.core.locking import ensure_current
from shouhou.core.models import Organisation, User
from shouhou.core.permissions import RoleModelPermissions
from shouhou.core.schema import error_responses
from shouhou.core.selectors import users_visible_to
from shouhou.customers.models import Customer
from shouhou.customers.selectors import customers_visible_to, sites_visible_to
from shouhou.tickets import services
from shouhou.tickets.models import (
    Attachment,
    CarryInReceipt,
    Channel,
    GoodsMovement,
    LabourLine,
    PartDisposition,
    PartLine,
    ResolutionMode,
    ServiceCategory,
    ServiceVoucher,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.permissions import TicketPermission as P
from shouhou.tickets.selectors import (
    CallerMatch,
    available_actions,
    caller_lookup,
    work_orders_visible_to,
)
from shouhou.tickets.workflow import apply_transition

# Free-text fields that are TextField in the model still have a limit at the door.
LONG_TEXT_MAX = 4000
# A signature canvas PNG is at most 512 KiB (services.sign_voucher); in base64, with a data URL.
SIGNATURE_TEXT_MAX = 700_000
MAX_QUANTITY = 9999
# A registered call may carry a time a little ahead of ours (the caller's clock).
CLOCK_SKEW = datetime.timedelta(minutes=5)


def with_details(queryset: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Everything the detail answer shows, in a fixed number of queries whatever the lines."""
    return queryset.select_related(
        "site", "contract", "registered_by", "escalated_to", "inspected_by", "receipt", "voucher"
    ).prefetch_related(
        Prefetch("labour", queryset=LabourLine.objects.select_related("technician")),
        "parts",
        "attachments",
        "receipt__movements",
    )


# --- output -----------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class CustomerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name"]


class EquipmentSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = ["id", "serial"]


class ProductModelSummarySerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.name", read_only=True)

    class Meta:
        model = ProductModel
        fields = ["id", "brand", "name"]


class WorkOrderSerializer(serializers.ModelSerializer):
    """A work order as listed: the call, its state and its people, without lines."""

    handling_organisation = OrganisationSummarySerializer(read_only=True)
    customer = CustomerSummarySerializer(read_only=True)
    equipment = EquipmentSummarySerializer(read_only=True, allow_null=True)
    product_model = ProductModelSummarySerializer(read_only=True, allow_null=True)
    technician = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "status",
            "organisation",
            "handling_organisation",
            "customer",
            "equipment",
            "site",
            "product_model",
            "reported_serial",
            "contact_name",
            "contact_phone",
            "address",
            "zone",
            "symptom",
            "channel",
            "priority",
            "service_category",
            "category_reason",
            "resolution_mode",
            "is_in_warranty",
            "warranty_note",
            "has_purchase_proof",
            "is_human_damage",
            "contract",
            "technician",
            "registered_by",
            "reported_at",
            "promised_at",
            "dispatched_at",
            "accepted_at",
            "departed_at",
            "arrived_at",
            "sent_to_factory_at",
            "back_from_factory_at",
            "resolved_at",
            "signed_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "wait_reason",
            "escalated_at",
            "escalated_to",
            "escalation_note",
            "work_done",
            "replacement_serial",
            "inspected_by",
            "inspected_at",
            "inspection_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LabourLineSerializer(serializers.ModelSerializer):
    technician = PersonSerializer(read_only=True)

    class Meta:
        model = LabourLine
        fields = ["id", "technician", "worked_on", "category", "minutes", "description"]


class PartLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartLine
        fields = ["id", "part_code", "part_name", "quantity", "disposition"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
        ]


class GoodsMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoodsMovement
        fields = ["direction", "at", "by", "note"]


class CarryInReceiptSerializer(serializers.ModelSerializer):
    is_void = serializers.BooleanField(read_only=True)
    movements = GoodsMovementSerializer(many=True, read_only=True)

    class Meta:
        model = CarryInReceipt
        fields = [
            "number",
            "issued_at",
            "issued_by",
            "items",
            "accessories",
            "condition",
            "voided_at",
            "is_void",
            "movements",
        ]


class ServiceVoucherSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceVoucher
        fields = ["number", "signer_name", "signed_at"]


class AvailableActionSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="Send it as `action` to the transitions endpoint (`sign`: the sign endpoint)."
    )
    label = serializers.CharField()  # type: ignore[assignment]


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One work order with its repair card (labour and parts), attachments, carry-in receipt,
    signed voucher and the actions the requesting user may perform now."""

    registered_by = PersonSerializer(read_only=True, allow_null=True)
    escalated_to = PersonSerializer(read_only=True, allow_null=True)
    inspected_by = PersonSerializer(read_only=True, allow_null=True)
    labour = LabourLineSerializer(many=True, read_only=True)
    parts = PartLineSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    receipt = CarryInReceiptSerializer(read_only=True, allow_null=True)
    voucher = ServiceVoucherSerializer(read_only=True, allow_null=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "labour",
            "parts",
            "attachments",
            "receipt",
            "voucher",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, work_order: WorkOrder) -> list[dict[str, str]]:
        user = acting_user(self.context["request"])
        return [
            {"name": action.name, "label": str(action.label)}
            for action in available_actions(work_order=work_order, user=user)
        ]


class CustomerMatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name", "phone", "address", "organisation"]


class EquipmentMatchSerializer(serializers.ModelSerializer):
    product_model = ProductModelSummarySerializer(read_only=True)

    class Meta:
        model = Equipment
        fields = ["id", "serial", "customer", "site", "product_model", "warranty_ends_on"]


class CallerLookupSerializer(serializers.Serializer):
    """What the screen-pop found: customers by phone, units by serial (or the customers' units)."""

    customers = CustomerMatchSerializer(many=True, read_only=True)
    equipment = EquipmentMatchSerializer(many=True, read_only=True)


# --- input ------------------------------------------------------------------------------------

UNKNOWN_FIELD = _("Unknown field.")


def _refuse_unknown_fields(
    serializer: serializers.Serializer, data: Any, parse: Callable[[Any], Any]
) -> Any:
    """Parse `data`, also reporting keys the serializer does not know: a misspelt or read-only
    field is an error, not silently ignored."""
    unknown = sorted(set(data) - set(serializer.fields)) if isinstance(data, Mapping) else []
    errors: dict[str, Any] = {}
    value = None
    try:
        value = parse(data)
    except serializers.ValidationError as invalid:
        if not isinstance(invalid.detail, dict):
            raise
        errors.update(invalid.detail)
    errors.update({name: [UNKNOWN_FIELD] for name in unknown})
    if errors:
        raise serializers.ValidationError(errors)
    return value


class StrictSerializer(serializers.Serializer):
    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        return _refuse_unknown_fields(self, data, super().to_internal_value)


class StrictModelSerializer(serializers.ModelSerializer):
    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        return _refuse_unknown_fields(self, data, super().to_internal_value)


def _has_utc_equivalent(value: datetime.datetime) -> bool:
    """Databases store instants in UTC (SQLite fails while saving one that has none, such as
    0001-01-01T00:00+08:00)."""
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        return False
    return True


class StorableDateTimeField(serializers.DateTimeField):
    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        try:
            value = super().enforce_timezone(value)
        except OverflowError:  # DRF's own check of a naive time overflows at the edges
            self.fail("overflow")
        if not _has_utc_equivalent(value):
            self.fail("overflow")
        return value


@extend_schema_field(OpenApiTypes.INT)
class UserField(ScopedRelatedField):
    """A person given by id, among those the requesting user sees."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(selector=users_visible_to, **kwargs)


class WorkOrderRegisterSerializer(StrictModelSerializer):
    """Register a repair call. With `equipment`, the product model and serial come from the unit;
    the warranty status and the default service category are decided by the service."""

    customer = ScopedRelatedField(selector=customers_visible_to)
    equipment = ScopedRelatedField(selector=equipment_visible_to, required=False, allow_null=True)
    site = ScopedRelatedField(selector=sites_visible_to, required=False, allow_null=True)
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=product_models().filter(is_active=True), required=False, allow_null=True
    )
    handling_organisation = scoped_organisation_field(
        required=False,
        allow_null=True,
        help_text="Who does the work; by default the unit's service provider or your organisation.",
    )
    address = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="By default the site's or the customer's address.",
    )
    symptom = serializers.CharField(max_length=LONG_TEXT_MAX)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    service_category = serializers.ChoiceField(
        choices=ServiceCategory.choices,
        required=False,
        help_text="By default decided from the contract and the warranty.",
    )
    has_purchase_proof = serializers.BooleanField(
        required=False, allow_null=True, help_text="By default what the unit's record says."
    )
    reported_at = StorableDateTimeField(
        required=False, help_text="By default now; not in the future."
    )
    promised_at = StorableDateTimeField(required=False, allow_null=True)

    class Meta:
        model = WorkOrder
        fields = [
            "customer",
            "equipment",
            "site",
            "product_model",
            "reported_serial",
            "contact_name",
            "contact_phone",
            "address",
            "zone",
            "symptom",
            "channel",
            "priority",
            "service_category",
            "resolution_mode",
            "has_purchase_proof",
            "is_human_damage",
            "handling_organisation",
            "reported_at",
            "promised_at",
        ]

    def validate_reported_at(self, value: datetime.datetime) -> datetime.datetime:
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError(_("The call cannot have been made in the future."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        equipment = attrs.get("equipment")
        if equipment is not None:
            # The unit's own model and serial are used; a different one is a mistake.
            model = attrs.pop("product_model", None)
            if model is not None and model != equipment.product_model:
                raise serializers.ValidationError(
                    {"product_model": [_("The equipment is of another model.")]}
                )
            serial = attrs.pop("reported_serial", "").strip().upper()
            if serial and serial != equipment.serial:
                raise serializers.ValidationError(
                    {"reported_serial": [_("The equipment has another serial number.")]}
                )
        return attrs


class WorkOrderUpdateSerializer(StrictModelSerializer):
    """Correct what the caller said."""

    symptom = serializers.CharField(max_length=LONG_TEXT_MAX)
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=product_models().filter(is_active=True), allow_null=True
    )
    promised_at = StorableDateTimeField(allow_null=True)
    version = VersionField()

    class Meta:
        model = WorkOrder
        # services.EDITABLE_FIELDS, and the version read.
        fields = [
            "contact_name",
            "contact_phone",
            "address",
            "zone",
            "symptom",
            "priority",
            "promised_at",
            "product_model",
            "reported_serial",
            "version",
        ]

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


class DispatchParameters(TransitionParameters):
    technician = UserField(help_text="The technician's user id.")


class ResolveParameters(TransitionParameters):
    work_done = serializers.CharField(max_length=LONG_TEXT_MAX)


class TakeInParameters(TransitionParameters):
    items = serializers.CharField(max_length=300, help_text="The goods received.")
    accessories = serializers.CharField(max_length=300, required=False, allow_blank=True)
    condition = serializers.CharField(max_length=300, required=False, allow_blank=True)


class OptionalInspectionNote(TransitionParameters):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RequiredInspectionNote(TransitionParameters):
    note = serializers.CharField(max_length=500, help_text="What is wrong.")


class GoodsNoteParameters(TransitionParameters):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FactoryReceiptParameters(GoodsNoteParameters):
    replacement_serial = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The replacement unit's serial number (required for an exchange).",
    )


class ReasonParameters(TransitionParameters):
    reason = serializers.CharField(max_length=300)


@dataclass(frozen=True)
class Transition:
    """How the transitions endpoint performs one lifecycle action."""

    parameters: type[TransitionParameters]
    service: Callable[..., WorkOrder]
    # The service picks between two actions by the order's mode or status: check that it is the
    # one the client named, with the workflow's own message.
    check_named_action: bool = False


TRANSITIONS: dict[str, Transition] = {
    "dispatch": Transition(DispatchParameters, services.dispatch_work_order, True),
    # A technician for goods in the workshop or a waiting order: the status stays.
    "assign": Transition(DispatchParameters, services.dispatch_work_order, True),
    "accept": Transition(NoParameters, services.accept_work_order),
    "depart": Transition(NoParameters, services.depart_work_order),
    "arrive": Transition(NoParameters, services.arrive_work_order),
    "resolve_by_phone": Transition(ResolveParameters, services.resolve_work_order, True),
    "resolve_on_site": Transition(ResolveParameters, services.resolve_work_order, True),
    "take_in": Transition(TakeInParameters, services.take_in_goods),
    "start_repair": Transition(NoParameters, services.start_repair),
    "request_inspection": Transition(NoParameters, services.request_inspection),
    "pass_inspection": Transition(
        OptionalInspectionNote, partial(services.inspect_repair, passed=True)
    ),
    "fail_inspection": Transition(
        RequiredInspectionNote, partial(services.inspect_repair, passed=False)
    ),
    "send_to_factory": Transition(GoodsNoteParameters, services.send_to_factory),
    "receive_from_factory": Transition(FactoryReceiptParameters, services.receive_from_factory),
    "return_goods": Transition(GoodsNoteParameters, services.return_goods),
    "wait_for_parts": Transition(
        ReasonParameters, partial(services.put_on_hold, waiting_for="parts")
    ),
    "wait_for_customer": Transition(
        ReasonParameters, partial(services.put_on_hold, waiting_for="customer")
    ),
    "resume": Transition(NoParameters, services.resume_work_order),
    "close": Transition(NoParameters, services.close_work_order, True),
    "close_without_signature": Transition(NoParameters, services.close_work_order, True),
    "cancel": Transition(ReasonParameters, services.cancel_work_order),
}


def _body_serializer(name: str, parameters: type[TransitionParameters]) -> type[StrictSerializer]:
    """The body of one action: its parameters plus `action` fixed to its name."""
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Transition"
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
    name: _body_serializer(name, transition.parameters) for name, transition in TRANSITIONS.items()
}


# The same, typed as drf-spectacular wants it.
TRANSITION_SCHEMAS: dict[str, serializers.Serializer | type[serializers.Serializer]] = dict(
    TRANSITION_BODIES
)


class TransitionChoiceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("action") == "sign":
            raise serializers.ValidationError(
                {"action": [_("Sign with POST /api/work-orders/{id}/sign/.")]}
            )
        return super().to_internal_value(data)


def _signature_png(text: str) -> bytes:
    """The PNG of a canvas: a data URL (`data:image/png;base64,…`) or plain base64."""
    if text.startswith("data:"):
        header, _comma, text = text.partition(",")
        if header != "data:image/png;base64":
            raise serializers.ValidationError(_("Send the signature as a PNG data URL."))
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as bad:
        raise serializers.ValidationError(_("The signature is not valid base64.")) from bad


class SignSerializer(StrictSerializer):
    version = VersionField()
    signer_name = serializers.CharField(max_length=100)
    signature = serializers.CharField(
        max_length=SIGNATURE_TEXT_MAX,
        help_text="The signature canvas as a PNG: a `data:image/png;base64,…` URL or base64.",
    )

    def validate_signature(self, value: str) -> bytes:
        return _signature_png(value)


class LabourSerializer(StrictSerializer):
    version = VersionField()
    technician = UserField(required=False, help_text="Who worked; by default you.")
    worked_on = serializers.DateField(required=False, help_text="By default today.")
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    category = serializers.ChoiceField(
        choices=ServiceCategory.choices,
        required=False,
        help_text="By default the work order's service category.",
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PartSerializer(StrictSerializer):
    version = VersionField()
    part_name = serializers.CharField(max_length=200)
    part_code = serializers.CharField(max_length=50, required=False, allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    disposition = serializers.ChoiceField(
        choices=PartDisposition.choices,
        required=False,
        help_text="What became of the replaced part; by default returned to the customer.",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=200, help_text="A JPEG or PNG photo, or a PDF.")


class CategorySerializer(StrictSerializer):
    version = VersionField()
    category = serializers.ChoiceField(choices=ServiceCategory.choices)
    reason = serializers.CharField(max_length=300)


class ModeSerializer(StrictSerializer):
    version = VersionField()
    mode = serializers.ChoiceField(choices=ResolutionMode.choices)


class EscalateSerializer(StrictSerializer):
    version = VersionField()
    to = UserField(help_text="The service director's (or a manager's) user id.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LookupQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, allow_blank=True)


# --- filters and permissions ------------------------------------------------------------------


class StorableIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value: Any) -> datetime.datetime | None:
        result = super().to_python(value)
        if result is not None and not _has_utc_equivalent(result):
            raise forms.ValidationError(
                serializers.DateTimeField.default_error_messages["overflow"], code="overflow"
            )
        return result


class StorableIsoDateTimeRangeField(django_filters.fields.RangeField):
    widget = django_filters.widgets.DateRangeWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = (StorableIsoDateTimeField(), StorableIsoDateTimeField())
        super().__init__(fields, *args, **kwargs)


class StorableIsoDateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    field_class = StorableIsoDateTimeRangeField


# The largest id of a 64-bit key: larger numbers are no ids (and SQLite cannot compare them).
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """A related row by id. The list is already scoped: an id the user cannot see, or that does
    not exist, simply matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class WorkOrderApiFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WorkOrderStatus.choices)
    service_category = django_filters.ChoiceFilter(choices=ServiceCategory.choices)
    resolution_mode = django_filters.ChoiceFilter(choices=ResolutionMode.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    technician = IdFilter()
    customer = IdFilter()
    reported_at = StorableIsoDateTimeFromToRangeFilter(
        help_text="`reported_at_after` / `reported_at_before`: ISO 8601 date-times."
    )

    class Meta:
        model = WorkOrder
        fields: list[str] = []


class WorkOrderPermissions(RoleModelPermissions):
    """The role permissions each endpoint of the viewset needs (`required_permissions`: any one
    of the listed sets). Which lifecycle action a user may perform on which order is the
    workflow's decision, answered with 403 through the exception handler."""

    def has_permission(self, request: Any, view: Any) -> bool:
        alternatives = view.required_permissions.get(getattr(view, "action", None))
        if alternatives is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated) and any(
            user.has_perms(needed) for needed in alternatives
        )


# --- the API ----------------------------------------------------------------------------------

DETAIL_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _detail_write(
    request: type[serializers.BaseSerializer] | PolymorphicProxySerializer,
    *,
    status_code: int = 200,
    description: str,
    errors: tuple[int, ...] = (400, 401, 403, 404, 409),
) -> Callable[[Any], Any]:
    return extend_schema(
        request=request,
        responses={status_code: WorkOrderDetailSerializer, **error_responses(*errors)},
        description=description,
    )


@extend_schema_view(
    list=extend_schema(description="Work orders you may see, newest first (cursor pagination)."),
    retrieve=extend_schema(
        description="One work order with its lines, receipt, voucher and the actions you may "
        "perform now."
    ),
    create=extend_schema(
        request=WorkOrderRegisterSerializer,
        responses={201: WorkOrderDetailSerializer, **error_responses(400, 401, 403)},
        description="Register a repair call (the channel defaults to `api`).",
    ),
    partial_update=extend_schema(
        request=WorkOrderUpdateSerializer,
        responses={200: WorkOrderDetailSerializer, **DETAIL_WRITE_ERRORS},
        description="Correct what the caller said; send the `version` you read.",
    ),
)
class WorkOrderViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    """Work orders the caller may see; every write goes through tickets.services."""

    selector = staticmethod(work_orders_visible_to)
    serializer_class = WorkOrderSerializer
    input_serializer_class = WorkOrderRegisterSerializer
    filterset_class = WorkOrderApiFilter
    parser_classes = [JSONParser]
    permission_classes = [IsAuthenticated, WorkOrderPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((P.VIEW,),),
        "retrieve": ((P.VIEW,),),
        "lookup": ((P.VIEW, P.REGISTER),),
        "create": ((P.VIEW, P.REGISTER),),
        "partial_update": ((P.VIEW, P.EDIT),),
        # Lifecycle actions, lines and files: the workflow and the services decide per action,
        # order and user (403 with code `not_allowed`).
        "transitions": ((P.VIEW,),),
        "sign": ((P.VIEW,),),
        "labour": ((P.VIEW, P.DISPATCH), (P.VIEW, P.WORK)),
        "parts": ((P.VIEW, P.DISPATCH), (P.VIEW, P.WORK)),
        "attachments": ((P.VIEW, P.EDIT), (P.VIEW, P.DISPATCH), (P.VIEW, P.WORK)),
        "category": ((P.VIEW, P.DISPATCH),),
        "mode": ((P.VIEW, P.EDIT),),
        "escalate": ((P.VIEW, P.ESCALATE),),
    }

    def get_queryset(self) -> QuerySet[WorkOrder]:
        queryset = super().get_queryset()
        return with_details(queryset) if self.action == "retrieve" else queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "partial_update":
            return WorkOrderUpdateSerializer
        if self.action == "retrieve":
            return WorkOrderDetailSerializer
        return super().get_serializer_class()

    def output(self, instance: Model, *, status_code: int = 200) -> Response:
        """The order as it now is, read again with everything the detail shows."""
        work_order = with_details(work_orders_visible_to(user=self.request.user)).get(
            pk=instance.pk
        )
        context = self.get_serializer_context()
        return Response(WorkOrderDetailSerializer(work_order, context=context).data, status_code)

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.register_work_order(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        if not data:  # nothing to change: answer the order as it is, if the version is current
            ensure_current(instance, version)
            return instance
        return services.update_work_order(
            work_order=instance, by=acting_user(self.request), expected_version=version, **data
        )

    @_detail_write(
        PolymorphicProxySerializer(
            component_name="WorkOrderTransition",
            serializers=TRANSITION_SCHEMAS,
            resource_type_field_name="action",
        ),
        description="Perform a lifecycle action: `action` names it (see `available_actions`), "
        "`version` is the one you read, the other fields are the action's parameters. An action "
        "the order's state does not allow answers 400 with code `invalid_transition`; one you "
        "may not perform, 403.",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        body = json_object(request.data)
        name = self.validated(TransitionChoiceSerializer, {"action": body.get("action")})["action"]
        parameters = self.validated(TRANSITION_BODIES[name], body)
        del parameters["action"]
        version = parameters.pop("version")
        user = acting_user(request)
        ensure_current(work_order, version)
        transition = TRANSITIONS[name]
        if transition.check_named_action:
            # A dry run on a copy: refuses with the workflow's message, changes nothing.
            apply_transition(work_order=copy.copy(work_order), action_name=name, by=user)
        transition.service(work_order=work_order, by=user, expected_version=version, **parameters)
        return self.output(work_order)

    @_detail_write(
        SignSerializer,
        description="The customer signs the service voucher; the order becomes read-only.",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        data = self.validated(SignSerializer, request.data)
        services.sign_voucher(
            work_order=work_order,
            by=acting_user(request),
            expected_version=data["version"],
            signer_name=data["signer_name"],
            signature_png=data["signature"],
        )
        return self.output(work_order)

    @_detail_write(
        LabourSerializer,
        status_code=201,
        description="Record time spent (repair card). For the assigned technician, or whoever "
        "may dispatch.",
    )
    @action(detail=True, methods=["post"])
    def labour(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        user = acting_user(request)
        data = self.validated(LabourSerializer, request.data)
        services.add_labour_line(
            work_order=work_order,
            by=user,
            expected_version=data.pop("version"),
            technician=data.pop("technician", user),
            worked_on=data.pop("worked_on", None) or timezone.localdate(),
            **data,
        )
        return self.output(work_order, status_code=201)

    @_detail_write(
        PartSerializer,
        status_code=201,
        description="Record a part replaced. For the assigned technician, or whoever may dispatch.",
    )
    @action(detail=True, methods=["post"])
    def parts(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        user = acting_user(request)
        data = self.validated(PartSerializer, request.data)
        services.add_part_line(
            work_order=work_order, by=user, expected_version=data.pop("version"), **data
        )
        return self.output(work_order, status_code=201)

    @_detail_write(
        AttachmentUploadSerializer,
        status_code=201,
        description="Attach a photo (JPEG, PNG) or a PDF, as multipart/form-data.",
        errors=(400, 401, 403, 404),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        data = self.validated(AttachmentUploadSerializer, request.data)
        services.add_attachment(work_order=work_order, by=acting_user(request), upload=data["file"])
        return self.output(work_order, status_code=201)

    @_detail_write(CategorySerializer, description="Change the service category (A–D), saying why.")
    @action(detail=True, methods=["post"])
    def category(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        data = self.validated(CategorySerializer, request.data)
        services.change_service_category(
            work_order=work_order,
            by=acting_user(request),
            expected_version=data["version"],
            category=data["category"],
            reason=data["reason"],
        )
        return self.output(work_order)

    @_detail_write(ModeSerializer, description="Change how the call is resolved.")
    @action(detail=True, methods=["post"])
    def mode(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        data = self.validated(ModeSerializer, request.data)
        services.change_resolution_mode(
            work_order=work_order,
            by=acting_user(request),
            expected_version=data["version"],
            mode=data["mode"],
        )
        return self.output(work_order)

    @_detail_write(
        EscalateSerializer,
        description="Escalate to the service director when the order cannot be finished on time.",
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        data = self.validated(EscalateSerializer, request.data)
        services.escalate_work_order(
            work_order=work_order,
            by=acting_user(request),
            expected_version=data["version"],
            to=data["to"],
            note=data.get("note", ""),
        )
        return self.output(work_order)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="A phone number or serial number prefix (3 characters at least).",
            )
        ],
        responses={200: CallerLookupSerializer, **error_responses(400, 401, 403)},
        description="The screen-pop: customers whose phone starts with `q`, and units whose "
        "serial starts with it (or the found customers' units).",
    )
    @action(detail=False, methods=["get"])
    def lookup(self, request: Request) -> Response:
        term = self.validated(LookupQuerySerializer, request.query_params)["q"]
        match: CallerMatch = caller_lookup(user=acting_user(request), term=term)
        return Response(CallerLookupSerializer(match).data)
