"""Complaint pages: registration, the list with saved views, the case's page with the actions of
its step, the decision and penalties, the revisit and the timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.complaints import selectors, services
from shouhou.complaints.filters import ComplaintFilter
from shouhou.complaints.forms import (
    AcceptForm,
    AssignForm,
    CaseForm,
    ClassifyForm,
    ComplaintRegisterForm,
    DecisionForm,
    FindingsForm,
    InformForm,
    NoteForm,
    RejectForm,
    RemedyForm,
    RequiredNoteForm,
    RevisitForm,
    SanctionForm,
    StaffForm,
    WithdrawForm,
)
from shouhou.complaints.models import ComplaintCase, ComplaintStatus
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.workflow import ACTIONS, INVESTIGATED, OWNER_LABELS, Action, step_owner
from shouhou.core.auth import acting_user
from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.forms import add_service_error
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.models import User
from shouhou.core.views import ServiceFormView
from shouhou.sla.selectors import DueBadge
from shouhou.tickets.columns import DueColumn

# --- registration -----------------------------------------------------------------------------


class ComplaintRegisterView(ServiceFormView):
    """Register a complaint from any channel; the number and deadlines come from the service."""

    permission_required = P.REGISTER
    form_class = ComplaintRegisterForm
    template_name = "complaints/register.html"
    title = _("Register a complaint")

    initial_ids_from_query = ("customer", "equipment", "work_order")

    def perform(self, form: ComplaintRegisterForm) -> Model:
        case = services.register_complaint(
            by=acting_user(self.request), **form.registration_values()
        )
        self.success_message = gettext(
            "Complaint %(number)s registered; to be closed by %(due)s."
        ) % {
            "number": case.number,
            "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
        }
        return case


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonColumn(Column):
    """Why an open case is overdue (003 (十四)), empty otherwise; the export says it in full."""

    full: bool = False

    def value(self, row: Any) -> Any:
        return selectors.overdue_reason(row) if self.full else selectors.overdue_label(row)


@dataclass(frozen=True)
class ClosureColumn(DueColumn):
    """An open case's closure deadline as a due badge; an ended one's whether it closed in time."""

    def badge(self, row: Any) -> Any:
        if row.is_open:
            return super().badge(row)
        if row.status == ComplaintStatus.CLOSED and row.closed_at is not None:
            on_time = row.closed_at <= row.due_at
            return DueBadge(
                css="ok" if on_time else "bad",
                text=gettext("closed on time") if on_time else gettext("closed late"),
            )
        return None


UNFOLDED_PARAMETERS = frozenset({"q", "view", "sort", "page"})


class ComplaintListView(ScopedListView):
    permission_required = P.VIEW
    template_name = "complaints/list.html"
    title = _("Complaints")
    selector = staticmethod(selectors.complaints_visible_to)
    filterset_class = ComplaintFilter
    columns = [
        Column(_("complaint number"), "number", sort="number", link=True),
        Column(_("registered at"), "registered_at", sort="newest"),
        Column(_("status"), "status"),
        DueColumn(_("step due"), "step_due_at"),
        ClosureColumn(_("closure due"), "due_at"),
        Column(_("severity"), "severity"),
        Column(_("complaint type"), "complaint_type"),
        Column(_("customer"), "customer"),
        Column(_("handler"), "handler"),
        ReasonColumn(_("overdue"), "number"),
    ]
    export_columns = [
        *columns[:-1],
        ReasonColumn(_("overdue"), "number", full=True),
        Column(_("round"), "round"),
        Column(_("channel"), "channel"),
        Column(_("market"), "market"),
        Column(_("contact phone"), "contact_phone"),
        Column(_("responsible department"), "responsible_department"),
        Column(_("remedy"), "remedy_kind"),
        Column(_("remedy amount (yuan)"), "remedy_amount"),
        Column(_("closed at"), "closed_at"),
        Column(_("complaint"), "description"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-registered_at", "-id")),
        "oldest": SortOption(_("oldest first"), ("registered_at", "id")),
        "step_due": SortOption(_("step due first"), ("step_due_at", "id")),
        "number": SortOption(_("complaint number"), ("number",)),
    }
    default_sort = "newest"
    create_url_name = "complaints:register"
    create_permission = P.REGISTER
    export_name = "complaints"
    actions = [
        (_("Reports"), "complaints:reports", P.VIEW_REPORTS),
        (_("Penalty ledger"), "complaints:ledger", P.VIEW_PENALTIES),
    ]

    def export(self, queryset: QuerySet[Any]) -> Any:
        self.columns = self.export_columns
        return super().export(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            saved_views=selectors.SAVED_VIEWS,
            current_view=self.request.GET.get("view", ""),
            filters_active=any(
                value for key, value in self.request.GET.items() if key not in UNFOLDED_PARAMETERS
            ),
        )
        return context


# --- the case's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    """How the page performs one step of the flow: its form and the service it calls."""

    form_class: type[CaseForm]
    service: Callable[..., Any]
    arguments: dict[str, Any] = field(default_factory=dict)


ACTION_PAGES: dict[str, ActionPage] = {
    "assign_handler": ActionPage(AssignForm, services.assign_handler),
    "reclassify": ActionPage(ClassifyForm, services.classify_complaint),
    "start_investigation": ActionPage(CaseForm, services.start_investigation),
    "record_findings": ActionPage(FindingsForm, services.record_findings),
    "propose_remedy": ActionPage(RemedyForm, services.propose_remedy),
    "return_for_investigation": ActionPage(RequiredNoteForm, services.return_for_investigation),
    "approve_remedy": ActionPage(NoteForm, services.approve_remedy),
    "inform_customer": ActionPage(InformForm, services.inform_customer),
    "customer_accepts": ActionPage(AcceptForm, services.record_customer_acceptance),
    "customer_rejects": ActionPage(RejectForm, services.record_customer_rejection),
    "withdraw_complaint": ActionPage(WithdrawForm, services.withdraw_complaint),
}
DANGER = frozenset({"withdraw_complaint", "customer_rejects", "return_for_investigation"})

FORM_TITLES: dict[str, str | Promise] = {
    "staff": _("Change the staff involved"),
    "decision": _("Decide responsibility"),
    "sanction": _("Impose a sanction"),
    "revisit": _("Record the revisit"),
}
FORM_CLASSES: dict[str, type[CaseForm]] = {
    "staff": StaffForm,
    "decision": DecisionForm,
    "sanction": SanctionForm,
    "revisit": RevisitForm,
}


def _offers(user: User, case: ComplaintCase, revisit: Any) -> dict[str, bool]:
    """Which of the page's secondary forms the user is offered for the case as it is now."""
    return {
        "staff": case.is_open and user.has_perm(P.HANDLE),
        "decision": case.status in INVESTIGATED and user.has_perm(P.DECIDE),
        "sanction": case.decided_at is not None and user.has_perm(P.DECIDE),
        "revisit": revisit is not None and revisit.done_at is None and user.has_perm(P.REVISIT),
    }


