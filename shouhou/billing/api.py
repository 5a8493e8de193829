"""The billing REST API: fee schedules (read), a work order's charges (computed), quotes and the
customer's decision, discounts and their approval, payments and the technicians' handover,
invoices (issue, void). Thin: parse, call one service, answer with what it wrote."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from shouhou.billing import rules, selectors, services
from shouhou.billing.charges import Kind, Payer
from shouhou.billing.filters import (
    AdjustmentFilter,
    FeeScheduleFilter,
    InvoiceFilter,
    PaymentFilter,
)
from shouhou.billing.models import (
    Adjustment,
    AdjustmentKind,
    CallOutFee,
    CashHandover,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    JobTypeRate,
    Payment,
    PaymentKind,
    PaymentMethod,
    Quote,
    QuoteLine,
)
from shouhou.billing.permissions import BillingPermission as B
from shouhou.core.api import ServiceCreateMixin, ServiceViewSet, VersionField
from shouhou.core.auth import acting_user
from shouhou.core.models import User
from shouhou.core.schema import error_responses
from shouhou.core.scoping import visible_organisations
from shouhou.parts.api import ActionPermissions, IdField, StrictSerializer
from shouhou.parts.selectors import parts_catalogue
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.selectors import work_orders_visible_to

DETAIL_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
CREATE_ERRORS = error_responses(400, 401, 403)
VIEW_WORK_ORDER = "tickets.view_workorder"


def _parts(*, user: Any) -> QuerySet[Any]:
    return parts_catalogue().filter(is_active=True)


def _technicians(*, user: Any) -> QuerySet[User]:
    organisations = visible_organisations(user)
    people = User.objects.filter(is_active=True)
    return people if organisations is None else people.filter(organisation__in=organisations)


# --- fee schedules ----------------------------------------------------------------------------


class JobTypeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobTypeRate
        fields = ["code", "name", "amount"]


class CallOutFeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallOutFee
        fields = ["zone", "amount"]


class FeeScheduleSerializer(serializers.ModelSerializer):
    jobs = JobTypeRateSerializer(many=True, read_only=True)
    call_out_fees = CallOutFeeSerializer(many=True, read_only=True)

    class Meta:
        model = FeeSchedule
        fields = [
            "id",
            "name",
            "organisation",
            "effective_from",
            "labour_basis",
            "hourly_rate",
            "labour_increment_minutes",
            "minimum_labour_minutes",
            "distance_rate_per_km",
            "free_distance_km",
            "jobs",
            "call_out_fees",
            "version",
        ]


class FeeScheduleViewSet(ServiceViewSet):
    """The fee standards (company-wide and your organisations'), each from its effective date."""

    selector = staticmethod(
        lambda *, user: selectors.fee_schedules_visible_to(user=user).prefetch_related(
            "jobs", "call_out_fees"
        )
    )
    serializer_class = FeeScheduleSerializer
    filterset_class = FeeScheduleFilter


# --- a work order's charges -------------------------------------------------------------------


class ChargeLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[kind.value for kind in Kind])
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    payer = serializers.ChoiceField(choices=[payer.value for payer in Payer])


class ChargesSerializer(serializers.Serializer):
    work_order = serializers.IntegerField()
    fee_schedule = serializers.IntegerField(allow_null=True)
    lines = ChargeLineSerializer(many=True)
    gross_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    covered_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    parts_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    warnings = serializers.ListField(child=serializers.CharField())
    is_customer_charged = serializers.BooleanField()
    quote_accepted = serializers.BooleanField()
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2)


