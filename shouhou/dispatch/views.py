"""Dispatcher pages: the board (lanes per technician on the day's timeline, unassigned cards,
click or drag to assign, suggestions with reasons), day plans (request, progress, accept per
technician or whole, discard), technicians (profile, skills, regions, shifts) and the
field-work report."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from shouhou.core.auth import acting_user
from shouhou.core.errors import ShouhouError
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.models import Organisation, Region, User
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView
from shouhou.dispatch import page_selectors, selectors, services
from shouhou.dispatch.filters import TechnicianFilter
from shouhou.dispatch.forms import (
    AssignForm,
    BoardForm,
    PlanDecisionForm,
    PlanRequestForm,
    RegionForm,
    RemoveRegionForm,
    ReportForm,
    ShiftForm,
    SkillForm,
    TechnicianProfileForm,
)
from shouhou.dispatch.models import PlanStatus, TechnicianProfile
from shouhou.dispatch.permissions import DispatchPermission as P
from shouhou.dispatch.planning import DayPlanner, day_queues, suggest
from shouhou.dispatch.reports import field_report
from shouhou.tickets import services as work_orders
from shouhou.tickets.selectors import work_order_for_user

F = TypeVar("F", bound=forms.Form)

# --- the board ------------------------------------------------------------------------------


def _centre_and_day(
    request: HttpRequest, data: Any
) -> tuple[Organisation, datetime.date, Region | None, BoardForm]:
    """The centre (default: the user's own, else the first they see), the day (default today)
    and the region the board or a suggestion is about."""
    user = acting_user(request)
    centres = selectors.service_centres_for(user=user)
    form = BoardForm(data or None, centres=centres)
    centre = day = region = None
    if form.is_valid():
        centre = form.cleaned_data.get("centre")
        day = form.cleaned_data.get("day")
        region = form.cleaned_data.get("region")
    if centre is None:
        own = centres.filter(pk=user.organisation_id).first() if user.organisation_id else None
        centre = own or centres.first()
    if centre is None:
        raise Http404(gettext("You see no service centre."))
    day = day or timezone.localdate()
    # The form shows what the page shows (an invalid choice fell back to the defaults).
    shown = BoardForm(initial={"centre": centre, "day": day, "region": region}, centres=centres)
    return centre, day, region, shown


def board_url(centre: Organisation, day: datetime.date, region: Region | None = None) -> str:
    query: dict[str, str | int] = {"centre": centre.pk, "day": day.isoformat()}
    if region is not None:
        query["region"] = region.pk
    return f"{reverse('dispatch:board')}?{urlencode(query)}"


class BoardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_BOARD
    template_name = "dispatch/board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        centre, day, region, form = _centre_and_day(self.request, self.request.GET)
        page = page_selectors.board(
            user=acting_user(self.request), centre=centre, day=day, region=region
        )
        context.update(
            title=_("Dispatch board"),
            board=page,
            form=form,
            previous_url=board_url(centre, day - datetime.timedelta(days=1), region),
            next_url=board_url(centre, day + datetime.timedelta(days=1), region),
            today_url=board_url(centre, timezone.localdate(), region),
            can_plan=self.request.user.has_perm(P.REQUEST_PLAN) and not page.planner.is_past,
            can_assign=self.request.user.has_perm("tickets.dispatch_workorder"),
        )
        return context


class SuggestView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The technicians ranked for one work order, with reasons (a fragment of the board)."""

    permission_required = P.VIEW_BOARD

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        work_order = work_order_for_user(user=user, work_order_id=pk)
        centre, day, region, _form = _centre_and_day(request, request.GET)
        planner = DayPlanner(organisation=centre, day=day)
        technicians = [planner.technician_day(p) for p in planner.profiles()]
        queues = day_queues(planner)
        ranked = suggest(planner, work_order, technicians=technicians, queues=queues)
        return render(
            request,
            "dispatch/_suggestions.html",
            {
                "work_order": work_order,
                "suggestions": ranked,
                "centre": centre,
                "day": day,
                "can_assign": user.has_perm("tickets.dispatch_workorder"),
                "back": board_url(centre, day, region),
            },
        )


class AssignView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Assign or reassign from the board (a click on a suggestion, or a drop on a lane), through
    the work-order service. From a script it answers 204 (or 400 with the reason); from a
    plain form it goes back to the board with a message."""

    permission_required = "tickets.dispatch_workorder"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        form = AssignForm(request.POST)
        scripted = request.headers.get("X-Requested-With") == "fetch" or bool(
            getattr(request, "htmx", False)
        )
        back = request.POST.get("back") or reverse("dispatch:board")
        if not back.startswith("/"):
            back = reverse("dispatch:board")
        if not form.is_valid():
            return self._refused(
                request, gettext("Choose a work order and a technician."), scripted, back
            )
        work_order = work_order_for_user(user=user, work_order_id=form.cleaned_data["work_order"])
        technician = (
            selectors.technicians_visible_to(user=user)
            .filter(user_id=form.cleaned_data["technician"])
            .select_related("user")
            .first()
        )
        if technician is None:
            return self._refused(request, gettext("No such technician."), scripted, back)
        try:
            work_orders.dispatch_work_order(
                work_order=work_order,
                technician=technician.user,
                by=user,
                expected_version=form.cleaned_data["version"],
            )
        except ShouhouError as error:
            return self._refused(request, str(error.message), scripted, back)
        message = gettext("%(number)s dispatched to %(name)s.") % {
            "number": work_order.number,
            "name": technician.user,
        }
        messages.success(request, message)
        if scripted:
            return HttpResponse(status=204)
        return HttpResponseRedirect(back)

    def _refused(
        self, request: HttpRequest, message: str, scripted: bool, back: str
    ) -> HttpResponse:
        if scripted:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return HttpResponseRedirect(back)


# --- plans ----------------------------------------------------------------------------------


class PlanRequestView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = P.REQUEST_PLAN
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        form = PlanRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose a service centre and a day."))
            return HttpResponseRedirect(reverse("dispatch:board"))
        centre = (
            selectors.service_centres_for(user=user).filter(pk=form.cleaned_data["centre"]).first()
        )
        if centre is None:
            raise Http404
        region = None
        if form.cleaned_data.get("region"):
            region = Region.objects.filter(pk=form.cleaned_data["region"]).first()
        try:
            plan = services.request_plan(
                by=user, organisation=centre, day=form.cleaned_data["day"], region=region
            )
        except ShouhouError as error:
            messages.error(request, str(error.message))
            return HttpResponseRedirect(board_url(centre, form.cleaned_data["day"], region))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The plan: progress while it is being made (htmx asks every second), then the proposed
    routes per technician, the expected breaches, and the decisions."""

    permission_required = P.VIEW_PLAN

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        plan = selectors.plan_for_user(user=user, plan_id=pk)
        rows = selectors.plan_assignments(plan=plan)
        grouped = page_selectors.assignments_of(rows) if not plan.is_running else {}
        unplanned = grouped.pop(None, [])
        context = {
            "plan": plan,
            "title": gettext("Plan of %(day)s") % {"day": f"{plan.day:%Y-%m-%d}"},
            "routes": sorted(grouped.items(), key=lambda item: str(item[0])),
            "unplanned": unplanned,
            "late_rows": [row for row in rows if row.technician_id and row.late_minutes]
            if not plan.is_running
            else [],
            "can_decide": user.has_perm(P.ACCEPT_PLAN) and plan.status == PlanStatus.PROPOSED,
            "board_url": board_url(plan.organisation, plan.day, plan.region),
            "audit_entries": audit_trail(user=user, instance=plan),
        }
        if getattr(request, "htmx", False):
            if not plan.is_running:
                # Solved (or failed) while the page waited: show the whole page again.
                finished = HttpResponse(status=204)
                finished["HX-Refresh"] = "true"
                return finished
            return render(request, "dispatch/_plan_status.html", context)
        return render(request, "dispatch/plan_detail.html", context)


class PlanDecisionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Accept one technician's route, the whole plan, or discard it."""

    http_method_names = ["post"]
    decision = "accept"

    def get_permission_required(self) -> tuple[str, ...]:
        return (P.ACCEPT_PLAN,) if self.decision == "accept" else (P.REQUEST_PLAN,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        plan = selectors.plan_for_user(user=user, plan_id=pk)
        form = PlanDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Reload the page and try again."))
            return HttpResponseRedirect(plan.get_absolute_url())
        try:
            if self.decision == "discard":
                services.discard_plan(
                    plan=plan, by=user, expected_version=form.cleaned_data["version"]
                )
                messages.success(request, gettext("The plan was discarded."))
            else:
                technician = None
                if form.cleaned_data.get("technician"):
                    technician = User.objects.filter(pk=form.cleaned_data["technician"]).first()
                    if technician is None:
                        raise Http404
                before = plan.assignments.filter(status="skipped").count()
                services.accept_plan(
                    plan=plan,
                    by=user,
                    expected_version=form.cleaned_data["version"],
                    technician=technician,
                )
                skipped = plan.assignments.filter(status="skipped").count() - before
                if skipped:
                    messages.warning(
                        request,
                        gettext(
                            "Accepted; %(count)d work order(s) had changed since the plan was "
                            "made and were not applied (see the notes)."
                        )
                        % {"count": skipped},
                    )
                else:
                    messages.success(request, gettext("Accepted: the work orders are dispatched."))
        except ShouhouError as error:
            messages.error(request, str(error.message))
        return HttpResponseRedirect(plan.get_absolute_url())


# --- technicians ----------------------------------------------------------------------------


class TechnicianListView(ScopedListView):
    permission_required = P.VIEW_TECHNICIAN
    title = _("Technicians")
    selector = staticmethod(selectors.technicians_visible_to)
    filterset_class = TechnicianFilter
    columns = [
        Column(_("technician"), "user", sort="name", link=True),
        Column(_("home service centre"), "home_centre"),
        Column(_("certification level"), "certification_level"),
        Column(_("daily capacity (jobs)"), "daily_capacity"),
        Column(_("available for dispatch"), "is_active"),
        Column(_("last position at"), "last_position_at"),
    ]
    sort_options = {
        "name": SortOption(_("name"), ("user__name", "id")),
        "centre": SortOption(_("home service centre"), ("home_centre__path", "user__name", "id")),
    }
    default_sort = "centre"
    create_url_name = "dispatch:technician-create"
    create_permission = P.ADD_TECHNICIAN
    export_name = "technicians"


class TechnicianDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_TECHNICIAN
    template_name = "dispatch/technician_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        profile = selectors.technician_for_user(user=user, profile_id=kwargs["pk"])
        can_change = user.has_perm(P.CHANGE_TECHNICIAN)
        context.update(
            title=str(profile),
            profile=profile,
            skills=list(profile.skills.all()),
            regions=list(profile.regions.all()),
            shifts=list(selectors.upcoming_shifts(profile=profile)),
            positions=list(
                selectors.positions_visible_to(user=user).filter(technician=profile.user)[:20]
            ),
            skill_form=SkillForm() if can_change else None,
            region_form=RegionForm(initial={"version": profile.version}) if can_change else None,
            shift_form=ShiftForm() if user.has_perm(P.MANAGE_SHIFTS) else None,
            can_change=can_change,
            can_manage_shifts=user.has_perm(P.MANAGE_SHIFTS),
            audit_entries=audit_trail(user=user, instance=profile),
        )
        return context


class TechnicianCreateView(ServiceFormView):
    permission_required = P.ADD_TECHNICIAN
    form_class = TechnicianProfileForm
    title = _("New technician profile")

    def perform(self, form: TechnicianProfileForm) -> Model:
        values = form.model_values()
        return services.create_technician_profile(by=acting_user(self.request), **values)


class TechnicianUpdateView(ServiceFormView):
    permission_required = P.CHANGE_TECHNICIAN
    form_class = TechnicianProfileForm
    title = _("Edit technician profile")

    def get_object(self) -> TechnicianProfile:
        return selectors.technician_for_user(user=self.request.user, profile_id=self.kwargs["pk"])

    def perform(self, form: TechnicianProfileForm) -> Model:
        return services.update_technician_profile(
            profile=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


class TechnicianPostView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One small form of the technician's page (skills, regions, shifts), one service call."""

    http_method_names = ["post"]
    action = ""

    def get_permission_required(self) -> tuple[str, ...]:
        if self.action in ("add-shift", "remove-shift"):
            return (P.MANAGE_SHIFTS,)
        return (P.CHANGE_TECHNICIAN,)

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        user = acting_user(request)
        profile = selectors.technician_for_user(user=user, profile_id=pk)
        try:
            self.perform(request, profile, user, **kwargs)
        except (ShouhouError, ValidationError) as error:
            text = (
                str(error.message) if isinstance(error, ShouhouError) else " ".join(error.messages)
            )
            messages.error(request, text)
        return HttpResponseRedirect(profile.get_absolute_url())

    def perform(
        self, request: HttpRequest, profile: TechnicianProfile, user: User, **kwargs: Any
    ) -> None:
        getattr(self, "_" + self.action.replace("-", "_"))(request, profile, user, **kwargs)
        messages.success(request, gettext("Saved."))

    def _add_skill(self, request: HttpRequest, profile: TechnicianProfile, user: User) -> None:
        form = self._valid(SkillForm(request.POST))
        services.add_skill(profile=profile, by=user, **form.cleaned_data)

    def _remove_skill(
        self, request: HttpRequest, profile: TechnicianProfile, user: User, item: int
    ) -> None:
        skill = profile.skills.filter(pk=item).first()
        if skill is None:
            raise Http404
        services.remove_skill(skill=skill, by=user)

    def _add_region(self, request: HttpRequest, profile: TechnicianProfile, user: User) -> None:
        form = self._valid(RegionForm(request.POST))
        services.update_technician_profile(
            profile=profile,
            by=user,
            expected_version=form.cleaned_data["version"],
            regions=[*profile.regions.all(), form.cleaned_data["region"]],
        )

    def _remove_region(self, request: HttpRequest, profile: TechnicianProfile, user: User) -> None:
        form = self._valid(RemoveRegionForm(request.POST))
        gone = form.cleaned_data["region"].pk
        services.update_technician_profile(
            profile=profile,
            by=user,
            expected_version=form.cleaned_data["version"],
            regions=[region for region in profile.regions.all() if region.pk != gone],
        )

    def _add_shift(self, request: HttpRequest, profile: TechnicianProfile, user: User) -> None:
        form = self._valid(ShiftForm(request.POST))
        services.set_shift(profile=profile, by=user, **form.cleaned_data)

    def _remove_shift(
        self, request: HttpRequest, profile: TechnicianProfile, user: User, item: int
    ) -> None:
        shift = profile.shifts.filter(pk=item).first()
        if shift is None:
            raise Http404
        services.clear_shift(shift=shift, by=user)

    def _valid(self, form: F) -> F:
        if not form.is_valid():
            errors = [str(message) for messages_ in form.errors.values() for message in messages_]
            raise ValidationError(errors or [gettext("Check the form.")])
        return form


# --- the report -----------------------------------------------------------------------------


class FieldReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = P.VIEW_REPORT
    template_name = "dispatch/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        centres = selectors.service_centres_for(user=user)
        form = ReportForm(self.request.GET or None, centres=centres)
        today = timezone.localdate()
        centre, date_from, date_to = None, today.replace(day=1), today
        if form.is_bound and form.is_valid():
            centre = form.cleaned_data.get("centre")
            date_from = form.cleaned_data.get("date_from") or date_from
            date_to = form.cleaned_data.get("date_to") or date_to
        if centre is None:
            own = centres.filter(pk=user.organisation_id).first() if user.organisation_id else None
            centre = own or centres.first()
        report = None
        if centre is not None and not (form.is_bound and not form.is_valid()):
            report = field_report(
                user=user, organisation=centre, date_from=date_from, date_to=date_to
            )
        context.update(
            title=_("Field-work report"),
            form=form,
            report=report,
            centre=centre,
            date_from=date_from,
            date_to=date_to,
        )
        return context
