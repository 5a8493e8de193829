from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "shouhou.tickets"
    label = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from shouhou.tickets import page_selectors

        page_selectors.register_autocomplete_sources()
        page_selectors.register_timeline_labels()
