"""Parts pages: stock levels, the catalogue, warehouses (a van is one), the stock ledger and its
movements (receipt, transfer, write-off), parts requests, old parts, the work-order page's
parts actions (issue, reserve, return) and the two reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.core.auth import acting_user
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.models import User
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView
from shouhou.parts import exports, selectors, services
from shouhou.parts.errors import PartsError
from shouhou.parts.filters import (
    MovementFilter,
    OldPartFilter,
    PartFilter,
    PartsRequestFilter,
    StockLevelFilter,
    WarehouseFilter,
)
from shouhou.parts.forms import (
    IssuePartForm,
    OldPartActionForm,
    PartForm,
    PartsRequestForm,
    PeriodForm,
    ReceiveForm,
    ReorderPointForm,
    RequestActionForm,
    ReservePartForm,
    ReturnPartForm,
    TransferForm,
    WarehouseForm,
    WriteOffForm,
)
from shouhou.parts.models import OldPart, PartsRequest, Reservation, StockLevel
from shouhou.parts.permissions import PartsPermission as P
from shouhou.parts.posting import PostActionView, VersionForm
from shouhou.parts.workflow import (
    OLD_PART_ACTIONS,
    REQUEST_ACTIONS,
    old_part_actions_for,
    request_actions_for,
)
from shouhou.tickets import services as ticket_services
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.selectors import work_order_for_user, work_orders_visible_to

DETAIL_ROWS = 200
RECENT_MOVEMENTS = 30


def _catalogue(*, user: Any) -> QuerySet[Any]:
    return selectors.parts_catalogue()


class PartsListView(ScopedListView):
    """A list page of the parts app: the app's tabs above the table."""

    template_name = "parts/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tab"] = self.tab
        return context

    tab = ""


# --- stock ------------------------------------------------------------------------------------


class StockLevelListView(PartsListView):
    permission_required = P.VIEW_STOCK
    title = _("Stock")
    tab = "stock"
    selector = staticmethod(selectors.stock_levels_visible_to)
    filterset_class = StockLevelFilter
    columns = [
        Column(_("warehouse"), "warehouse", sort="warehouse"),
        Column(_("part code"), "part.code", sort="part"),
        Column(_("name"), "part.name"),
        Column(_("on hand"), "on_hand", sort="on_hand"),
        Column(_("reserved"), "reserved"),
        Column(_("available"), "available"),
        Column(_("reorder point"), "reorder_point"),
        Column(_("at or below the reorder point"), "is_below_reorder_point"),
    ]
    sort_options = {
        "warehouse": SortOption(_("warehouse"), ("warehouse__code", "part__code")),
        "part": SortOption(_("part code"), ("part__code", "warehouse__code")),
        "on_hand": SortOption(_("on hand"), ("on_hand", "id")),
    }
    default_sort = "warehouse"
    export_name = "stock"
    actions = [
        (_("Receive stock"), "parts:receive", P.MANAGE_STOCK),
        (_("Transfer"), "parts:transfer", P.MANAGE_STOCK),
        (_("Write off"), "parts:write-off", P.MANAGE_STOCK),
    ]


