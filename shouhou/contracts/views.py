"""Maintenance contract pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.assets.selectors import equipment_visible_to
from shouhou.contracts import selectors, services
from shouhou.contracts.filters import ContractFilter
from shouhou.contracts.forms import ContractForm
from shouhou.core.auth import acting_user
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView

COVERED_ROWS = 100


class ContractListView(ScopedListView):
    permission_required = "contracts.view_maintenancecontract"
    title = _("Maintenance contracts")
    selector = staticmethod(selectors.contracts_visible_to)
    filterset_class = ContractFilter
    columns = [
        Column(_("contract number"), "number", sort="number", link=True),
        Column(_("kind"), "kind"),
        Column(_("customer"), "customer"),
        Column(_("start date"), "starts_on"),
        Column(_("end date"), "ends_on", sort="ends"),
        Column(_("service level"), "service_level"),
        Column(_("fee (yuan)"), "fee_amount"),
        Column(_("status"), "status"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "number": SortOption(_("contract number"), ("number",)),
        "ends": SortOption(_("end date"), ("ends_on", "id")),
    }
    default_sort = "newest"
    create_url_name = "contracts:create"
    create_permission = "contracts.add_maintenancecontract"
    export_name = "contracts"


class ContractDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "contracts.view_maintenancecontract"
    template_name = "contracts/contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        contract = selectors.contract_for_user(user=user, contract_id=kwargs["pk"])
        covered = list(
            equipment_visible_to(user=user)
            .filter(contracts=contract)
            .order_by("serial")[: COVERED_ROWS + 1]
        )
        context.update(
            contract=contract,
            equipment=covered[:COVERED_ROWS],
            more_equipment=len(covered) > COVERED_ROWS,
            audit_entries=audit_trail(user=user, instance=contract),
        )
        return context


class ContractCreateView(ServiceFormView):
    permission_required = "contracts.add_maintenancecontract"
    form_class = ContractForm
    title = _("New maintenance contract")

    def perform(self, form: ContractForm) -> Model:
        return services.create_contract(
            by=acting_user(self.request),
            equipment=form.cleaned_data["equipment"],
            **form.model_values(),
        )


class ContractUpdateView(ServiceFormView):
    permission_required = "contracts.change_maintenancecontract"
    form_class = ContractForm
    title = _("Edit maintenance contract")

    def get_object(self) -> Model:
        return selectors.contract_for_user(user=self.request.user, contract_id=self.kwargs["pk"])

    def perform(self, form: ContractForm) -> Model:
        return services.update_contract(
            contract=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            equipment=form.cleaned_data["equipment"],
            **form.changes(),
        )
