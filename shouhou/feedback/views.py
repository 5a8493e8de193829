"""Feedback pages: the public survey (reached from the link in the SMS or email, no login), the
invitations with their answers and the agent's keyed-in answer, the flagged answers, the
follow-up queue and call page, and the reports (technicians' scores, satisfaction, the monthly
follow-up report), each exportable to Excel."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.core.auth import acting_user
from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.forms import add_service_error
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.models import User
from shouhou.core.selectors import audit_trail, organisation_for_user
from shouhou.feedback import exports, reports, selectors, services
from shouhou.feedback.columns import DueColumn, FlagColumn, LinkedColumn
from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.filters import (
    QUEUE_VIEWS,
    FlaggedAnswerFilter,
    FollowUpFilter,
    InvitationFilter,
    queue_view,
)
from shouhou.feedback.forms import (
    AssignForm,
    CallForm,
    CancelForm,
    FlagHandledForm,
    FollowUpReportForm,
    MonthForm,
    SatisfactionForm,
    StaffAnswerForm,
    SubmitReportForm,
    SurveyForm,
    VersionedForm,
    last_month,
)
from shouhou.feedback.models import (
    AnswerChannel,
    FollowUp,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
)
from shouhou.feedback.permissions import FeedbackPermission as P
from shouhou.feedback.selectors import LinkLookup, LinkState
from shouhou.sla.selectors import DueBadge, due_badge

# --- the public survey ------------------------------------------------------------------------

DEFAULT_SURVEY_REQUESTS_PER_MINUTE = 30
CLOSED_STATUS = {LinkState.INVALID: 400, LinkState.EXPIRED: 410, LinkState.ANSWERED: 410}


def _rate_limited(request: HttpRequest) -> bool:
    """More than the allowed survey requests from one address in the current minute (the cache
    may be lost or per process: the limit is a brake on abuse, not an exact count)."""
    limit = getattr(
        settings, "FEEDBACK_SURVEY_REQUESTS_PER_MINUTE", DEFAULT_SURVEY_REQUESTS_PER_MINUTE
    )
    key = f"feedback:survey-rate:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=120):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > limit


class SurveyView(View):
    """The survey a customer opens from the link: no login, CSRF on, rate-limited. A tampered,
    expired or used link shows a page that says so and changes nothing."""

    http_method_names = ["get", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _rate_limited(request):
            return render(request, "feedback/survey_closed.html", {"state": "busy"}, status=429)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        lookup = selectors.invitation_for_link(token=token)
        if lookup.state != LinkState.OPEN:
            return self.closed(request, lookup)
        assert lookup.questionnaire is not None  # noqa: S101 - an open link has one
        return self.page(request, lookup, SurveyForm(questionnaire=lookup.questionnaire))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        lookup = selectors.invitation_for_link(token=token)
        if lookup.state != LinkState.OPEN or lookup.invitation is None:
            return self.closed(request, lookup)
        assert lookup.questionnaire is not None  # noqa: S101 - an open link has one
        form = SurveyForm(request.POST, questionnaire=lookup.questionnaire)
        if not form.is_valid():
            return self.page(request, lookup, form, status=400)
        try:
            services.submit_survey_answer(
                invitation=lookup.invitation,
                values=form.values(),
                channel=AnswerChannel.LINK,
                by=None,
            )
        except FeedbackError as error:
            if error.code == FeedbackErrorCode.ALREADY_ANSWERED:
                return self.closed(request, LinkLookup(LinkState.ANSWERED, lookup.invitation))
            if error.code == FeedbackErrorCode.EXPIRED:
                return self.closed(request, LinkLookup(LinkState.EXPIRED, lookup.invitation))
            add_service_error(form, error)
            return self.page(request, lookup, form, status=400)
        return HttpResponseRedirect(reverse("feedback:survey-thanks", args=[token]))

    def page(
        self, request: HttpRequest, lookup: LinkLookup, form: SurveyForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "invitation": lookup.invitation,
            "questionnaire": lookup.questionnaire,
            "form": form,
        }
        return render(request, "feedback/survey.html", context, status=status)

    def closed(self, request: HttpRequest, lookup: LinkLookup) -> HttpResponse:
        return render(
            request,
            "feedback/survey_closed.html",
            {"state": lookup.state.value, "invitation": lookup.invitation},
            status=CLOSED_STATUS.get(lookup.state, 400),
        )


class SurveyThanksView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        lookup = selectors.invitation_for_link(token=token)
        if lookup.state != LinkState.ANSWERED or lookup.invitation is None:
            return HttpResponseRedirect(reverse("feedback:survey", args=[token]))
        closing = lookup.invitation.questionnaire.closing
        return render(request, "feedback/survey_thanks.html", {"closing": closing})


# --- invitations and answers ------------------------------------------------------------------


class InvitationListView(ScopedListView):
    permission_required = P.VIEW_INVITATIONS
    template_name = "feedback/list.html"
    title = _("Surveys")
    selector = staticmethod(selectors.invitations_visible_to)
    filterset_class = InvitationFilter
    columns = [
        LinkedColumn(_("work order"), "work_order.number", sort="number"),
        Column(_("invited at"), "invited_at", sort="newest"),
        Column(_("status"), "status"),
        FlagColumn(_("flagged"), "answer"),
        Column(_("customer"), "customer"),
        Column(_("contact person"), "contact_name"),
        Column(_("phone"), "phone"),
        Column(_("technician"), "technician"),
        Column(_("handled by"), "handling_organisation"),
        Column(_("link valid until"), "expires_at"),
        Column(_("answered at"), "answered_at"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-invited_at", "-id")),
        "oldest": SortOption(_("oldest first"), ("invited_at", "id")),
        "number": SortOption(_("work order number"), ("work_order__number",)),
    }
    default_sort = "newest"
    export_name = "surveys"
    actions = [
        (_("Flagged feedback"), "feedback:flagged", P.HANDLE_FLAGS),
        (_("Feedback reports"), "feedback:reports", P.VIEW_SCORES),
    ]


class InvitationDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_INVITATIONS
    template_name = "feedback/invitation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invitation = selectors.invitation_for_user(
            user=self.request.user, invitation_id=kwargs["pk"]
        )
        context.update(invitation_page(self.request, invitation))
        return context


def invitation_page(
    request: HttpRequest, invitation: SurveyInvitation, *, flag_form: FlagHandledForm | None = None
) -> dict[str, Any]:
    user = acting_user(request)
    answer: SurveyAnswer | None = getattr(invitation, "answer", None)
    may_handle = answer is not None and answer.is_flag_open and user.has_perm(P.HANDLE_FLAGS)
    return {
        "title": str(invitation),
        "invitation": invitation,
        "answer": answer,
        "items": selectors.answer_items(answer=answer) if answer is not None else [],
        "messages_sent": selectors.invitation_messages(invitation=invitation),
        "may_enter": not invitation.is_answered and user.has_perm(P.ENTER_ANSWER),
        "flag_form": (flag_form or FlagHandledForm(initial={"version": answer.version}))
        if may_handle and answer is not None
        else None,
        "timeline": audit_trail(user=user, instance=invitation),
    }


class AnswerEntryView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An agent keys in the answer given on the phone or on a paper card."""

    permission_required = P.ENTER_ANSWER
    template_name = "feedback/answer_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        invitation = selectors.invitation_for_user(user=request.user, invitation_id=pk)
        if invitation.is_answered:
            return self.already_answered(request, invitation)
        return self.page(
            request, invitation, StaffAnswerForm(questionnaire=self.questions(invitation))
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invitation = selectors.invitation_for_user(user=request.user, invitation_id=pk)
        if invitation.is_answered:
            return self.already_answered(request, invitation)
        form = StaffAnswerForm(request.POST, questionnaire=self.questions(invitation))
        if form.is_valid():
            try:
                services.submit_survey_answer(
                    invitation=invitation,
                    values=form.values(),
                    channel=form.cleaned_data["via"],
                    by=acting_user(request),
                )
            except (ShouhouError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, gettext("The answer was recorded."))
                return HttpResponseRedirect(invitation.get_absolute_url())
        return self.page(request, invitation, form, status=400)

    @staticmethod
    def questions(invitation: SurveyInvitation) -> Questionnaire:
        return selectors.questionnaire_with_questions(questionnaire_id=invitation.questionnaire_id)

    @staticmethod
    def already_answered(request: HttpRequest, invitation: SurveyInvitation) -> HttpResponse:
        messages.info(request, gettext("This survey has already been answered."))
        return HttpResponseRedirect(invitation.get_absolute_url())

    def page(
        self,
        request: HttpRequest,
        invitation: SurveyInvitation,
        form: StaffAnswerForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"title": gettext("Key in the answer"), "invitation": invitation, "form": form}
        return render(request, self.template_name, context, status=status)


class FlaggedAnswerListView(ScopedListView):
    permission_required = P.HANDLE_FLAGS
    template_name = "feedback/list.html"
    title = _("Flagged feedback")
    selector = staticmethod(selectors.flagged_answers_visible_to)
    filterset_class = FlaggedAnswerFilter
    columns = [
        LinkedColumn(_("work order"), "work_order.number", sort="number"),
        Column(_("answered at"), "submitted_at", sort="newest"),
        FlagColumn(_("state"), ""),
        Column(_("why flagged"), "reasons_text"),
        Column(_("customer"), "customer"),
        Column(_("technician"), "technician"),
        Column(_("answered by"), "channel"),
        Column(_("flag handled by"), "flag_handled_by"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-submitted_at", "-id")),
        "oldest": SortOption(_("oldest first"), ("submitted_at", "id")),
        "number": SortOption(_("work order number"), ("work_order__number",)),
    }
    default_sort = "newest"
    export_name = "flagged-feedback"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.flagged_answers_visible_to(self.request.user)


class FlagHandleView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = P.HANDLE_FLAGS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        answer = selectors.answer_for_user(user=user, answer_id=pk)
        form = FlagHandledForm(request.POST)
        if form.is_valid():
            try:
                services.mark_flag_handled(
                    answer=answer,
                    by=user,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except (ShouhouError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, gettext("The flag was marked handled."))
                return HttpResponseRedirect(answer.get_absolute_url())
        invitation = selectors.invitation_for_user(user=user, invitation_id=answer.invitation_id)
        context = invitation_page(request, invitation, flag_form=form)
        return render(request, "feedback/invitation_detail.html", context, status=400)


# --- follow-ups ---------------------------------------------------------------------------------


class FollowUpQueueView(ScopedListView):
    """The follow-up agent's work queue: their open calls by due time, with SLA badges."""

    permission_required = P.VIEW_FOLLOW_UPS
    template_name = "feedback/list.html"
    title = _("Follow-up calls")
    selector = staticmethod(selectors.follow_ups_visible_to)
    filterset_class = FollowUpFilter
    columns = [
        DueColumn(_("call by"), "due_at", sort="due", open_attribute="is_open"),
        LinkedColumn(_("customer"), "customer", target=""),
        Column(_("kind"), "kind"),
        Column(_("phone"), "phone"),
        Column(_("work order"), "work_order.number"),
        Column(_("next attempt at"), "next_attempt_at"),
        Column(_("attempts"), "attempt_count"),
        Column(_("status"), "status"),
        Column(_("why called"), "selection"),
        Column(_("assigned to"), "assigned_to"),
        Column(_("handled by"), "handling_organisation"),
    ]
    sort_options = {
        "due": SortOption(_("due first"), ("due_at", "id")),
        "next": SortOption(_("next attempt first"), ("next_attempt_at", "due_at", "id")),
        "newest": SortOption(_("newest first"), ("-event_at", "-id")),
    }
    default_sort = "due"
    export_name = "follow-ups"

    def get_queryset(self) -> QuerySet[Any]:
        queryset = selectors.follow_ups_visible_to(user=self.request.user)
        if self.request.GET.get("view"):
            return queryset
        return queue_view(queryset, name=self.default_view(), user=self.request.user)

    def default_view(self) -> str:
        """Agents start on their own calls; managers and officers on every open one."""
        return (
            "mine"
            if self.request.user.has_perm(P.WORK_FOLLOW_UPS)
            and not self.request.user.has_perm(P.ASSIGN_FOLLOW_UPS)
            else "open"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            saved_views=QUEUE_VIEWS,
            current_view=self.request.GET.get("view") or self.default_view(),
            complaint_revisits=self.complaint_revisits(),
        )
        return context

    def complaint_revisits(self) -> list[tuple[Any, DueBadge | None]]:
        """The complaint cases whose customer must be called back (the complaints app's
        revisits), shown above the follow-up calls to the people who make them."""
        from shouhou.complaints import selectors as complaints
        from shouhou.complaints.permissions import ComplaintPermission

        if not self.request.user.has_perm(ComplaintPermission.REVISIT):
            return []
        due = complaints.revisits_due(user=self.request.user).select_related(
            "case", "case__customer"
        )
        return [(revisit, due_badge(revisit.due_at)) for revisit in due[:20]]


FOLLOW_UP_FORM_TITLES: dict[str, str | Promise] = {
    "call": _("Record a call"),
    "assign": _("Assign"),
    "cancel": _("Cancel the follow-up"),
}


def follow_up_page(
    request: HttpRequest, follow_up: FollowUp, *, rejected: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user = acting_user(request)
    version = {"version": follow_up.version}
    page_forms: dict[str, Any] = {}
    if follow_up.is_open:
        if user.has_perm(P.WORK_FOLLOW_UPS):
            page_forms["call"] = CallForm(initial=version, auto_id="id_call_%s")
            if follow_up.assigned_to_id != user.pk:
                page_forms["take"] = VersionedForm(initial=version, auto_id="id_take_%s")
        if user.has_perm(P.ASSIGN_FOLLOW_UPS):
            page_forms["assign"] = AssignForm(initial=version, user=user, auto_id="id_assign_%s")
            page_forms["cancel"] = CancelForm(initial=version, auto_id="id_cancel_%s")
    if rejected is not None:
        page_forms[rejected[0]] = rejected[1]
    return {
        "title": str(follow_up),
        "follow_up": follow_up,
        "due": due_badge(follow_up.due_at) if follow_up.is_open else None,
        "attempts": list(follow_up.attempts.all()),
        "children": list(follow_up.children.all()),
        "survey_answer": selectors.survey_answer_of(work_order_id=follow_up.work_order_id),
        "forms": page_forms,
        "form_titles": FOLLOW_UP_FORM_TITLES,
        "rejected": rejected[0] if rejected else "",
        "timeline": audit_trail(user=user, instance=follow_up),
    }


class FollowUpDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_FOLLOW_UPS
    template_name = "feedback/follow_up_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        follow_up = selectors.follow_up_for_user(user=self.request.user, follow_up_id=kwargs["pk"])
        context.update(follow_up_page(self.request, follow_up))
        return context


class FollowUpPostView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One form posted from the follow-up's page, one service call; refused input comes back on
    the page with the service's message (a stale version: reload and try again)."""

    http_method_names = ["post"]
    form_key = ""
    success_message: str | Promise = _("Saved.")

    def make_form(self, data: Any, user: User) -> Any:
        raise NotImplementedError

    def perform(self, form: Any, follow_up: FollowUp, user: User) -> Any:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        follow_up = selectors.follow_up_for_user(user=user, follow_up_id=pk)
        form = self.make_form(request.POST, user)
        if form.is_valid():
            try:
                self.perform(form, follow_up, user)
            except ConflictError as error:
                messages.error(request, str(error.message))
                return HttpResponseRedirect(follow_up.get_absolute_url())
            except (ShouhouError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, str(self.success_message))
                return HttpResponseRedirect(follow_up.get_absolute_url())
        context = follow_up_page(request, follow_up, rejected=(self.form_key, form))
        return render(request, "feedback/follow_up_detail.html", context, status=400)


class CallRecordView(FollowUpPostView):
    permission_required = P.WORK_FOLLOW_UPS
    form_key = "call"
    success_message = _("The call was recorded.")

    def make_form(self, data: Any, user: User) -> Any:
        return CallForm(data, auto_id="id_call_%s")

    def perform(self, form: CallForm, follow_up: FollowUp, user: User) -> Any:
        return services.record_follow_up_attempt(
            follow_up=follow_up,
            by=user,
            expected_version=form.cleaned_data["version"],
            outcome=form.outcome(),
        )


class TakeView(FollowUpPostView):
    permission_required = P.WORK_FOLLOW_UPS
    form_key = "take"
    success_message = _("The follow-up is yours.")

    def make_form(self, data: Any, user: User) -> Any:
        return VersionedForm(data, auto_id="id_take_%s")

    def perform(self, form: VersionedForm, follow_up: FollowUp, user: User) -> Any:
        return services.assign_follow_up(
            follow_up=follow_up, to=user, by=user, expected_version=form.cleaned_data["version"]
        )


class AssignView(FollowUpPostView):
    permission_required = P.ASSIGN_FOLLOW_UPS
    form_key = "assign"
    success_message = _("The follow-up was assigned.")

    def make_form(self, data: Any, user: User) -> Any:
        return AssignForm(data, user=user, auto_id="id_assign_%s")

    def perform(self, form: AssignForm, follow_up: FollowUp, user: User) -> Any:
        return services.assign_follow_up(
            follow_up=follow_up,
            to=form.cleaned_data["assigned_to"],
            by=user,
            expected_version=form.cleaned_data["version"],
        )


class CancelView(FollowUpPostView):
    permission_required = P.ASSIGN_FOLLOW_UPS
    form_key = "cancel"
    success_message = _("The follow-up was cancelled.")

    def make_form(self, data: Any, user: User) -> Any:
        return CancelForm(data, auto_id="id_cancel_%s")

    def perform(self, form: CancelForm, follow_up: FollowUp, user: User) -> Any:
        return services.cancel_follow_up(
            follow_up=follow_up,
            by=user,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )


# --- reports ----------------------------------------------------------------------------------


class ReportsView(LoginRequiredMixin, TemplateView):
    template_name = "feedback/reports.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.has_perm(P.VIEW_REPORTS) or request.user.has_perm(P.VIEW_SCORES)):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Feedback reports")
        return context


def _month_query(request: HttpRequest, default: Any) -> dict[str, Any]:
    data = request.GET.copy()
    if not data.get("month"):
        data["month"] = f"{default:%Y-%m}"
    return data


class _ReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    template_name = ""

    def respond(self, request: HttpRequest, report: Any, context: dict[str, Any]) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return exports.xlsx_response(self.workbook(report), name=self.export_name(report))
        query = request.GET.copy()
        query.pop("export", None)
        context.update(report=report, querystring=query.urlencode())
        return render(request, self.template_name, context)

    def workbook(self, report: Any) -> bytes:
        raise NotImplementedError

    def export_name(self, report: Any) -> str:
        raise NotImplementedError


class TechnicianScoresView(_ReportView):
    """Technicians' monthly scores (input to the performance review, 001 第十六条)."""

    permission_required = P.VIEW_SCORES
    template_name = "feedback/technician_scores.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = MonthForm(_month_query(request, last_month()))
        month = form.chosen_month(last_month())
        report = reports.technician_scores(user=request.user, month=month)
        return self.respond(
            request, report, {"title": gettext("Technicians' survey scores"), "form": form}
        )

    def workbook(self, report: reports.TechnicianScores) -> bytes:
        return exports.technician_scores_xlsx(report)

    def export_name(self, report: reports.TechnicianScores) -> str:
        return f"technician-scores-{report.month:%Y%m}"


class SatisfactionView(_ReportView):
    """Satisfaction counts by service centre, region, product or month (002 §2.3.2)."""

    permission_required = P.VIEW_REPORTS
    template_name = "feedback/satisfaction.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = SatisfactionForm(_month_query(request, last_month()))
        month = form.chosen_month(last_month())
        dimension = (form.is_valid() and form.cleaned_data.get("by")) or "service_centre"
        report = reports.satisfaction_report(user=request.user, month=month, dimension=dimension)
        return self.respond(
            request, report, {"title": gettext("Customer satisfaction"), "form": form}
        )

    def workbook(self, report: reports.SatisfactionReport) -> bytes:
        return exports.satisfaction_xlsx(report)

    def export_name(self, report: reports.SatisfactionReport) -> str:
        return f"satisfaction-{report.dimension}-{report.month:%Y%m}"


class FollowUpReportView(_ReportView):
    """The monthly follow-up report, submitted to the service manager by the 3rd (000 第五篇 五)."""

    permission_required = P.VIEW_REPORTS
    template_name = "feedback/follow_up_report.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        data = _month_query(request, last_month())
        if not data.get("organisation") and user.organisation_id is not None:
            data["organisation"] = str(user.organisation_id)
        form = FollowUpReportForm(data, user=user)
        month = form.chosen_month(last_month())
        chosen = form.cleaned_data.get("organisation") if form.is_valid() else None
        if chosen is None and "organisation" in form.errors:
            raise Http404
        organisation = chosen or user.organisation
        if organisation is None:
            raise Http404
        organisation = organisation_for_user(user=user, organisation_id=organisation.pk)
        report = reports.follow_up_month_report(user=user, organisation=organisation, month=month)
        return self.respond(
            request,
            report,
            {
                "title": gettext("Monthly follow-up report"),
                "form": form,
                "submit_form": SubmitReportForm(
                    initial={"month": f"{month:%Y-%m}", "organisation": organisation.pk}
                )
                if user.has_perm(P.SUBMIT_REPORT)
                else None,
            },
        )

    def workbook(self, report: reports.FollowUpMonthReport) -> bytes:
        return exports.follow_up_report_xlsx(report)

    def export_name(self, report: reports.FollowUpMonthReport) -> str:
        return f"follow-up-report-{report.organisation.code}-{report.month:%Y%m}"


class FollowUpReportSubmitView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = P.SUBMIT_REPORT
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        form = SubmitReportForm(request.POST)
        if not form.is_valid():
            raise Http404
        organisation = organisation_for_user(
            user=user, organisation_id=form.cleaned_data["organisation"]
        )
        month = form.cleaned_data["month"]
        try:
            submitted = services.submit_monthly_report(
                organisation=organisation, month=month, by=user, note=form.cleaned_data["note"]
            )
        except ShouhouError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                gettext("The report was submitted (late).")
                if submitted.is_late
                else gettext("The report was submitted on time."),
            )
        url = reverse("feedback:follow-up-report")
        return HttpResponseRedirect(f"{url}?month={month:%Y-%m}&organisation={organisation.pk}")
