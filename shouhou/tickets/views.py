"""Work-order pages: intake with screen-pop, the list with saved views, the work order's page
with its actions, lines, attachments and timeline, and the goods in/out register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.assets.selectors import equipment_coverage
from shouhou.core.auth import acting_user
from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.forms import add_service_error
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.models import User
from shouhou.core.views import ServiceFormView
from shouhou.sla.selectors import clocks_of, with_next_due
from shouhou.tickets import page_selectors, selectors, services
from shouhou.tickets.columns import DueColumn, LinkedColumn
from shouhou.tickets.filters import GoodsMovementFilter, WorkOrderFilter
from shouhou.tickets.forms import (
    AttachmentForm,
    CategoryForm,
    DispatchForm,
    EscalateForm,
    InspectionFailedForm,
    IntakeForm,
    LabourForm,
    ModeForm,
    NoteForm,
    PartForm,
    ReasonForm,
    ReceiveFromFactoryForm,
    ResolveForm,
    TakeInForm,
    WorkOrderForm,
    WorkOrderUpdateForm,
)
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from shouhou.tickets.permissions import TicketPermission
from shouhou.tickets.workflow import ACTIONS, MODE_CHANGES, READ_ONLY, Action, may_record_work

P = TicketPermission

# --- intake -----------------------------------------------------------------------------------


class IntakeView(ServiceFormView):
    """Register a repair call (叫修登记) in under a minute: find the caller, fill, save."""

    permission_required = P.REGISTER
    form_class = IntakeForm
    template_name = "tickets/intake.html"
    title = _("Register a repair call")

    initial_ids_from_query = ("customer", "equipment", "site")

    def perform(self, form: IntakeForm) -> Model:
        work_order = services.register_work_order(
            by=acting_user(self.request), **form.registration_values()
        )
        self.success_message = gettext(
            "Work order %(number)s registered: %(category)s. %(warranty)s"
        ) % {
            "number": work_order.number,
            "category": work_order.get_service_category_display(),
            "warranty": work_order.warranty_note,
        }
        return work_order


class CallerLookupView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The screen-pop fragment: customers and units matching a phone number or a serial."""

    permission_required = P.REGISTER

    def get(self, request: HttpRequest) -> HttpResponse:
        term = request.GET.get("q", "")[:50]
        found = page_selectors.screen_pop(user=acting_user(request), term=term)
        return render(request, "tickets/caller_lookup.html", {"found": found})


# --- the list ---------------------------------------------------------------------------------

UNFOLDED_PARAMETERS = frozenset({"q", "view", "sort", "page"})


def _list_extras(request: HttpRequest, table_class: str) -> dict[str, Any]:
    """What the work-order app's list template needs beyond the base list view's context."""
    return {
        "table_class": table_class,
        "filters_active": any(
            value for key, value in request.GET.items() if key not in UNFOLDED_PARAMETERS
        ),
    }


class WorkOrderListView(ScopedListView):
    permission_required = P.VIEW
    template_name = "tickets/list.html"
    title = _("Work orders")
    selector = staticmethod(selectors.work_orders_visible_to)
    filterset_class = WorkOrderFilter
    columns = [
        Column(_("work order number"), "number", sort="number", link=True),
        Column(_("call time"), "reported_at", sort="newest"),
        Column(_("status"), "status"),
        DueColumn(_("due"), "next_due_at"),
        Column(_("customer"), "customer"),
        Column(_("contact phone"), "contact_phone"),
        Column(_("serial number"), "reported_serial"),
        Column(_("service category"), "service_category"),
        Column(_("resolution mode"), "resolution_mode"),
        Column(_("technician"), "technician"),
        Column(_("region"), "site.region"),
        Column(_("repair time told to the caller"), "promised_at"),
    ]
    # The CSV carries more than the screen has room for.
    export_columns = [
        *columns,
        Column(_("priority"), "priority"),
        Column(_("channel"), "channel"),
        Column(_("handled by"), "handling_organisation"),
        Column(_("in warranty"), "is_in_warranty"),
        Column(_("fault symptom"), "symptom"),
    ]
    # The empty key is the default order: carried-over calls first (001 第十二条); get_queryset
    # applies it, and the base view leaves it alone when no other sort is asked for.
    sort_options = {
        "": SortOption(_("carried over first"), ()),
        "newest": SortOption(_("newest first"), ("-reported_at", "-id")),
        "oldest": SortOption(_("oldest first"), ("reported_at", "id")),
        "number": SortOption(_("work order number"), ("number",)),
    }
    default_sort = ""
    create_url_name = "tickets:intake"
    create_permission = P.REGISTER
    export_name = "work-orders"
    actions = [(_("Goods register"), "tickets:goods-register", P.VIEW)]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.carried_over_first(
            with_next_due(
                selectors.work_orders_visible_to(user=self.request.user).select_related(
                    "site__region"
                )
            )
        )

    def export(self, queryset: QuerySet[Any]) -> StreamingHttpResponse:
        self.columns = self.export_columns
        return super().export(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            saved_views=page_selectors.SAVED_VIEWS,
            current_view=self.request.GET.get("view", ""),
            **_list_extras(self.request, "work-orders"),
        )
        return context


