"""SLA compliance report: share of promises met, mean and 90th percentile of the time taken."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.sla.calendars import holiday_data_warning
from shouhou.sla.models import SlaMetric
from shouhou.sla.selectors import COMPLIANCE_DIMENSIONS, sla_compliance

DIMENSION_LABELS = {
    "region": _("region"),
    "category": _("service category"),
    "technician": _("technician"),
    "handled_by": _("handled by"),
}


class ComplianceForm(forms.Form):
    metric = forms.ChoiceField(
        label=_("metric"), choices=SlaMetric.choices, initial=SlaMetric.ARRIVAL
    )
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    by = forms.ChoiceField(
        label=_("Group by"), choices=list(DIMENSION_LABELS.items()), initial="region"
    )


class ComplianceView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "tickets.view_daily_reports"
    template_name = "sla/compliance.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        this_month = timezone.localdate().replace(day=1)
        data = {"metric": SlaMetric.ARRIVAL, "month": this_month.strftime("%Y-%m"), "by": "region"}
        for key in data:
            if value := self.request.GET.get(key):
                data[key] = value
        form = ComplianceForm(data)
        rows = []
        if form.is_valid():
            month: datetime.date = form.cleaned_data["month"]
            dimension = form.cleaned_data["by"]
            rows = sla_compliance(
                user=self.request.user,
                metric=form.cleaned_data["metric"],
                month=month,
                dimension=dimension if dimension in COMPLIANCE_DIMENSIONS else "region",
            )
        context.update(
            title=_("Service-level compliance"),
            form=form,
            rows=rows,
            dimension_label=DIMENSION_LABELS.get(form.data.get("by", ""), ""),
            total=sum(row.total for row in rows),
            met=sum(row.met for row in rows),
            warning=holiday_data_warning(),
        )
        return context
