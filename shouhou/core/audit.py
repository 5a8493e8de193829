"""The audit log: services call `record_audit` next to every business write, and pages show the
entries with field labels, choice labels and related records' names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import AuditEntry, Organisation, User

ACTION_LABELS = {
    "created": _("created"),
    "updated": _("updated"),
    "registered": _("registered"),
    "warranty_recomputed": _("warranty recomputed"),
    "imported": _("imported"),
}
# Keys of audit changes that are not model fields.
FIELD_LABELS = {
    "equipment_updated": _("units updated"),
    "goods": _("goods received"),
    "part": _("part"),
    "attachment": _("attachment"),
}


def register_audit_labels(*, actions: dict[str, Any], keys: dict[str, Any]) -> None:
    """Apps name their own audit verbs (work_order.dispatch → 派工) and the change keys that
    are not model fields (receipt number, goods…); called from AppConfig.ready()."""
    ACTION_LABELS.update(actions)
    FIELD_LABELS.update(keys)


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


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """JSON-friendly values of `fields`; a foreign key as {"id", "label"} so the log reads well
    after the related record is renamed or deleted."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, name)
            values[name] = None if related is None else {"id": related.pk, "label": str(related)}
            continue
        value = getattr(instance, field.attname)  # type: ignore[union-attr]
        values[name] = value if isinstance(value, bool | int | float | str | None) else str(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def created_changes(instance: models.Model, fields: list[str]) -> dict[str, list[Any]]:
    """The [None, value] pairs of a new record's filled-in fields."""
    return {
        name: [None, value]
        for name, value in snapshot(instance, fields).items()
        if value not in ("", None)
    }


@dataclass(frozen=True)
class ReadableChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ReadableEntry:
    entry: AuditEntry
    action: str
    changes: list[ReadableChange]


def _instant(text: str) -> str | None:
    """An instant the log stored as ISO text, as local time to the minute; None if it is not one."""
    if len(text) < 19 or text[4] != "-" or text[10] not in " T":
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _display(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and (moment := _instant(value)):
        return moment
    if isinstance(value, dict):
        return str(value.get("label", value.get("id", "")))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    choices = dict(getattr(field, "choices", None) or [])
    return str(choices.get(value, value))


def readable(entry: AuditEntry) -> ReadableEntry:
    """An entry with translated field names, choice labels and related records' names."""
    model = entry.content_type.model_class()
    rows = []
    for name, pair in entry.changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        try:
            field: Any = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if name in FIELD_LABELS:
            label = str(FIELD_LABELS[name])
        elif hasattr(field, "verbose_name"):
            label = str(field.verbose_name)
        elif getattr(field, "related_model", None) is not None:
            # A reverse relation (receipt, voucher, labour…): name it after the related model.
            label = str(field.related_model._meta.verbose_name)
        else:
            label = str(FIELD_LABELS.get(name, name))
        rows.append(ReadableChange(field=label, old=_display(field, old), new=_display(field, new)))
    # The full action ("work_order.accept") first, so that two apps' verbs never collide.
    verb = entry.action.rsplit(".", 1)[-1]
    action = ACTION_LABELS.get(entry.action) or ACTION_LABELS.get(verb) or verb
    return ReadableEntry(entry=entry, action=str(action), changes=rows)
