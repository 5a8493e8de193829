"""The technician's phone: today's jobs in planned order, and one job's page with the next
step (accept, depart, arrive, complete) as one big button that sends the phone's position when
the browser gives it, the work, parts, labour and photos, and the customer's signature."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from shouhou.core.auth import acting_user
from shouhou.core.errors import ConflictError, ShouhouError
from shouhou.core.forms import add_service_error
from shouhou.core.models import User
from shouhou.dispatch import page_selectors, services
from shouhou.dispatch.forms import (
    CompleteForm,
    PhoneActionForm,
    PhoneLabourForm,
    PhonePartForm,
    PhonePhotoForm,
)
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import ResolutionMode, WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import READ_ONLY

S = WorkOrderStatus
WORK = "tickets.work_workorder"

# The next step of a job by its status: (action, button label, form class).
STEPS: dict[str, tuple[str, Any, type[PhoneActionForm]]] = {
    S.DISPATCHED: ("accept", _("Accept"), PhoneActionForm),
    S.ACCEPTED: ("depart", _("Depart"), PhoneActionForm),
    S.EN_ROUTE: ("arrive", _("Arrived"), PhoneActionForm),
    S.ON_SITE: ("complete", _("Complete the repair"), CompleteForm),
}
SERVICES: dict[str, Callable[..., WorkOrder]] = {
    "accept": services.accept_job,
    "depart": services.depart_for_job,
    "arrive": services.arrive_at_job,
    "complete": services.complete_job,
}
DONE_MESSAGES = {
    "accept": _("Job accepted."),
    "depart": _("Departure recorded. Drive safely."),
    "arrive": _("Arrival recorded."),
    "complete": _("Repair recorded: ask the customer to sign."),
}


def next_step(order: WorkOrder) -> tuple[str, Any, type[PhoneActionForm]] | None:
    """The phone's next step for the order; a repair that goes to the workshop (carry-in,
    return to factory, exchange) continues on the work order's page once on site."""
    step = STEPS.get(order.status)
    if (
        step is not None
        and step[0] == "complete"
        and order.resolution_mode != ResolutionMode.ON_SITE
    ):
        return None
    return step


def _position(form: forms.Form) -> services.Position | None:
    latitude, longitude = form.cleaned_data.get("latitude"), form.cleaned_data.get("longitude")
    if latitude is None or longitude is None:
        return None
    accuracy = form.cleaned_data.get("accuracy")
    return services.Position(
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        accuracy_m=int(accuracy) if accuracy is not None else None,
    )


def _job(user: User, pk: int) -> page_selectors.PhoneJob:
    job = page_selectors.my_job(user=user, work_order_id=pk)
    if job is None:
        raise Http404
    return job


def job_page(
    request: HttpRequest,
    job: page_selectors.PhoneJob,
    *,
    bound: dict[str, forms.Form] | None = None,
) -> dict[str, Any]:
    order = job.work_order
    step = next_step(order)
    bound = bound or {}
    recordable = order.status not in READ_ONLY and order.status != S.REGISTERED
    return {
        "job": job,
        "work_order": order,
        "title": order.number,
        "step": step,
        "step_form": bound.get("step") or (step[2](work_order=order) if step else None),
        "labour_form": bound.get("labour") or PhoneLabourForm(initial={"version": order.version}),
        "part_form": bound.get("part")
        or PhonePartForm(initial={"version": order.version, "quantity": 1}),
        "photo_form": bound.get("photo") or PhonePhotoForm(),
        "can_record": recordable,
        "can_sign": order.status == S.RESOLVED,
        "to_workshop": order.status == S.ON_SITE and step is None,
        # Back to the day's list once the customer has signed (the job is done).
        "sign_url": reverse("ticket_documents:sign", args=[order.pk])
        + "?"
        + urlencode({"next": reverse("dispatch:my-day")}),
        "labour": list(order.labour.all()),
        "parts": list(order.parts.all()),
        "photos": list(order.attachments.all()),
    }


class MyDayView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = WORK

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        jobs = page_selectors.my_jobs(user=user)
        return render(
            request,
            "dispatch/my_day.html",
            {"jobs": jobs, "title": _("My day"), "today": timezone.localdate()},
        )


class JobView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = WORK

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = _job(acting_user(request), pk)
        return render(request, "dispatch/job.html", job_page(request, job))


class JobStepView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The next step of the job, through the dispatch field services."""

    permission_required = WORK
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        user = acting_user(request)
        job = _job(user, pk)
        order = job.work_order
        step = next_step(order)
        if step is None or step[0] != action or action not in SERVICES:
            messages.error(
                request,
                gettext("The job is %(status)s now; the page was out of date.")
                % {"status": order.get_status_display()},
            )
            return HttpResponseRedirect(reverse("dispatch:job", args=[pk]))
        form = step[2](request.POST, work_order=order)
        if form.is_valid():
            arguments: dict[str, Any] = {
                "work_order": order,
                "by": user,
                "expected_version": form.cleaned_data["version"],
            }
            if action != "accept":
                arguments["position"] = _position(form)
            if action == "complete":
                arguments["work_done"] = form.cleaned_data["work_done"]
            try:
                SERVICES[action](**arguments)
            except ConflictError as error:
                messages.error(request, str(error.message))
                return HttpResponseRedirect(reverse("dispatch:job", args=[pk]))
            except (ShouhouError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, str(DONE_MESSAGES[action]))
                return HttpResponseRedirect(reverse("dispatch:job", args=[pk]))
        return render(
            request, "dispatch/job.html", job_page(request, job, bound={"step": form}), status=400
        )


class JobRecordView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Labour, a part or a photo recorded on the job, through the work-order services."""

    permission_required = WORK
    http_method_names = ["post"]
    kind = "labour"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        job = _job(user, pk)
        order = job.work_order
        form: forms.Form
        if self.kind == "photo":
            form = PhonePhotoForm(request.POST, request.FILES)
        elif self.kind == "part":
            form = PhonePartForm(request.POST)
        else:
            form = PhoneLabourForm(request.POST)
        if form.is_valid():
            try:
                self.perform(form, order, user)
            except (ShouhouError, ValidationError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, gettext("Saved."))
                return HttpResponseRedirect(reverse("dispatch:job", args=[pk]))
        return render(
            request,
            "dispatch/job.html",
            job_page(request, job, bound={self.kind: form}),
            status=400,
        )

    def perform(self, form: forms.Form, order: WorkOrder, user: User) -> None:
        data = form.cleaned_data
        if self.kind == "photo":
            work_orders.add_attachment(work_order=order, by=user, upload=data["file"])
        elif self.kind == "part":
            work_orders.add_part_line(
                work_order=order,
                by=user,
                expected_version=data["version"],
                part_name=data["part_name"],
                quantity=data["quantity"],
            )
        else:
            work_orders.add_labour_line(
                work_order=order,
                by=user,
                expected_version=data["version"],
                technician=user,
                worked_on=timezone.localdate(),
                minutes=data["minutes"],
                description=data["description"],
            )
