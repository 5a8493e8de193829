"""Billing pages: the work order's money panel and its forms, quotes (and the customer's signed
link), discounts awaiting approval, payments and the technicians' cash handover, invoices and
their export for a tax system, fee schedules, receivables ageing, revenue and service cost."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.billing import exports, fragments, selectors, services
from shouhou.billing.filters import (
    AdjustmentFilter,
    FeeScheduleFilter,
    InvoiceFilter,
    PaymentFilter,
)
from shouhou.billing.forms import (
    AdjustmentDecisionForm,
    AdjustmentRequestForm,
    ChargeBasisForm,
    CustomerDecisionForm,
    FeeScheduleForm,
    HandoverForm,
    InvoiceIssueForm,
    InvoicePaymentForm,
    PaymentForm,
    PeriodForm,
    QuoteDecisionForm,
    QuotePartForm,
    QuotePrepareForm,
    QuoteUpdateForm,
    VersionForm,
    VoidForm,
)
from shouhou.billing.models import Adjustment, Invoice, Quote, QuoteStatus
from shouhou.billing.permissions import BillingPermission as B
from shouhou.billing.rules import schedule_of
from shouhou.billing.workflow import quote_actions_for
from shouhou.core.auth import acting_user
from shouhou.core.errors import ShouhouError
from shouhou.core.listing import Column, Page, ScopedListView, SortOption
from shouhou.core.models import User
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView
from shouhou.parts.posting import PostActionView, service_error_text
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.selectors import work_order_for_user

VIEW_WORK_ORDER = "tickets.view_workorder"


class BillingListView(ScopedListView):
    template_name = "billing/list.html"
    tab = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tab"] = self.tab
        return context


# --- the work order's money panel -------------------------------------------------------------


class WorkOrderMoneyView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The panel, as a fragment for the work order's page (htmx) or as a page of its own."""

    permission_required = VIEW_WORK_ORDER

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        work_order = work_order_for_user(user=user, work_order_id=pk)
        context = fragments.work_order_money(user=user, work_order=work_order)
        if getattr(request, "htmx", False):
            return render(request, "billing/_money_panel.html", context)
        return render(request, "billing/work_order_money.html", context)


class WorkOrderPostView(PostActionView):
    """A form of the money panel; back to the work order's page at the panel."""

    permission_required = VIEW_WORK_ORDER

    def get_target(self) -> WorkOrder:
        return work_order_for_user(user=self.request.user, work_order_id=self.kwargs["pk"])

    def default_url(self, target: Any) -> str:
        order = target if isinstance(target, WorkOrder) else target.work_order
        return f"{order.get_absolute_url()}#money"


class ChargeBasisView(WorkOrderPostView):
    permission_required = B.SET_BASIS
    form_class = ChargeBasisForm
    success_message = _("What is charged was updated.")

    def make_form(self, data: Any, *, user: User, target: WorkOrder) -> Any:
        schedule = schedule_of(target)
        job_types = list(schedule.jobs.values_list("code", "name")) if schedule else []
        return ChargeBasisForm(data, user=user, job_types=job_types)

    def perform(self, form: ChargeBasisForm, *, target: WorkOrder, by: User) -> Any:
        data = form.cleaned_data
        return services.set_charge_basis(
            work_order=target,
            by=by,
            expected_version=data["version"],
            job_type=data["job_type"],
            distance_km=data["distance_km"],
            is_call_out_charged=data["is_call_out_charged"],
        )


class QuotePrepareView(WorkOrderPostView):
    permission_required = B.PREPARE_QUOTE
    form_class = QuotePrepareForm
    success_message = _("The quote was started: add the parts, then send it.")

    def perform(self, form: QuotePrepareForm, *, target: WorkOrder, by: User) -> Any:
        self.quote = services.prepare_quote(work_order=target, by=by, **form.cleaned_data)
        return self.quote

    def back(self, request: HttpRequest, target: Any) -> HttpResponse:
        quote = getattr(self, "quote", None)
        if quote is not None:
            return HttpResponseRedirect(quote.get_absolute_url())
        return super().back(request, target)