class MovementListView(PartsListView):
    permission_required = P.VIEW_MOVEMENTS
    title = _("Stock ledger")
    tab = "movements"
    selector = staticmethod(selectors.movements_visible_to)
    filterset_class = MovementFilter
    columns = [
        Column(_("at"), "at", sort="newest"),
        Column(_("warehouse"), "warehouse"),
        Column(_("kind"), "kind"),
        Column(_("part code"), "part.code"),
        Column(_("name"), "part.name"),
        Column(_("quantity"), "quantity"),
        Column(_("balance"), "balance_after"),
        Column(_("unit cost (yuan)"), "unit_cost"),
        Column(_("work order"), "work_order"),
        Column(_("other warehouse"), "counterpart"),
        Column(_("reference"), "reference"),
        Column(_("note"), "note"),
        Column(_("recorded by"), "by"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "oldest": SortOption(_("oldest first"), ("id",)),
    }
    default_sort = "newest"
    export_name = "stock-ledger"


class StockMovementFormView(ServiceFormView):
    """Receipt, transfer and write-off: a full page each, back to the warehouse."""

    permission_required = P.MANAGE_STOCK

    initial_ids_from_query = ("warehouse", "part")


class ReceiveView(StockMovementFormView):
    form_class = ReceiveForm
    title = _("Receive stock")
    success_message = _("The stock was received.")

    def perform(self, form: ReceiveForm) -> Model:
        data = form.cleaned_data
        services.receive_stock(
            warehouse=data["warehouse"],
            part=data["part"],
            quantity=data["quantity"],
            by=acting_user(self.request),
            unit_cost=data["unit_cost"],
            reference=data["reference"],
            note=data["note"],
        )
        return data["warehouse"]


class TransferView(StockMovementFormView):
    form_class = TransferForm
    title = _("Transfer stock")
    success_message = _("The stock was transferred.")

    def perform(self, form: TransferForm) -> Model:
        data = form.cleaned_data
        services.transfer_stock(
            source=data["warehouse"],
            destination=data["destination"],
            part=data["part"],
            quantity=data["quantity"],
            by=acting_user(self.request),
            note=data["note"],
        )
        return data["warehouse"]


class WriteOffView(StockMovementFormView):
    form_class = WriteOffForm
    title = _("Write off stock")
    success_message = _("The stock was written off.")

    def perform(self, form: WriteOffForm) -> Model:
        data = form.cleaned_data
        services.write_off_stock(
            warehouse=data["warehouse"],
            part=data["part"],
            quantity=data["quantity"],
            by=acting_user(self.request),
            reason=data["reason"],
        )
        return data["warehouse"]


class ReorderPointView(PostActionView):
    permission_required = P.MANAGE_STOCK
    form_class = ReorderPointForm
    success_message = _("The reorder point was set.")

    def make_form(self, data: Any, *, user: User, target: Any) -> Any:
        return ReorderPointForm(data)

    def get_target(self) -> StockLevel:
        return selectors.stock_level_for_user(
            user=self.request.user, stock_level_id=self.kwargs["pk"]
        )

    def default_url(self, target: StockLevel) -> str:
        return target.warehouse.get_absolute_url()

    def perform(self, form: ReorderPointForm, *, target: StockLevel, by: User) -> Any:
        return services.set_reorder_point(
            stock_level=target,
            by=by,
            expected_version=form.cleaned_data["version"],
            reorder_point=form.cleaned_data["reorder_point"],
        )


# --- catalogue --------------------------------------------------------------------------------


class PartListView(PartsListView):
    permission_required = P.VIEW_PART
    title = _("Parts catalogue")
    tab = "catalogue"
    selector = staticmethod(_catalogue)
    filterset_class = PartFilter
    columns = [
        Column(_("part code"), "code", sort="code", link=True),
        Column(_("name"), "name", sort="name"),
        Column(_("specification"), "specification"),
        Column(_("unit cost (yuan)"), "unit_cost"),
        Column(_("sale price (yuan)"), "sale_price", sort="price"),
        Column(_("covered by warranty"), "is_warranty_covered"),
        Column(_("supplier"), "supplier"),
        Column(_("active"), "is_active"),
    ]
    sort_options = {
        "code": SortOption(_("part code"), ("code",)),
        "name": SortOption(_("name"), ("name", "id")),
        "price": SortOption(_("sale price (yuan)"), ("-sale_price", "code")),
    }
    default_sort = "code"
    create_url_name = "parts:part-create"
    create_permission = P.ADD_PART
    export_name = "parts"


class PartDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_PART
    template_name = "parts/part_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        part = selectors.part_for_user(user=user, part_id=kwargs["pk"])
        context.update(
            part=part,
            tab="catalogue",
            stock=selectors.stock_of_part(user=user, part=part)
            if user.has_perm(P.VIEW_STOCK)
            else [],
            audit_entries=audit_trail(user=user, instance=part),
        )
        return context


class PartCreateView(ServiceFormView):
    permission_required = P.ADD_PART
    form_class = PartForm
    title = _("New part")

    def perform(self, form: PartForm) -> Model:
        return services.create_part(
            by=acting_user(self.request),
            compatible_models=form.cleaned_data["compatible_models"],
            **form.model_values(),
        )


class PartUpdateView(ServiceFormView):
    permission_required = P.CHANGE_PART
    form_class = PartForm
    title = _("Edit part")

    def get_object(self) -> Model:
        return selectors.part_for_user(user=self.request.user, part_id=self.kwargs["pk"])

    def perform(self, form: PartForm) -> Model:
        return services.update_part(
            part=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            compatible_models=form.cleaned_data["compatible_models"],
            **form.changes(),
        )


# --- warehouses -------------------------------------------------------------------------------


class WarehouseListView(PartsListView):
    permission_required = P.VIEW_WAREHOUSE
    title = _("Warehouses")
    tab = "warehouses"
    selector = staticmethod(selectors.warehouses_visible_to)
    filterset_class = WarehouseFilter
    columns = [
        Column(_("code"), "code", sort="code", link=True),
        Column(_("name"), "name", sort="name"),
        Column(_("kind"), "kind"),
        Column(_("organisation"), "organisation"),
        Column(_("technician"), "technician"),
        Column(_("keeper"), "keeper"),
        Column(_("active"), "is_active"),
    ]
    sort_options = {
        "code": SortOption(_("code"), ("code",)),
        "name": SortOption(_("name"), ("name", "id")),
    }
    default_sort = "code"
    create_url_name = "parts:warehouse-create"
    create_permission = P.ADD_WAREHOUSE
    export_name = "warehouses"


class WarehouseDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_WAREHOUSE
    template_name = "parts/warehouse_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        warehouse = selectors.warehouse_for_user(user=user, warehouse_id=kwargs["pk"])
        levels = list(
            selectors.stock_levels_visible_to(user=user)
            .filter(warehouse=warehouse)
            .order_by("part__code")[: DETAIL_ROWS + 1]
        )
        movements = list(
            selectors.movements_visible_to(user=user)
            .filter(warehouse=warehouse)
            .order_by("-id")[:RECENT_MOVEMENTS]
        )
        context.update(
            warehouse=warehouse,
            tab="warehouses",
            levels=levels[:DETAIL_ROWS],
            more_levels=len(levels) > DETAIL_ROWS,
            movements=movements,
            can_manage=user.has_perm(P.MANAGE_STOCK),
            audit_entries=audit_trail(user=user, instance=warehouse),
        )
        return context


class WarehouseCreateView(ServiceFormView):
    permission_required = P.ADD_WAREHOUSE
    form_class = WarehouseForm
    title = _("New warehouse")

    def perform(self, form: WarehouseForm) -> Model:
        return services.create_warehouse(by=acting_user(self.request), **form.model_values())


class WarehouseUpdateView(ServiceFormView):
    permission_required = P.CHANGE_WAREHOUSE
    form_class = WarehouseForm
    title = _("Edit warehouse")

    def get_object(self) -> Model:
        return selectors.warehouse_for_user(user=self.request.user, warehouse_id=self.kwargs["pk"])

    def perform(self, form: WarehouseForm) -> Model:
        return services.update_warehouse(
            warehouse=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


# --- parts requests ---------------------------------------------------------------------------


class PartsRequestListView(PartsListView):
    permission_required = P.VIEW_REQUESTS
    title = _("Parts requests")
    tab = "requests"
    selector = staticmethod(selectors.parts_requests_visible_to)
    filterset_class = PartsRequestFilter
    columns = [
        Column(_("request number"), "number", sort="newest", link=True),
        Column(_("status"), "status"),
        Column(_("requested by"), "requested_by"),
        Column(_("from warehouse"), "source"),
        Column(_("to warehouse"), "destination"),
        Column(_("work order"), "work_order"),
        Column(_("created at"), "created_at"),
        Column(_("shipment correct"), "is_shipment_correct"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "oldest": SortOption(_("oldest first"), ("id",)),
    }
    default_sort = "newest"
    create_url_name = "parts:request-create"
    create_permission = P.REQUEST
    export_name = "parts-requests"


class PartsRequestCreateView(ServiceFormView):
    permission_required = P.REQUEST
    form_class = PartsRequestForm
    template_name = "parts/request_form.html"
    title = _("Request parts")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        initial["work_order_number"] = self.request.GET.get("work_order", "")[:30]
        return initial

    def perform(self, form: PartsRequestForm) -> Model:
        data = form.cleaned_data
        work_order = None
        if data["work_order_number"].strip():
            work_order = (
                work_orders_visible_to(user=self.request.user)
                .filter(number=data["work_order_number"].strip().upper())
                .first()
            )
            if work_order is None:
                raise PartsError(_("No such work order among yours."), field="work_order_number")
        return services.submit_parts_request(
            by=acting_user(self.request),
            source=data["source"],
            destination=data["destination"],
            work_order=work_order,
            lines=data["lines"],
            note=data["note"],
        )


class PartsRequestDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_REQUESTS
    template_name = "parts/request_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        request = selectors.parts_request_for_user(user=user, request_id=kwargs["pk"])
        context.update(
            parts_request=request,
            tab="requests",
            lines=list(request.lines.select_related("part")),
            actions=request_actions_for(request, user),
            form=RequestActionForm(initial={"version": request.version}),
            audit_entries=audit_trail(user=user, instance=request),
        )
        return context


class PartsRequestActionView(PostActionView):
    permission_required = P.VIEW_REQUESTS
    form_class = RequestActionForm

    def make_form(self, data: Any, *, user: User, target: Any) -> Any:
        return RequestActionForm(data)

    def get_target(self) -> PartsRequest:
        if self.kwargs["action"] not in REQUEST_ACTIONS:
            raise Http404
        self.success_message = _("Done: %(action)s.") % {
            "action": REQUEST_ACTIONS[self.kwargs["action"]].label
        }
        return selectors.parts_request_for_user(
            user=self.request.user, request_id=self.kwargs["pk"]
        )

    def perform(self, form: RequestActionForm, *, target: PartsRequest, by: User) -> Any:
        data = form.cleaned_data
        action = self.kwargs["action"]
        common = {"request": target, "by": by, "expected_version": data["version"]}
        if action in ("approve", "back_order"):
            return services.approve_parts_request(
                **common, back_order=action == "back_order" or data["back_order"], note=data["note"]
            )
        if action == "reject":
            return services.reject_parts_request(**common, note=data["note"])
        if action == "ship":
            return services.ship_parts_request(**common)
        if action == "receive":
            correct = data["is_correct"]
            return services.confirm_parts_received(
                **common,
                is_correct=True if correct in (None, "") else bool(correct),
                note=data["note"],
            )
        return services.cancel_parts_request(**common, note=data["note"])


# --- old parts --------------------------------------------------------------------------------


class OldPartListView(PartsListView):
    permission_required = P.VIEW_OLD_PARTS
    title = _("Old parts")
    tab = "old-parts"
    selector = staticmethod(selectors.old_parts_visible_to)
    filterset_class = OldPartFilter
    columns = [
        Column(_("part"), "description", link=True),
        Column(_("quantity"), "quantity"),
        Column(_("work order"), "work_order"),
        Column(_("status"), "status"),
        Column(_("to be"), "intended"),
        Column(_("warehouse"), "warehouse"),
        Column(_("reference"), "reference"),
        Column(_("handled at"), "handled_at"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "oldest": SortOption(_("oldest first"), ("id",)),
    }
    default_sort = "newest"
    export_name = "old-parts"


class OldPartDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_OLD_PARTS
    template_name = "parts/old_part_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        old_part = selectors.old_part_for_user(user=user, old_part_id=kwargs["pk"])
        actions = old_part_actions_for(old_part, user)
        context.update(
            old_part=old_part,
            tab="old-parts",
            actions=[
                (action, OldPartActionForm(user=user, initial={"version": old_part.version}))
                for action in actions
            ],
            audit_entries=audit_trail(user=user, instance=old_part),
        )
        return context


class OldPartActionView(PostActionView):
    permission_required = P.VIEW_OLD_PARTS
    form_class = OldPartActionForm

    def make_form(self, data: Any, *, user: User, target: Any) -> Any:
        return OldPartActionForm(data, user=user)

    def get_target(self) -> OldPart:
        if self.kwargs["action"] not in OLD_PART_ACTIONS:
            raise Http404
        self.success_message = _("Done: %(action)s.") % {
            "action": OLD_PART_ACTIONS[self.kwargs["action"]].label
        }
        return selectors.old_part_for_user(user=self.request.user, old_part_id=self.kwargs["pk"])

    def default_url(self, target: OldPart) -> str:
        return reverse("parts:old-part-detail", args=[target.pk])

    def perform(self, form: OldPartActionForm, *, target: OldPart, by: User) -> Any:
        data = form.cleaned_data
        return services.handle_old_part(
            old_part=target,
            action=self.kwargs["action"],
            by=by,
            expected_version=data["version"],
            warehouse=data["warehouse"],
            reference=data["reference"],
            note=data["note"],
        )


# --- the work order's parts -------------------------------------------------------------------


class WorkOrderPartsView(PostActionView):
    """Parts actions posted from the work order's page."""

    def get_target(self) -> WorkOrder:
        return work_order_for_user(user=self.request.user, work_order_id=self.kwargs["pk"])

    def default_url(self, target: WorkOrder) -> str:
        return f"{target.get_absolute_url()}#money"


class IssuePartView(WorkOrderPartsView):
    """Fit a catalogue part: the work order's part line, issued from stock."""

    form_class = IssuePartForm
    success_message = _("The part was issued and recorded on the work order.")

    def has_permission(self) -> bool:
        user = self.request.user
        return user.has_perm("tickets.dispatch_workorder") or user.has_perm(
            "tickets.work_workorder"
        )

    def perform(self, form: IssuePartForm, *, target: WorkOrder, by: User) -> Any:
        data = form.cleaned_data
        return ticket_services.add_part_line(
            work_order=target,
            by=by,
            expected_version=data["version"],
            part=data["part"],
            quantity=data["quantity"],
            warehouse=data["warehouse"],
            disposition=data["disposition"],
        )


class ReservePartView(WorkOrderPartsView):
    permission_required = P.RESERVE
    form_class = ReservePartForm
    success_message = _("The part is held for the work order.")

    def perform(self, form: ReservePartForm, *, target: WorkOrder, by: User) -> Any:
        data = form.cleaned_data
        return services.reserve_for_work_order(
            work_order=target,
            warehouse=data["warehouse"],
            part=data["part"],
            quantity=data["quantity"],
            by=by,
        )


class ReturnPartView(WorkOrderPartsView):
    form_class = ReturnPartForm
    success_message = _("The unused part was put back into stock.")

    def has_permission(self) -> bool:
        user = self.request.user
        return user.has_perm(P.MANAGE_STOCK) or user.has_perm("tickets.work_workorder")

    def perform(self, form: ReturnPartForm, *, target: WorkOrder, by: User) -> Any:
        data = form.cleaned_data
        warehouse = data["warehouse"] or services.van_of(target.technician) or services.van_of(by)
        if warehouse is None:
            raise PartsError(_("Choose the warehouse it goes back to."), field="warehouse")
        return services.return_from_work_order(
            work_order=target,
            part=data["part"],
            warehouse=warehouse,
            quantity=data["quantity"],
            by=by,
            note=data["note"],
        )


class ReleaseReservationView(PostActionView):
    permission_required = P.RESERVE
    form_class = VersionForm
    success_message = _("The held stock was released.")

    def make_form(self, data: Any, *, user: User, target: Any) -> Any:
        return VersionForm(data)

    def get_target(self) -> Reservation:
        reservation = (
            Reservation.objects.select_related("work_order", "stock_level__warehouse")
            .filter(pk=self.kwargs["pk"], work_order__isnull=False)
            .first()
        )
        if reservation is None or reservation.work_order is None:
            raise Http404
        # Visible only through its work order.
        work_order_for_user(user=self.request.user, work_order_id=reservation.work_order.pk)
        return reservation

    def default_url(self, target: Reservation) -> str:
        assert target.work_order is not None  # noqa: S101 - get_target checked
        return f"{target.work_order.get_absolute_url()}#money"

    def perform(self, form: Any, *, target: Reservation, by: User) -> Any:
        return services.release_reservation(reservation=target, by=by)


# --- reports ----------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, datetime.date, datetime.date]:
    today = timezone.localdate()
    default_start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    form = PeriodForm(request.GET or {"start": default_start, "end": today})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default_start, today


class PartsUsageReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Parts used in and out of warranty by region and month, counted and costed (003 篇4)."""

    permission_required = P.VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        form, start, end = _period(request)
        report = selectors.parts_usage_report(user=request.user, start=start, end=end)
        if request.GET.get("export") == "xlsx":
            return exports.usage_workbook(report, start=start, end=end)
        return render(
            request,
            "parts/usage_report.html",
            {"form": form, "report": report, "start": start, "end": end, "tab": "reports"},
        )


class ShippingAccuracyReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = P.VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        form, start, end = _period(request)
        report = selectors.shipping_accuracy_report(user=request.user, start=start, end=end)
        return render(
            request,
            "parts/accuracy_report.html",
            {"form": form, "report": report, "start": start, "end": end, "tab": "reports"},
        )
