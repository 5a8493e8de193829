from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "shouhou.assets"
    label = "assets"
    verbose_name = _("Equipment")

    def ready(self) -> None:
        from shouhou.assets import imports, selectors

        selectors.register_autocomplete_sources()
        imports.register_import_schemas()
