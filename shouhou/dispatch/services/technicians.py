"""Writes on technician profiles, their skills and shifts, and the duration estimates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import Brand, ProductType
from shouhou.core.audit import created_changes, diff, record_audit, snapshot
from shouhou.core.locking import lock_for_update, save_versioned
from shouhou.core.models import Organisation, Region, Role, User
from shouhou.core.services import ensure_visible_organisation
from shouhou.dispatch.errors import DispatchError, DispatchErrorCode
from shouhou.dispatch.estimates import compute_estimates
from shouhou.dispatch.models import (
    CertificationLevel,
    DurationEstimate,
    TechnicianProfile,
    TechnicianShift,
    TechnicianSkill,
)
from shouhou.dispatch.permissions import DispatchPermission
from shouhou.dispatch.selectors import settings_for

PROFILE_FIELDS = [
    "user",
    "home_centre",
    "certification_level",
    "home_latitude",
    "home_longitude",
    "daily_capacity",
    "is_active",
]
EDITABLE_FIELDS = frozenset(PROFILE_FIELDS) - {"user"}


def _ensure_may(by: User | None, permission: str) -> None:
    if by is not None and not by.has_perm(permission):
        raise DispatchError(
            _("You may not change technicians' dispatch details."),
            code=DispatchErrorCode.NOT_ALLOWED,
        )


def _region_labels(regions: Iterable[Region]) -> list[str]:
    return sorted(str(region) for region in regions)


@transaction.atomic
def create_technician_profile(
    *,
    by: User | None,
    user: User,
    home_centre: Organisation,
    certification_level: str = CertificationLevel.JUNIOR,
    home_latitude: Any = None,
    home_longitude: Any = None,
    daily_capacity: int | None = None,
    is_active: bool = True,
    regions: Iterable[Region] = (),
) -> TechnicianProfile:
    """Make a technician dispatchable: their service centre, level, home base and capacity."""
    _ensure_may(by, DispatchPermission.ADD_TECHNICIAN)
    if user.role != Role.TECHNICIAN:
        raise DispatchError(_("%(name)s is not a technician.") % {"name": user}, field="user")
    ensure_visible_organisation(organisation=home_centre, user=by)
    if TechnicianProfile.objects.filter(user=user).exists():
        raise DispatchError(
            _("%(name)s already has a dispatch profile.") % {"name": user}, field="user"
        )
    profile = TechnicianProfile(
        user=user,
        home_centre=home_centre,
        certification_level=certification_level,
        home_latitude=home_latitude,
        home_longitude=home_longitude,
        daily_capacity=daily_capacity,
        is_active=is_active,
    )
    profile.full_clean()
    profile.save()
    chosen = list(regions)
    profile.regions.set(chosen)
    changes = created_changes(profile, PROFILE_FIELDS)
    if chosen:
        changes["regions"] = [None, _region_labels(chosen)]
    record_audit(
        actor=by,
        action="technician_profile.created",
        instance=profile,
        changes=changes,
        organisation=home_centre,
    )
    return profile


@transaction.atomic
def update_technician_profile(
    *,
    profile: TechnicianProfile,
    by: User | None,
    expected_version: int | None,
    regions: Iterable[Region] | None = None,
    **changes: Any,
) -> TechnicianProfile:
    """Change a technician's dispatch details (not who they are)."""
    _ensure_may(by, DispatchPermission.CHANGE_TECHNICIAN)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DispatchError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    current = lock_for_update(TechnicianProfile, pk=profile.pk, expected_version=expected_version)
    if "home_centre" in changes:
        ensure_visible_organisation(organisation=changes["home_centre"], user=by)
    before = snapshot(current, list(changes))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, expected_version=current.version, fields=list(changes))
    audit = diff(before, snapshot(current, list(changes)))
    if regions is not None:
        old = _region_labels(current.regions.all())
        chosen = list(regions)
        current.regions.set(chosen)
        if old != _region_labels(chosen):
            audit["regions"] = [old, _region_labels(chosen)]
    record_audit(
        actor=by,
        action="technician_profile.updated",
        instance=current,
        changes=audit,
        organisation=current.home_centre,
    )
    return current


