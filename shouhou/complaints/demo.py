"""Deterministic complaint demo data on top of `seed_demo`: departments with their staff profiles
(base points, efficiency bonus) and about forty complaints of the last three months, played
through the complaint services in every state: registered, under investigation, awaiting
approval, answered, closed with their revisit, rejected with a second round, withdrawn; some
with a decision on responsibility and sanctions, so that the ledger has months to show.

Each step runs with the clock set to its moment (the services read `timezone.now()`), so the
timelines, deadlines, chase notices and the monthly report look as they would have. The
Chinese literals are demo *data*, not interface text."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.utils import timezone

from shouhou.complaints import services
from shouhou.complaints.models import (
    ComplaintCase,
    ComplaintType,
    Department,
    Revisit,
    RevisitOutcome,
    Severity,
    StaffProfile,
)
from shouhou.complaints.services import ShareLine
from shouhou.core.models import Organisation, User
from shouhou.customers.models import Customer
from shouhou.tickets.models import WorkOrder, WorkOrderStatus

DEPARTMENTS = [
    # organisation code, code, name, head's username, members (username, base points, bonus)
    ("HQ", "QA", "质量管理部", "demo_quality", [("demo_quality", "1.50", "3000")]),
    ("HQ", "SVC", "服务部", "demo_manager", [("demo_manager", "2.00", "4000")]),
    ("HQ", "SALES", "业务部", "demo_agent", [("demo_agent", "1.00", "2200")]),
    (
        "SC-SH",
        "SH-SVC",
        "上海服务中心维修组",
        "demo_dispatcher",
        [
            ("demo_dispatcher", "1.20", "2400"),
            ("demo_technician", "1.00", "1800"),
            ("tech_sh_2", "1.00", "1800"),
            ("tech_sh_3", "0.80", "1500"),
        ],
    ),
]
COMPLAINTS = [
    ("late_arrival", "约好上午上门，技术员下午三点才到，也没有提前电话说明", "要求说明原因并道歉"),
    ("service_attitude", "维修人员态度生硬，对我们的提问不耐烦", "希望更换维修人员"),
    ("repair_quality", "上周刚修好的设备又出现同样的故障", "要求免费返修"),
    ("wrong_charge", "保修期内的维修被收取了上门费", "退还上门费"),
    ("product_quality", "新机器安装不到一个月就频繁报错停机", "要求换机"),
    ("delivery_error", "发来的配件型号与订单不符，耽误了两天营业", "要求补偿损失"),
    ("other", "热线电话多次打不通，等待时间过长", "改进服务热线"),
]
REMEDIES = [
    ("apology", "0.00", "电话致歉并说明原因"),
    ("repair", "0.00", "安排技术骨干免费返修"),
    ("refund", "200.00", "退还上门费"),
    ("compensation", "500.00", "补偿营业损失"),
    ("exchange", "0.00", "更换同型号新机"),
    ("discount", "300.00", "下年度维保费用折让"),
]


OUTCOMES = [RevisitOutcome.SATISFIED, RevisitOutcome.NOT_SATISFIED, RevisitOutcome.UNREACHABLE]


@contextmanager
def at(moment: datetime.datetime) -> Iterator[None]:
    """Run the services as if it were `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _departments(users: dict[str, User]) -> dict[str, Department]:
    departments = {}
    for org_code, code, name, head, members in DEPARTMENTS:
        organisation = Organisation.objects.get(code=org_code)
        department, _created = Department.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={"name": name, "head": users.get(head)},
        )
        departments[code] = department
        for username, points, bonus in members:
            if username in users:
                StaffProfile.objects.get_or_create(
                    person=users[username],
                    defaults={
                        "department": department,
                        "base_points": Decimal(points),
                        "monthly_bonus_amount": Decimal(bonus),
                    },
                )
    return departments


class ComplaintDemo:
    def __init__(self, *, seed: int, count: int, now: datetime.datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.count = count
        self.now = now
        people = User.objects.filter(username__regex=r"^(demo|tech)_")
        self.users = {user.username: user for user in people}

    def person(self, name: str) -> User:
        return self.users[name]

    def run(self) -> dict[str, int]:
        departments = _departments(self.users)
        customers = list(
            Customer.objects.filter(organisation__code__in=["SC-SH", "HQ", "SC-BJ"]).order_by("pk")[
                :400
            ]
        )
        orders = list(
            WorkOrder.objects.filter(status=WorkOrderStatus.CLOSED)
            .select_related("customer", "equipment")
            .order_by("pk")[:200]
        )
        if not customers:
            return {}
        types = {kind.code: kind for kind in ComplaintType.objects.filter(is_active=True)}
        counts = {"complaints": 0, "closed": 0, "rounds": 0, "decisions": 0}
        start = self.now - datetime.timedelta(days=90)
        moments = sorted(
            start + datetime.timedelta(minutes=self.rng.randrange(0, 88 * 24 * 60))
            for _index in range(self.count)
        )
        for index, moment in enumerate(moments):
            moment = timezone.localtime(moment).replace(
                hour=self.rng.choice([9, 10, 11, 14, 15, 16])
            )
            code, text, request = COMPLAINTS[index % len(COMPLAINTS)]
            order = orders[index % len(orders)] if orders and self.rng.random() < 0.6 else None
            customer = order.customer if order is not None else self.rng.choice(customers)
            staff = [order.technician] if order is not None and order.technician else []
            severity = Severity.MAJOR if self.rng.random() < 0.15 else Severity.GENERAL
            with at(moment):
                case = services.register_complaint(
                    by=self.person("demo_agent"),
                    customer=customer,
                    complaint_type=types.get(code) or next(iter(types.values())),
                    description=text,
                    customer_request=request,
                    work_order=order,
                    staff_involved=staff,
                    severity=severity,
                    channel=self.rng.choice(["phone", "phone", "letter", "walk_in", "follow_up"]),
                )
            counts["complaints"] += 1
            self.play(case, moment, departments, counts)
        return counts

    def step(self, moment: datetime.datetime, hours: float) -> datetime.datetime:
        later = moment + datetime.timedelta(hours=hours * (0.5 + self.rng.random()))
        return min(later, self.now - datetime.timedelta(minutes=5))

    def play(
        self,
        case: ComplaintCase,
        moment: datetime.datetime,
        departments: dict[str, Department],
        counts: dict[str, int],
    ) -> None:
        """Advance the case some way along the flow, as far as its age allows."""
        rng = self.rng
        age_days = (self.now - moment).days
        goal = rng.random()
        if age_days < 2:
            goal = min(goal, 0.3)
        manager, officer, deputy = (
            self.person("demo_manager"),
            self.person("demo_quality"),
            self.person("demo_admin"),
        )
        if goal < 0.12:
            return  # still waiting for a handler
        if goal < 0.16:
            with at(self.step(moment, 6)):
                services.withdraw_complaint(
                    case=case, by=manager, expected_version=None, reason="客户来电撤回投诉"
                )
            return
        handler = officer if rng.random() < 0.7 else manager
        moment = self.step(moment, 4)
        with at(moment):
            case = services.assign_handler(
                case=case, by=manager, expected_version=None, handler=handler
            )
            case = services.start_investigation(case=case, by=handler, expected_version=None)
        if goal < 0.3:
            return
        department = departments[rng.choice(["SH-SVC", "SH-SVC", "QA", "SALES"])]
        kind, amount, detail = rng.choice(REMEDIES)
        moment = self.step(moment, 40)
        with at(moment):
            case = services.record_findings(
                case=case,
                by=handler,
                expected_version=None,
                cause="经调查属实：" + case.description[:40],
                evidence="派工记录、通话录音、现场照片",
                responsible_department=department,
            )
            case = services.propose_remedy(
                case=case,
                by=handler,
                expected_version=None,
                remedy_kind=kind,
                remedy_amount=amount,
                remedy_description=detail,
            )
        if goal < 0.4:
            return
        approver = deputy if case.severity == Severity.MAJOR or Decimal(amount) > 500 else manager
        moment = self.step(moment, 16)
        with at(moment):
            case = services.approve_remedy(case=case, by=approver, expected_version=None)
        if goal < 0.46:
            return
        moment = self.step(moment, 8)
        with at(moment):
            case = services.inform_customer(
                case=case,
                by=handler,
                expected_version=None,
                reply_channel="letter"
                if case.severity == Severity.MAJOR
                else rng.choice(["phone", "letter"]),
                summary=f"已告知客户处理方案：{detail}",
            )
        if goal < 0.52:
            return
        moment = self.step(moment, 30)
        if goal < 0.58:
            with at(moment):
                services.record_customer_rejection(
                    case=case, by=handler, expected_version=None, reply="客户不接受，要求更换新机"
                )
            counts["rounds"] += 1
            return
        with at(moment):
            case = services.record_customer_acceptance(
                case=case, by=handler, expected_version=None, reply="客户表示接受"
            )
        counts["closed"] += 1
        self.revisit(case, moment, counts)
        if goal < 0.75 or department.code == "SALES":
            return
        self.decide(case, moment, department, counts)

    def revisit(
        self, case: ComplaintCase, accepted_at: datetime.datetime, counts: dict[str, int]
    ) -> None:
        """Most call-backs that fell due before the demo's now were made, on time or a little
        late; the rest wait in the follow-up queue."""
        revisit = Revisit.objects.filter(case=case).first()
        if revisit is None or revisit.due_at >= self.now or self.rng.random() > 0.85:
            return
        called_at = max(
            accepted_at + datetime.timedelta(hours=1),
            revisit.due_at + datetime.timedelta(hours=self.rng.randint(-30, 6)),
        )
        with at(min(called_at, self.now)):
            services.record_revisit(
                revisit=revisit,
                by=self.person("demo_followup"),
                expected_version=None,
                outcome=self.rng.choices(
                    [
                        RevisitOutcome.SATISFIED,
                        RevisitOutcome.NOT_SATISFIED,
                        RevisitOutcome.UNREACHABLE,
                    ],
                    weights=[75, 15, 10],
                )[0],
                note="回访客户，处理结果已落实",
            )
        counts["revisits"] = counts.get("revisits", 0) + 1

    def decide(
        self,
        case: ComplaintCase,
        moment: datetime.datetime,
        department: Department,
        counts: dict[str, int],
    ) -> None:
        members = [profile.person for profile in department.staff.all()]
        if not members:
            return
        person = self.rng.choice(members)
        loss = Decimal(self.rng.choice(["800.00", "1500.00", "2600.00", "4200.00"]))
        with at(self.step(moment, 24)):
            case = services.record_decision(
                case=case,
                by=self.person("demo_manager"),
                expected_version=None,
                loss_amount=loss,
                lines=[
                    ShareLine(share_percent=Decimal("60"), person=person),
                    ShareLine(share_percent=Decimal("40"), department=department),
                ],
                note="个人过失与班组管理共同责任",
            )
            if self.rng.random() < 0.5:
                services.impose_sanction(
                    case=case,
                    by=self.person("demo_manager"),
                    expected_version=None,
                    person=person,
                    kind=self.rng.choice(["warning", "minor_demerit"]),
                )
        counts["decisions"] += 1


def seed_complaint_demo(*, seed: int = 1, count: int = 40) -> dict[str, int]:
    """Seed the complaint demo once (nothing when complaints exist or seed_demo has not run)."""
    if ComplaintCase.objects.exists() or not User.objects.filter(username="demo_agent").exists():
        return {}
    with transaction.atomic():
        return ComplaintDemo(seed=seed, count=count, now=timezone.now()).run()
