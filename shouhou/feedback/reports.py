"""Reports of the feedback app, computed by the database and scoped to the asking user:

- technicians' monthly scores (001 第十六条, 第十八条): for the invitations of a month, per
  technician, the count, the answers, the response rate and the average of each rating item;
- satisfaction (002 §2.3.2 满意度调查): the overall-satisfaction answers counted per level, by
  service centre, region, product type, brand, model or month, with the response rate;
- the monthly follow-up report (000 第五篇 五): the calls due in the month and what came of them,
  the coverage of the 100 % / 30 % rule, complaints and call backs, and the customers lost, by
  customer class and reason. Due by the policy's day of the next month."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Organisation, User
from shouhou.core.scoping import scoped
from shouhou.customers.models import CustomerKind
from shouhou.feedback.models import (
    SAMPLED_KINDS,
    CallResult,
    Evaluation,
    FollowUp,
    FollowUpAttempt,
    FollowUpKind,
    FollowUpMonthlyReport,
    FollowUpStatus,
    InvitationStatus,
    LossReason,
    Question,
    SamplingDecision,
    SurveyAnswerItem,
    SurveyInvitation,
)

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


def month_range(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local month containing `month`, as aware instants [start, end)."""
    zone = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent with one decimal (None when there is no whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, ROUND_HALF_UP)


def average(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _invitations_of_month(
    user: User | AnonymousUser, month: datetime.date
) -> QuerySet[SurveyInvitation]:
    start, end = month_range(month)
    return scoped(SurveyInvitation.objects.all(), user).filter(
        invited_at__gte=start, invited_at__lt=end
    )


# --- technicians' scores ------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingColumn:
    code: str
    label: str


@dataclass
class TechnicianScoreRow:
    technician: User | None
    invitations: int
    answers: int
    flagged: int
    averages: dict[str, Decimal | None]
    ratings: int = 0

    @property
    def label(self) -> str:
        return str(self.technician) if self.technician is not None else str(_("All technicians"))

    @property
    def organisation(self) -> str:
        organisation = getattr(self.technician, "organisation", None)
        return str(organisation) if organisation is not None else ""

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.answers, self.invitations)

    def values(self, columns: list[RatingColumn]) -> list[Decimal | None]:
        return [self.averages.get(column.code) for column in columns]


@dataclass
class TechnicianScores:
    month: datetime.date
    columns: list[RatingColumn]
    rows: list[TechnicianScoreRow]
    total: TechnicianScoreRow


def _rating_columns(invitations: QuerySet[SurveyInvitation]) -> list[RatingColumn]:
    """The rating items of the questionnaire versions used, in questionnaire order; a code that
    appears in several versions is one column, named by its latest version."""
    questions = (
        Question.objects.filter(
            is_technician_rating=True,
            questionnaire__in=invitations.values("questionnaire").distinct(),
        )
        .order_by("-questionnaire__version_number", "position", "id")
        .values_list("code", "short_label", "text", "position")
    )
    columns: dict[str, tuple[int, str]] = {}
    for code, short_label, text, position in questions:
        columns.setdefault(code, (position, short_label or text))
    return [
        RatingColumn(code=code, label=label)
        for code, (_position, label) in sorted(columns.items(), key=lambda item: item[1][0])
    ]