@transaction.atomic
def add_skill(
    *,
    profile: TechnicianProfile,
    by: User | None,
    product_type: ProductType | None = None,
    brand: Brand | None = None,
) -> TechnicianSkill:
    """The technician may repair this product type (of any brand, or of `brand`), or any
    product of `brand`."""
    _ensure_may(by, DispatchPermission.CHANGE_TECHNICIAN)
    if product_type is None and brand is None:
        raise DispatchError(_("Choose a product type, a brand, or both."), field="product_type")
    current = lock_for_update(TechnicianProfile, pk=profile.pk, expected_version=None)
    # The row lock serialises skill changes of one technician; the unique constraint alone
    # would let an empty brand or type repeat (NULLs are distinct in SQL).
    duplicate = TechnicianSkill.objects.filter(
        technician=current, product_type=product_type, brand=brand
    ).exists()
    if duplicate:
        raise DispatchError(
            _("%(name)s already has this skill.") % {"name": current}, field="product_type"
        )
    skill = TechnicianSkill(technician=current, product_type=product_type, brand=brand)
    try:
        with transaction.atomic():
            skill.save()
    except IntegrityError as duplicate_row:
        raise DispatchError(
            _("%(name)s already has this skill.") % {"name": current}, field="product_type"
        ) from duplicate_row
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="technician_profile.skill_added",
        instance=current,
        changes={"skill": [None, str(skill)]},
        organisation=current.home_centre,
    )
    return skill


@transaction.atomic
def remove_skill(*, skill: TechnicianSkill, by: User | None) -> TechnicianProfile:
    _ensure_may(by, DispatchPermission.CHANGE_TECHNICIAN)
    current = lock_for_update(TechnicianProfile, pk=skill.technician_id, expected_version=None)
    label = str(skill)
    deleted, _count = TechnicianSkill.objects.filter(pk=skill.pk, technician=current).delete()
    if not deleted:
        raise DispatchError(_("The skill was already removed."))
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="technician_profile.skill_removed",
        instance=current,
        changes={"skill": [label, None]},
        organisation=current.home_centre,
    )
    return current


@transaction.atomic
def set_shift(
    *,
    profile: TechnicianProfile,
    by: User | None,
    day: datetime.date,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    note: str = "",
) -> TechnicianShift:
    """Other working hours on one day, or a day off (no times), instead of the calendar's."""
    _ensure_may(by, DispatchPermission.MANAGE_SHIFTS)
    if (starts_at is None) != (ends_at is None):
        raise DispatchError(_("Give both times, or neither for a day off."), field="ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise DispatchError(_("The shift must end after it starts."), field="ends_at")
    current = lock_for_update(TechnicianProfile, pk=profile.pk, expected_version=None)
    existing = TechnicianShift.objects.filter(technician=current, day=day).first()
    before = str(existing) if existing is not None else None
    shift = existing or TechnicianShift(technician=current, day=day)
    shift.starts_at, shift.ends_at, shift.note = starts_at, ends_at, note.strip()
    shift.full_clean(exclude=["technician"] if existing is None else None)
    shift.save()
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="technician_profile.shift_set",
        instance=current,
        changes={"shift": [before, str(shift)]},
        organisation=current.home_centre,
    )
    return shift


@transaction.atomic
def clear_shift(*, shift: TechnicianShift, by: User | None) -> TechnicianProfile:
    """Back to the calendar's hours on that day."""
    _ensure_may(by, DispatchPermission.MANAGE_SHIFTS)
    current = lock_for_update(TechnicianProfile, pk=shift.technician_id, expected_version=None)
    label = str(shift)
    TechnicianShift.objects.filter(pk=shift.pk).delete()
    save_versioned(current, expected_version=current.version, fields=[])
    record_audit(
        actor=by,
        action="technician_profile.shift_cleared",
        instance=current,
        changes={"shift": [label, None]},
        organisation=current.home_centre,
    )
    return current


@transaction.atomic
def recompute_duration_estimates(*, now: datetime.datetime | None = None) -> int:
    """Replace the duration estimates with the medians of the history (idempotent: the same
    history gives the same rows)."""
    now = now or timezone.now()
    rows = compute_estimates(settings=settings_for(None), now=now)
    DurationEstimate.objects.all().delete()
    DurationEstimate.objects.bulk_create(rows)
    return len(rows)
