"""Equipment archive (机具档案) and distribution (机具分布) pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.assets import selectors, services
from shouhou.assets.filters import EquipmentFilter
from shouhou.assets.forms import EquipmentForm
from shouhou.core.auth import acting_user
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView

DIMENSION_LABELS = {
    "region": _("region"),
    "product_type": _("product type"),
    "brand": _("brand"),
    "product_model": _("product model"),
    "status": _("status"),
}


class EquipmentListView(ScopedListView):
    permission_required = "assets.view_equipment"
    title = _("Equipment archive")
    selector = staticmethod(selectors.equipment_visible_to)
    filterset_class = EquipmentFilter
    columns = [
        Column(_("serial number"), "serial", sort="serial", link=True),
        Column(_("product type"), "product_model.product_type"),
        Column(_("product model"), "product_model"),
        Column(_("customer"), "customer"),
        Column(_("site"), "site"),
        Column(_("region"), "region"),
        Column(_("installation date"), "installed_on", sort="installed"),
        Column(_("warranty end"), "warranty_ends_on", sort="warranty"),
        Column(_("status"), "status"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "serial": SortOption(_("serial number"), ("serial",)),
        "installed": SortOption(_("installation date"), ("installed_on", "id")),
        "warranty": SortOption(_("warranty end"), ("warranty_ends_on", "id")),
    }
    default_sort = "newest"
    create_url_name = "assets:create"
    create_permission = "assets.add_equipment"
    export_name = "equipment"
    actions = [
        (_("Distribution"), "assets:distribution", "assets.view_equipment"),
        (_("Import"), "core:import-create", "assets.import_equipment"),
    ]


class EquipmentDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assets.view_equipment"
    template_name = "assets/equipment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        equipment = selectors.equipment_for_user(user=self.request.user, equipment_id=kwargs["pk"])
        context.update(
            equipment=equipment,
            coverage=selectors.equipment_coverage(equipment=equipment),
            audit_entries=audit_trail(user=self.request.user, instance=equipment),
        )
        return context


class EquipmentCreateView(ServiceFormView):
    permission_required = "assets.add_equipment"
    form_class = EquipmentForm
    title = _("New equipment")

    initial_ids_from_query = ("customer", "site")

    def perform(self, form: EquipmentForm) -> Model:
        return services.register_equipment(by=acting_user(self.request), **form.model_values())


class EquipmentUpdateView(ServiceFormView):
    permission_required = "assets.change_equipment"
    form_class = EquipmentForm
    title = _("Edit equipment")

    def get_object(self) -> Model:
        return selectors.equipment_for_user(user=self.request.user, equipment_id=self.kwargs["pk"])

    def perform(self, form: EquipmentForm) -> Model:
        return services.update_equipment(
            equipment=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


class EquipmentDistributionView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """How the visible equipment spreads over regions, types, brands or models (机具分布)."""

    permission_required = "assets.view_equipment"
    template_name = "assets/distribution.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        dimension = request.GET.get("by", "region")
        if dimension not in DIMENSION_LABELS:
            dimension = "region"
        filterset = EquipmentFilter(
            request.GET or None,
            queryset=selectors.equipment_visible_to(user=request.user),
            request=request,
        )
        queryset = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        )
        rows = selectors.equipment_distribution(queryset=queryset, dimension=dimension)
        context.update(
            title=_("Equipment distribution"),
            filterset=filterset,
            dimension=dimension,
            dimensions=DIMENSION_LABELS,
            rows=rows,
            total=sum(row.count for row in rows),
        )
        return context
