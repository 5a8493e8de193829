"""The in-app inbox: the bell's list, opening a message (marks it read), marking all read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from shouhou.core.auth import acting_user
from shouhou.core.listing import paginate
from shouhou.notify import selectors, services


class InboxView(LoginRequiredMixin, TemplateView):
    template_name = "notify/inbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        context["page"] = paginate(
            selectors.inbox(user=user), page=self.request.GET.get("page"), size=30
        )
        return context


class OpenView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        notification = get_object_or_404(selectors.inbox(user=user), pk=pk)
        services.mark_read(notification=notification, by=user)
        safe = url_has_allowed_host_and_scheme(
            notification.link, allowed_hosts={request.get_host()}
        )
        return HttpResponseRedirect(
            notification.link if notification.link and safe else reverse("notify:inbox")
        )


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        services.mark_all_read(by=acting_user(request))
        return HttpResponseRedirect(reverse("notify:inbox"))
