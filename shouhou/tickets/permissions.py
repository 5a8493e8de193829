"""Permission codenames of the work-order app (declared on WorkOrder.Meta.permissions)."""

from enum import StrEnum


class TicketPermission(StrEnum):
    VIEW = "tickets.view_workorder"
    REGISTER = "tickets.add_workorder"
    EDIT = "tickets.change_workorder"
    DISPATCH = "tickets.dispatch_workorder"
    WORK = "tickets.work_workorder"
    INSPECT = "tickets.inspect_workorder"
    ESCALATE = "tickets.escalate_workorder"
    CANCEL = "tickets.cancel_workorder"
    CLOSE = "tickets.close_workorder"
    VIEW_REPORTS = "tickets.view_daily_reports"
