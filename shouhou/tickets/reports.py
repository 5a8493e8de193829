"""The daily reports of recorded work (001 第九条–第十一条), read from the labour lines:

- the technician's daily report (技术员工作日报表): one technician, one day, the work orders worked
  on, the category of the work (A paid, B contract, C free, D administrative) and the time spent;
- the service director's daily report (服务主任日报表): for a service centre and its subtree, one
  row per technician with the minutes per category, and the centre's total.

Sums are computed by the database. Everything is scoped: the labour lines are those of work
orders the asking user sees; a technician reads only their own report, and people with the
daily-report permission read those of the technicians in their organisation subtree."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from shouhou.core.models import Organisation, Role, User
from shouhou.core.scoping import scoped, visible_organisations
from shouhou.core.selectors import organisation_for_user
from shouhou.tickets.models import LabourLine, ServiceCategory
from shouhou.tickets.permissions import TicketPermission

CATEGORIES: tuple[ServiceCategory, ...] = tuple(ServiceCategory)
MINUTES_PER_HOUR = Decimal(60)


def minutes_to_hours(minutes: int) -> Decimal:
    """Hours with two decimals, as the paper report writes them (95 min → 1.58)."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _category_sums() -> dict[str, Coalesce]:
    sums = {
        f"minutes_{category.value}": Coalesce(Sum("minutes", filter=Q(category=category)), 0)
        for category in CATEGORIES
    }
    return {**sums, "minutes_total": Coalesce(Sum("minutes"), 0)}


@dataclass(frozen=True)
class CategoryCell:
    category: ServiceCategory
    minutes: int

    @property
    def hours(self) -> Decimal:
        return minutes_to_hours(self.minutes)


@dataclass(frozen=True)
class CategoryTotals:
    """Minutes per service category and in all, from one aggregate row."""

    minutes: dict[str, int]
    total_minutes: int
    work_orders: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CategoryTotals:
        return cls(
            minutes={
                category.value: int(row[f"minutes_{category.value}"] or 0)
                for category in CATEGORIES
            },
            total_minutes=int(row["minutes_total"] or 0),
            work_orders=int(row.get("work_orders") or 0),
        )

    @property
    def cells(self) -> list[CategoryCell]:
        return [CategoryCell(category, self.minutes[category.value]) for category in CATEGORIES]

    @property
    def total_hours(self) -> Decimal:
        return minutes_to_hours(self.total_minutes)


EMPTY_ROW: dict[str, int] = {
    **{f"minutes_{category.value}": 0 for category in CATEGORIES},
    "minutes_total": 0,
}


def labour_visible_to(*, user: User | AnonymousUser) -> QuerySet[LabourLine]:
    """Labour lines of the work orders `user` sees."""
    return scoped(LabourLine.objects.all(), user)


def _with_work_permission() -> Q:
    """Users who may work on orders: through their role's group, another group, or directly
    (the same sources as the permission backend)."""
    permission = Permission.objects.filter(
        content_type__app_label="tickets", codename="work_workorder"
    )
    holders = User.objects.filter(
        Q(role__in=Group.objects.filter(permissions__in=permission).values("name"))
        | Q(groups__permissions__in=permission)
        | Q(user_permissions__in=permission)
    )
    return Q(pk__in=holders.values("pk"))


def report_technicians_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Whose technician report `user` may read: everyone who works on orders in their
    organisation subtree with the daily-report permission, otherwise only themselves."""
    if not user.is_authenticated:
        return User.objects.none()
    if not user.has_perm(TicketPermission.VIEW_REPORTS):
        return User.objects.filter(pk=user.pk)
    organisations = visible_organisations(user)
    people = User.objects.filter(is_active=True).filter(_with_work_permission() | Q(pk=user.pk))
    if organisations is not None:
        people = people.filter(organisation__in=organisations)
    return people.select_related("organisation").order_by("organisation__path", "name", "username")


def report_technician_for_user(*, user: User | AnonymousUser, technician_id: int) -> User:
    """A technician whose report `user` may read; anyone else is not found (404)."""
    try:
        return report_technicians_visible_to(user=user).get(pk=technician_id)
    except User.DoesNotExist as missing:
        raise Http404 from missing


@dataclass(frozen=True)
class TechnicianDailyReport:
    technician: User
    day: datetime.date
    lines: list[LabourLine]
    totals: CategoryTotals

    @property
    def lines_with_hours(self) -> list[tuple[LabourLine, Decimal]]:
        return [(line, minutes_to_hours(line.minutes)) for line in self.lines]


def technician_daily_report(
    *, user: User | AnonymousUser, technician: User, day: datetime.date
) -> TechnicianDailyReport:
    """One technician's day: each labour line with its work order, and the minutes per category.
    The caller got `technician` from report_technician_for_user."""
    lines = labour_visible_to(user=user).filter(technician=technician, worked_on=day)
    totals = lines.aggregate(**_category_sums(), work_orders=Count("work_order", distinct=True))
    return TechnicianDailyReport(
        technician=technician,
        day=day,
        lines=list(
            lines.select_related("work_order", "work_order__customer").order_by(
                "work_order__number", "id"
            )
        ),
        totals=CategoryTotals.from_row(totals),
    )


@dataclass(frozen=True)
class DirectorRow:
    technician: User
    totals: CategoryTotals


@dataclass(frozen=True)
class DirectorDailyReport:
    organisation: Organisation
    day: datetime.date
    rows: list[DirectorRow]
    totals: CategoryTotals


def director_organisation_for_user(
    *, user: User | AnonymousUser, organisation_id: int
) -> Organisation:
    return organisation_for_user(user=user, organisation_id=organisation_id)


def director_daily_report(
    *, user: User | AnonymousUser, organisation: Organisation, day: datetime.date
) -> DirectorDailyReport:
    """Per technician of `organisation` and its subtree, the minutes per category of `day`, and
    the total; the centre's technicians who recorded nothing are listed with zeros. The caller got
    `organisation` from director_organisation_for_user."""
    lines = labour_visible_to(user=user).filter(
        worked_on=day, technician__organisation__path__startswith=organisation.path
    )
    per_technician = {
        row["technician"]: CategoryTotals.from_row(row)
        for row in lines.values("technician")
        .annotate(**_category_sums(), work_orders=Count("work_order", distinct=True))
        .order_by()
    }
    grand_total = lines.aggregate(
        **_category_sums(), work_orders=Count("work_order", distinct=True)
    )
    technicians = Q(
        role=Role.TECHNICIAN, is_active=True, organisation__path__startswith=organisation.path
    )
    people = (
        User.objects.filter(technicians | Q(pk__in=list(per_technician)))
        .select_related("organisation")
        .order_by("organisation__path", "name", "username")
    )
    empty = CategoryTotals.from_row(EMPTY_ROW)
    return DirectorDailyReport(
        organisation=organisation,
        day=day,
        rows=[DirectorRow(person, per_technician.get(person.pk, empty)) for person in people],
        totals=CategoryTotals.from_row(grand_total),
    )
