"""Reads the work-order pages need on top of selectors.py: the screen-pop rows with what they fill
into the intake form, the detail page's lines and papers, a timeline that reads well, the saved
views of the list, and the autocomplete sources for technicians and service directors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Equipment
from shouhou.core.audit import register_audit_labels
from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import Role, User
from shouhou.core.selectors import users_visible_to
from shouhou.customers.models import Contact, Customer
from shouhou.sla.selectors import overdue
from shouhou.tickets.models import (
    Attachment,
    CarryInReceipt,
    LabourLine,
    PartLine,
    ServiceVoucher,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.permissions import TicketPermission
from shouhou.tickets.selectors import caller_lookup, start_of_today
from shouhou.tickets.workflow import ACTIONS, FINAL, HOLDING_GOODS

# --- autocomplete: technicians and service directors ------------------------------------------


def technicians_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active technicians of the organisations the user sees."""
    return users_visible_to(user=user).filter(role=Role.TECHNICIAN)


def directors_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active users of the organisations the user sees who may inspect work (service directors,
    managers): whom a work order is escalated to (001 第八条)."""
    app_label, codename = TicketPermission.INSPECT.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    roles = Group.objects.filter(permissions__in=permission).values("name")
    holders = User.objects.filter(
        Q(is_superuser=True)
        | Q(role__in=roles)
        | Q(groups__permissions__in=permission)
        | Q(user_permissions__in=permission)
    ).values("pk")
    return users_visible_to(user=user).filter(pk__in=holders)


def _user_search(base: QuerySet[User], term: str, params: dict[str, str]) -> QuerySet[User]:
    if term:
        base = base.filter(
            Q(name__icontains=term) | Q(username__istartswith=term) | Q(phone__startswith=term)
        )
    return base.order_by("name", "username", "id")


def technician_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    return _user_search(technicians_visible_to(user=user), term, params)


def director_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    return _user_search(directors_visible_to(user=user), term, params)


def _person_label(person: User) -> str:
    return f"{person} · {person.organisation}" if person.organisation_id else str(person)


def register_autocomplete_sources() -> None:
    register(
        "technicians",
        AutocompleteSource(
            search=technician_search, permission=TicketPermission.VIEW, label=_person_label
        ),
    )
    register(
        "directors",
        AutocompleteSource(
            search=director_search, permission=TicketPermission.ESCALATE, label=_person_label
        ),
    )


# --- intake screen-pop ------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """An id and the label its autocomplete box shows."""

    id: int
    label: str


@dataclass(frozen=True)
class ScreenPopRow:
    """A customer or a unit found for the caller, with the intake fields a click fills in."""

    title: str
    details: list[str]
    customer: Choice
    equipment: Choice | None = None
    site: Choice | None = None
    handling_organisation: Choice | None = None
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    has_purchase_proof: bool = True
    warranty_ends_on: datetime.date | None = None
    is_in_warranty: bool = False


@dataclass
class ScreenPop:
    term: str
    customers: list[ScreenPopRow] = field(default_factory=list)
    equipment: list[ScreenPopRow] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return len(self.term.strip()) >= 3


def _caller_contact(customer: Customer, term: str) -> tuple[str, str]:
    """The contact whose phone the caller typed, else the primary contact, else the customer."""
    contacts: list[Contact] = list(customer.contacts.all())
    for contact in contacts:
        if contact.phone.startswith(term):
            return contact.name, contact.phone
    for contact in contacts:
        if contact.is_primary:
            return contact.name, contact.phone or customer.phone
    return "", customer.phone


def _customer_choice(customer: Customer) -> Choice:
    return Choice(customer.pk, f"{customer.name} ({customer.code})")


def screen_pop(*, user: User, term: str) -> ScreenPop:
    """What the intake screen shows for a phone number or a serial typed by the clerk."""
    term = term.strip()
    result = ScreenPop(term=term)
    match = caller_lookup(user=user, term=term)
    contacts = Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "id"))
    prefetch_related_objects(
        [*match.customers, *(unit.customer for unit in match.equipment)], contacts
    )
    for customer in match.customers:
        name, phone = _caller_contact(customer, term)
        result.customers.append(
            ScreenPopRow(
                title=_customer_choice(customer).label,
                details=[part for part in (customer.phone, customer.address) if part],
                customer=_customer_choice(customer),
                contact_name=name,
                contact_phone=phone,
                address=customer.address,
            )
        )
    for unit in match.equipment:
        result.equipment.append(_unit_row(unit, term))
    return result


def _unit_row(unit: Equipment, term: str) -> ScreenPopRow:
    customer = unit.customer
    site = unit.site
    name, phone = _caller_contact(customer, term)
    if site is not None and site.contact_phone:
        name, phone = site.contact_name, site.contact_phone
    provider = unit.serving_provider
    return ScreenPopRow(
        title=f"{unit.serial} · {unit.product_model}",
        details=[
            part
            for part in (customer.name, site.name if site else "", site.address if site else "")
            if part
        ],
        customer=_customer_choice(customer),
        equipment=Choice(unit.pk, f"{unit.serial} · {unit.product_model}"),
        site=Choice(site.pk, f"{site.name} · {site.address}") if site is not None else None,
        handling_organisation=Choice(provider.pk, str(provider)) if provider else None,
        contact_name=name,
        contact_phone=phone,
        address=site.address if site is not None else customer.address,
        has_purchase_proof=unit.has_purchase_proof,
        warranty_ends_on=unit.warranty_ends_on,
        is_in_warranty=unit.is_in_warranty_on(timezone.localdate()),
    )


# --- the detail page --------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkOrderPapers:
    """The lines and documents shown on a work order's page."""

    labour: list[LabourLine]
    parts: list[PartLine]
    attachments: list[Attachment]
    receipt: CarryInReceipt | None
    voucher: ServiceVoucher | None

    @property
    def labour_minutes(self) -> int:
        return sum(line.minutes for line in self.labour)