@extend_schema_view(
    retrieve=extend_schema(
        description="A work order's charges as recorded so far (by its work order id): every "
        "line with who pays it (customer, warranty, contract, internal), discounts, what is due."
    )
)
class WorkOrderChargesViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChargesSerializer
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "retrieve": ((VIEW_WORK_ORDER, B.VIEW_QUOTE),),
    }
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[WorkOrder]:
        return work_orders_visible_to(user=self.request.user)

    def get_object(self) -> WorkOrder:
        try:
            return super().get_object()
        except (ValueError, TypeError) as bad_id:
            raise Http404 from bad_id

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        schedule = rules.schedule_of(order)
        sheet = rules.charge_sheet_for(order, schedule=schedule) if schedule else None
        paid = sum((payment.amount for payment in order.payments.all()), start=0)
        body = {
            "work_order": order.pk,
            "fee_schedule": schedule.pk if schedule else None,
            "lines": [
                {
                    "kind": line.kind,
                    "description": rules.describe(line),
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                    "payer": line.payer,
                }
                for line in (sheet.lines if sheet else ())
            ],
            "gross_amount": sheet.gross_amount if sheet else 0,
            "covered_amount": sheet.covered_amount if sheet else 0,
            "discount_amount": sheet.discount_amount if sheet else 0,
            "due_amount": sheet.due_amount if sheet else 0,
            "parts_cost": sheet.parts_cost if sheet else 0,
            "warnings": [str(code) for code in (sheet.warnings if sheet else ())],
            "is_customer_charged": rules.is_customer_charged(order),
            "quote_accepted": rules.accepted_quote(order) is not None,
            "paid_amount": paid,
        }
        return Response(ChargesSerializer(body).data)


# --- quotes -----------------------------------------------------------------------------------


class QuoteLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteLine
        fields = ["kind", "part", "description", "quantity", "unit_price", "amount"]


class QuoteSerializer(serializers.ModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "work_order",
            "status",
            "labour_minutes",
            "total_amount",
            "deposit_amount",
            "valid_until",
            "note",
            "lines",
            "sent_at",
            "decided_at",
            "decision_channel",
            "customer_name",
            "decline_reason",
            "version",
        ]


class QuoteInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to)
    labour_minutes = serializers.IntegerField(min_value=0, max_value=6000, default=0)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class QuotePartInput(StrictSerializer):
    version = VersionField()
    part = IdField(selector=_parts)
    quantity = serializers.IntegerField(min_value=0, max_value=9999, help_text="0 removes it.")


class VersionInput(StrictSerializer):
    version = VersionField()


