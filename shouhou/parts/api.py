"""The parts REST API: the catalogue (read and write), warehouses, stock levels and the stock
ledger (read), stock movements booked through the services (receipt, transfer, write-off, issue
to a work order, return), and parts requests with their lifecycle. Thin: parse, call one
service, answer with what it wrote."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.assets.selectors import product_models
from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
)
from shouhou.core.auth import acting_user
from shouhou.core.permissions import RoleModelPermissions
from shouhou.core.schema import error_responses
from shouhou.parts import selectors, services
from shouhou.parts.filters import (
    MovementFilter,
    PartFilter,
    PartsRequestFilter,
    StockLevelFilter,
    WarehouseFilter,
)
from shouhou.parts.models import (
    Part,
    PartsRequest,
    PartsRequestLine,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shouhou.parts.permissions import PartsPermission as P
from shouhou.parts.workflow import REQUEST_ACTIONS
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import PartDisposition, PartLine
from shouhou.tickets.selectors import work_orders_visible_to

MAX_QUANTITY = 9999
# The largest id of a 64-bit key: a larger number is no id (and SQLite cannot compare it).
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1})
class IdField(ScopedRelatedField):
    """A related row by id, among those the requesting user may use."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= number <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


class ActionPermissions(RoleModelPermissions):
    """The role permissions each endpoint needs (`required_permissions`: any one of the listed
    sets); the rest follows the model permissions."""

    def has_permission(self, request: Any, view: Any) -> bool:
        alternatives = getattr(view, "required_permissions", {}).get(getattr(view, "action", None))
        if alternatives is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated) and any(
            user.has_perms(needed) for needed in alternatives
        )


def _parts(*, user: Any) -> QuerySet[Part]:
    return selectors.parts_catalogue().filter(is_active=True)


def _open_warehouses(*, user: Any) -> QuerySet[Warehouse]:
    return selectors.warehouses_visible_to(user=user).filter(is_active=True)


def _product_models(*, user: Any) -> Any:
    return product_models()


# --- catalogue --------------------------------------------------------------------------------


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = [
            "id",
            "code",
            "name",
            "specification",
            "compatible_models",
            "unit_cost",
            "sale_price",
            "is_warranty_covered",
            "supplier",
            "is_active",
            "version",
        ]


class PartInputSerializer(serializers.ModelSerializer):
    compatible_models = IdField(selector=_product_models, many=True, required=False)
    version = VersionField(required=False)

    class Meta:
        model = Part
        fields = [
            "code",
            "name",
            "specification",
            "compatible_models",
            "unit_cost",
            "sale_price",
            "is_warranty_covered",
            "supplier",
            "is_active",
            "version",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["This field is required when updating."]}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(description="The parts catalogue (one for the whole company)."),
    create=extend_schema(description="Add a part to the catalogue; the code is upper-cased."),
)
class PartViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    selector = staticmethod(
        lambda *, user: selectors.parts_catalogue().prefetch_related("compatible_models")
    )
    serializer_class = PartSerializer
    input_serializer_class = PartInputSerializer
    filterset_class = PartFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> Model:
        models = data.pop("compatible_models", [])
        return services.create_part(by=acting_user(self.request), compatible_models=models, **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        models = data.pop("compatible_models", None)
        return services.update_part(
            part=instance,
            by=acting_user(self.request),
            expected_version=version,
            compatible_models=models,
            **data,
        )


# --- warehouses, stock, ledger ----------------------------------------------------------------


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "kind", "organisation", "technician", "keeper", "is_active"]


class WarehouseViewSet(ServiceViewSet):
    """Warehouses and vans of the organisations you see."""

    selector = staticmethod(selectors.warehouses_visible_to)
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter


class StockLevelSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = ["id", "warehouse", "part", "on_hand", "reserved", "available", "reorder_point"]


class StockLevelViewSet(ServiceViewSet):
    """Stock on hand (the sum of the ledger), reserved and available, per warehouse and part."""

    selector = staticmethod(selectors.stock_levels_visible_to)
    serializer_class = StockLevelSerializer
    filterset_class = StockLevelFilter


class StockMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockMovement
        fields = [
            "id",
            "at",
            "warehouse",
            "part",
            "kind",
            "quantity",
            "balance_after",
            "unit_cost",
            "work_order",
            "part_line",
            "counterpart",
            "parts_request",
            "reference",
            "note",
            "by",
        ]


