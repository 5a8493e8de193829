"""Reads on organisations, users and the audit log, scoped to the asking user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from shouhou.core.audit import ReadableEntry, readable
from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import AuditEntry, Organisation, Region, User
from shouhou.core.scoping import get_visible_or_404, scoped, visible_organisations

AUDIT_TRAIL_LENGTH = 50


def organisations_visible_to(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations `user` may see: their subtree, or all of them for headquarters."""
    return scoped(Organisation.objects.select_related("parent"), user)


def organisation_for_user(*, user: User | AnonymousUser, organisation_id: int) -> Organisation:
    return get_visible_or_404(organisations_visible_to(user=user), user, pk=organisation_id)


def users_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active people of the organisations `user` sees (whom they may assign, name or notify)."""
    people = User.objects.filter(is_active=True).select_related("organisation")
    organisations = visible_organisations(user)
    return (
        people
        if organisations is None
        else people.filter(organisation__in=organisations.values("pk"))
    )


def organisation_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Organisation]:
    queryset = organisations_visible_to(user=user).filter(is_active=True)
    if kind := params.get("kind"):
        queryset = queryset.filter(kind__in=kind.split(","))
    if term:
        queryset = queryset.filter(name__icontains=term) | queryset.filter(code__istartswith=term)
    return queryset.order_by("path")


def region_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[Region]:
    queryset = Region.objects.select_related("parent")
    if term:
        queryset = queryset.filter(name__icontains=term) | queryset.filter(code__startswith=term)
    return queryset.order_by("code")


def regions() -> QuerySet[Region]:
    """Regions are reference data shared by every organisation."""
    return Region.objects.all()


def audit_trail(*, user: User | AnonymousUser, instance: Model) -> list[ReadableEntry]:
    """The latest audit entries of one record the user can already see, ready to read."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-at", "-id")[:AUDIT_TRAIL_LENGTH]
    )
    return [readable(entry) for entry in entries]


def register_autocomplete_sources() -> None:
    register(
        "organisations",
        AutocompleteSource(search=organisation_search, permission="core.view_organisation"),
    )
    register(
        "regions",
        AutocompleteSource(
            search=region_search,
            permission="",
            label=lambda region: (
                f"{region.parent.name} {region.name}" if region.parent else region.name
            ),
        ),
    )
