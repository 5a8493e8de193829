"""Customer archive pages: list, file (档案), create and edit customers, contacts and sites."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from shouhou.assets.selectors import equipment_visible_to
from shouhou.contracts.selectors import contracts_of_customer
from shouhou.core.auth import acting_user
from shouhou.core.listing import Column, ScopedListView, SortOption
from shouhou.core.scoping import get_visible_or_404
from shouhou.core.selectors import audit_trail
from shouhou.core.views import ServiceFormView
from shouhou.customers import selectors, services
from shouhou.customers.filters import CustomerFilter, SiteFilter
from shouhou.customers.forms import ContactForm, CustomerForm, SiteForm
from shouhou.customers.models import Contact

ARCHIVE_EQUIPMENT_ROWS = 20


class CustomerListView(ScopedListView):
    permission_required = "customers.view_customer"
    title = _("Customers")
    selector = staticmethod(selectors.customers_visible_to)
    filterset_class = CustomerFilter
    columns = [
        Column(_("customer number"), "code", sort="code", link=True),
        Column(_("name"), "name", sort="name", link=True),
        Column(_("grade"), "grade"),
        Column(_("target customer"), "is_target"),
        Column(_("phone"), "phone"),
        Column(_("region"), "region"),
        Column(_("organisation"), "organisation"),
        Column(_("created at"), "created_at", sort="newest"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "name": SortOption(_("name"), ("name", "id")),
        "code": SortOption(_("customer number"), ("code",)),
    }
    default_sort = "newest"
    create_url_name = "customers:create"
    create_permission = "customers.add_customer"
    export_name = "customers"
    actions = [(_("Import"), "core:import-create", "customers.import_customers")]


class CustomerDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The customer file: contacts, sites, equipment, contracts and history on one page."""

    permission_required = "customers.view_customer"
    template_name = "customers/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        customer = selectors.customer_for_user(user=user, customer_id=kwargs["pk"])
        equipment = list(
            equipment_visible_to(user=user)
            .filter(customer=customer)
            .order_by("-id")[: ARCHIVE_EQUIPMENT_ROWS + 1]
        )
        context.update(
            customer=customer,
            contacts=list(selectors.contacts_of(customer=customer)),
            sites=list(
                selectors.sites_visible_to(user=user)
                .filter(customer=customer)
                .order_by("name")[:50]
            ),
            equipment=equipment[:ARCHIVE_EQUIPMENT_ROWS],
            more_equipment=len(equipment) > ARCHIVE_EQUIPMENT_ROWS,
            contracts=contracts_of_customer(user=user, customer_id=customer.pk),
            audit_entries=audit_trail(user=user, instance=customer),
        )
        return context


class CustomerCreateView(ServiceFormView):
    permission_required = "customers.add_customer"
    form_class = CustomerForm
    title = _("New customer")

    def perform(self, form: CustomerForm) -> Model:
        return services.create_customer(by=acting_user(self.request), **form.model_values())


class CustomerUpdateView(ServiceFormView):
    permission_required = "customers.change_customer"
    form_class = CustomerForm
    title = _("Edit customer")

    def get_object(self) -> Model:
        return selectors.customer_for_user(user=self.request.user, customer_id=self.kwargs["pk"])

    def perform(self, form: CustomerForm) -> Model:
        return services.update_customer(
            customer=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )


class ContactCreateView(ServiceFormView):
    permission_required = "customers.add_contact"
    form_class = ContactForm
    title = _("New contact")

    def perform(self, form: ContactForm) -> Model:
        customer = selectors.customer_for_user(
            user=self.request.user, customer_id=self.kwargs["pk"]
        )
        services.create_contact(
            by=acting_user(self.request), customer=customer, **form.model_values()
        )
        return customer


class ContactUpdateView(ServiceFormView):
    permission_required = "customers.change_contact"
    form_class = ContactForm
    title = _("Edit contact")

    def get_object(self) -> Model:
        customer = selectors.customer_for_user(
            user=self.request.user, customer_id=self.kwargs["pk"]
        )
        return get_visible_or_404(
            Contact.objects.filter(customer=customer),
            self.request.user,
            pk=self.kwargs["contact_pk"],
        )

    def perform(self, form: ContactForm) -> Model:
        contact = services.update_contact(
            contact=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )
        return contact.customer


class SiteListView(ScopedListView):
    permission_required = "customers.view_site"
    title = _("Sites")
    selector = staticmethod(selectors.sites_visible_to)
    filterset_class = SiteFilter
    columns = [
        Column(_("name"), "name", sort="name", link=True),
        Column(_("customer"), "customer"),
        Column(_("address"), "address"),
        Column(_("region"), "region"),
        Column(_("zone"), "zone"),
    ]
    sort_options = {
        "newest": SortOption(_("newest first"), ("-id",)),
        "name": SortOption(_("name"), ("name", "id")),
    }
    default_sort = "newest"
    create_url_name = "customers:site-create"
    create_permission = "customers.add_site"
    export_name = "sites"


class SiteDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "customers.view_site"
    template_name = "customers/site_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        site = selectors.site_for_user(user=user, site_id=kwargs["pk"])
        equipment = list(
            equipment_visible_to(user=user)
            .filter(site=site)
            .order_by("-id")[: ARCHIVE_EQUIPMENT_ROWS + 1]
        )
        context.update(
            site=site,
            equipment=equipment[:ARCHIVE_EQUIPMENT_ROWS],
            more_equipment=len(equipment) > ARCHIVE_EQUIPMENT_ROWS,
            audit_entries=audit_trail(user=user, instance=site),
        )
        return context


class SiteCreateView(ServiceFormView):
    permission_required = "customers.add_site"
    form_class = SiteForm
    title = _("New site")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if (customer := self.request.GET.get("customer", "")).isdigit():
            initial["customer"] = int(customer)
        return initial

    def perform(self, form: SiteForm) -> Model:
        values = form.model_values()
        return services.create_site(by=acting_user(self.request), **values)


class SiteUpdateView(ServiceFormView):
    permission_required = "customers.change_site"
    form_class = SiteForm
    title = _("Edit site")

    def get_object(self) -> Model:
        return selectors.site_for_user(user=self.request.user, site_id=self.kwargs["pk"])

    def perform(self, form: SiteForm) -> Model:
        changes = form.changes()
        changes.pop("customer", None)
        return services.update_site(
            site=form.instance,
            by=acting_user(self.request),
            expected_version=form.cleaned_data["version"],
            **changes,
        )