class StrictSerializer(serializers.Serializer):
    """A body whose unknown keys are an error, not silently ignored."""

    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if hasattr(data, "keys") else []
        value = super().to_internal_value(data)
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return value


class MovementInput(StrictSerializer):
    warehouse = IdField(selector=_open_warehouses)
    part = IdField(selector=_parts)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReceiptInput(MovementInput):
    unit_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TransferInput(MovementInput):
    destination = IdField(selector=_open_warehouses)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class WriteOffInput(MovementInput):
    reason = serializers.CharField(max_length=300)


class IssueInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to)
    version = VersionField()
    part = IdField(selector=_parts)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    warehouse = IdField(
        selector=_open_warehouses,
        required=False,
        allow_null=True,
        help_text="Empty: the technician's van.",
    )
    disposition = serializers.ChoiceField(
        choices=PartDisposition.choices, default=PartDisposition.RETURNED_TO_CUSTOMER
    )


class PartLineOutput(serializers.ModelSerializer):
    class Meta:
        model = PartLine
        fields = [
            "id",
            "work_order",
            "part",
            "part_code",
            "part_name",
            "quantity",
            "unit_price",
            "disposition",
        ]


class ReturnInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to)
    part = IdField(selector=_parts)
    warehouse = IdField(selector=_open_warehouses)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TransferOutput(serializers.Serializer):
    outgoing = StockMovementSerializer()
    incoming = StockMovementSerializer()


WRITE_ERRORS = error_responses(400, 401, 403)


@extend_schema_view(
    list=extend_schema(description="The stock ledger, newest first: append-only."),
)
class StockMovementViewSet(ServiceViewSet):
    """The stock ledger. Movements are booked through the actions below and never changed; on
    hand never goes below zero (400 with code `insufficient_stock`)."""

    selector = staticmethod(selectors.movements_visible_to)
    serializer_class = StockMovementSerializer
    filterset_class = MovementFilter
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((P.VIEW_MOVEMENTS,),),
        "retrieve": ((P.VIEW_MOVEMENTS,),),
        "receipts": ((P.MANAGE_STOCK,),),
        "transfers": ((P.MANAGE_STOCK,),),
        "write_offs": ((P.MANAGE_STOCK,),),
        "issues": (
            ("tickets.view_workorder", "tickets.work_workorder"),
            ("tickets.view_workorder", "tickets.dispatch_workorder"),
        ),
        "returns": (("tickets.view_workorder", "tickets.work_workorder"), (P.MANAGE_STOCK,)),
    }

    @extend_schema(
        request=ReceiptInput,
        responses={201: StockMovementSerializer, **WRITE_ERRORS},
        description="Book goods received into a warehouse.",
    )
    @action(detail=False, methods=["post"])
    def receipts(self, request: Request) -> Response:
        data = self.validated(ReceiptInput, request.data)
        movement = services.receive_stock(by=acting_user(request), **data)
        return Response(StockMovementSerializer(movement).data, status=201)

    @extend_schema(
        request=TransferInput,
        responses={201: TransferOutput, **WRITE_ERRORS},
        description="Move stock from `warehouse` to `destination` (e.g. restock a van).",
    )
    @action(detail=False, methods=["post"])
    def transfers(self, request: Request) -> Response:
        data = self.validated(TransferInput, request.data)
        outgoing, incoming = services.transfer_stock(
            source=data.pop("warehouse"), by=acting_user(request), **data
        )
        return Response(TransferOutput({"outgoing": outgoing, "incoming": incoming}).data, 201)

    @extend_schema(
        request=WriteOffInput,
        responses={201: StockMovementSerializer, **WRITE_ERRORS},
        description="Write off damaged, lost or miscounted stock; a reason is required.",
    )
    @action(detail=False, methods=["post"], url_path="write-offs")
    def write_offs(self, request: Request) -> Response:
        data = self.validated(WriteOffInput, request.data)
        movement = services.write_off_stock(by=acting_user(request), **data)
        return Response(StockMovementSerializer(movement).data, status=201)

    @extend_schema(
        request=IssueInput,
        responses={201: PartLineOutput, **error_responses(400, 401, 403, 409)},
        description="Fit a catalogue part on a work order: its part line, issued from the "
        "warehouse (default: the technician's van). On a paid repair only after the customer "
        "accepted a quote (400, code `quote_required`).",
    )
    @action(detail=False, methods=["post"])
    def issues(self, request: Request) -> Response:
        data = self.validated(IssueInput, request.data)
        line = ticket_services.add_part_line(
            work_order=data.pop("work_order"),
            by=acting_user(request),
            expected_version=data.pop("version"),
            **data,
        )
        return Response(PartLineOutput(line).data, status=201)

    @extend_schema(
        request=ReturnInput,
        responses={201: StockMovementSerializer, **WRITE_ERRORS},
        description="Put back unused parts issued to a work order (at most what was issued).",
    )
    @action(detail=False, methods=["post"])
    def returns(self, request: Request) -> Response:
        data = self.validated(ReturnInput, request.data)
        movement = services.return_from_work_order(by=acting_user(request), **data)
        return Response(StockMovementSerializer(movement).data, status=201)


