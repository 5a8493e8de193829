"""The decision on responsibility and the penalties (003 行政处罚准则, 经济处罚准则).

A decision names departments and persons with their shares of the loss; the loss is split to
the cent. A person's share is deducted from their efficiency bonus; a department's share is
split over its staff by base points (loss ÷ the department's base points × one's base points).
Administrative sanctions (warning, minor and major demerit) convert to money as the policy says.
The ledger (selectors.ledgers) deducts at most the monthly cap and carries the rest over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.complaints.errors import ComplaintError, ComplaintErrorCode
from shouhou.complaints.models import (
    ComplaintCase,
    Department,
    Penalty,
    PenaltyKind,
    ResponsibilityShare,
    StaffProfile,
)
from shouhou.complaints.penalties import allocate, first_of_month
from shouhou.complaints.permissions import ComplaintPermission as P
from shouhou.complaints.selectors import (
    bonus_of_month,
    complaint_policy,
    departments_visible_to,
    staff_profile,
    staff_profiles_of,
    staff_visible_to,
)
from shouhou.complaints.services._common import lock, money, save_and_audit
from shouhou.complaints.workflow import INVESTIGATED
from shouhou.core.audit import snapshot
from shouhou.core.models import User

HUNDRED = Decimal("100.00")
SANCTIONS = frozenset({PenaltyKind.WARNING, PenaltyKind.MINOR_DEMERIT, PenaltyKind.MAJOR_DEMERIT})


@dataclass(frozen=True)
class ShareLine:
    """One line of a decision: a department or a person, and their share of the loss in %."""

    share_percent: Decimal
    department: Department | None = None
    person: User | None = None

    def __str__(self) -> str:
        return f"{self.person or self.department} {self.share_percent}%"


def _ensure_may_decide(by: User) -> None:
    if not by.has_perm(P.DECIDE):
        raise ComplaintError(
            _("You may not decide responsibility for complaints."),
            code=ComplaintErrorCode.NOT_ALLOWED,
        )


def _check_lines(lines: Sequence[ShareLine], *, by: User) -> None:
    if not lines:
        raise ComplaintError(_("Name at least one department or person."), field="shares")
    seen: set[tuple[str, int]] = set()
    total = Decimal("0.00")
    for line in lines:
        if (line.department is None) == (line.person is None):
            raise ComplaintError(_("Each line names a department or a person."), field="shares")
        key = ("d", line.department.pk) if line.department else ("p", line.person.pk)  # type: ignore[union-attr]
        if key in seen:
            raise ComplaintError(
                _("%(name)s is named twice.") % {"name": line.person or line.department},
                field="shares",
            )
        seen.add(key)
        percent = money(line.share_percent, field="shares")
        if percent <= 0 or percent > HUNDRED:
            raise ComplaintError(_("A share is more than 0 % and at most 100 %."), field="shares")
        total += percent
    if total != HUNDRED:
        raise ComplaintError(
            _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}, field="shares"
        )
    departments = [line.department.pk for line in lines if line.department is not None]
    visible = set(
        departments_visible_to(user=by)
        .filter(pk__in=departments, is_active=True)
        .values_list("pk", flat=True)
    )
    people = [line.person.pk for line in lines if line.person is not None]
    visible_people = set(
        staff_visible_to(user=by).filter(pk__in=people).values_list("pk", flat=True)
    )
    for line in lines:
        if line.department is not None and line.department.pk not in visible:
            raise ComplaintError(
                _("You cannot use the department %(name)s.") % {"name": line.department},
                field="shares",
            )
        if line.person is not None and line.person.pk not in visible_people:
            raise ComplaintError(
                _("You cannot name %(name)s.") % {"name": line.person}, field="shares"
            )


def _profile_of(person: User) -> StaffProfile:
    profile = staff_profile(person=person)
    if profile is None:
        raise ComplaintError(
            _("%(name)s has no penalty profile (department, base points, bonus).")
            % {"name": person},
            field="shares",
        )
    return profile


def _deductions(
    case: ComplaintCase, lines: Sequence[ShareLine], amounts: list[Decimal], *, by: User
) -> list[Penalty]:
    """One bonus deduction per person: a person's own share, or their part of a department's
    share by base points."""
    month = first_of_month(timezone.localdate())
    penalties: list[Penalty] = []
    for line, amount in zip(lines, amounts, strict=True):
        if line.person is not None:
            profile = _profile_of(line.person)
            parts = [(profile, amount)]
        else:
            assert line.department is not None  # noqa: S101 - _check_lines guarantees it
            staff = list(staff_profiles_of(department=line.department))
            if not staff:
                raise ComplaintError(
                    _("The department %(name)s has no staff with base points.")
                    % {"name": line.department},
                    field="shares",
                )
            split = allocate(amount, [profile.base_points for profile in staff])
            parts = list(zip(staff, split, strict=True))
        for profile, part in parts:
            if part <= 0:
                continue
            penalties.append(
                Penalty(
                    case=case,
                    person=profile.person,
                    department=profile.department,
                    kind=PenaltyKind.DEDUCTION,
                    amount=part,
                    month=month,
                    note=str(line),
                    imposed_by=by,
                )
            )
    return penalties


@transaction.atomic
def record_decision(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    loss_amount: Any,
    lines: Sequence[ShareLine],
    note: str = "",
) -> ComplaintCase:
    """Decide who answers for the case and for which share of the loss (个人过失全数分摊,
    共同过失依责任轻重分摊). The bonus deductions follow; a decision may be corrected within the
    month it was made, which replaces its deductions."""
    _ensure_may_decide(by)
    loss = money(loss_amount, field="loss_amount")
    _check_lines(lines, by=by)
    current = lock(case, expected_version)
    if current.status not in INVESTIGATED:
        raise ComplaintError(
            _("Responsibility is decided once the investigation has proposed a remedy."),
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    this_month = first_of_month(timezone.localdate())
    if (
        current.decided_at is not None
        and first_of_month(timezone.localdate(current.decided_at)) < this_month
    ):
        raise ComplaintError(
            _("The decision of an earlier month is final; appeal with a memo (签呈)."),
            code=ComplaintErrorCode.INVALID_TRANSITION,
        )
    amounts = allocate(loss, [line.share_percent for line in lines])
    penalties = _deductions(current, lines, amounts, by=by)
    old_shares = [str(share) for share in current.shares.select_related("person", "department")]
    current.shares.all().delete()
    current.penalties.filter(kind=PenaltyKind.DEDUCTION).delete()
    ResponsibilityShare.objects.bulk_create(
        ResponsibilityShare(
            case=current,
            department=line.department,
            person=line.person,
            share_percent=money(line.share_percent, field="shares"),
            amount=amount,
        )
        for line, amount in zip(lines, amounts, strict=True)
    )
    Penalty.objects.bulk_create(penalties)
    fields = ["loss_amount", "decided_at", "decided_by", "decision_note"]
    before = snapshot(current, fields)
    current.loss_amount = loss
    current.decided_at = timezone.now()
    current.decided_by = by
    current.decision_note = (note or "").strip()[:500]
    new_shares = [f"{line} = {amount}" for line, amount in zip(lines, amounts, strict=True)]
    return save_and_audit(
        current,
        by=by,
        action="complaint.responsibility_decided",
        before=before,
        fields=fields,
        extra={
            "shares": [old_shares or None, new_shares],
            "deductions": [None, [f"{p.person} {p.amount}" for p in penalties]],
        },
    )


def _named_in_decision(case: ComplaintCase, person: User, profile: StaffProfile) -> bool:
    return (
        case.shares.filter(person=person).exists()
        or case.shares.filter(department_id=profile.department_id).exists()
    )


def sanction_amount(*, kind: str, person: User, units: int, amount: Decimal | None) -> Decimal:
    """The money an administrative sanction converts to (行政罚扣折算): a warning at least the
    policy's amount, a minor demerit at least the unit amount per unit, a major demerit the
    month's whole efficiency bonus."""
    policy = complaint_policy()
    if kind == PenaltyKind.MAJOR_DEMERIT:
        whole = bonus_of_month(person=person, month=timezone.localdate())
        if amount is not None and amount != whole:
            raise ComplaintError(
                _("A major demerit deducts the month's whole efficiency bonus (%(bonus)s yuan).")
                % {"bonus": whole},
                field="amount",
            )
        return whole
    minimum = (
        policy.warning_minimum_amount
        if kind == PenaltyKind.WARNING
        else policy.minor_demerit_unit_amount * units
    )
    if amount is None:
        return minimum
    if amount < minimum:
        raise ComplaintError(
            _("This sanction deducts at least %(minimum)s yuan.") % {"minimum": minimum},
            field="amount",
        )
    return amount