class AdjustmentRequestView(WorkOrderPostView):
    permission_required = B.REQUEST_ADJUSTMENT
    form_class = AdjustmentRequestForm
    success_message = _("The discount was recorded.")

    def perform(self, form: AdjustmentRequestForm, *, target: WorkOrder, by: User) -> Any:
        adjustment = services.request_adjustment(work_order=target, by=by, **form.cleaned_data)
        if adjustment.status != "approved":
            self.success_message = _(
                "The discount is above what your role may grant: it waits for approval."
            )
        return adjustment


class PaymentCreateView(WorkOrderPostView):
    permission_required = B.RECORD_PAYMENT
    form_class = PaymentForm
    success_message = _("The payment was recorded.")

    def perform(self, form: PaymentForm, *, target: WorkOrder, by: User) -> Any:
        return services.record_payment(by=by, work_order=target, **form.cleaned_data)


class InvoiceIssueView(WorkOrderPostView):
    permission_required = B.ISSUE_INVOICE
    form_class = InvoiceIssueForm
    success_message = _("The invoice was issued.")

    def perform(self, form: InvoiceIssueForm, *, target: WorkOrder, by: User) -> Any:
        return services.issue_invoice(work_order=target, by=by, **form.cleaned_data)


# --- quotes -----------------------------------------------------------------------------------


class QuoteDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = B.VIEW_QUOTE
    template_name = "billing/quote_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        quote = selectors.quote_for_user(user=user, quote_id=kwargs["pk"])
        version = {"version": quote.version}
        is_draft = quote.status == QuoteStatus.DRAFT
        link = ""
        if quote.status == QuoteStatus.SENT:
            token = services.quote_token(quote)
            link = self.request.build_absolute_uri(reverse("billing:customer-quote", args=[token]))
        context.update(
            quote=quote,
            work_order=quote.work_order,
            actions=[action.name for action in quote_actions_for(quote, user)],
            part_form=QuotePartForm(user=user, initial=version) if is_draft else None,
            update_form=QuoteUpdateForm(
                user=user,
                initial={**version, "labour_minutes": quote.labour_minutes, "note": quote.note},
            )
            if is_draft
            else None,
            decision_form=QuoteDecisionForm(user=user, initial=version),
            version_form=VersionForm(user=user, initial=version),
            customer_link=link,
            audit_entries=audit_trail(user=user, instance=quote),
        )
        return context


class QuotePostView(PostActionView):
    permission_required = B.VIEW_QUOTE

    def get_target(self) -> Quote:
        return selectors.quote_for_user(user=self.request.user, quote_id=self.kwargs["pk"])


class QuotePartView(QuotePostView):
    permission_required = B.PREPARE_QUOTE
    form_class = QuotePartForm
    success_message = _("The estimate was updated.")

    def perform(self, form: QuotePartForm, *, target: Quote, by: User) -> Any:
        data = form.cleaned_data
        return services.plan_quote_part(
            quote=target,
            by=by,
            expected_version=data["version"],
            part=data["part"],
            quantity=data["quantity"],
        )


class QuoteUpdateView(QuotePostView):
    permission_required = B.PREPARE_QUOTE
    form_class = QuoteUpdateForm
    success_message = _("The estimate was updated.")

    def perform(self, form: QuoteUpdateForm, *, target: Quote, by: User) -> Any:
        data = form.cleaned_data
        return services.update_quote(
            quote=target,
            by=by,
            expected_version=data["version"],
            labour_minutes=data["labour_minutes"],
            note=data["note"],
        )


class QuoteSendView(QuotePostView):
    permission_required = B.PREPARE_QUOTE
    form_class = VersionForm
    success_message = _(
        "The quote is with the customer: give them the link or record their answer."
    )

    def perform(self, form: VersionForm, *, target: Quote, by: User) -> Any:
        return services.send_quote(
            quote=target, by=by, expected_version=form.cleaned_data["version"]
        )


