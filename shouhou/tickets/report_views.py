"""The technician's and the service director's daily reports, as pages and as Excel files."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.core.auth import acting_user
from shouhou.core.models import Organisation, OrganisationKind, User
from shouhou.core.selectors import organisations_visible_to
from shouhou.tickets import report_exports, reports
from shouhou.tickets.models import ServiceCategory
from shouhou.tickets.permissions import TicketPermission


class ReportForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def chosen_day(self) -> datetime.date:
        return (self.is_valid() and self.cleaned_data.get("day")) or timezone.localdate()


class TechnicianReportForm(ReportForm):
    technician = forms.IntegerField(label=_("Technician"), required=False, min_value=1)


class DirectorReportForm(ReportForm):
    organisation = forms.IntegerField(label=_("Organisation"), required=False, min_value=1)


def _xlsx_response(content: bytes, *, name: str, day: datetime.date) -> HttpResponse:
    response = HttpResponse(content, content_type=report_exports.XLSX_CONTENT_TYPE)
    filename = f"{slugify(name) or 'report'}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    form_class: type[ReportForm]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.GET or None)
        if form.is_bound and not form.is_valid() and "day" not in form.errors:
            raise Http404  # a malformed technician or organisation id
        report = self.build(form)
        if request.GET.get("export") == "xlsx" and not form.errors:
            return self.export(report)
        query = request.GET.copy()
        query.pop("export", None)
        context = self.get_context_data(
            form=form,
            report=report,
            categories=list(ServiceCategory),
            querystring=query.urlencode(),
            **kwargs,
        )
        return self.render_to_response(context)

    def build(self, form: Any) -> Any:
        raise NotImplementedError

    def export(self, report: Any) -> HttpResponse:
        raise NotImplementedError


class TechnicianDailyReportView(_ReportView):
    """技术员工作日报表: a technician's own day, or, with the daily-report permission, that of
    a technician in the user's organisation subtree."""

    template_name = "tickets/reports/technician_daily.html"
    form_class = TechnicianReportForm

    def has_permission(self) -> bool:
        user = self.request.user
        return user.has_perm(TicketPermission.WORK) or user.has_perm(TicketPermission.VIEW_REPORTS)

    def build(self, form: TechnicianReportForm) -> reports.TechnicianDailyReport:
        user = acting_user(self.request)
        chosen = form.is_valid() and form.cleaned_data.get("technician")
        technician: User = reports.report_technician_for_user(
            user=user, technician_id=chosen or user.pk
        )
        return reports.technician_daily_report(
            user=user, technician=technician, day=form.chosen_day()
        )

    def export(self, report: reports.TechnicianDailyReport) -> HttpResponse:
        return _xlsx_response(
            report_exports.technician_report_xlsx(report),
            name=f"technician-daily-{report.technician.get_username()}",
            day=report.day,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=gettext("Technician daily report"),
            technicians=reports.report_technicians_visible_to(user=self.request.user),
        )
        return context


class DirectorDailyReportView(_ReportView):
    """服务主任日报表: the day of every technician of a service centre and its subtree."""

    template_name = "tickets/reports/director_daily.html"
    form_class = DirectorReportForm
    permission_required = TicketPermission.VIEW_REPORTS

    def _default_organisation(self, user: User) -> Organisation:
        if user.organisation is not None:
            return user.organisation
        first = organisations_visible_to(user=user).order_by("path").first()
        if first is None:
            raise Http404
        return first

    def build(self, form: DirectorReportForm) -> reports.DirectorDailyReport:
        user = acting_user(self.request)
        chosen = form.is_valid() and form.cleaned_data.get("organisation")
        organisation = (
            reports.director_organisation_for_user(user=user, organisation_id=chosen)
            if chosen
            else self._default_organisation(user)
        )
        return reports.director_daily_report(
            user=user, organisation=organisation, day=form.chosen_day()
        )

    def export(self, report: reports.DirectorDailyReport) -> HttpResponse:
        return _xlsx_response(
            report_exports.director_report_xlsx(report),
            name=f"director-daily-{report.organisation.code}",
            day=report.day,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=gettext("Service director daily report"),
            # Technicians belong to our centres and to providers, not to client organisations.
            organisations=organisations_visible_to(user=self.request.user)
            .filter(is_active=True)
            .exclude(kind=OrganisationKind.CLIENT)
            .order_by("path"),
        )
        return context
