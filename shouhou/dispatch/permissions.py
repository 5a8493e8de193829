"""Permission codenames of the dispatch app (declared on the models' Meta.permissions)."""

from enum import StrEnum


class DispatchPermission(StrEnum):
    VIEW_BOARD = "dispatch.view_dispatch_board"
    VIEW_PLAN = "dispatch.view_plan"
    REQUEST_PLAN = "dispatch.add_plan"
    ACCEPT_PLAN = "dispatch.accept_plan"
    VIEW_REPORT = "dispatch.view_field_report"
    VIEW_TECHNICIAN = "dispatch.view_technicianprofile"
    ADD_TECHNICIAN = "dispatch.add_technicianprofile"
    CHANGE_TECHNICIAN = "dispatch.change_technicianprofile"
    MANAGE_SHIFTS = "dispatch.change_technicianshift"
    REPORT_POSITION = "dispatch.add_technicianposition"
    VIEW_POSITIONS = "dispatch.view_technicianposition"