def work_order_papers(*, work_order: WorkOrder) -> WorkOrderPapers:
    """Lines and documents of an order the caller already fetched through a scoped selector."""
    return WorkOrderPapers(
        labour=list(work_order.labour.select_related("technician")),
        parts=list(work_order.parts.all()),
        attachments=list(work_order.attachments.select_related("uploaded_by")),
        receipt=CarryInReceipt.objects.filter(work_order=work_order).first(),
        voucher=ServiceVoucher.objects.filter(work_order=work_order).first(),
    )


def attachment_of(*, work_order: WorkOrder, attachment_id: int) -> Attachment | None:
    return work_order.attachments.filter(pk=attachment_id).first()


TIMELINE_VERBS: dict[str, str | Promise] = {
    **{name: action.label for name, action in ACTIONS.items()},
    "registered": _("Registered"),
    "updated": _("Details corrected"),
    "category_changed": _("Service category changed"),
    "mode_changed": _("Resolution mode changed"),
    "escalated": _("Escalated"),
    "labour_added": _("Labour recorded"),
    "part_added": _("Part recorded"),
    "attachment_added": _("Attachment added"),
    "receipt_issued": _("Receipt issued"),
    "receipt_voided": _("Receipt voided"),
    "voucher_signed": _("Voucher signed"),
}
# Change keys that services write but that are not fields of the work order.
TIMELINE_KEYS: dict[str, str | Promise] = {
    "receipt": _("receipt number"),
    "goods": _("goods received"),
    "voucher": _("voucher number"),
    "signer_name": _("signed by"),
    "labour": _("labour"),
    "part": _("part"),
    "attachment": _("attachment"),
}


def register_timeline_labels() -> None:
    register_audit_labels(
        actions={f"work_order.{verb}": label for verb, label in TIMELINE_VERBS.items()},
        keys=TIMELINE_KEYS,
    )


# --- the list's saved views -------------------------------------------------------------------

SAVED_VIEWS: dict[str, str | Promise] = {
    "mine": _("Mine"),
    "today": _("Today's"),
    "unassigned": _("Unassigned"),
    "open": _("Open"),
    "overdue": _("Overdue"),
    "carried_in": _("Carried in"),
    "closed": _("Closed"),
}


def saved_view(
    queryset: QuerySet[WorkOrder], *, name: str, user: User | AnonymousUser
) -> QuerySet[WorkOrder]:
    """The orders of one saved view of the list; an unknown name leaves the queryset as is."""
    if name == "mine":
        return queryset.filter(Q(technician_id=user.pk) | Q(registered_by_id=user.pk))
    if name == "today":
        return queryset.filter(reported_at__gte=start_of_today())
    if name == "unassigned":
        return queryset.filter(status=WorkOrderStatus.REGISTERED)
    if name == "open":
        return queryset.exclude(status__in=FINAL)
    if name == "overdue":
        # A running promise past its due time, or the repair time told to the caller gone by.
        late_promise = overdue(queryset.exclude(status__in=FINAL)).values("pk")
        return queryset.exclude(status__in=FINAL).filter(
            Q(pk__in=late_promise) | Q(promised_at__lt=timezone.now())
        )
    if name == "carried_in":
        return queryset.filter(status__in=HOLDING_GOODS)
    if name == "closed":
        return queryset.filter(status=WorkOrderStatus.CLOSED)
    return queryset
