"""Permission codenames of the feedback app (model permissions and those declared in
Meta.permissions of SurveyAnswer and FollowUp)."""

from enum import StrEnum


class FeedbackPermission(StrEnum):
    VIEW_INVITATIONS = "feedback.view_surveyinvitation"
    VIEW_ANSWERS = "feedback.view_surveyanswer"
    ENTER_ANSWER = "feedback.add_surveyanswer"
    HANDLE_FLAGS = "feedback.handle_flagged_answer"
    VIEW_SCORES = "feedback.view_technician_scores"
    VIEW_FOLLOW_UPS = "feedback.view_followup"
    WORK_FOLLOW_UPS = "feedback.work_followup"
    ASSIGN_FOLLOW_UPS = "feedback.assign_followup"
    VIEW_REPORTS = "feedback.view_feedback_reports"
    SUBMIT_REPORT = "feedback.add_followupmonthlyreport"
