"""A day plan's lifecycle as data: queued → planning → proposed → accepted or discarded (or
failed). `apply_transition` is the only place a plan's status changes."""

from __future__ import annotations

from django.utils.translation import gettext

from shouhou.dispatch.errors import DispatchError, DispatchErrorCode
from shouhou.dispatch.models import Plan, PlanStatus

S = PlanStatus

TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    S.QUEUED: frozenset({S.SOLVING, S.FAILED, S.DISCARDED}),
    S.SOLVING: frozenset({S.PROPOSED, S.FAILED, S.DISCARDED}),
    S.PROPOSED: frozenset({S.ACCEPTED, S.DISCARDED}),
    S.ACCEPTED: frozenset(),
    S.DISCARDED: frozenset(),
    S.FAILED: frozenset(),
}
# A plan the dispatcher may still accept routes of.
OPEN_FOR_DECISION = frozenset({S.PROPOSED})


def apply_transition(*, plan: Plan, to: PlanStatus) -> PlanStatus:
    """Move the plan to `to` (in memory; the caller saves). Returns the old status."""
    old = PlanStatus(plan.status)
    if to not in TRANSITIONS[old]:
        raise DispatchError(
            gettext("A plan that is %(status)s cannot become %(target)s.")
            % {"status": old.label, "target": to.label},
            code=DispatchErrorCode.INVALID_TRANSITION,
        )
    plan.status = to
    return old