class QuoteDecisionInput(StrictSerializer):
    version = VersionField()
    accepted = serializers.BooleanField()
    customer_name = serializers.CharField(max_length=100)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(
        request=QuoteInput,
        responses={201: QuoteSerializer, **CREATE_ERRORS},
        description="Start an estimate for a work order (a draft; an earlier open one is "
        "withdrawn). Plan its parts, then send it.",
    )
)
class QuoteViewSet(ServiceCreateMixin, ServiceViewSet):
    """Quotes for paid repairs: the repair starts only after the customer accepts."""

    selector = staticmethod(
        lambda *, user: selectors.quotes_visible_to(user=user).prefetch_related("lines")
    )
    serializer_class = QuoteSerializer
    input_serializer_class = QuoteInput
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((B.VIEW_QUOTE,),),
        "retrieve": ((B.VIEW_QUOTE,),),
        "create": ((B.VIEW_QUOTE, B.PREPARE_QUOTE),),
        "parts": ((B.VIEW_QUOTE, B.PREPARE_QUOTE),),
        "send": ((B.VIEW_QUOTE, B.PREPARE_QUOTE),),
        "withdraw": ((B.VIEW_QUOTE, B.PREPARE_QUOTE),),
        "decision": ((B.VIEW_QUOTE, B.DECIDE_QUOTE),),
    }

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.prepare_quote(by=acting_user(self.request), **data)

    def _answer(self, quote: Quote) -> Response:
        return self.output(self.get_queryset().get(pk=quote.pk))

    @extend_schema(
        request=QuotePartInput,
        responses={200: QuoteSerializer, **DETAIL_WRITE_ERRORS},
        description="Plan a part on a draft quote (quantity 0 removes it); the lines, total and "
        "deposit are recomputed.",
    )
    @action(detail=True, methods=["post"])
    def parts(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        data = self.validated(QuotePartInput, request.data)
        services.plan_quote_part(
            quote=quote, by=acting_user(request), expected_version=data.pop("version"), **data
        )
        return self._answer(quote)

    @extend_schema(
        request=VersionInput,
        responses={200: QuoteSerializer, **DETAIL_WRITE_ERRORS},
        description="Put the draft to the customer; valid for the configured number of days.",
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        data = self.validated(VersionInput, request.data)
        services.send_quote(quote=quote, by=acting_user(request), expected_version=data["version"])
        return self._answer(quote)

    @extend_schema(
        request=VersionInput,
        responses={200: QuoteSerializer, **DETAIL_WRITE_ERRORS},
        description="Withdraw a draft or sent quote.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        data = self.validated(VersionInput, request.data)
        services.withdraw_quote(
            quote=quote, by=acting_user(request), expected_version=data["version"]
        )
        return self._answer(quote)

    @extend_schema(
        request=QuoteDecisionInput,
        responses={200: QuoteSerializer, **DETAIL_WRITE_ERRORS},
        description="Record the customer's answer (told to staff); past its validity a quote "
        "cannot be accepted.",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        data = self.validated(QuoteDecisionInput, request.data)
        services.decide_quote(
            quote=quote,
            by=acting_user(request),
            expected_version=data.pop("version"),
            **data,
        )
        return self._answer(quote)


# --- discounts --------------------------------------------------------------------------------


class AdjustmentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="`discount` or `waiver`.")

    class Meta:
        model = Adjustment
        fields = [
            "id",
            "work_order",
            "kind",
            "amount",
            "base_amount",
            "reason",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "version",
        ]


class AdjustmentInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to)
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Not for a waiver.",
    )
    reason = serializers.CharField(max_length=300)


class AdjustmentDecisionInput(StrictSerializer):
    version = VersionField()
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(
        request=AdjustmentInput,
        responses={201: AdjustmentSerializer, **CREATE_ERRORS},
        description="Ask to lower or waive a work order's charges: applied at once within your "
        "role's approval limit, otherwise it waits for approval.",
    )
)
class AdjustmentViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(selectors.adjustments_visible_to)
    serializer_class = AdjustmentSerializer
    input_serializer_class = AdjustmentInput
    filterset_class = AdjustmentFilter
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((B.VIEW_ADJUSTMENT,),),
        "retrieve": ((B.VIEW_ADJUSTMENT,),),
        "create": ((B.VIEW_ADJUSTMENT, B.REQUEST_ADJUSTMENT),),
        "decision": ((B.VIEW_ADJUSTMENT, B.APPROVE_ADJUSTMENT),),
    }

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.request_adjustment(by=acting_user(self.request), **data)

    @extend_schema(
        request=AdjustmentDecisionInput,
        responses={200: AdjustmentSerializer, **DETAIL_WRITE_ERRORS},
        description="Approve (within your role's limit; above it 400 with code `above_limit`) "
        "or reject (a `note` is required).",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        adjustment = self.get_object()
        data = self.validated(AdjustmentDecisionInput, request.data)
        services.decide_adjustment(
            adjustment=adjustment,
            by=acting_user(request),
            expected_version=data.pop("version"),
            **data,
        )
        return self.output(self.get_queryset().get(pk=adjustment.pk))


# --- payments and handovers -------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="`deposit` or `payment`.")

    class Meta:
        model = Payment
        fields = [
            "id",
            "number",
            "customer",
            "work_order",
            "invoice",
            "kind",
            "method",
            "amount",
            "received_at",
            "collected_by",
            "handover",
            "reference",
            "note",
        ]


class PaymentInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to, required=False, allow_null=True)
    invoice = IdField(selector=selectors.invoices_visible_to, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    collected_on_site = serializers.BooleanField(default=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(
        request=PaymentInput,
        responses={201: PaymentSerializer, **CREATE_ERRORS},
        description="Record money received for a work order or an invoice; collected on site it "
        "is held by you until handed over (cash only up to the configured limit).",
    )
)
class PaymentViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(selectors.payments_visible_to)
    serializer_class = PaymentSerializer
    input_serializer_class = PaymentInput
    filterset_class = PaymentFilter
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.record_payment(by=acting_user(self.request), **data)


class HandoverSerializer(serializers.ModelSerializer):
    payments: serializers.Field = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CashHandover
        fields = ["id", "technician", "received_by", "at", "total_amount", "note", "payments"]


class HandoverInput(StrictSerializer):
    technician = IdField(selector=_technicians)
    payments = IdField(selector=selectors.payments_visible_to, many=True, allow_empty=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(
        request=HandoverInput,
        responses={201: HandoverSerializer, **CREATE_ERRORS},
        description="The accountant receives payments a technician collected on site.",
    )
)
class CashHandoverViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(
        lambda *, user: selectors.handovers_visible_to(user=user).prefetch_related("payments")
    )
    serializer_class = HandoverSerializer
    input_serializer_class = HandoverInput
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((B.VIEW_HANDOVER,),),
        "retrieve": ((B.VIEW_HANDOVER,),),
        "create": ((B.VIEW_HANDOVER, B.RECEIVE_HANDOVER),),
    }

    def create_object(self, data: dict[str, Any]) -> Model:
        handover = services.hand_over_cash(by=acting_user(self.request), **data)
        return self.get_queryset().get(pk=handover.pk)


