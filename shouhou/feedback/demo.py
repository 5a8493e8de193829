"""Feedback demo data on top of `seed_demo`: the closed work orders are invited, about two thirds
answer (a few with a complaint or a 极差), the follow-up job draws its sample and the follow-up
agent makes the calls that were due before the demo's "now". Everything goes through the
services at its simulated time, like the work-order simulation (shouhou.tickets.demo)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.utils import timezone

from shouhou.core.models import User
from shouhou.feedback import services
from shouhou.feedback.models import (
    AnswerChannel,
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpStatus,
    LossReason,
    SurveyAnswer,
)
from shouhou.feedback.services import CallOutcome
from shouhou.tickets.models import WorkOrder, WorkOrderStatus

SUGGESTIONS = (
    "希望到达前先电话联系",
    "配件能否多备一些",
    "维修后请帮忙清理现场",
    "希望提供保养提醒",
)
COMPLAINTS = ("技术员迟到了两个小时", "修好后第二天又出同样的故障", "收费比电话里说的高")
USAGE = ("设备运行正常", "偶尔还有卡钞", "使用频率比以前高", "暂时停用，等待搬迁")
NEEDS = ("想签年度维保合同", "需要加装一台", "想了解以旧换新", "")


@contextmanager
def simulated(moment: datetime.datetime) -> Iterator[None]:
    """Make `timezone.now()` answer `moment` while the services run."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@dataclass
class FeedbackDemo:
    rng: random.Random
    until: datetime.datetime
    desk_agent: User
    followup_agent: User
    progress: Callable[[str], None] = lambda _message: None
    counts: dict[str, int] = field(default_factory=dict)

    def run(self) -> dict[str, int]:
        orders = WorkOrder.objects.filter(
            status=WorkOrderStatus.CLOSED, closed_at__lte=self.until
        ).order_by("closed_at", "pk")
        for order in orders:
            self.survey(order)
        self.progress(f"surveys: {self.counts.get('invitations', 0)} invitations")
        self.daily_jobs(first=orders.first())
        self.calls()
        self.progress(f"follow-ups: {self.counts['follow-ups']}")
        return self.counts

    def daily_jobs(self, *, first: WorkOrder | None) -> None:
        """The periodic jobs, run at the end of every simulated day (as the hourly scheduler
        would have run them): the follow-ups appear when they are due, not all at the end."""
        day = timezone.localtime(first.closed_at if first and first.closed_at else self.until)
        moment = day.replace(hour=23, minute=0, second=0, microsecond=0)
        while True:
            moment = min(moment, self.until)
            with simulated(moment):
                self.counts["follow-ups"] = self.counts.get(
                    "follow-ups", 0
                ) + services.create_follow_ups(now=moment)
                result = services.remind_and_expire_invitations(now=moment)
            self.counts["reminders"] = self.counts.get("reminders", 0) + result.reminded
            if moment >= self.until:
                return
            moment += datetime.timedelta(days=1)

    def bump(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    # --- surveys ------------------------------------------------------------------------------

    def survey(self, order: WorkOrder) -> None:
        assert order.closed_at is not None  # noqa: S101 - closed orders have the stamp
        invited_at = order.closed_at + datetime.timedelta(minutes=self.rng.randint(1, 20))
        with simulated(invited_at):
            invitation = services.invite_after_close(work_order=order, by=None)
        if invitation is None:
            return
        self.bump("invitations")
        if self.rng.random() > 0.65:
            return
        answered_at = invited_at + datetime.timedelta(minutes=self.rng.randint(20, 60 * 72))
        if answered_at >= self.until:
            return
        channel = self.rng.choices(
            [AnswerChannel.LINK, AnswerChannel.PHONE, AnswerChannel.PAPER], weights=[8, 1, 1]
        )[0]
        with simulated(answered_at):
            services.submit_survey_answer(
                invitation=invitation,
                values=self.answers(),
                channel=channel,
                by=None if channel == AnswerChannel.LINK else self.desk_agent,
            )
        self.bump("answers")

    def answers(self) -> dict[str, Any]:
        def rating() -> int:
            return self.rng.choices([4, 3, 2, 1], weights=[55, 32, 9, 4])[0]

        values: dict[str, Any] = {
            code: rating() for code in ("attitude", "skill", "arrival", "promise")
        }
        low = min(values.values())
        values["overall"] = 3 if low >= 4 else 2 if low >= 2 else 1
        if self.rng.random() < 0.6:
            values["nps"] = min(10, max(0, low * 2 + self.rng.randint(0, 3)))
        if self.rng.random() < 0.2:
            values["suggestion"] = self.rng.choice(SUGGESTIONS)
        if low == 1 or self.rng.random() < 0.04:
            values["complaint"] = self.rng.choice(COMPLAINTS)
        return values

    # --- follow-up calls ----------------------------------------------------------------------

    def calls(self) -> None:
        reasons = list(LossReason.objects.filter(is_active=True))
        due = FollowUp.objects.filter(status=FollowUpStatus.OPEN, start_at__lt=self.until).order_by(
            "start_at", "pk"
        )
        for follow_up in due:
            window = (min(follow_up.due_at, self.until) - follow_up.start_at).total_seconds()
            at = follow_up.start_at + datetime.timedelta(
                seconds=self.rng.uniform(0, max(window, 60))
            )
            if at >= self.until or self.rng.random() < 0.15:
                continue  # left for the queue
            with simulated(at):
                services.record_follow_up_attempt(
                    follow_up=follow_up,
                    by=self.followup_agent,
                    expected_version=None,
                    outcome=self.outcome(reasons),
                )
            self.bump("calls")

    def outcome(self, reasons: list[LossReason]) -> CallOutcome:
        result = self.rng.choices(
            [CallResult.REACHED, CallResult.NOT_REACHED, CallResult.REFUSED], weights=[75, 20, 5]
        )[0]
        if result != CallResult.REACHED:
            return CallOutcome(result=result)
        evaluation = self.rng.choices(list(Evaluation), weights=[50, 40, 10])[0]
        lost = evaluation == Evaluation.DISSATISFIED and self.rng.random() < 0.5 and bool(reasons)
        return CallOutcome(
            result=result,
            evaluation=evaluation,
            product_usage=self.rng.choice(USAGE),
            new_needs=self.rng.choice(NEEDS),
            complaint=self.rng.choice(COMPLAINTS) if evaluation == Evaluation.DISSATISFIED else "",
            is_customer_lost=lost,
            loss_reason=self.rng.choice(reasons) if lost else None,
        )


def seed_feedback_demo(
    *, seed: int, until: datetime.datetime, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Play the demo's feedback (see the module docstring); refuses when answers exist. The
    invitations may exist already: closing a work order invites its customer."""
    if SurveyAnswer.objects.exists() or FollowUp.objects.exists():
        raise ValueError("feedback demo data already present")
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["demo_agent", "demo_followup"])
    }
    if len(users) != 2:
        raise ValueError("run seed_demo first (demo_agent and demo_followup are missing)")
    demo = FeedbackDemo(
        rng=random.Random(seed),  # noqa: S311 - demo data, not security
        until=until,
        desk_agent=users["demo_agent"],
        followup_agent=users["demo_followup"],
        progress=progress or (lambda _message: None),
    )
    return demo.run()