def _form(
    key: str, form_class: type[CaseForm], *, user: User, case: ComplaintCase, **kwargs: Any
) -> CaseForm:
    """A form of the page; ids carry the form's key, as one page holds many forms."""
    return form_class(user=user, case=case, auto_id=f"id_{key}_%s", **kwargs)


@dataclass
class Rejected:
    """A form the user posted that was refused, shown again as typed with its errors."""

    key: str
    form: forms.BaseForm

    @property
    def title(self) -> str | Promise:
        return ACTIONS[self.key].label if self.key in ACTIONS else FORM_TITLES[self.key]


def _action_item(action: Action, form: forms.BaseForm | None) -> dict[str, Any]:
    return {
        "action": action,
        "form": form,
        "needs_input": form is not None and bool(form.visible_fields()),
        "danger": action.name in DANGER,
    }


def case_page(
    request: HttpRequest, case: ComplaintCase, *, rejected: Rejected | None = None
) -> dict[str, Any]:
    """Everything the case's page shows, for the user, with a refused form kept."""
    user = acting_user(request)
    actions = selectors.available_actions(case=case, user=user)
    revisit = selectors.revisit_of(case=case)
    page_forms: dict[str, forms.BaseForm] = {
        key: _form(key, FORM_CLASSES[key], user=user, case=case)
        for key, offered in _offers(user, case, revisit).items()
        if offered
    }
    for action in actions:
        page_forms[action.name] = _form(
            action.name, ACTION_PAGES[action.name].form_class, user=user, case=case
        )
    if rejected is not None and rejected.key in page_forms:
        page_forms[rejected.key] = rejected.form
    owner = step_owner(case)
    ledger_url_allowed = user.has_perm(P.VIEW_PENALTIES)
    return {
        "case": case,
        "title": case.number,
        "actions": [_action_item(action, page_forms.get(action.name)) for action in actions],
        "forms": page_forms,
        "form_titles": FORM_TITLES,
        "rejected": rejected,
        "owner_label": OWNER_LABELS.get(owner) if owner else None,
        "owner_people": selectors.step_recipients(case=case) if owner else [],
        "overdue_reason": selectors.overdue_reason(case),
        "staff_involved": list(case.staff_involved.all()),
        "rounds": selectors.rounds_of(case=case),
        "shares": selectors.shares_of(case=case),
        "penalties": selectors.penalties_of(case=case),
        "chase_notices": selectors.chase_notices_of(case=case),
        "revisit": revisit,
        "timeline": selectors.complaint_timeline(user=request.user, case=case),
        "show_ledger_link": ledger_url_allowed,
    }


class ComplaintDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW
    template_name = "complaints/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case = selectors.complaint_for_user(user=self.request.user, case_id=kwargs["pk"])
        context.update(case_page(self.request, case))
        return context


class CasePostView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One form posted from the case's page, one service call. Refused input and stale versions
    come back on the page, as typed, with the service's message."""

    http_method_names = ["get", "post"]
    form_key = ""
    form_class: type[CaseForm]
    success_message: str | Promise = _("Saved.")

    def get(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(ComplaintCase(pk=pk).get_absolute_url())

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        user = acting_user(request)
        case = selectors.complaint_for_user(user=user, case_id=pk)
        self.check_allowed(user, case)
        form = _form(self.form_key, self.form_class, user=user, case=case, data=request.POST)
        if form.is_valid():
            try:
                result = self.perform(form, case=case, by=user)
            except ConflictError as error:
                return self.refused(request, pk, form, error, fresh_version=True)
            except (ShouhouError, ValidationError) as error:
                return self.refused(request, pk, form, error)
            messages.success(request, str(self.success_message))
            target = result if isinstance(result, ComplaintCase) else case
            return HttpResponseRedirect(target.get_absolute_url())
        return self.refused(request, pk, form, None)

    def check_allowed(self, user: User, case: ComplaintCase) -> None:
        """Permissions are checked by the mixin; subclasses may narrow them."""

    def perform(self, form: Any, *, case: ComplaintCase, by: User) -> Any:
        raise NotImplementedError

    def fresh_version(self, case: ComplaintCase) -> int:
        return case.version

    def refused(
        self,
        request: HttpRequest,
        pk: int,
        form: forms.BaseForm,
        error: ShouhouError | ValidationError | None,
        *,
        fresh_version: bool = False,
    ) -> HttpResponse:
        # Read the case again: after a conflict the page must show what the other person saved.
        case = selectors.complaint_for_user(user=request.user, case_id=pk)
        if fresh_version and "version" in form.fields:
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(self.fresh_version(case))
            form = _form(
                self.form_key, self.form_class, user=acting_user(request), case=case, data=data
            )
            form.is_valid()
        if error is not None:
            add_service_error(form, error)
        context = case_page(request, case, rejected=Rejected(key=self.form_key, form=form))
        return render(request, "complaints/detail.html", context)


class CaseActionView(CasePostView):
    """A step of the flow (workflow.ACTIONS) posted with the version the page showed."""

    permission_required = P.VIEW

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        name = kwargs.get("action", "")
        if name not in ACTION_PAGES:
            raise Http404
        self.form_key = name
        self.page = ACTION_PAGES[name]
        self.form_class = self.page.form_class
        self.success_message = _("Done: %(action)s.") % {"action": ACTIONS[name].label}
        return super().dispatch(request, *args, **kwargs)

    def check_allowed(self, user: User, case: ComplaintCase) -> None:
        # The workflow decides for this case and state; a user without the permission at all
        # is refused here.
        if not user.has_perm(ACTIONS[self.form_key].permission):
            raise PermissionDenied

    def perform(self, form: CaseForm, *, case: ComplaintCase, by: User) -> Any:
        return self.page.service(
            case=case,
            by=by,
            expected_version=form.cleaned_data["version"],
            **self.page.arguments,
            **form.service_values(),
        )


class StaffChangeView(CasePostView):
    permission_required = P.HANDLE
    form_key = "staff"
    form_class = StaffForm
    success_message = _("The staff involved were changed.")

    def perform(self, form: StaffForm, *, case: ComplaintCase, by: User) -> Any:
        return services.update_staff_involved(
            case=case, by=by, expected_version=form.cleaned_data["version"], **form.service_values()
        )


class DecisionView(CasePostView):
    permission_required = P.DECIDE
    form_key = "decision"
    form_class = DecisionForm
    success_message = _("Responsibility was decided; the bonus deductions are in the ledger.")

    def perform(self, form: DecisionForm, *, case: ComplaintCase, by: User) -> Any:
        return services.record_decision(
            case=case, by=by, expected_version=form.cleaned_data["version"], **form.service_values()
        )


class SanctionView(CasePostView):
    permission_required = P.DECIDE
    form_key = "sanction"
    form_class = SanctionForm
    success_message = _("The sanction was imposed.")

    def perform(self, form: SanctionForm, *, case: ComplaintCase, by: User) -> Any:
        return services.impose_sanction(
            case=case, by=by, expected_version=form.cleaned_data["version"], **form.service_values()
        )


class RevisitView(CasePostView):
    permission_required = P.REVISIT
    form_key = "revisit"
    form_class = RevisitForm
    success_message = _("The revisit was recorded.")

    def fresh_version(self, case: ComplaintCase) -> int:
        revisit = selectors.revisit_of(case=case)
        return revisit.version if revisit is not None else 0

    def perform(self, form: RevisitForm, *, case: ComplaintCase, by: User) -> Any:
        revisit = selectors.revisit_of(case=case)
        if revisit is None:
            raise ShouhouError(gettext("This complaint has no revisit to record."))
        return services.record_revisit(
            revisit=revisit,
            by=by,
            expected_version=form.cleaned_data["version"],
            **form.service_values(),
        )


# --- from the feedback app --------------------------------------------------------------------


class FromFeedbackView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Open a case from a flagged survey answer or from a follow-up call in which the customer
    complained (POST from the feedback pages); opening it again shows the case already opened."""

    permission_required = P.REGISTER
    http_method_names = ["post"]
    source = "answer"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from shouhou.feedback import selectors as feedback

        user = acting_user(request)
        if self.source == "answer":
            found: Any = feedback.flagged_answers_visible_to(user).filter(pk=pk).first()
        else:
            found = feedback.follow_up_complaints_visible_to(user).filter(pk=pk).first()
        if found is None:
            raise Http404
        try:
            case = services.open_case_from_feedback(answer=found, by=user)
        except ShouhouError as error:
            messages.error(request, str(error.message))
            return HttpResponseRedirect(reverse("complaints:list"))
        messages.success(
            request, gettext("Complaint %(number)s is open for it.") % {"number": case.number}
        )
        return HttpResponseRedirect(case.get_absolute_url())
