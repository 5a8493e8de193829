"""The lifecycles of survey invitations and follow-up calls as data, and the one function that
changes their status. A call's result decides where a follow-up goes (RESULT_TARGETS)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.models import (
    CallResult,
    FollowUp,
    FollowUpStatus,
    InvitationStatus,
    SurveyInvitation,
)

I = InvitationStatus  # noqa: E741
F = FollowUpStatus

INVITATION_TRANSITIONS: dict[InvitationStatus, frozenset[InvitationStatus]] = {
    I.WAITING: frozenset({I.ANSWERED, I.EXPIRED}),
    # The link is dead, but a paper card or a phone call may still bring the answer in.
    I.EXPIRED: frozenset({I.ANSWERED}),
    I.ANSWERED: frozenset(),
}
# The timestamp each target status sets.
INVITATION_STAMPS: dict[InvitationStatus, str] = {
    I.ANSWERED: "answered_at",
    I.EXPIRED: "expired_at",
}

FOLLOW_UP_TRANSITIONS: dict[FollowUpStatus, frozenset[FollowUpStatus]] = {
    F.OPEN: frozenset({F.DONE, F.UNREACHABLE, F.REFUSED, F.CANCELLED}),
    F.DONE: frozenset(),
    F.UNREACHABLE: frozenset(),
    F.REFUSED: frozenset(),
    F.CANCELLED: frozenset(),
}
FINAL_FOLLOW_UP = frozenset(
    status for status, targets in FOLLOW_UP_TRANSITIONS.items() if not targets
)

# Where a call's result takes the follow-up; not reached stays open until the attempts run out.
RESULT_TARGETS: dict[CallResult, FollowUpStatus] = {
    CallResult.REACHED: F.DONE,
    CallResult.REFUSED: F.REFUSED,
    CallResult.NOT_REACHED: F.OPEN,
}


def target_after_call(
    *, result: CallResult, attempts_made: int, attempt_limit: int
) -> FollowUpStatus:
    """The follow-up's status after a call with `result`, the `attempts_made`-th of at most
    `attempt_limit`."""
    target = RESULT_TARGETS[result]
    if target == F.OPEN and attempts_made >= attempt_limit:
        return F.UNREACHABLE
    return target


def apply_transition(*, record: SurveyInvitation | FollowUp, to: str) -> list[str]:
    """Move an invitation or a follow-up to `to` if its table allows it, set the timestamp that
    goes with it, and return the fields changed. Nothing else assigns these statuses."""
    now = timezone.now()
    if isinstance(record, SurveyInvitation):
        current = InvitationStatus(record.status)
        target = InvitationStatus(to)
        allowed: frozenset[str] = INVITATION_TRANSITIONS[current]
        stamp = INVITATION_STAMPS.get(target)
        label = target.label
    else:
        current_follow_up = FollowUpStatus(record.status)
        target_follow_up = FollowUpStatus(to)
        if target_follow_up == current_follow_up == F.OPEN:
            return []  # a call that did not reach anyone: still open
        allowed = FOLLOW_UP_TRANSITIONS[current_follow_up]
        stamp = "completed_at" if target_follow_up in FINAL_FOLLOW_UP else None
        label = target_follow_up.label
    if to not in allowed:
        raise FeedbackError(
            gettext("This cannot become “%(status)s” now: it is %(current)s.")
            % {"status": label, "current": record.get_status_display()},
            code=FeedbackErrorCode.INVALID_TRANSITION,
        )
    record.status = to
    fields = ["status"]
    if stamp:
        setattr(record, stamp, now)
        fields.append(stamp)
    return fields
