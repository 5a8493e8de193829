from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "shouhou.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job

        register_periodic_job(
            PeriodicJob(
                "sla_escalations", "shouhou.sla.tasks.fire_due_escalations", timedelta(minutes=1)
            )
        )
