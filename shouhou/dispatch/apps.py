from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "shouhou.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from shouhou.core.audit import register_audit_labels
        from shouhou.core.context_processors import register_navigation
        from shouhou.core.models import Role
        from shouhou.core.roles import register_role_permissions
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job
        from shouhou.dispatch import selectors
        from shouhou.dispatch.permissions import DispatchPermission as P

        reading = [
            P.VIEW_BOARD,
            P.VIEW_PLAN,
            P.VIEW_TECHNICIAN,
            P.VIEW_REPORT,
            P.VIEW_POSITIONS,
            "dispatch.view_fieldvisit",
        ]
        dispatching = [
            *reading,
            P.REQUEST_PLAN,
            P.ACCEPT_PLAN,
            P.MANAGE_SHIFTS,
            "dispatch.add_technicianshift",
            "dispatch.delete_technicianshift",
        ]
        managing = [
            *dispatching,
            P.ADD_TECHNICIAN,
            P.CHANGE_TECHNICIAN,
            "dispatch.add_technicianskill",
            "dispatch.delete_technicianskill",
        ]
        configuration = [
            f"dispatch.{verb}_{model}"
            for model in ("dispatchsettings", "faulttype", "durationestimate")
            for verb in ("view", "add", "change")
        ]
        register_role_permissions(
            {
                Role.ADMIN: [*managing, *configuration],
                Role.SERVICE_MANAGER: [*managing, "dispatch.view_durationestimate"],
                Role.DISPATCHER: dispatching,
                Role.TECHNICIAN: [P.REPORT_POSITION],
            }
        )
        register_navigation(
            _("Dispatch board"), "dispatch:board", P.VIEW_BOARD, after="tickets:list"
        )
        register_navigation(
            _("My day"), "dispatch:my-day", P.REPORT_POSITION, after="dispatch:board"
        )
        register_navigation(
            _("Technicians"), "dispatch:technician-list", P.VIEW_TECHNICIAN, after="dispatch:my-day"
        )
        selectors.register_autocomplete_sources()
        register_audit_labels(
            actions={
                "requested": _("plan requested"),
                "proposed": _("plan proposed"),
                "accepted": _("accepted"),
                "discarded": _("discarded"),
                "failed": _("failed"),
                "skill_added": _("skill added"),
                "skill_removed": _("skill removed"),
                "shift_set": _("shift set"),
                "shift_cleared": _("shift cleared"),
                "departed": _("departed"),
                "arrived": _("arrived"),
                "completed": _("completed"),
                "recorded": _("recorded"),
            },
            keys={
                "skill": _("skill"),
                "shift": _("shift"),
                "regions": _("regions covered"),
                "dispatched": _("dispatched"),
                "not_applied": _("not applied"),
                "technician": _("technician"),
            },
        )
        register_periodic_job(
            PeriodicJob(
                "dispatch_duration_estimates",
                "shouhou.dispatch.tasks.refresh_duration_estimates",
                timedelta(hours=24),
            )
        )