@transaction.atomic
def impose_sanction(
    *,
    case: ComplaintCase,
    by: User,
    expected_version: int | None,
    person: User,
    kind: str,
    units: int = 1,
    amount: Any = None,
    note: str = "",
) -> Penalty:
    """An administrative sanction on a person the decision names (directly or through their
    department), converted to a deduction in this month's ledger."""
    _ensure_may_decide(by)
    if kind not in SANCTIONS:
        raise ComplaintError(_("Choose a warning or a demerit."), field="kind")
    if kind == PenaltyKind.MINOR_DEMERIT and not 1 <= units <= 10:
        raise ComplaintError(_("A minor demerit counts 1 to 10 units."), field="units")
    if kind != PenaltyKind.MINOR_DEMERIT:
        units = 1
    given = None if amount in (None, "") else money(amount, field="amount")
    current = lock(case, expected_version)
    if current.decided_at is None:
        raise ComplaintError(
            _("Decide responsibility first."), code=ComplaintErrorCode.INVALID_TRANSITION
        )
    profile = _profile_of(person)
    if not _named_in_decision(current, person, profile):
        raise ComplaintError(
            _("%(name)s is not named in the decision, neither in person nor by department.")
            % {"name": person},
            field="person",
        )
    value = sanction_amount(kind=kind, person=person, units=units, amount=given)
    penalty = Penalty(
        case=current,
        person=person,
        department=profile.department,
        kind=kind,
        units=units,
        amount=value,
        month=first_of_month(timezone.localdate()),
        note=(note or "").strip()[:300],
        imposed_by=by,
    )
    penalty.full_clean()
    penalty.save()
    save_and_audit(
        current,
        by=by,
        action="complaint.sanction_imposed",
        before={},
        fields=[],
        extra={"penalty": [None, f"{person} · {penalty.get_kind_display()} · {value}"]},
    )
    return penalty
