"""Reads of the dispatch app, scoped to the asking user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from shouhou.core.autocomplete import AutocompleteSource, register
from shouhou.core.models import Organisation, OrganisationKind, Role, User
from shouhou.core.scoping import get_visible_or_404, scoped, visible_organisations
from shouhou.core.selectors import users_visible_to
from shouhou.dispatch.models import (
    DispatchSettings,
    FieldVisit,
    Plan,
    PlanAssignment,
    TechnicianPosition,
    TechnicianProfile,
    TechnicianShift,
    TechnicianSkill,
)
from shouhou.dispatch.permissions import DispatchPermission


def settings_for(organisation: Organisation | None) -> DispatchSettings:
    """The organisation's own dispatch settings, else its nearest ancestor's, else the default."""
    if organisation is not None:
        ancestors = [int(part) for part in organisation.path.strip("/").split("/") if part]
        own = {
            row.organisation_id: row
            for row in DispatchSettings.objects.filter(organisation_id__in=ancestors)
        }
        for ancestor in reversed(ancestors):
            if ancestor in own:
                return own[ancestor]
    default = DispatchSettings.objects.filter(is_default=True).first()
    if default is None:
        raise DispatchSettings.DoesNotExist("There are no default dispatch settings.")
    return default


def technicians_visible_to(*, user: User | AnonymousUser) -> QuerySet[TechnicianProfile]:
    """Technician profiles of the user's organisation subtree."""
    return scoped(
        TechnicianProfile.objects.select_related("user", "home_centre"),
        user,
    )


def technician_for_user(*, user: User | AnonymousUser, profile_id: int) -> TechnicianProfile:
    return get_visible_or_404(
        technicians_visible_to(user=user).prefetch_related(
            Prefetch(
                "skills",
                queryset=TechnicianSkill.objects.select_related("product_type", "brand"),
            ),
            "regions",
        ),
        user,
        pk=profile_id,
    )


def profile_of(user: User) -> TechnicianProfile | None:
    """The technician profile of the logged-in technician themself (no scoping: their own)."""
    return TechnicianProfile.objects.select_related("home_centre").filter(user_id=user.pk).first()


def upcoming_shifts(*, profile: TechnicianProfile, limit: int = 30) -> QuerySet[TechnicianShift]:
    return profile.shifts.order_by("-day")[:limit]


def service_centres_for(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations whose board the user may open: service centres and providers they
    see that have technicians, their own organisation first."""
    organisations = visible_organisations(user)
    queryset = Organisation.objects.filter(
        kind__in=[OrganisationKind.SERVICE_CENTRE, OrganisationKind.PROVIDER], is_active=True
    )
    if organisations is not None:
        queryset = queryset.filter(pk__in=organisations.values("pk"))
    return queryset.order_by("path")


def plans_visible_to(*, user: User | AnonymousUser) -> QuerySet[Plan]:
    return scoped(Plan.objects.select_related("organisation", "region", "created_by"), user)


def plan_for_user(*, user: User | AnonymousUser, plan_id: int) -> Plan:
    return get_visible_or_404(plans_visible_to(user=user), user, pk=plan_id)


def plan_assignments(*, plan: Plan) -> QuerySet[PlanAssignment]:
    """The rows of a plan the caller already fetched through a scoped selector."""
    return plan.assignments.select_related(
        "work_order",
        "work_order__customer",
        "technician",
        "previous_technician",
    ).order_by("technician__name", "technician_id", "sequence", "id")


def recent_plans(
    *, user: User | AnonymousUser, organisation: Organisation, limit: int = 8
) -> list[Plan]:
    return list(plans_visible_to(user=user).filter(organisation=organisation)[:limit])


def positions_visible_to(*, user: User | AnonymousUser) -> QuerySet[TechnicianPosition]:
    return scoped(TechnicianPosition.objects.select_related("technician", "work_order"), user)


def field_visits_visible_to(*, user: User | AnonymousUser) -> QuerySet[FieldVisit]:
    return scoped(
        FieldVisit.objects.select_related("technician", "work_order", "organisation"), user
    )


# --- autocomplete ---------------------------------------------------------------------------


def technician_users_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Technicians' logins in the user's organisations (for a new dispatch profile)."""
    return users_visible_to(user=user).filter(role=Role.TECHNICIAN)


def technician_user_search(*, user: User, term: str, params: dict[str, str]) -> QuerySet[User]:
    queryset = technician_users_visible_to(user=user).filter(technician_profile__isnull=True)
    if term:
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(username__istartswith=term) | Q(phone__startswith=term)
        )
    return queryset.order_by("name", "username", "id")


def register_autocomplete_sources() -> None:
    register(
        "dispatch_new_technicians",
        AutocompleteSource(
            search=technician_user_search,
            permission=DispatchPermission.ADD_TECHNICIAN,
            label=lambda person: (
                f"{person} · {person.organisation}" if person.organisation_id else str(person)
            ),
        ),
    )