def technician_scores(
    *, user: User | AnonymousUser, month: datetime.date, technician: User | None = None
) -> TechnicianScores:
    """Per technician, for the invitations sent in `month` about their work orders: how many,
    how many answered (and flagged), the response rate and each rating item's average (input
    to the monthly performance review, 001 第十六条). With `technician`, that one only (for a
    technician's own page)."""
    invitations = _invitations_of_month(user, month).filter(technician__isnull=False)
    if technician is not None:
        invitations = invitations.filter(technician=technician)
    counts = list(
        invitations.values("technician")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)),
            flagged=Count("pk", filter=Q(answer__is_flagged=True)),
        )
        .order_by("technician")
    )
    items = SurveyAnswerItem.objects.filter(
        answer__invitation__in=invitations.values("pk"),
        question__is_technician_rating=True,
        value__isnull=False,
    )
    per_technician: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    rated: dict[int, int] = defaultdict(int)
    for row in items.values("answer__technician", "question__code").annotate(
        mean=Avg("value"), n=Count("pk")
    ):
        per_technician[row["answer__technician"]][row["question__code"]] = average(row["mean"])
        rated[row["answer__technician"]] += row["n"]
    totals = {
        row["question__code"]: average(row["mean"])
        for row in items.values("question__code").annotate(mean=Avg("value"))
    }
    people = User.objects.select_related("organisation").in_bulk(
        [row["technician"] for row in counts]
    )
    rows = [
        TechnicianScoreRow(
            technician=people.get(row["technician"]),
            invitations=row["invited"],
            answers=row["answered"],
            flagged=row["flagged"],
            averages=per_technician.get(row["technician"], {}),
            ratings=rated.get(row["technician"], 0),
        )
        for row in counts
    ]
    rows.sort(key=lambda row: (row.organisation, row.label))
    total = TechnicianScoreRow(
        technician=None,
        invitations=sum(row.invitations for row in rows),
        answers=sum(row.answers for row in rows),
        flagged=sum(row.flagged for row in rows),
        averages=totals,
        ratings=sum(rated.values()),
    )
    return TechnicianScores(
        month=month.replace(day=1), columns=_rating_columns(invitations), rows=rows, total=total
    )


# --- satisfaction -------------------------------------------------------------------------------

# Grouping fields, from the invitation; a model is named with its brand.
SATISFACTION_DIMENSIONS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "service_centre": (_("handled by"), ("handling_organisation__name",)),
    "region": (_("region"), ("work_order__site__region__name",)),
    "product_type": (_("product type"), ("work_order__product_model__product_type__name",)),
    "brand": (_("brand"), ("work_order__product_model__brand__name",)),
    "model": (
        _("product model"),
        ("work_order__product_model__brand__name", "work_order__product_model__name"),
    ),
    "month": (_("month"), ("month",)),
}
TREND_MONTHS = 12


@dataclass(frozen=True)
class LevelColumn:
    value: int
    label: str


@dataclass
class SatisfactionRow:
    label: str
    invitations: int
    answers: int
    levels: dict[int, int]
    lowest: int | None

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.answers, self.invitations)

    @property
    def rated(self) -> int:
        return sum(self.levels.values())

    @property
    def satisfied_share(self) -> Decimal | None:
        """The share of overall ratings above the scale's lowest level (很满意 + 满意)."""
        if self.lowest is None:
            return None
        return percent(self.rated - self.levels.get(self.lowest, 0), self.rated)

    def counts(self, columns: list[LevelColumn]) -> list[int]:
        return [self.levels.get(column.value, 0) for column in columns]


@dataclass
class SatisfactionReport:
    month: datetime.date
    dimension: str
    dimension_label: str
    columns: list[LevelColumn]
    rows: list[SatisfactionRow]
    total: SatisfactionRow


def _level_columns(invitations: QuerySet[SurveyInvitation]) -> list[LevelColumn]:
    questions = Question.objects.filter(
        is_overall_satisfaction=True,
        questionnaire__in=invitations.values("questionnaire").distinct(),
    ).order_by("-questionnaire__version_number", "position")
    levels: dict[int, str] = {}
    for question in questions:
        for choice in question.choices or []:
            if isinstance(choice, dict) and isinstance(choice.get("value"), int):
                levels.setdefault(choice["value"], str(choice.get("label", choice["value"])))
    return [LevelColumn(value, label) for value, label in sorted(levels.items(), reverse=True)]


def _label(row: dict[str, Any], fields: tuple[str, ...]) -> str:
    parts = []
    for name in fields:
        value = row.get(name)
        if isinstance(value, datetime.datetime):
            value = f"{timezone.localtime(value):%Y-%m}"
        if value not in (None, ""):
            parts.append(str(value))
    return " ".join(parts) or "—"