class QuoteWithdrawView(QuotePostView):
    permission_required = B.PREPARE_QUOTE
    form_class = VersionForm
    success_message = _("The quote was withdrawn.")

    def perform(self, form: VersionForm, *, target: Quote, by: User) -> Any:
        return services.withdraw_quote(
            quote=target, by=by, expected_version=form.cleaned_data["version"]
        )


class QuoteDecisionView(QuotePostView):
    permission_required = B.DECIDE_QUOTE
    form_class = QuoteDecisionForm
    success_message = _("The customer's decision was recorded.")

    def perform(self, form: QuoteDecisionForm, *, target: Quote, by: User) -> Any:
        data = form.cleaned_data
        return services.decide_quote(
            quote=target,
            accepted=data["decision"] == "accept",
            by=by,
            expected_version=data["version"],
            customer_name=data["customer_name"],
            reason=data["reason"],
        )


class CustomerQuoteView(View):
    """The customer's signed link: the quote, and a yes or no (no login)."""

    def _quote(self, token: str) -> Quote:
        quote_id = services.quote_id_from_token(token)
        quote = (
            Quote.objects.select_related(
                "work_order", "work_order__customer", "work_order__handling_organisation"
            )
            .prefetch_related("lines")
            .filter(pk=quote_id)
            .first()
            if quote_id is not None
            else None
        )
        if quote is None or quote.status == QuoteStatus.DRAFT:
            raise Http404
        return quote

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        quote = self._quote(token)
        return self._page(request, quote, CustomerDecisionForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        quote = self._quote(token)
        form = CustomerDecisionForm(request.POST)
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            form.add_error(None, _("Accept or decline the quote."))
        if form.is_valid():
            try:
                services.decide_quote(
                    quote=quote,
                    accepted=decision == "accept",
                    by=None,
                    expected_version=quote.version,
                    customer_name=form.cleaned_data["customer_name"],
                    reason=form.cleaned_data["reason"],
                )
            except (ShouhouError, ValidationError) as error:
                form.add_error(None, service_error_text(error))
            else:
                return HttpResponseRedirect(request.path)
        return self._page(request, quote, form, status=400)

    def _page(
        self, request: HttpRequest, quote: Quote, form: CustomerDecisionForm, status: int = 200
    ) -> HttpResponse:
        expired = (
            quote.status == QuoteStatus.SENT
            and quote.valid_until is not None
            and quote.valid_until < timezone.localdate()
        )
        context = {"quote": quote, "form": form, "expired": expired, "title": quote.number}
        return render(request, "billing/customer_quote.html", context, status=status)


# --- discounts --------------------------------------------------------------------------------


class AdjustmentListView(BillingListView):
    permission_required = B.VIEW_ADJUSTMENT
    title = _("Discounts and waivers")
    tab = "adjustments"
    selector = staticmethod(selectors.adjustments_visible_to)
    filterset_class = AdjustmentFilter
    columns = [
        Column(_("work order"), "work_order", link=False),
        Column(_("customer"), "work_order.customer"),
        Column(_("kind"), "kind"),
        Column(_("amount (yuan)"), "amount"),
        Column(_("charges when requested (yuan)"), "base_amount"),
        Column(_("reason"), "reason"),
        Column(_("status"), "status"),
        Column(_("requested by"), "requested_by"),
        Column(_("decided by"), "decided_by"),
    ]
    sort_options = {"newest": SortOption(_("newest first"), ("-id",))}
    default_sort = "newest"
    export_name = "discounts"
    template_name = "billing/adjustment_list.html"


class AdjustmentPostView(PostActionView):
    permission_required = B.VIEW_ADJUSTMENT

    def get_target(self) -> Adjustment:
        return selectors.adjustment_for_user(
            user=self.request.user, adjustment_id=self.kwargs["pk"]
        )

    def default_url(self, target: Adjustment) -> str:
        return f"{target.work_order.get_absolute_url()}#money"


class AdjustmentDecideView(AdjustmentPostView):
    permission_required = B.APPROVE_ADJUSTMENT
    form_class = AdjustmentDecisionForm
    success_message = _("The decision was recorded.")

    def perform(self, form: AdjustmentDecisionForm, *, target: Adjustment, by: User) -> Any:
        data = form.cleaned_data
        return services.decide_adjustment(
            adjustment=target,
            by=by,
            expected_version=data["version"],
            approve=data["approve"],
            note=data["note"],
        )


class AdjustmentCancelView(AdjustmentPostView):
    permission_required = B.REQUEST_ADJUSTMENT
    form_class = VersionForm
    success_message = _("The request was cancelled.")

    def perform(self, form: VersionForm, *, target: Adjustment, by: User) -> Any:
        return services.cancel_adjustment(
            adjustment=target, by=by, expected_version=form.cleaned_data["version"]
        )


# --- payments and cash ------------------------------------------------------------------------


class PaymentListView(BillingListView):
    permission_required = B.VIEW_PAYMENT
    title = _("Payments")
    tab = "payments"
    selector = staticmethod(selectors.payments_visible_to)
    filterset_class = PaymentFilter
    columns = [
        Column(_("receipt number"), "number", sort="number"),
        Column(_("received at"), "received_at", sort="newest"),
        Column(_("customer"), "customer"),
        Column(_("work order"), "work_order"),
        Column(_("invoice"), "invoice"),
        Column(_("kind"), "kind"),
        Column(_("method"), "method"),
        Column(_("amount (yuan)"), "amount"),
        Column(_("collected on site by"), "collected_by"),
        Column(_("handed over"), "handover.at"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-received_at", "-id")),
        "number": SortOption(_("receipt number"), ("number",)),
    }
    default_sort = "newest"
    export_name = "payments"


class CashOnHandView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The reconciliation list: what each technician holds from on-site collection."""

    permission_required = B.VIEW_PAYMENT
    template_name = "billing/cash_on_hand.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            tab="cash",
            held=selectors.money_held_by_technicians(user=user),
            handovers=list(selectors.handovers_visible_to(user=user).order_by("-id")[:20]),
            can_receive=user.has_perm(B.RECEIVE_HANDOVER),
        )
        return context


class HandoverView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The accountant ticks what the technician hands over and confirms it."""

    permission_required = B.RECEIVE_HANDOVER

    def _setup(self, request: HttpRequest, technician_id: int) -> tuple[User, Any]:
        technician = User.objects.filter(pk=technician_id, collected_payments__isnull=False).first()
        if technician is None:
            raise Http404
        held = selectors.payments_visible_to(user=request.user).filter(
            collected_by=technician, handover__isnull=True
        )
        return technician, held.order_by("received_at", "id")

    def get(self, request: HttpRequest, technician_id: int) -> HttpResponse:
        technician, held = self._setup(request, technician_id)
        return self._page(request, technician, HandoverForm(held=held))

    def post(self, request: HttpRequest, technician_id: int) -> HttpResponse:
        technician, held = self._setup(request, technician_id)
        form = HandoverForm(request.POST, held=held)
        if form.is_valid():
            try:
                services.hand_over_cash(
                    technician=technician,
                    payments=list(form.cleaned_data["payments"]),
                    by=acting_user(request),
                    note=form.cleaned_data["note"],
                )
            except (ShouhouError, ValidationError) as error:
                form.add_error(None, service_error_text(error))
            else:
                messages.success(request, str(_("The handover was recorded.")))
                return HttpResponseRedirect(reverse("billing:cash"))
        return self._page(request, technician, form)

    def _page(self, request: HttpRequest, technician: User, form: HandoverForm) -> HttpResponse:
        return render(
            request,
            "billing/handover.html",
            {"technician": technician, "form": form, "tab": "cash", "title": _("Cash handover")},
        )


# --- invoices ---------------------------------------------------------------------------------


class InvoiceListView(BillingListView):
    permission_required = B.VIEW_INVOICE
    title = _("Invoices")
    tab = "invoices"
    selector = staticmethod(selectors.invoices_visible_to)
    filterset_class = InvoiceFilter
    columns = [
        Column(_("invoice number"), "number", sort="number", link=True),
        Column(_("issued at"), "issued_at", sort="newest"),
        Column(_("customer"), "customer"),
        Column(_("work order"), "work_order"),
        Column(_("total (yuan)"), "total_amount"),
        Column(_("tax (yuan)"), "tax_amount"),
        Column(_("paid (yuan)"), "paid_amount"),
        Column(_("due on"), "due_on", sort="due"),
        Column(_("status"), "status"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-issued_at", "-id")),
        "number": SortOption(_("invoice number"), ("number",)),
        "due": SortOption(_("due on"), ("due_on", "id")),
    }
    default_sort = "newest"
    export_name = "invoices"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        export = request.GET.get("export")
        if export in ("tax-xlsx", "tax-csv"):
            filterset = self.filterset_class(
                request.GET or None, queryset=self.get_queryset(), request=request
            )
            queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
            if export == "tax-csv":
                return exports.tax_export_csv(queryset)
            return exports.tax_export_xlsx(queryset)
        return super().get(request, *args, **kwargs)


class InvoiceDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = B.VIEW_INVOICE
    template_name = "billing/invoice_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        invoice = selectors.invoice_for_user(user=user, invoice_id=kwargs["pk"])
        payments = list(invoice.payments.select_related("collected_by").order_by("id"))
        context.update(
            invoice=invoice,
            tab="invoices",
            payments=payments,
            payment_form=InvoicePaymentForm(user=user, initial={"amount": invoice.balance_amount})
            if invoice.status == "issued" and user.has_perm(B.RECORD_PAYMENT)
            else None,
            void_form=VoidForm(user=user, initial={"version": invoice.version})
            if invoice.status == "issued" and user.has_perm(B.VOID_INVOICE)
            else None,
            audit_entries=audit_trail(user=user, instance=invoice),
        )
        return context


class InvoicePostView(PostActionView):
    permission_required = B.VIEW_INVOICE

    def get_target(self) -> Invoice:
        return selectors.invoice_for_user(user=self.request.user, invoice_id=self.kwargs["pk"])


class InvoicePaymentView(InvoicePostView):
    permission_required = B.RECORD_PAYMENT
    form_class = InvoicePaymentForm
    success_message = _("The payment was recorded.")

    def perform(self, form: InvoicePaymentForm, *, target: Invoice, by: User) -> Any:
        return services.record_payment(by=by, invoice=target, **form.cleaned_data)


class InvoiceVoidView(InvoicePostView):
    permission_required = B.VOID_INVOICE
    form_class = VoidForm
    success_message = _("The invoice was voided.")

    def perform(self, form: VoidForm, *, target: Invoice, by: User) -> Any:
        return services.void_invoice(
            invoice=target,
            by=by,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )


# --- fee schedules ----------------------------------------------------------------------------


class FeeScheduleListView(BillingListView):
    permission_required = B.VIEW_SCHEDULE
    title = _("Fee schedules")
    tab = "schedules"
    selector = staticmethod(selectors.fee_schedules_visible_to)
    filterset_class = FeeScheduleFilter
    columns = [
        Column(_("name"), "name", link=True),
        Column(_("organisation"), "organisation"),
        Column(_("effective from"), "effective_from", sort="newest"),
        Column(_("labour charged"), "labour_basis"),
        Column(_("hourly rate (yuan)"), "hourly_rate"),
        Column(_("distance fee per km (yuan)"), "distance_rate_per_km"),
    ]
    sort_options = {"newest": SortOption(_("newest first"), ("-effective_from", "-id"))}
    default_sort = "newest"
    create_url_name = "billing:schedule-create"
    create_permission = B.ADD_SCHEDULE
    export_name = "fee-schedules"


class FeeScheduleDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = B.VIEW_SCHEDULE
    template_name = "billing/schedule_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        schedule = selectors.fee_schedule_for_user(user=user, schedule_id=kwargs["pk"])
        context.update(
            schedule=schedule,
            tab="schedules",
            is_in_effect=schedule.effective_from <= timezone.localdate(),
            audit_entries=audit_trail(user=user, instance=schedule),
        )
        return context


class FeeScheduleCreateView(ServiceFormView):
    """A new fee schedule, or with ?copy=<id> a new version of one, starting from its rates."""

    permission_required = B.ADD_SCHEDULE
    form_class = FeeScheduleForm
    title = _("New fee schedule version")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        copy = self.request.GET.get("copy", "")
        if copy.isdigit() and self.request.method == "GET":
            source = selectors.fee_schedule_for_user(user=self.request.user, schedule_id=int(copy))
            kwargs["instance"] = source
            kwargs["initial"] = {
                **kwargs.get("initial", {}),
                "effective_from": timezone.localdate() + datetime.timedelta(days=1),
            }
        return kwargs

    def perform(self, form: FeeScheduleForm) -> Model:
        values = form.model_values()
        return services.create_fee_schedule(by=acting_user(self.request), **form.rates(), **values)


class FeeScheduleUpdateView(ServiceFormView):
    permission_required = B.CHANGE_SCHEDULE
    form_class = FeeScheduleForm
    title = _("Correct a fee schedule not yet in effect")

    def get_object(self) -> Model:
        return selectors.fee_schedule_for_user(
            user=self.request.user, schedule_id=self.kwargs["pk"]
        )

    def perform(self, form: FeeScheduleForm) -> Model:
        return services.update_fee_schedule(
            schedule=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.rates(),
            **form.changes(),
        )


# --- reports ----------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, datetime.date, datetime.date]:
    today = timezone.localdate()
    default_start = today.replace(month=1, day=1)
    form = PeriodForm(request.GET or {"start": default_start, "end": today})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default_start, today


class AgeingReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = B.VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        report = selectors.receivables_ageing(user=request.user)
        if request.GET.get("export") == "xlsx":
            return exports.ageing_workbook(report)
        return render(request, "billing/ageing_report.html", {"report": report, "tab": "reports"})


class RevenueReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = B.VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        form, start, end = _period(request)
        rows = selectors.revenue_report(user=request.user, start=start, end=end)
        if request.GET.get("export") == "xlsx":
            return exports.revenue_workbook(rows, start=start, end=end)
        return render(
            request,
            "billing/revenue_report.html",
            {"form": form, "rows": rows, "start": start, "end": end, "tab": "reports"},
        )


COST_PAGE_SIZE = 50


def _page_of(rows: list[Any], *, page: Any, size: int) -> Page:
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    return Page(
        rows=rows[offset : offset + size],
        number=number,
        size=size,
        has_next=len(rows) > offset + size,
    )


def _reversed_sort(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


class CostReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Service cost (服务成本) by region and month, then per work order, sorted and paged."""

    permission_required = B.VIEW_REPORTS

    def get(self, request: HttpRequest) -> HttpResponse:
        form, start, end = _period(request)
        report = selectors.service_cost_report(
            user=request.user, start=start, end=end, sort=request.GET.get("sort", "")
        )
        if request.GET.get("export") == "xlsx":
            return exports.cost_workbook(report)
        period = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        # a column header sorts by it (numbers up, costs down, margins up: the losses first);
        # a second click turns the order round
        sort_links = {
            column: _reversed_sort(first) if report.sort == first else first
            for column, first in (("number", "number"), ("cost", "-cost"), ("margin", "margin"))
        }
        return render(
            request,
            "billing/cost_report.html",
            {
                "form": form,
                "report": report,
                "page": _page_of(
                    report.work_orders, page=request.GET.get("page"), size=COST_PAGE_SIZE
                ),
                "period": period,
                "sort_links": sort_links,
                "tab": "reports",
            },
        )
