import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "shouhou.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from shouhou.billing import page_setup
        from shouhou.core.context_processors import register_navigation
        from shouhou.core.roles import register_role_permissions
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job

        register_role_permissions(page_setup.ROLE_GRANTS)
        register_navigation(
            _("Invoices"), "billing:invoice-list", "billing.view_invoice", after="parts:stock"
        )
        page_setup.register_audit_verbs()
        register_periodic_job(
            PeriodicJob(
                name="billing.expire_quotes",
                task_path="shouhou.billing.tasks.expire_quotes_task",
                every=datetime.timedelta(hours=1),
            )
        )
