"""Pages of the core app, plus the base views every app's create and edit pages use."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from shouhou.core import operations, selectors, services
from shouhou.core.auth import acting_user
from shouhou.core.autocomplete import MAX_RESULTS, AutocompleteWidget, get_source
from shouhou.core.errors import ShouhouError
from shouhou.core.forms import ScopedModelForm, add_service_error, scoped_organisations
from shouhou.core.listing import Column, ScopedListView, SortOption, yes_no_filter
from shouhou.core.models import Organisation, OrganisationKind


class ServiceFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Create or edit through a service: errors it raises land on the form, nothing is lost."""

    template_name = "core/form.html"
    title: str | Promise = ""
    success_message: str | Promise = _("Saved.")
    object: Model | None = None
    # Fields prefilled from an id in the query string (?customer=12), e.g. from a "New" link
    # on the customer's page; anything that is not a plain number is ignored.
    initial_ids_from_query: tuple[str, ...] = ()

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        for name in self.initial_ids_from_query:
            if (value := self.request.GET.get(name, "")).isdigit():
                initial[name] = int(value)
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_object(self) -> Model | None:
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: Any) -> Model:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            saved = self.perform(form)
        except (ShouhouError, ValidationError) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return HttpResponseRedirect(saved.get_absolute_url())  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, object=self.object)
        return context


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"


# --- organisations ----------------------------------------------------------------------------


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=OrganisationKind.choices)
    is_active = yes_no_filter(label=_("active"))

    class Meta:
        model = Organisation
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Organisation], name: str, value: str
    ) -> QuerySet[Organisation]:
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))


class OrganisationListView(ScopedListView):
    permission_required = "core.view_organisation"
    title = _("Organisations")
    selector = staticmethod(selectors.organisations_visible_to)
    filterset_class = OrganisationFilter
    columns = [
        Column(_("name"), "name", sort="name", link=True),
        Column(_("code"), "code", sort="code"),
        Column(_("kind"), "kind"),
        Column(_("parent organisation"), "parent"),
        Column(_("phone"), "phone"),
        Column(_("active"), "is_active"),
    ]
    sort_options = {
        "tree": SortOption(_("tree order"), ("path",)),
        "name": SortOption(_("name"), ("name", "id")),
        "code": SortOption(_("code"), ("code",)),
    }
    default_sort = "tree"
    create_url_name = "core:organisation-create"
    create_permission = "core.add_organisation"
    export_name = "organisations"


class OrganisationDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "core.view_organisation"
    template_name = "core/organisation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = selectors.organisation_for_user(
            user=self.request.user, organisation_id=kwargs["pk"]
        )
        context.update(
            organisation=organisation,
            children=selectors.organisations_visible_to(user=self.request.user).filter(
                parent=organisation
            )[:100],
            audit_entries=selectors.audit_trail(user=self.request.user, instance=organisation),
        )
        return context


class OrganisationForm(ScopedModelForm):
    scoped_querysets = {"parent": scoped_organisations}

    class Meta:
        model = Organisation
        fields = ["name", "code", "kind", "parent", "phone", "address", "is_active"]
        widgets = {"parent": AutocompleteWidget("organisations")}


class OrganisationCreateView(ServiceFormView):
    permission_required = "core.add_organisation"
    form_class = OrganisationForm
    title = _("New organisation")

    def perform(self, form: OrganisationForm) -> Model:
        return services.create_organisation(by=acting_user(self.request), **form.model_values())


class OrganisationUpdateView(ServiceFormView):
    permission_required = "core.change_organisation"
    form_class = OrganisationForm
    title = _("Edit organisation")

    def get_object(self) -> Organisation:
        return selectors.organisation_for_user(
            user=self.request.user, organisation_id=self.kwargs["pk"]
        )

    def perform(self, form: OrganisationForm) -> Model:
        return services.update_organisation(
            organisation=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


# --- shared endpoints -------------------------------------------------------------------------


class AutocompleteView(LoginRequiredMixin, View):
    """JSON answers for search-as-you-type fields: at most MAX_RESULTS scoped rows."""

    def get(self, request: HttpRequest, source: str) -> JsonResponse:
        found = get_source(source)
        if found is None:
            raise Http404
        if found.permission and not request.user.has_perm(found.permission):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        params = {key: value for key, value in request.GET.items() if key != "q"}
        rows = found.search(user=request.user, term=term, params=params)[:MAX_RESULTS]
        return JsonResponse(
            {"results": [{"id": row.pk, "label": found.label(row)} for row in rows]}
        )


class OperationsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The operator's view of background work: worker heartbeat, queue depth, periodic jobs."""

    permission_required = "core.view_operations"
    template_name = "core/operations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status"] = operations.queue_status()
        return context


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
