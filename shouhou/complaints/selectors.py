"""Reads on complaint cases, departments, the penalty ledger and revisits, scoped to the asking
user; the configuration rows the services apply; the people a step's notices go to."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shouhou.complaints.models import (
    FINAL_STATUSES,
    ApprovalLimit,
    ChaseNotice,
    ComplaintCase,
    ComplaintPolicy,
    ComplaintStatus,
    ComplaintType,
    Department,
    MonthlyBonus,
    Penalty,
    ResponsibilityShare,
    Revisit,
    Severity,
    StaffProfile,
    StepTarget,
)
from shouhou.complaints.penalties import (
    LedgerMonth,
    first_of_month,
    monthly_cap,
    schedule_deductions,
)
from shouhou.complaints.permissions import ComplaintPermission
from shouhou.complaints.workflow import Action, Owner, actions_for, step_owner
from shouhou.core.audit import ReadableEntry
from shouhou.core.models import Organisation, User
from shouhou.core.scoping import get_visible_or_404, scoped, visible_organisations
from shouhou.core.selectors import audit_trail

P = ComplaintPermission

# --- configuration ----------------------------------------------------------------------------


def complaint_policy() -> ComplaintPolicy:
    """The policy row (seeded by a migration); the regulation's values if it was deleted."""
    return ComplaintPolicy.objects.order_by("pk").first() or ComplaintPolicy()


def step_target(*, status: str) -> StepTarget | None:
    return StepTarget.objects.filter(step=status, is_active=True).first()


def complaint_types() -> QuerySet[ComplaintType]:
    """Complaint types are reference data shared by every organisation."""
    return ComplaintType.objects.filter(is_active=True)


@dataclass(frozen=True)
class Limit:
    """A person's approval limit: `may_approve` False when their role has no row."""

    may_approve: bool
    max_amount: Decimal | None  # None: without limit

    def covers(self, amount: Decimal) -> bool:
        return self.may_approve and (self.max_amount is None or amount <= self.max_amount)


def approval_limit(*, user: User) -> Limit:
    """The largest remedy `user` may approve, from the approval-limit table by role."""
    if user.is_superuser:
        return Limit(may_approve=True, max_amount=None)
    if not user.has_perm(P.APPROVE):
        return Limit(may_approve=False, max_amount=None)
    row = ApprovalLimit.objects.filter(role=user.role).first()
    if row is None:
        return Limit(may_approve=False, max_amount=None)
    return Limit(may_approve=True, max_amount=row.max_amount)


# --- people -----------------------------------------------------------------------------------


def _holders(permission: str) -> QuerySet[User]:
    app_label, codename = permission.split(".", 1)
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    roles = Group.objects.filter(permissions__in=granted).values("name")
    return User.objects.filter(
        Q(is_superuser=True)
        | Q(role__in=roles)
        | Q(groups__permissions__in=granted)
        | Q(user_permissions__in=granted)
    )


def _ancestor_ids(organisation: Organisation) -> list[int]:
    return [int(part) for part in organisation.path.strip("/").split("/") if part]


def people_with_permission(*, permission: str, organisation: Organisation) -> QuerySet[User]:
    """Active people of `organisation` or an organisation above it who hold `permission`: the
    ones a case handled there is routed to."""
    return User.objects.filter(
        is_active=True,
        organisation_id__in=_ancestor_ids(organisation),
        pk__in=_holders(permission).values("pk"),
    ).order_by("pk")


def approvers_for(*, case: ComplaintCase) -> QuerySet[User]:
    """Who may approve the case's remedy: the approval permission and a limit covering the
    amount; for a major case, the deputy general manager's review permission too."""
    amount = case.remedy_amount
    covering_roles = ApprovalLimit.objects.filter(
        Q(max_amount__isnull=True) | Q(max_amount__gte=amount)
    ).values("role")
    people = people_with_permission(
        permission=P.APPROVE, organisation=case.handling_organisation
    ).filter(Q(role__in=covering_roles) | Q(is_superuser=True))
    if case.severity == Severity.MAJOR:
        people = people.filter(pk__in=_holders(P.REVIEW_MAJOR).values("pk"))
    return people


