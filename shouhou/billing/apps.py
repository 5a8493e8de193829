from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "shouhou.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # Register role permissions (core.roles.register_role_permissions), navigation entries
        # (core.context_processors.register_navigation), periodic jobs and autocomplete sources.
        return None
