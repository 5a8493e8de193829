from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "shouhou.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job

        # Delivery is also enqueued right after each commit; this sweep catches retries and
        # anything a dead worker left behind.
        register_periodic_job(
            PeriodicJob(
                "deliver_notifications",
                "shouhou.notify.tasks.deliver_notifications",
                timedelta(minutes=1),
            )
        )
