"""Writes on organisations and users."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.errors import ShouhouError
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, OrganisationKind, Role, User
from shouhou.core.scoping import visible_organisations

ORGANISATION_FIELDS = ["name", "code", "kind", "parent", "phone", "address", "is_active"]


def ensure_visible_organisation(*, organisation: Organisation, user: User | None) -> None:
    """Refuse to attach a record to an organisation outside the acting user's subtree."""
    if user is None:
        return
    organisations = visible_organisations(user)
    if organisations is not None and not organisations.filter(pk=organisation.pk).exists():
        raise ShouhouError(
            _("You cannot use the organisation %(name)s.") % {"name": organisation.name},
            field="organisation",
        )


def _path_for(organisation: Organisation) -> str:
    parent = organisation.parent
    return f"{parent.path if parent else '/'}{organisation.pk}/"


@transaction.atomic
def create_organisation(*, by: User | None, **fields: Any) -> Organisation:
    """Create a node of the organisation tree under `parent` (or a new root)."""
    parent: Organisation | None = fields.get("parent")
    if parent is not None:
        ensure_visible_organisation(organisation=parent, user=by)
    elif by is not None and visible_organisations(by) is not None:
        raise ShouhouError(
            _("Only headquarters can create a top-level organisation."), field="parent"
        )
    organisation = Organisation(**fields)
    organisation.full_clean(exclude=["path"])
    organisation.save()
    organisation.path = _path_for(organisation)
    organisation.depth = organisation.path.count("/") - 2
    organisation.save(update_fields=["path", "depth"])
    record_audit(
        actor=by,
        action="organisation.created",
        instance=organisation,
        changes=created_changes(organisation, ORGANISATION_FIELDS),
        organisation=organisation,
    )
    return organisation


@transaction.atomic
def update_organisation(
    *, organisation: Organisation, by: User | None, expected_version: int | None, **changes: Any
) -> Organisation:
    """Change an organisation; moving it under a new parent moves its whole subtree."""
    current = lock_for_update(Organisation, pk=organisation.pk, expected_version=expected_version)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    new_parent: Organisation | None = current.parent
    if "parent" in changes and new_parent is not None:
        if new_parent.pk == current.pk or new_parent.path.startswith(current.path):
            raise ShouhouError(
                _("An organisation cannot be moved under itself or one of its descendants."),
                field="parent",
            )
        ensure_visible_organisation(organisation=new_parent, user=by)
    current.full_clean(exclude=["path"])
    old_path = current.path
    new_path = _path_for(current)
    fields = list(changes)
    if new_path != old_path:
        current.path = new_path
        current.depth = new_path.count("/") - 2
        fields += ["path", "depth"]
    save_versioned(current, expected_version=current.version, fields=fields)
    if new_path != old_path:
        _repath_descendants(old_path=old_path, new_path=new_path)
    record_audit(
        actor=by,
        action="organisation.updated",
        instance=current,
        changes=diff(before, snapshot(current, list(changes))),
        organisation=current,
    )
    return current


def _repath_descendants(*, old_path: str, new_path: str) -> None:
    descendants = list(
        Organisation.objects.filter(path__startswith=old_path).exclude(path=old_path).only("path")
    )
    for descendant in descendants:
        descendant.path = new_path + descendant.path[len(old_path) :]
        descendant.depth = descendant.path.count("/") - 2
    Organisation.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)


@transaction.atomic
def create_user(
    *,
    by: User | None,
    username: str,
    password: str | None,
    organisation: Organisation | None,
    role: str,
    name: str = "",
    phone: str = "",
    email: str = "",
    is_staff: bool = False,
) -> User:
    """Create a login for a person in `organisation` with `role`."""
    if role and role not in Role.values:
        raise ShouhouError(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if organisation is not None:
        ensure_visible_organisation(organisation=organisation, user=by)
    if (
        role == Role.CUSTOMER_USER
        and organisation is not None
        and organisation.kind
        in (
            OrganisationKind.HEADQUARTERS,
            OrganisationKind.SERVICE_CENTRE,
        )
    ):
        raise ShouhouError(
            _("A customer user belongs to a client organisation."), field="organisation"
        )
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        name=name,
        phone=phone,
        email=email,
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_audit(
        actor=by,
        action="user.created",
        instance=user,
        changes={"username": [None, username], "role": [None, role]},
        organisation=organisation,
    )
    return user
