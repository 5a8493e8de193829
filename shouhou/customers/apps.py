from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "shouhou.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from shouhou.customers import imports, selectors

        selectors.register_autocomplete_sources()
        imports.register_import_schemas()