# --- invoices ---------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="`labour`, `part`, `call_out`, `distance` or `adjustment`."
    )

    class Meta:
        model = InvoiceLine
        fields = [
            "kind",
            "description",
            "quantity",
            "unit_price",
            "amount",
            "net_amount",
            "tax_amount",
        ]


class InvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    balance_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "organisation",
            "customer",
            "work_order",
            "buyer_name",
            "buyer_tax_number",
            "status",
            "issued_at",
            "due_on",
            "tax_rate_percent",
            "net_amount",
            "tax_amount",
            "total_amount",
            "paid_amount",
            "balance_amount",
            "paid_at",
            "voided_at",
            "void_reason",
            "lines",
            "version",
        ]


class InvoiceInput(StrictSerializer):
    work_order = IdField(selector=work_orders_visible_to)
    buyer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    buyer_tax_number = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )


class VoidInput(StrictSerializer):
    version = VersionField()
    reason = serializers.CharField(max_length=300)


@extend_schema_view(
    create=extend_schema(
        request=InvoiceInput,
        responses={201: InvoiceSerializer, **CREATE_ERRORS},
        description="Invoice a work order's charges once the work is done; money already "
        "received for it counts towards the invoice.",
    )
)
class InvoiceViewSet(ServiceCreateMixin, ServiceViewSet):
    selector = staticmethod(
        lambda *, user: selectors.invoices_visible_to(user=user).prefetch_related("lines")
    )
    serializer_class = InvoiceSerializer
    input_serializer_class = InvoiceInput
    filterset_class = InvoiceFilter
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [IsAuthenticated, ActionPermissions]
    required_permissions: dict[str | None, tuple[tuple[str, ...], ...]] = {
        "list": ((B.VIEW_INVOICE,),),
        "retrieve": ((B.VIEW_INVOICE,),),
        "create": ((B.VIEW_INVOICE, B.ISSUE_INVOICE),),
        "void": ((B.VIEW_INVOICE, B.VOID_INVOICE),),
    }

    def create_object(self, data: dict[str, Any]) -> Model:
        invoice = services.issue_invoice(by=acting_user(self.request), **data)
        return self.get_queryset().get(pk=invoice.pk)

    @extend_schema(
        request=VoidInput,
        responses={200: InvoiceSerializer, **DETAIL_WRITE_ERRORS},
        description="Void an unpaid invoice with a reason; its payments stay with the work order.",
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str | None = None) -> Response:
        invoice = self.get_object()
        data = self.validated(VoidInput, request.data)
        services.void_invoice(
            invoice=invoice,
            by=acting_user(request),
            expected_version=data["version"],
            reason=data["reason"],
        )
        return self.output(self.get_queryset().get(pk=invoice.pk))