def satisfaction_report(
    *, user: User | AnonymousUser, month: datetime.date, dimension: str
) -> SatisfactionReport:
    """The overall-satisfaction answers of the invitations of `month` counted per level and
    grouped by `dimension` (for "month": the twelve months up to `month`)."""
    if dimension not in SATISFACTION_DIMENSIONS:
        dimension = "service_centre"
    label, fields = SATISFACTION_DIMENSIONS[dimension]
    invitations: QuerySet[Any]
    if dimension == "month":
        start_month = month.replace(day=1)
        for _step in range(TREND_MONTHS - 1):
            start_month = (start_month - datetime.timedelta(days=1)).replace(day=1)
        start = month_range(start_month)[0]
        end = month_range(month)[1]
        invitations = (
            scoped(SurveyInvitation.objects.all(), user)
            .filter(invited_at__gte=start, invited_at__lt=end)
            .annotate(month=TruncMonth("invited_at", tzinfo=timezone.get_current_timezone()))
        )
    else:
        invitations = _invitations_of_month(user, month)
    counts = invitations.values(*fields).annotate(
        invited=Count("pk"),
        answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)),
    )
    item_fields = tuple(
        name if name == "month" else f"answer__invitation__{name}" for name in fields
    )
    items = SurveyAnswerItem.objects.filter(
        answer__invitation__in=invitations.values("pk"),
        question__is_overall_satisfaction=True,
        value__isnull=False,
    )
    if dimension == "month":
        items = items.annotate(
            month=TruncMonth(
                "answer__invitation__invited_at", tzinfo=timezone.get_current_timezone()
            )
        )
    levels: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in items.values(*item_fields, "value").annotate(n=Count("pk")):
        key = _label(
            {name: row[item] for name, item in zip(fields, item_fields, strict=True)}, fields
        )
        levels[key][row["value"]] += row["n"]
    columns = _level_columns(invitations)
    lowest = min((column.value for column in columns), default=None)
    merged: dict[str, SatisfactionRow] = {}
    for row in counts:
        key = _label(row, fields)
        target = merged.setdefault(
            key, SatisfactionRow(key, 0, 0, dict(levels.get(key, {})), lowest)
        )
        target.invitations += row["invited"]
        target.answers += row["answered"]
    rows = sorted(merged.values(), key=lambda row: row.label)
    total_levels: dict[int, int] = defaultdict(int)
    for row in rows:
        for value, count in row.levels.items():
            total_levels[value] += count
    total = SatisfactionRow(
        str(_("Total")),
        sum(row.invitations for row in rows),
        sum(row.answers for row in rows),
        dict(total_levels),
        lowest,
    )
    return SatisfactionReport(
        month=month.replace(day=1),
        dimension=dimension,
        dimension_label=str(label),
        columns=columns,
        rows=rows,
        total=total,
    )


# --- the monthly follow-up report ---------------------------------------------------------------


@dataclass
class KindRow:
    kind: str
    label: str
    planned: int = 0
    done: int = 0
    done_in_time: int = 0
    refused: int = 0
    unreachable: int = 0
    cancelled: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def done_rate(self) -> Decimal | None:
        return percent(self.done, self.planned)


@dataclass
class CoverageRow:
    kind: str
    label: str
    is_target: bool
    events: int
    followed_up: int
    required: int | None

    @property
    def share(self) -> Decimal | None:
        return percent(self.followed_up, self.events)

    @property
    def meets_rule(self) -> bool:
        required = self.required or 0
        return self.events == 0 or self.followed_up * 100 >= required * self.events


@dataclass
class LossRow:
    customer_class: str
    counts: dict[int, int]
    total: int


