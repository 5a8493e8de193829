"""Permission codenames of the parts app (declared on the models' Meta.permissions)."""

from enum import StrEnum


class PartsPermission(StrEnum):
    VIEW_PART = "parts.view_part"
    ADD_PART = "parts.add_part"
    CHANGE_PART = "parts.change_part"
    VIEW_WAREHOUSE = "parts.view_warehouse"
    ADD_WAREHOUSE = "parts.add_warehouse"
    CHANGE_WAREHOUSE = "parts.change_warehouse"
    VIEW_STOCK = "parts.view_stocklevel"
    MANAGE_STOCK = "parts.manage_stock"
    VIEW_MOVEMENTS = "parts.view_stockmovement"
    VIEW_RESERVATIONS = "parts.view_reservation"
    RESERVE = "parts.add_reservation"
    VIEW_REQUESTS = "parts.view_partsrequest"
    REQUEST = "parts.add_partsrequest"
    APPROVE_REQUESTS = "parts.approve_partsrequest"
    VIEW_OLD_PARTS = "parts.view_oldpart"
    HANDLE_OLD_PARTS = "parts.change_oldpart"
    VIEW_REPORTS = "parts.view_parts_reports"
