"""A small form posted from a page, one service call, back to the page with a message: the
pattern of the work-order page's parts and money panels and of the parts and billing pages'
inline actions. Refused input comes back as an error message naming the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from shouhou.core.auth import acting_user
from shouhou.core.errors import ShouhouError
from shouhou.core.models import User


def form_error_text(form: forms.BaseForm) -> str:
    """The form's errors in one line: "field: message; …"."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def service_error_text(error: ShouhouError | ValidationError) -> str:
    if isinstance(error, ShouhouError):
        return str(error.message)
    return " ".join(error.messages)


class PostActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Subclasses give the form class, fetch the target in `get_target` (scoped: 404 when not
    visible) and call one service in `perform`."""

    http_method_names = ["post"]
    form_class: type[forms.BaseForm] | None = None
    success_message: str | Promise = _("Saved.")

    def get_target(self) -> Any:
        raise NotImplementedError

    def make_form(self, data: Any, *, user: User, target: Any) -> forms.BaseForm:
        assert self.form_class is not None  # noqa: S101 - set by subclasses
        return self.form_class(data, user=user)  # type: ignore[call-arg]

    def perform(self, form: Any, *, target: Any, by: User) -> Any:
        raise NotImplementedError

    def default_url(self, target: Any) -> str:
        return str(target.get_absolute_url())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = acting_user(request)
        target = self.get_target()
        form = self.make_form(request.POST, user=user, target=target)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
            return self.back(request, target)
        try:
            self.perform(form, target=target, by=user)
        except (ShouhouError, ValidationError) as error:
            messages.error(request, service_error_text(error))
            return self.back(request, target)
        messages.success(request, str(self.success_message))
        return self.back(request, target)

    def back(self, request: HttpRequest, target: Any) -> HttpResponse:
        wanted = request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(wanted)
        return HttpResponseRedirect(self.default_url(target))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
