"""Who is told about what: the people of given roles over an organisation (in it or one of its
ancestors, or at headquarters, which sees everything)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from shouhou.core.models import Organisation, OrganisationKind, User


def ancestor_ids(organisation: Organisation | None) -> list[int]:
    """The organisation's id and its ancestors' ids, nearest first."""
    if organisation is None:
        return []
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part.isdigit()]
    return list(reversed(ids)) or [organisation.pk]


def people_over(organisations: Iterable[Organisation | None], roles: Iterable[str]) -> list[User]:
    """Active users with one of `roles` whose organisation sees any of `organisations`."""
    ids: set[int] = set()
    for organisation in organisations:
        ids.update(ancestor_ids(organisation))
    return list(
        User.objects.filter(is_active=True, role__in=list(roles))
        .filter(Q(organisation_id__in=ids) | Q(organisation__kind=OrganisationKind.HEADQUARTERS))
        .order_by("pk")
    )
