from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "shouhou.feedback"
    label = "feedback"
    verbose_name = _("Customer feedback")

    def ready(self) -> None:
        # Register role permissions (core.roles.register_role_permissions), navigation entries
        # (core.context_processors.register_navigation), periodic jobs and autocomplete sources.
        return None