class GoodsRegisterView(ScopedListView):
    """The goods in/out register (客户商品进出登记簿)."""

    permission_required = P.VIEW
    template_name = "tickets/list.html"
    title = _("Goods in/out register")
    selector = staticmethod(selectors.goods_register)
    filterset_class = GoodsMovementFilter
    columns = [
        Column(_("at"), "at", sort="newest"),
        Column(_("direction"), "direction"),
        Column(_("receipt number"), "receipt.number"),
        LinkedColumn(_("work order"), "receipt.work_order.number", target="receipt.work_order"),
        Column(_("customer"), "receipt.work_order.customer"),
        Column(_("goods"), "receipt.items"),
        Column(_("note"), "note"),
        Column(_("recorded by"), "by"),
        Column(_("receipt voided"), "receipt.is_void"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-at", "-id")),
        "oldest": SortOption(_("oldest first"), ("at", "id")),
    }
    default_sort = "newest"
    export_name = "goods-register"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(_list_extras(self.request, "goods-register"))
        return context


# --- the work order's page --------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    """How the page performs one lifecycle action: its form and the service it calls."""

    form_class: type[WorkOrderForm]
    service: Callable[..., WorkOrder]
    arguments: dict[str, Any] = field(default_factory=dict)


ACTION_PAGES: dict[str, ActionPage] = {
    "dispatch": ActionPage(DispatchForm, services.dispatch_work_order),
    "assign": ActionPage(DispatchForm, services.dispatch_work_order),
    "accept": ActionPage(WorkOrderForm, services.accept_work_order),
    "depart": ActionPage(WorkOrderForm, services.depart_work_order),
    "arrive": ActionPage(WorkOrderForm, services.arrive_work_order),
    "resolve_by_phone": ActionPage(ResolveForm, services.resolve_work_order),
    "resolve_on_site": ActionPage(ResolveForm, services.resolve_work_order),
    "take_in": ActionPage(TakeInForm, services.take_in_goods),
    "start_repair": ActionPage(WorkOrderForm, services.start_repair),
    "request_inspection": ActionPage(WorkOrderForm, services.request_inspection),
    "pass_inspection": ActionPage(NoteForm, services.inspect_repair, {"passed": True}),
    "fail_inspection": ActionPage(InspectionFailedForm, services.inspect_repair, {"passed": False}),
    "send_to_factory": ActionPage(NoteForm, services.send_to_factory),
    "receive_from_factory": ActionPage(ReceiveFromFactoryForm, services.receive_from_factory),
    "return_goods": ActionPage(NoteForm, services.return_goods),
    "wait_for_parts": ActionPage(ReasonForm, services.put_on_hold, {"waiting_for": "parts"}),
    "wait_for_customer": ActionPage(ReasonForm, services.put_on_hold, {"waiting_for": "customer"}),
    "resume": ActionPage(WorkOrderForm, services.resume_work_order),
    "close": ActionPage(WorkOrderForm, services.close_work_order),
    "close_without_signature": ActionPage(WorkOrderForm, services.close_work_order),
    "cancel": ActionPage(ReasonForm, services.cancel_work_order),
}


def _offers(user: User, work_order: WorkOrder) -> dict[str, bool]:
    """Which of the page's secondary forms the user is offered for the order as it is now."""
    editable = work_order.status not in READ_ONLY
    other_modes = MODE_CHANGES.get(WorkOrderStatus(work_order.status), frozenset()) - {
        work_order.resolution_mode
    }
    return {
        "details": editable and user.has_perm(P.EDIT),
        "category": editable and user.has_perm(P.DISPATCH),
        "mode": bool(other_modes) and user.has_perm(P.EDIT),
        "escalate": editable and work_order.is_open and user.has_perm(P.ESCALATE),
        "labour": editable
        and work_order.status != WorkOrderStatus.REGISTERED
        and may_record_work(work_order, user),
        "part": editable
        and work_order.status != WorkOrderStatus.REGISTERED
        and may_record_work(work_order, user),
        "attachment": editable and user.has_perm(P.EDIT),
    }


FORM_TITLES: dict[str, str | Promise] = {
    "details": _("Correct the details"),
    "category": _("Change the service category"),
    "mode": _("Change the resolution mode"),
    "escalate": _("Escalate to the service director"),
    "labour": _("Add labour"),
    "part": _("Add a part"),
    "attachment": _("Attach a file"),
}
FORM_CLASSES: dict[str, type[forms.BaseForm]] = {
    "details": WorkOrderUpdateForm,
    "category": CategoryForm,
    "mode": ModeForm,
    "escalate": EscalateForm,
    "labour": LabourForm,
    "part": PartForm,
    "attachment": AttachmentForm,
}


def _form(
    key: str, form_class: type[forms.BaseForm], *, user: User, work_order: WorkOrder, **kwargs: Any
) -> forms.BaseForm:
    """A form of the page; ids carry the form's key, as one page holds many forms."""
    if issubclass(form_class, WorkOrderUpdateForm):
        kwargs["instance"] = work_order
    return form_class(user=user, work_order=work_order, auto_id=f"id_{key}_%s", **kwargs)  # type: ignore[call-arg]


@dataclass
class Rejected:
    """A form the user posted that was refused, shown again as typed with its errors."""

    key: str
    form: forms.BaseForm

    @property
    def title(self) -> str | Promise:
        return ACTIONS[self.key].label if self.key in ACTIONS else FORM_TITLES[self.key]


def _action_item(action: Action, form: forms.BaseForm | None) -> dict[str, Any]:
    """An action button; one that needs input (a technician, a reason) opens a small form."""
    return {
        "action": action,
        "form": form,
        "needs_input": form is not None and bool(form.visible_fields()),
    }


def work_order_page(
    request: HttpRequest, work_order: WorkOrder, *, rejected: Rejected | None = None
) -> dict[str, Any]:
    """Everything the work order's page shows, for the user, with a refused form kept."""
    user = acting_user(request)
    actions = selectors.available_actions(work_order=work_order, user=user)
    offers = _offers(user, work_order)
    page_forms: dict[str, forms.BaseForm] = {
        key: _form(key, FORM_CLASSES[key], user=user, work_order=work_order)
        for key, offered in offers.items()
        if offered
    }
    for action in actions:
        if action.name in ACTION_PAGES:
            page_forms[action.name] = _form(
                action.name, ACTION_PAGES[action.name].form_class, user=user, work_order=work_order
            )
    if rejected is not None and rejected.key in page_forms:
        page_forms[rejected.key] = rejected.form
    return {
        "work_order": work_order,
        "title": work_order.number,
        "coverage": equipment_coverage(equipment=work_order.equipment)
        if work_order.equipment is not None
        else None,
        "papers": page_selectors.work_order_papers(work_order=work_order),
        "sla_clocks": clocks_of(work_order_id=work_order.pk),
        "timeline": selectors.work_order_timeline(user=request.user, work_order=work_order),
        "actions": [_action_item(action, page_forms.get(action.name)) for action in actions],
        "forms": page_forms,
        "form_titles": FORM_TITLES,
        "rejected": rejected,
        "is_read_only": work_order.status in READ_ONLY,
    }


class WorkOrderDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW
    template_name = "tickets/work_order_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        work_order = selectors.work_order_for_user(
            user=self.request.user, work_order_id=kwargs["pk"]
        )
        context.update(work_order_page(self.request, work_order))
        return context


