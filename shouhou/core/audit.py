"""The audit log: services call `record_audit` next to every business write."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from shouhou.core.models import AuditEntry, Organisation, User, model_field_values


def record_audit(
    *,
    actor: User | None,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> AuditEntry:
    """Write one audit entry; `changes` maps a field to [old, new]."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
        organisation=organisation,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return model_field_values(instance, fields)