@dataclass
class FollowUpMonthReport:
    organisation: Organisation
    month: datetime.date
    due_on: datetime.date
    submission: FollowUpMonthlyReport | None
    kinds: list[KindRow]
    coverage: list[CoverageRow]
    calls: dict[str, int]
    evaluations: list[tuple[str, int]]
    complaints: int
    callbacks: int
    callbacks_in_time: int
    new_needs: int
    loss_reasons: list[LossReason]
    losses: list[LossRow]
    lost: int
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def url(self) -> str:
        return (
            f"{reverse('feedback:follow-up-report')}?month={self.month:%Y-%m}"
            f"&organisation={self.organisation.pk}"
        )

    @property
    def is_available(self) -> bool:
        """A month's report can be submitted from the 1st of the next month."""
        return self.today >= (self.month + datetime.timedelta(days=32)).replace(day=1)

    @property
    def is_late(self) -> bool:
        if self.submission is not None:
            return self.submission.is_late
        return self.today > self.due_on

    @property
    def done(self) -> int:
        return sum(row.done for row in self.kinds)

    def summary(self) -> dict[str, Any]:
        """The figures as plain JSON, kept with the submitted report."""
        return {
            "done": self.done,
            "planned": sum(row.planned for row in self.kinds),
            "kinds": {
                row.kind: {
                    "planned": row.planned,
                    "done": row.done,
                    "done_in_time": row.done_in_time,
                    "refused": row.refused,
                    "unreachable": row.unreachable,
                    "open": row.open,
                }
                for row in self.kinds
            },
            "coverage": [
                {
                    "kind": row.kind,
                    "is_target": row.is_target,
                    "events": row.events,
                    "followed_up": row.followed_up,
                    "required": row.required,
                }
                for row in self.coverage
            ],
            "calls": self.calls,
            "evaluations": dict(self.evaluations),
            "complaints": self.complaints,
            "callbacks": self.callbacks,
            "callbacks_in_time": self.callbacks_in_time,
            "new_needs": self.new_needs,
            "lost": self.lost,
            "losses": {
                row.customer_class: {str(k): v for k, v in row.counts.items()}
                for row in self.losses
            },
        }


def _in_subtree(organisation: Organisation, prefix: str = "handling_organisation") -> Q:
    return Q(**{f"{prefix}__path__startswith": organisation.path})