def step_recipients(*, case: ComplaintCase) -> list[User]:
    """The owners of the case's current step: whom its notices and chase notices go to."""
    owner = step_owner(case)
    if owner is None:
        return []
    people: dict[int, User] = {}
    if owner == Owner.APPROVER:
        people.update({person.pk: person for person in approvers_for(case=case)})
    elif owner == Owner.HANDLER and case.handler is not None:
        people[case.handler.pk] = case.handler
    if (
        owner == Owner.HANDLER
        and case.status == ComplaintStatus.INVESTIGATING
        and case.responsible_department is not None
        and case.responsible_department.head is not None
    ):
        head = case.responsible_department.head
        people[head.pk] = head
    if not people:
        # Nobody owns it yet (no handler, no approver with the limit): the service director.
        people.update(
            {
                person.pk: person
                for person in people_with_permission(
                    permission=P.ASSIGN, organisation=case.handling_organisation
                )
            }
        )
    return [person for person in people.values() if person.is_active]


def _users_in_visible_organisations(user: User | AnonymousUser) -> QuerySet[User]:
    queryset = User.objects.filter(is_active=True).select_related("organisation")
    organisations = visible_organisations(user)
    if organisations is None:
        return queryset
    return queryset.filter(organisation__in=organisations.values("pk"))


def staff_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Active staff of the organisations the user sees (customer users aside): who may be named
    as involved, as handler or in a decision."""
    return _users_in_visible_organisations(user).exclude(role="customer_user")


def handlers_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Staff who may handle complaints: the candidates for a case's handler."""
    return staff_visible_to(user=user).filter(pk__in=_holders(P.HANDLE).values("pk"))


def departments_visible_to(*, user: User | AnonymousUser) -> QuerySet[Department]:
    return scoped(Department.objects.select_related("organisation", "head"), user)