class WorkOrderPostView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One form posted from the work order's page, one service call. Refused input and stale
    versions come back on the page, as typed, with the service's message."""

    http_method_names = ["get", "post"]
    form_key = ""
    form_class: type[forms.BaseForm]
    success_message: str | Promise = _("Saved.")

    def get(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(self._detail_url(pk))

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        user = acting_user(request)
        work_order = selectors.work_order_for_user(user=user, work_order_id=pk)
        self.check_allowed(user, work_order)
        form = self.make_form(request.POST, request.FILES, user=user, work_order=work_order)
        if form.is_valid():
            try:
                self.perform(form, work_order=work_order, by=user)
            except ConflictError as error:
                return self.refused(request, pk, form, error, fresh_version=True)
            except (ShouhouError, ValidationError) as error:
                return self.refused(request, pk, form, error)
            messages.success(request, str(self.success_message))
            return HttpResponseRedirect(self._detail_url(pk))
        return self.refused(request, pk, form, None)

    def check_allowed(self, user: User, work_order: WorkOrder) -> None:
        """Permissions are checked by the mixin; subclasses may narrow them."""

    def make_form(
        self, data: Any, files: Any, *, user: User, work_order: WorkOrder
    ) -> forms.BaseForm:
        return _form(
            self.form_key, self.form_class, user=user, work_order=work_order, data=data, files=files
        )

    def perform(self, form: Any, *, work_order: WorkOrder, by: User) -> Any:
        raise NotImplementedError

    def refused(
        self,
        request: HttpRequest,
        pk: int,
        form: forms.BaseForm,
        error: ShouhouError | ValidationError | None,
        *,
        fresh_version: bool = False,
    ) -> HttpResponse:
        # Read the order again: the form may have changed the instance in memory, and after a
        # conflict the page must show what the other person saved.
        work_order = selectors.work_order_for_user(user=request.user, work_order_id=pk)
        if fresh_version and "version" in form.fields:
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(work_order.version)
            form = self.make_form(
                data, request.FILES, user=acting_user(request), work_order=work_order
            )
            form.is_valid()
        if error is not None:
            add_service_error(form, error)
        context = work_order_page(
            request, work_order, rejected=Rejected(key=self.form_key, form=form)
        )
        return render(request, "tickets/work_order_detail.html", context)

    @staticmethod
    def _detail_url(pk: int) -> str:
        return WorkOrder(pk=pk).get_absolute_url()


class WorkOrderActionView(WorkOrderPostView):
    """A lifecycle action (workflow.ACTIONS) posted with the version the page showed."""

    permission_required = P.VIEW

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        name = kwargs.get("action", "")
        if name not in ACTION_PAGES:
            raise Http404
        self.form_key = name
        self.page: ActionPage = ACTION_PAGES[name]
        self.form_class = self.page.form_class
        self.success_message = _("Done: %(action)s.") % {"action": ACTIONS[name].label}
        return super().dispatch(request, *args, **kwargs)

    def check_allowed(self, user: User, work_order: WorkOrder) -> None:
        # The service decides for this order and state; a user without the permission at all
        # is refused here. Technicians' actions may be recorded by whoever may dispatch.
        permission = ACTIONS[self.form_key].permission
        if not user.has_perm(permission) and not (
            permission == P.WORK and user.has_perm(P.DISPATCH)
        ):
            raise PermissionDenied

    def perform(self, form: WorkOrderForm, *, work_order: WorkOrder, by: User) -> Any:
        return self.page.service(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **self.page.arguments,
            **form.service_values(),
        )


class WorkOrderUpdateView(WorkOrderPostView):
    permission_required = P.EDIT
    form_key = "details"
    form_class = WorkOrderUpdateForm
    success_message = _("The work order was corrected.")

    def perform(self, form: WorkOrderUpdateForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.update_work_order(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


class CategoryChangeView(WorkOrderPostView):
    permission_required = P.DISPATCH
    form_key = "category"
    form_class = CategoryForm
    success_message = _("The service category was changed.")

    def perform(self, form: CategoryForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.change_service_category(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


class ModeChangeView(WorkOrderPostView):
    permission_required = P.EDIT
    form_key = "mode"
    form_class = ModeForm
    success_message = _("The resolution mode was changed.")

    def perform(self, form: ModeForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.change_resolution_mode(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


class EscalateView(WorkOrderPostView):
    permission_required = P.ESCALATE
    form_key = "escalate"
    form_class = EscalateForm
    success_message = _("The work order was escalated.")

    def perform(self, form: EscalateForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.escalate_work_order(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


class WorkRecordingView(WorkOrderPostView):
    """Labour and parts: for the assigned technician or whoever may dispatch."""

    def has_permission(self) -> bool:
        user = self.request.user
        return user.has_perm(P.DISPATCH) or user.has_perm(P.WORK)

    def check_allowed(self, user: User, work_order: WorkOrder) -> None:
        if not may_record_work(work_order, user):
            raise PermissionDenied


class LabourAddView(WorkRecordingView):
    form_key = "labour"
    form_class = LabourForm
    success_message = _("The labour line was added.")

    def perform(self, form: LabourForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.add_labour_line(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


class PartAddView(WorkRecordingView):
    form_key = "part"
    form_class = PartForm
    success_message = _("The part line was added.")

    def perform(self, form: PartForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.add_part_line(
            work_order=work_order,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


class AttachmentAddView(WorkOrderPostView):
    permission_required = P.EDIT
    form_key = "attachment"
    form_class = AttachmentForm
    success_message = _("The file was attached.")

    def perform(self, form: AttachmentForm, *, work_order: WorkOrder, by: User) -> Any:
        return services.add_attachment(
            work_order=work_order, by=by, upload=form.cleaned_data["file"]
        )


class AttachmentDownloadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An attachment, to those who see its work order (media files are not public)."""

    permission_required = P.VIEW

    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
        work_order = selectors.work_order_for_user(user=request.user, work_order_id=pk)
        attachment = page_selectors.attachment_of(
            work_order=work_order, attachment_id=attachment_pk
        )
        if attachment is None:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            filename=attachment.original_name,
        )
