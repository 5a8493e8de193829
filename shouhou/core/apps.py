from datetime import timedelta

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from shouhou.core import lookups, selectors  # noqa: F401 - registers field__prefix
        from shouhou.core.roles import sync_role_groups
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job

        selectors.register_autocomplete_sources()
        register_periodic_job(
            PeriodicJob("heartbeat", "shouhou.core.tasks.record_heartbeat", timedelta(minutes=1))
        )
        register_periodic_job(
            PeriodicJob(
                "prune_bookkeeping", "shouhou.core.tasks.prune_bookkeeping", timedelta(hours=6)
            )
        )
        register_periodic_job(
            PeriodicJob(
                "refresh_planner_statistics",
                "shouhou.core.tasks.refresh_planner_statistics",
                timedelta(hours=24),
            )
        )

        # Infrastructure, like Django's own create_permissions: keeps each role's group holding
        # the permissions ROLE_PERMISSIONS grants, whatever app the permission comes from.
        post_migrate.connect(sync_role_groups, dispatch_uid="shouhou.core.sync_role_groups")
