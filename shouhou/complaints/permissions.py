"""Permission codenames of the complaints app (declared on the models' Meta.permissions)."""

from enum import StrEnum


class ComplaintPermission(StrEnum):
    VIEW = "complaints.view_complaintcase"
    REGISTER = "complaints.add_complaintcase"
    ASSIGN = "complaints.assign_complaintcase"
    HANDLE = "complaints.handle_complaintcase"
    APPROVE = "complaints.approve_complaintcase"
    REVIEW_MAJOR = "complaints.review_major_complaintcase"
    DECIDE = "complaints.decide_complaintcase"
    REVISIT = "complaints.revisit_complaintcase"
    VIEW_REPORTS = "complaints.view_complaint_reports"
    VIEW_PENALTIES = "complaints.view_penalty"
