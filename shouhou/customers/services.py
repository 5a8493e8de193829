"""Writes on customers, contacts and sites."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import User
from shouhou.core.numbering import next_number
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Contact, Customer, Site

CUSTOMER_FIELDS = [
    "code",
    "name",
    "kind",
    "grade",
    "is_target",
    "source",
    "phone",
    "email",
    "address",
    "region",
    "organisation",
    "notes",
]
CONTACT_FIELDS = ["name", "title", "phone", "email", "is_primary"]
SITE_FIELDS = [
    "customer",
    "name",
    "address",
    "region",
    "zone",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
]


@transaction.atomic
def create_customer(*, by: User | None, **fields: Any) -> Customer:
    """Open a customer file; the customer number comes from the numbering service when blank."""
    ensure_visible_organisation(organisation=fields["organisation"], user=by)
    if not fields.get("code"):
        fields["code"] = next_number(document_type="customer")
    customer = Customer(**fields)
    customer.full_clean()
    customer.save()
    record_audit(
        actor=by,
        action="customer.created",
        instance=customer,
        changes=created_changes(customer, CUSTOMER_FIELDS),
        organisation=customer.organisation,
    )
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, by: User | None, expected_version: int | None, **changes: Any
) -> Customer:
    """Change a customer file; moving it to another organisation moves its equipment too."""
    current = lock_for_update(Customer, pk=customer.pk, expected_version=expected_version)
    if "organisation" in changes:
        ensure_visible_organisation(organisation=changes["organisation"], user=by)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    changed = diff(before, snapshot(current, list(changes)))
    if "organisation" in changed:
        from shouhou.assets.services import follow_customer_organisation

        follow_customer_organisation(customer=current)
    record_audit(
        actor=by,
        action="customer.updated",
        instance=current,
        changes=changed,
        organisation=current.organisation,
    )
    return current


@transaction.atomic
def create_contact(*, by: User | None, customer: Customer, **fields: Any) -> Contact:
    contact = Contact(customer=customer, **fields)
    contact.full_clean()
    contact.save()
    record_audit(
        actor=by,
        action="contact.created",
        instance=contact,
        changes=created_changes(contact, CONTACT_FIELDS),
        organisation=customer.organisation,
    )
    return contact


@transaction.atomic
def update_contact(
    *, contact: Contact, by: User | None, expected_version: int | None, **changes: Any
) -> Contact:
    current = lock_for_update(Contact, pk=contact.pk, expected_version=expected_version)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    record_audit(
        actor=by,
        action="contact.updated",
        instance=current,
        changes=diff(before, snapshot(current, list(changes))),
        organisation=current.customer.organisation,
    )
    return current


@transaction.atomic
def create_site(*, by: User | None, customer: Customer, **fields: Any) -> Site:
    """Add a place where the customer's equipment stands."""
    site = Site(customer=customer, **fields)
    site.full_clean()
    site.save()
    record_audit(
        actor=by,
        action="site.created",
        instance=site,
        changes=created_changes(site, SITE_FIELDS),
        organisation=customer.organisation,
    )
    return site


@transaction.atomic
def update_site(
    *, site: Site, by: User | None, expected_version: int | None, **changes: Any
) -> Site:
    """Change a site; a new region is copied onto the equipment standing there."""
    current = lock_for_update(Site, pk=site.pk, expected_version=expected_version)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    changed = diff(before, snapshot(current, list(changes)))
    if "region" in changed:
        from shouhou.assets.services import follow_site_region

        follow_site_region(site=current)
    record_audit(
        actor=by,
        action="site.updated",
        instance=current,
        changes=changed,
        organisation=current.customer.organisation,
    )
    return current
