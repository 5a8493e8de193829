"""The monthly complaint statistics and the penalty ledger (per person, month by month, with
what carries over)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.reports import monthly_report
from shouhou.complaints.selectors import complaint_policy, ledgers

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthForm(forms.Form):
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], widget=MONTH_INPUT)


class LedgerForm(MonthForm):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


def _month(request: Any, form_class: type[MonthForm], default: datetime.date) -> MonthForm:
    data = {"month": default.strftime("%Y-%m")}
    data.update({key: value for key, value in request.GET.items() if key in ("month", "person")})
    form = form_class(data)
    form.is_valid()
    return form


class ComplaintReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """By the 10th, last month's statistics (003 (九)10); any month on request."""

    permission_required = P.VIEW_REPORTS
    template_name = "complaints/reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        form = _month(self.request, MonthForm, last_month)
        report = (
            monthly_report(user=self.request.user, month=form.cleaned_data["month"])
            if form.is_valid()
            else None
        )
        context.update(title=_("Complaint statistics"), form=form, report=report)
        return context


class PenaltyLedgerView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Each person's deductions month by month: imposed, the cap (a share of that month's
    efficiency bonus), deducted, carried into the next month (003 经济处罚准则 (三)4)."""

    permission_required = P.VIEW_PENALTIES
    template_name = "complaints/ledger.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = _month(self.request, LedgerForm, timezone.localdate())
        rows = []
        if form.is_valid():
            rows = ledgers(
                user=self.request.user,
                until=form.cleaned_data["month"],
                person_id=form.cleaned_data.get("person"),
            )
        context.update(
            title=_("Penalty ledger"),
            form=form,
            ledgers=rows,
            cap_percent=complaint_policy().monthly_cap_percent,
        )
        return context