# --- parts requests ---------------------------------------------------------------------------


class PartsRequestLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartsRequestLine
        fields = ["part", "quantity"]


class PartsRequestSerializer(serializers.ModelSerializer):
    lines = PartsRequestLineSerializer(many=True, read_only=True)

    class Meta:
        model = PartsRequest
        fields = [
            "id",
            "number",
            "status",
            "requested_by",
            "source",
            "destination",
            "work_order",
            "note",
            "lines",
            "decided_by",
            "decided_at",
            "decision_note",
            "shipped_at",
            "received_at",
            "is_shipment_correct",
            "receipt_note",
            "version",
            "created_at",
        ]


class RequestLineInput(StrictSerializer):
    part = IdField(selector=_parts)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class PartsRequestInput(StrictSerializer):
    source = IdField(selector=_open_warehouses)  # type: ignore[assignment]
    destination = IdField(
        selector=_open_warehouses, required=False, allow_null=True, help_text="Empty: your van."
    )
    work_order = IdField(selector=work_orders_visible_to, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    lines = RequestLineInput(many=True, allow_empty=False, max_length=50)  # type: ignore[call-arg]


class RequestActionInput(StrictSerializer):
    action = serializers.ChoiceField(choices=sorted(REQUEST_ACTIONS))
    version = VersionField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    back_order = serializers.BooleanField(
        required=False, default=False, help_text="approve: back-order what is missing."
    )
    is_correct = serializers.BooleanField(
        required=False, default=True, help_text="receive: did the right parts arrive?"
    )


@extend_schema_view(
    create=extend_schema(
        request=PartsRequestInput,
        responses={201: PartsRequestSerializer, **WRITE_ERRORS},
        description="A technician's parts request (配件申请单), by default into their van.",
    ),
)
class PartsRequestViewSet(ServiceCreateMixin, ServiceViewSet):
    """Parts requests you may see (as requester or as the warehouse)."""

    selector = staticmethod(selectors.parts_requests_visible_to)
    serializer_class = PartsRequestSerializer
    input_serializer_class = PartsRequestInput
    filterset_class = PartsRequestFilter
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((P.VIEW_REQUESTS,),),
        "retrieve": ((P.VIEW_REQUESTS,),),
        "create": ((P.VIEW_REQUESTS, P.REQUEST),),
        # Which action the user may perform on which request: the workflow decides (403).
        "actions": ((P.VIEW_REQUESTS,),),
    }

    def get_queryset(self) -> QuerySet[PartsRequest]:
        return super().get_queryset().prefetch_related("lines")

    def create_object(self, data: dict[str, Any]) -> Model:
        lines = [(line["part"], line["quantity"]) for line in data.pop("lines")]
        return services.submit_parts_request(by=acting_user(self.request), lines=lines, **data)

    @extend_schema(
        request=RequestActionInput,
        responses={200: PartsRequestSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="approve (holds the stock; beyond it refused, or back-ordered with "
        "`back_order`), back_order, reject (`note` required), ship (moves the parts), receive "
        "(`is_correct`, `note` when wrong: counts for shipping accuracy) or cancel.",
    )
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: str | None = None) -> Response:
        parts_request = self.get_object()
        serializer = RequestActionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        by = acting_user(request)
        name = data["action"]
        common = {"request": parts_request, "by": by, "expected_version": data["version"]}
        if name in ("approve", "back_order"):
            services.approve_parts_request(
                **common, back_order=name == "back_order" or data["back_order"], note=data["note"]
            )
        elif name == "reject":
            services.reject_parts_request(**common, note=data["note"])
        elif name == "ship":
            services.ship_parts_request(**common)
        elif name == "receive":
            services.confirm_parts_received(
                **common, is_correct=data["is_correct"], note=data["note"]
            )
        else:
            services.cancel_parts_request(**common, note=data["note"])
        return self.output(self.get_queryset().get(pk=parts_request.pk))
