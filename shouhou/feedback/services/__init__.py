"""Every write of the feedback app (surveys.py: invitations, answers, flags, questionnaire
versions; follow_ups.py: follow-up calls and the monthly report). Other apps import from here:
the work-order service calls `invite_after_close` when it closes an order, the complaints app
calls `mark_flag_handled` when it turns a flagged answer into a case."""

from shouhou.feedback.services.follow_ups import (
    CallOutcome,
    assign_follow_up,
    cancel_follow_up,
    create_follow_ups,
    record_follow_up_attempt,
    report_due_on,
    submit_monthly_report,
)
from shouhou.feedback.services.surveys import (
    SweepResult,
    copy_questionnaire,
    invite_after_close,
    invite_closed_work_orders,
    mark_flag_handled,
    mobile_number,
    publish_questionnaire,
    questionnaire_in_use,
    remind_and_expire_invitations,
    submit_survey_answer,
    validated_items,
)

__all__ = [
    "CallOutcome",
    "SweepResult",
    "assign_follow_up",
    "cancel_follow_up",
    "copy_questionnaire",
    "create_follow_ups",
    "invite_after_close",
    "invite_closed_work_orders",
    "mark_flag_handled",
    "mobile_number",
    "publish_questionnaire",
    "questionnaire_in_use",
    "record_follow_up_attempt",
    "remind_and_expire_invitations",
    "report_due_on",
    "submit_monthly_report",
    "submit_survey_answer",
    "validated_items",
]
