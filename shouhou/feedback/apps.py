from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "shouhou.feedback"
    label = "feedback"
    verbose_name = _("Customer feedback")

    def ready(self) -> None:
        from shouhou.core.audit import register_audit_labels
        from shouhou.core.context_processors import register_navigation
        from shouhou.core.models import Role
        from shouhou.core.roles import register_role_permissions
        from shouhou.core.scheduling import PeriodicJob, register_periodic_job
        from shouhou.feedback import selectors
        from shouhou.feedback.permissions import FeedbackPermission as P

        surveys_read = [P.VIEW_INVITATIONS, P.VIEW_ANSWERS]
        follow_ups_work = [
            P.VIEW_FOLLOW_UPS,
            P.WORK_FOLLOW_UPS,
            P.SUBMIT_REPORT,
            P.VIEW_REPORTS,
            "feedback.view_followupmonthlyreport",
        ]
        managing = [
            *surveys_read,
            P.ENTER_ANSWER,
            P.HANDLE_FLAGS,
            P.VIEW_SCORES,
            *follow_ups_work,
            P.ASSIGN_FOLLOW_UPS,
        ]
        configuration = [
            f"feedback.{verb}_{model}"
            for model in (
                "questionnaire",
                "question",
                "feedbackpolicy",
                "followuprule",
                "lossreason",
            )
            for verb in ("view", "add", "change")
        ]
        register_role_permissions(
            {
                Role.ADMIN: [*managing, *configuration, "feedback.view_samplingdecision"],
                Role.SERVICE_MANAGER: [*managing, "feedback.view_samplingdecision"],
                Role.DISPATCHER: [*surveys_read, P.VIEW_SCORES],
                Role.AGENT: [*surveys_read, P.ENTER_ANSWER],
                Role.FOLLOWUP_AGENT: [*surveys_read, P.ENTER_ANSWER, *follow_ups_work],
                Role.QUALITY_OFFICER: [
                    *surveys_read,
                    P.HANDLE_FLAGS,
                    P.VIEW_SCORES,
                    P.VIEW_FOLLOW_UPS,
                    P.VIEW_REPORTS,
                    "feedback.view_followupmonthlyreport",
                ],
            }
        )
        register_navigation(_("Surveys"), "feedback:invitation-list", P.VIEW_INVITATIONS)
        register_navigation(_("Flagged feedback"), "feedback:flagged", P.HANDLE_FLAGS)
        register_navigation(_("Follow-ups"), "feedback:follow-up-queue", P.VIEW_FOLLOW_UPS)
        register_navigation(
            _("Feedback reports"), "feedback:reports", (P.VIEW_REPORTS, P.VIEW_SCORES)
        )
        selectors.register_autocomplete_sources()
        actions = {
            "survey.invited": _("survey sent"),
            "survey.reminded": _("reminder sent"),
            "survey.expired": _("expired"),
            "survey.answered": _("answered"),
            "survey.flag_handled": _("flag handled"),
            "follow_up.called": _("call recorded"),
            "follow_up.assigned": _("assigned"),
            "follow_up.cancelled": _("cancelled"),
            "follow_up_report.submitted": _("submitted"),
            "questionnaire.copied": _("new version drafted"),
            "questionnaire.published": _("published"),
        }
        register_audit_labels(
            # Full actions, and their verbs for readers that look the verb up.
            actions={
                **actions,
                **{key.rsplit(".", 1)[-1]: label for key, label in actions.items()},
            },
            keys={
                "result": _("result"),
                "flagged": _("flagged"),
                "reason": _("reason"),
                "is_late": _("late"),
                "month": _("month"),
            },
        )
        for name, path, every in (
            (
                "feedback_invite_closed_work_orders",
                "invite_closed_work_orders",
                timedelta(minutes=15),
            ),
            ("feedback_remind_and_expire", "remind_and_expire_invitations", timedelta(hours=1)),
            ("feedback_create_follow_ups", "create_follow_ups", timedelta(hours=1)),
        ):
            register_periodic_job(PeriodicJob(name, f"shouhou.feedback.tasks.{path}", every))