def _kind_rows(
    follow_ups: QuerySet[FollowUp], start: datetime.datetime, end: datetime.datetime
) -> list[KindRow]:
    now = timezone.now()
    due = follow_ups.filter(due_at__gte=start, due_at__lt=end)
    status = {status: Q(status=status) for status in FollowUpStatus}
    aggregates = {
        row["kind"]: row
        for row in due.values("kind").annotate(
            planned=Count("pk"),
            done=Count("pk", filter=status[FollowUpStatus.DONE]),
            refused=Count("pk", filter=status[FollowUpStatus.REFUSED]),
            unreachable=Count("pk", filter=status[FollowUpStatus.UNREACHABLE]),
            cancelled=Count("pk", filter=status[FollowUpStatus.CANCELLED]),
            open=Count("pk", filter=status[FollowUpStatus.OPEN]),
            overdue=Count("pk", filter=status[FollowUpStatus.OPEN] & Q(due_at__lt=now)),
        )
    }
    in_time = dict(
        due.filter(status=FollowUpStatus.DONE)
        .filter(completed_at__lte=F("due_at"))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    rows = []
    for kind in FollowUpKind:
        row: dict[str, Any] = dict(aggregates.get(kind.value, {}))
        rows.append(
            KindRow(
                kind=kind.value,
                label=str(kind.label),
                planned=row.get("planned", 0),
                done=row.get("done", 0),
                done_in_time=in_time.get(kind.value, 0),
                refused=row.get("refused", 0),
                unreachable=row.get("unreachable", 0),
                cancelled=row.get("cancelled", 0),
                open=row.get("open", 0),
                overdue=row.get("overdue", 0),
            )
        )
    return rows


def _coverage(
    user: User | AnonymousUser, organisation: Organisation, month: datetime.date
) -> list[CoverageRow]:
    decisions = (
        scoped(SamplingDecision.objects.all(), user)
        .filter(_in_subtree(organisation, "organisation"), period=f"{month:%Y-%m}")
        .values("kind", "is_target", "rule__target_percent", "rule__sample_percent")
        .annotate(events=Count("pk"), followed_up=Count("pk", filter=Q(is_selected=True)))
    )
    grouped: dict[tuple[str, bool], CoverageRow] = {}
    for kind in SAMPLED_KINDS:
        for is_target in (True, False):
            grouped[(kind.value, is_target)] = CoverageRow(
                kind=kind.value,
                label=str(kind.label),
                is_target=is_target,
                events=0,
                followed_up=0,
                required=None,
            )
    for row in decisions:
        target = grouped[(row["kind"], row["is_target"])]
        required = row["rule__target_percent"] if row["is_target"] else row["rule__sample_percent"]
        target.events += row["events"]
        target.followed_up += row["followed_up"]
        target.required = required if target.required is None else max(target.required, required)
    return list(grouped.values())


def _customer_class(kind: str, is_target: bool) -> str:
    label = str(CustomerKind(kind).label) if kind in CustomerKind.values else kind
    return f"{label} · {_('target')}" if is_target else label


def follow_up_month_report(
    *, user: User | AnonymousUser, organisation: Organisation, month: datetime.date
) -> FollowUpMonthReport:
    """The follow-up report of `organisation` (and its subtree) for `month`."""
    from shouhou.feedback.services.follow_ups import report_due_on

    month = month.replace(day=1)
    start, end = month_range(month)
    follow_ups = scoped(FollowUp.objects.all(), user).filter(_in_subtree(organisation))
    attempts = scoped(FollowUpAttempt.objects.all(), user).filter(
        _in_subtree(organisation, "follow_up__handling_organisation"),
        called_at__gte=start,
        called_at__lt=end,
    )
    by_result = dict(
        attempts.values_list("result").annotate(n=Count("pk")).values_list("result", "n")
    )
    calls = {result.value: by_result.get(result.value, 0) for result in CallResult}
    calls["total"] = sum(by_result.values())
    by_evaluation = dict(
        attempts.exclude(evaluation="")
        .values_list("evaluation")
        .annotate(n=Count("pk"))
        .values_list("evaluation", "n")
    )
    evaluations = [(str(level.label), by_evaluation.get(level.value, 0)) for level in Evaluation]
    callbacks = follow_ups.filter(
        kind=FollowUpKind.COMPLAINT_CALLBACK, event_at__gte=start, event_at__lt=end
    )
    reasons = list(LossReason.objects.all())
    loss_rows: dict[str, LossRow] = {}
    lost_rows = (
        attempts.filter(is_customer_lost=True)
        .values("follow_up__customer__kind", "follow_up__customer__is_target", "loss_reason")
        .annotate(n=Count("pk"))
        .order_by("follow_up__customer__kind", "-follow_up__customer__is_target")
    )
    for row in lost_rows:
        name = _customer_class(
            row["follow_up__customer__kind"], row["follow_up__customer__is_target"]
        )
        target = loss_rows.setdefault(name, LossRow(name, {}, 0))
        target.counts[row["loss_reason"]] = target.counts.get(row["loss_reason"], 0) + row["n"]
        target.total += row["n"]
    submission = (
        FollowUpMonthlyReport.objects.filter(organisation=organisation, month=month)
        .select_related("submitted_by")
        .first()
    )
    return FollowUpMonthReport(
        organisation=organisation,
        month=month,
        due_on=report_due_on(organisation=organisation, month=month),
        submission=submission,
        kinds=_kind_rows(follow_ups, start, end),
        coverage=_coverage(user, organisation, month),
        calls=calls,
        evaluations=evaluations,
        complaints=attempts.exclude(complaint="").count(),
        callbacks=callbacks.count(),
        callbacks_in_time=callbacks.filter(
            status=FollowUpStatus.DONE, completed_at__lte=F("due_at")
        ).count(),
        new_needs=attempts.exclude(new_needs="").count(),
        loss_reasons=reasons,
        losses=sorted(loss_rows.values(), key=lambda row: row.customer_class),
        lost=sum(row.total for row in loss_rows.values()),
    )
