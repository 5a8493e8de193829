"""Optimistic locking: a write names the version it read; a stale write is refused."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import ConflictError
from shouhou.core.models import TimeStampedModel

T = TypeVar("T", bound=TimeStampedModel)


def stale_version_message() -> str:
    return _(
        "Someone else changed this record after you opened it. "
        "Reload the page to see their changes, then apply yours again."
    )


def ensure_current(instance: TimeStampedModel, version: int) -> None:
    """Refuse (409) when the record is no longer at the version the client read."""
    if instance.version != version:
        raise ConflictError(stale_version_message())


def save_versioned(instance: T, *, expected_version: int, fields: list[str]) -> T:
    """Write `fields` of `instance` only if the row still has `expected_version`; bump it."""
    now = timezone.now()
    values = {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}  # type: ignore[union-attr]
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(**values, updated_at=now, version=F("version") + 1)
    )
    if updated != 1:
        raise ConflictError(stale_version_message())
    instance.version = expected_version + 1
    instance.updated_at = now
    return instance


def lock_for_update(model: type[T], *, pk: object, expected_version: int | None) -> T:
    """Lock the row and check it still has the version the user read."""
    instance = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and instance.version != expected_version:
        raise ConflictError(stale_version_message())
    return instance
