from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartsConfig(AppConfig):
    name = "shouhou.parts"
    label = "parts"
    verbose_name = _("Parts")

    def ready(self) -> None:
        from shouhou.core.context_processors import register_navigation
        from shouhou.core.roles import register_role_permissions
        from shouhou.parts import page_setup

        register_role_permissions(page_setup.ROLE_GRANTS)
        register_navigation(
            pgettext_lazy("stock of spare parts", "Parts stock"),
            "parts:stock",
            "parts.view_stocklevel",
            after="contracts:list",
        )
        page_setup.register_autocomplete_sources()
        page_setup.register_audit_verbs()