def staff_profiles_of(*, department: Department) -> QuerySet[StaffProfile]:
    """The department's staff with their base points, in a fixed order (the allocation's)."""
    return (
        StaffProfile.objects.filter(department=department, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    )


def staff_profile(*, person: User) -> StaffProfile | None:
    return StaffProfile.objects.select_related("department").filter(person=person).first()


# --- cases ------------------------------------------------------------------------------------


def complaints_visible_to(*, user: User | AnonymousUser) -> QuerySet[ComplaintCase]:
    """Cases of the user's organisation subtree, or handled by it."""
    return scoped(
        ComplaintCase.objects.select_related(
            "customer",
            "complaint_type",
            "handler",
            "handling_organisation",
            "responsible_department",
        ),
        user,
    )


def complaint_for_user(*, user: User | AnonymousUser, case_id: int) -> ComplaintCase:
    return get_visible_or_404(
        complaints_visible_to(user=user).select_related(
            "organisation",
            "equipment",
            "equipment__product_model",
            "work_order",
            "registered_by",
            "proposed_by",
            "approved_by",
            "decided_by",
            "previous_round",
            "responsible_department__head",
        ),
        user,
        pk=case_id,
    )


def available_actions(*, case: ComplaintCase, user: User) -> list[Action]:
    return actions_for(case, user)


def complaint_timeline(*, user: User | AnonymousUser, case: ComplaintCase) -> list[ReadableEntry]:
    """Every audited change of the case, newest first."""
    return audit_trail(user=user, instance=case)


def rounds_of(*, case: ComplaintCase) -> list[ComplaintCase]:
    """Every round of the complaint the case belongs to, first to last (003 (九)9)."""
    root = case.first_round_id or case.pk
    return list(
        ComplaintCase.objects.filter(Q(pk=root) | Q(first_round_id=root))
        .only("pk", "number", "round", "status", "registered_at")
        .order_by("round", "pk")
    )


def shares_of(*, case: ComplaintCase) -> list[ResponsibilityShare]:
    return list(case.shares.select_related("department", "person"))


def penalties_of(*, case: ComplaintCase) -> list[Penalty]:
    return list(case.penalties.select_related("person", "department", "imposed_by"))


def chase_notices_of(*, case: ComplaintCase) -> list[ChaseNotice]:
    return list(case.chase_notices.select_related("department"))


def revisit_of(*, case: ComplaintCase) -> Revisit | None:
    return Revisit.objects.select_related("done_by").filter(case=case).first()


def open_cases(queryset: QuerySet[ComplaintCase]) -> QuerySet[ComplaintCase]:
    return queryset.exclude(status__in=FINAL_STATUSES)


def overdue_cases(
    queryset: QuerySet[ComplaintCase], *, now: datetime.datetime | None = None
) -> QuerySet[ComplaintCase]:
    """Open cases past their step's target or past the closure deadline."""
    moment = now or timezone.now()
    return open_cases(queryset).filter(Q(step_due_at__lt=moment) | Q(due_at__lt=moment))


def overdue_reason(case: ComplaintCase, *, now: datetime.datetime | None = None) -> str:
    """Why an open case is listed as overdue (003 (十四)); "" when it is not."""
    moment = now or timezone.now()
    if not case.is_open:
        return ""
    reasons = []
    if case.step_due_at is not None and case.step_due_at < moment:
        reasons.append(
            gettext("%(step)s late since %(due)s")
            % {
                "step": case.get_status_display(),
                "due": timezone.localtime(case.step_due_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if case.due_at < moment:
        reasons.append(
            gettext("closure deadline %(due)s passed")
            % {"due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")}
        )
    return "; ".join(reasons)


def overdue_label(case: ComplaintCase, *, now: datetime.datetime | None = None) -> str:
    """The short reason the list shows: the closure deadline once it passed, else the step."""
    moment = now or timezone.now()
    if not case.is_open:
        return ""
    if case.due_at < moment:
        return gettext("deadline passed %(due)s") % {
            "due": timezone.localtime(case.due_at).strftime("%m-%d")
        }
    if case.step_due_at is not None and case.step_due_at < moment:
        return gettext("%(step)s late since %(due)s") % {
            "step": case.get_status_display(),
            "due": timezone.localtime(case.step_due_at).strftime("%m-%d %H:%M"),
        }
    return ""


SAVED_VIEWS: dict[str, str | Promise] = {
    "mine": _("Mine"),
    "open": _("Open"),
    "overdue": _("Overdue"),
    "awaiting_approval": _("Awaiting approval"),
    "major": _("Major"),
    "closed": _("Closed"),
}


def saved_view(
    queryset: QuerySet[ComplaintCase], *, name: str, user: User | AnonymousUser
) -> QuerySet[ComplaintCase]:
    """The cases of one saved view of the list; an unknown name leaves the queryset as is."""
    if name == "mine":
        return queryset.filter(Q(handler_id=user.pk) | Q(registered_by_id=user.pk))
    if name == "open":
        return open_cases(queryset)
    if name == "overdue":
        return overdue_cases(queryset)
    if name == "awaiting_approval":
        return queryset.filter(status=ComplaintStatus.REMEDY_PROPOSED)
    if name == "major":
        return queryset.filter(severity=Severity.MAJOR)
    if name == "closed":
        return queryset.filter(status=ComplaintStatus.CLOSED)
    return queryset


# --- revisits ---------------------------------------------------------------------------------


def revisits_visible_to(*, user: User | AnonymousUser) -> QuerySet[Revisit]:
    """Revisits of the complaints the user sees."""
    return scoped(
        Revisit.objects.select_related(
            "case", "case__customer", "case__handler", "case__complaint_type", "done_by"
        ),
        user,
    )


def revisits_due(
    *, user: User | AnonymousUser, until: datetime.datetime | None = None
) -> QuerySet[Revisit]:
    """Revisits not done yet, due by `until` (default: all of them), earliest first: what the
    follow-up queue shows for complaints."""
    queryset = revisits_visible_to(user=user).filter(done_at__isnull=True)
    if until is not None:
        queryset = queryset.filter(due_at__lte=until)
    return queryset.order_by("due_at", "id")


def revisit_for_user(*, user: User | AnonymousUser, revisit_id: int) -> Revisit:
    return get_visible_or_404(revisits_visible_to(user=user), user, pk=revisit_id)


# --- the penalty ledger -----------------------------------------------------------------------


def penalties_visible_to(*, user: User | AnonymousUser) -> QuerySet[Penalty]:
    """Penalties of the departments of the user's organisation subtree."""
    return scoped(
        Penalty.objects.select_related("person", "department", "case", "imposed_by"), user
    )


@dataclass(frozen=True)
class PersonLedger:
    person: User
    department: Department | None
    lines: list[LedgerMonth]
    penalties: list[Penalty]

    @property
    def imposed(self) -> Decimal:
        return sum((line.imposed for line in self.lines), Decimal("0.00"))

    @property
    def deducted(self) -> Decimal:
        return sum((line.deducted for line in self.lines), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return self.lines[-1].carried_out if self.lines else Decimal("0.00")


def bonus_caps(*, people: list[User], percent: Decimal) -> dict[int, dict[datetime.date, Decimal]]:
    """Each person's months with a bonus of their own (MonthlyBonus rows), as caps."""
    caps: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    for row in MonthlyBonus.objects.filter(person__in=people):
        caps[row.person_id][row.month] = monthly_cap(row.amount, percent)
    return caps


def _cap_lookup(
    caps: dict[datetime.date, Decimal], standing: Decimal
) -> Callable[[datetime.date], Decimal]:
    """A month's cap: its own bonus's, else the standing bonus's."""

    def cap_for(month: datetime.date) -> Decimal:
        return caps.get(month, standing)

    return cap_for


def ledgers(
    *, user: User | AnonymousUser, until: datetime.date, person_id: int | None = None
) -> list[PersonLedger]:
    """The penalty ledger of every person with penalties the user sees, month by month up to
    `until`: imposed, the cap (the policy's share of that month's efficiency bonus), deducted,
    carried over."""
    percent = complaint_policy().monthly_cap_percent
    penalties = penalties_visible_to(user=user).filter(month__lte=first_of_month(until))
    if person_id is not None:
        penalties = penalties.filter(person_id=person_id)
    penalties = penalties.select_related("person__complaint_profile__department").order_by(
        "person_id", "month", "id"
    )
    by_person: dict[int, list[Penalty]] = defaultdict(list)
    for penalty in penalties:
        by_person[penalty.person_id].append(penalty)
    people = [rows[0].person for rows in by_person.values()]
    own_caps = bonus_caps(people=people, percent=percent)
    result = []
    for person in people:
        rows = by_person[person.pk]
        profile = getattr(person, "complaint_profile", None)
        standing = monthly_cap(profile.monthly_bonus_amount, percent) if profile else Decimal(0)
        caps = own_caps.get(person.pk, {})
        imposed: dict[datetime.date, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for penalty in rows:
            imposed[penalty.month] += penalty.amount
        lines = schedule_deductions(
            imposed=dict(imposed), cap_for=_cap_lookup(caps, standing), until=until
        )
        result.append(
            PersonLedger(
                person=person,
                department=profile.department if profile else rows[-1].department,
                lines=lines,
                penalties=rows,
            )
        )
    result.sort(key=lambda ledger: (str(ledger.person), ledger.person.pk))
    return result


def bonus_of_month(*, person: User, month: datetime.date) -> Decimal:
    """A person's efficiency bonus of `month`: its own row, else the profile's amount."""
    own = MonthlyBonus.objects.filter(person=person, month=first_of_month(month)).first()
    if own is not None:
        return own.amount
    profile = staff_profile(person=person)
    return profile.monthly_bonus_amount if profile is not None else Decimal("0.00")
