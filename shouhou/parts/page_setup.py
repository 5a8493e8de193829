"""What the parts app registers at start-up: role permissions, autocomplete sources and the
audit log's verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import register_audit_labels
from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import Role
from shouhou.parts.models import MovementKind
from shouhou.parts.permissions import PartsPermission as P
from shouhou.parts.selectors import keeper_search, part_search, warehouse_search

VIEW = [
    P.VIEW_PART,
    P.VIEW_WAREHOUSE,
    P.VIEW_STOCK,
    P.VIEW_MOVEMENTS,
    P.VIEW_RESERVATIONS,
    P.VIEW_REQUESTS,
    P.VIEW_OLD_PARTS,
]
MANAGE = [
    P.ADD_PART,
    P.CHANGE_PART,
    P.ADD_WAREHOUSE,
    P.CHANGE_WAREHOUSE,
    P.MANAGE_STOCK,
    P.APPROVE_REQUESTS,
    P.RESERVE,
    P.HANDLE_OLD_PARTS,
    P.VIEW_REPORTS,
    P.REQUEST,
]
ROLE_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: [*VIEW, *MANAGE],
    Role.SERVICE_MANAGER: [*VIEW, *MANAGE],
    # The clerk (业务员/内勤) orders and keeps the repair parts (001 第五篇 二).
    Role.DISPATCHER: [*VIEW, *MANAGE],
    Role.TECHNICIAN: [*VIEW, P.REQUEST, P.RESERVE, P.HANDLE_OLD_PARTS],
    Role.ACCOUNTANT: [*VIEW, P.VIEW_REPORTS],
    Role.QUALITY_OFFICER: [P.VIEW_PART, P.VIEW_OLD_PARTS, P.VIEW_REPORTS],
}


def _keeper_label(person: object) -> str:
    organisation = getattr(person, "organisation", None)
    return f"{person} · {organisation}" if organisation is not None else str(person)


def register_autocomplete_sources() -> None:
    register(
        "parts",
        AutocompleteSource(
            search=part_search,
            permission=P.VIEW_PART,
            label=lambda part: f"{part.code} {part.name} · ¥{part.sale_price}",
        ),
    )
    register(
        "warehouses",
        AutocompleteSource(
            search=warehouse_search,
            permission=P.VIEW_WAREHOUSE,
            label=lambda warehouse: f"{warehouse.code} {warehouse.name}",
        ),
    )
    register(
        "parts_keepers",
        AutocompleteSource(search=keeper_search, permission=P.VIEW_WAREHOUSE, label=_keeper_label),
    )


def register_audit_verbs() -> None:
    register_audit_labels(
        actions={
            **{str(kind): kind.label for kind in MovementKind},
            "reserved": _("Stock held"),
            "released": _("Held stock released"),
            "reorder_point_set": _("Reorder point set"),
            "submitted": _("Submitted"),
            "approve": _("Approved"),
            "back_order": _("Back-ordered"),
            "reject": _("Rejected"),
            "ship": _("Shipped"),
            "receive": _("Receipt confirmed"),
            "cancel": _("Cancelled"),
            "recorded": _("Recorded"),
            "return_to_customer": _("Returned to the customer"),
            "hand_in": _("Handed in"),
            "send_to_factory": _("Sent back to the factory"),
            "scrap": _("Scrapped"),
        },
        keys={
            "lines": _("parts"),
            "on_hand": _("on hand"),
            "reserved": _("reserved"),
            "compatible_models": _("compatible product models"),
        },
    )
