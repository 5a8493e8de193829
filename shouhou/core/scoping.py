"""The one scoping mechanism: every selector passes its queryset through `scoped()`.

A user sees the rows owned by their organisation and its descendants, plus the rows served by a
provider in that subtree. Headquarters sees everything. A user without an organisation sees
nothing (superusers aside, who administer the system)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from shouhou.core.models import Organisation, Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shouhou.core.models import User

M = TypeVar("M", bound=Model)


def visible_organisations(user: User | AnonymousUser) -> QuerySet[Organisation] | None:
    """The organisations whose rows `user` may see; None means every organisation."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return None
    organisation = user.organisation
    if organisation is None:
        return Organisation.objects.none()
    if organisation.sees_everything:
        return None
    return Organisation.objects.filter(path__startswith=organisation.path)


def scope_filter(model: type[Model], user: User | AnonymousUser) -> Q | None:
    """The filter restricting `model` to what `user` sees; None means no restriction."""
    organisations = visible_organisations(user)
    if organisations is None:
        return None
    scope: Scope = model.scope  # type: ignore[attr-defined]
    ids = organisations.values("pk")
    condition = Q(**{f"{scope.owner}__in": ids})
    if scope.provider:
        if scope.via_subquery:
            served = model._default_manager.filter(**{f"{scope.provider}__in": ids}).values("pk")
            condition |= Q(pk__in=served)
        else:
            condition |= Q(**{f"{scope.provider}__in": ids})
    return condition


def scoped(queryset: QuerySet[M], user: User | AnonymousUser) -> QuerySet[M]:
    """`queryset` restricted to the rows `user` may see."""
    condition = scope_filter(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def get_visible_or_404(queryset: QuerySet[M], user: User | AnonymousUser, **lookup: object) -> M:
    """One row `user` may see; a missing row and a forbidden one both give 404."""
    try:
        return scoped(queryset, user).get(**lookup)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
