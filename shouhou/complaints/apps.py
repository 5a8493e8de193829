from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "shouhou.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from shouhou.complaints import page_selectors
        from shouhou.complaints.permissions import ComplaintPermission as P
        from shouhou.core.context_processors import register_navigation
        from shouhou.core.models import Role
        from shouhou.core.roles import register_role_permissions
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job

        configuration = [
            f"complaints.{verb}_{model}"
            for verb in ("view", "add", "change")
            for model in (
                "complainttype",
                "complaintpolicy",
                "steptarget",
                "approvallimit",
                "department",
                "staffprofile",
                "monthlybonus",
            )
        ]
        organisation = [
            f"complaints.{verb}_{model}"
            for verb in ("view", "add", "change")
            for model in ("department", "staffprofile", "monthlybonus")
        ]
        register_role_permissions(
            {
                Role.ADMIN: [
                    *[str(permission) for permission in P],
                    *configuration,
                    "complaints.view_chasenotice",
                    "complaints.view_revisit",
                ],
                Role.SERVICE_MANAGER: [
                    P.VIEW,
                    P.REGISTER,
                    P.ASSIGN,
                    P.HANDLE,
                    P.APPROVE,
                    P.DECIDE,
                    P.REVISIT,
                    P.VIEW_REPORTS,
                    P.VIEW_PENALTIES,
                    *organisation,
                ],
                Role.QUALITY_OFFICER: [
                    P.VIEW,
                    P.REGISTER,
                    P.HANDLE,
                    P.APPROVE,
                    P.DECIDE,
                    P.VIEW_REPORTS,
                    P.VIEW_PENALTIES,
                ],
                Role.DISPATCHER: [P.VIEW, P.REGISTER],
                Role.AGENT: [P.VIEW, P.REGISTER],
                Role.FOLLOWUP_AGENT: [P.VIEW, P.REGISTER, P.REVISIT],
                Role.ACCOUNTANT: [
                    P.VIEW,
                    P.VIEW_REPORTS,
                    P.VIEW_PENALTIES,
                    "complaints.view_staffprofile",
                    "complaints.change_staffprofile",
                    "complaints.view_monthlybonus",
                    "complaints.add_monthlybonus",
                    "complaints.change_monthlybonus",
                ],
            }
        )
        register_navigation(_("Complaints"), "complaints:list", P.VIEW, after="sla:compliance")
        register_periodic_job(
            PeriodicJob(
                "complaint_chasing",
                "shouhou.complaints.tasks.chase_overdue_complaints",
                timedelta(minutes=15),
            )
        )
        page_selectors.register_autocomplete_sources()
        page_selectors.register_timeline_labels()
