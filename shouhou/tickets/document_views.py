"""The voucher and receipt PDFs, and the page on which the customer signs the voucher."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from shouhou.core.auth import acting_user
from shouhou.core.errors import ShouhouError
from shouhou.core.forms import add_service_error
from shouhou.tickets import documents, services
from shouhou.tickets.errors import TicketError
from shouhou.tickets.models import WorkOrder
from shouhou.tickets.permissions import TicketPermission
from shouhou.tickets.selectors import work_order_for_user
from shouhou.tickets.workflow import ACTIONS, allowed, may_perform

PNG_DATA_URL_PREFIX = "data:image/png;base64,"
# A finger-drawn signature on a phone canvas is a few tens of kB; refuse anything much larger.
MAX_DATA_URL_LENGTH = 800_000


def _pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


class VoucherPdfView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = TicketPermission.VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        work_order = work_order_for_user(user=request.user, work_order_id=pk)
        return _pdf_response(
            documents.voucher_pdf(work_order=work_order),
            filename=documents.voucher_number(work_order),
        )


class ReceiptPdfView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = TicketPermission.VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        work_order = work_order_for_user(user=request.user, work_order_id=pk)
        try:
            content = documents.receipt_pdf(work_order=work_order)
        except TicketError as missing:
            raise Http404(str(missing.message)) from missing
        return _pdf_response(content, filename=documents.receipt_number(work_order))


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the person signing"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_signature(self) -> bytes:
        data_url = self.cleaned_data["signature"]
        if not data_url:
            raise forms.ValidationError(_("Ask the customer to sign in the box first."))
        if not data_url.startswith(PNG_DATA_URL_PREFIX) or len(data_url) > MAX_DATA_URL_LENGTH:
            raise forms.ValidationError(_("The signature could not be read; sign again."))
        try:
            return base64.b64decode(data_url.removeprefix(PNG_DATA_URL_PREFIX), validate=True)
        except (binascii.Error, ValueError) as broken:
            raise forms.ValidationError(
                _("The signature could not be read; sign again.")
            ) from broken


class SignVoucherView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """The customer signs on the technician's phone or tablet; the voucher stores the image.
    Open to whoever may perform the "sign" action: the assigned technician or a dispatcher."""

    permission_required = TicketPermission.VIEW
    template_name = "tickets/sign.html"
    form_class = SignatureForm
    work_order: WorkOrder

    def has_permission(self) -> bool:
        if not super().has_permission():
            return False
        self.work_order = work_order_for_user(
            user=self.request.user, work_order_id=self.kwargs["pk"]
        )
        return may_perform(ACTIONS["sign"], self.work_order, acting_user(self.request))

    def get_initial(self) -> dict[str, Any]:
        return {"signer_name": self.work_order.contact_name, "version": self.work_order.version}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        order = self.work_order
        state_error = ""
        if not allowed(ACTIONS["sign"], order):
            state_error = gettext(
                "The work order is %(status)s (%(mode)s): there is nothing to sign now."
            ) % {"status": order.get_status_display(), "mode": order.get_resolution_mode_display()}
        context.update(
            work_order=order,
            title=gettext("Customer signature for %(number)s") % {"number": order.number},
            state_error=state_error,
            voucher_url=reverse("ticket_documents:voucher-pdf", args=[order.pk]),
            back_url=self.next_url(),
            **documents.work_order_lines(order),
        )
        return context

    def form_valid(self, form: SignatureForm) -> HttpResponse:
        try:
            services.sign_voucher(
                work_order=self.work_order,
                by=acting_user(self.request),
                expected_version=form.cleaned_data["version"],
                signer_name=form.cleaned_data["signer_name"],
                signature_png=form.cleaned_data["signature"],
            )
        except ShouhouError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("The customer signed the service voucher."))
        return HttpResponseRedirect(self.next_url())

    def next_url(self) -> str:
        """Back where the signing started (the technician's phone page), if that is ours."""
        wanted = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return wanted if wanted and safe else self.work_order.get_absolute_url()
