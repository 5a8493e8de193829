"""Demo work orders for `seed_demo` (called by shouhou.core.demo): repair calls spread over the
last weeks before the demo's base date, each living its life through the work-order services —
registered, dispatched, accepted, on the road, on site, taken to the workshop, repaired,
inspected, sent to the factory, waiting for parts or for the customer, resolved, signed with a
generated signature, closed or cancelled — with labour lines (which the daily reports read) and
parts.

The stories are simulated in time order: every step runs with the clock pinned to its simulated
moment, so the services stamp, number and audit it as if it happened then, and the orders reach
whatever state the simulated "now" finds them in. One `random.Random` drives everything: the
same seed gives the same orders.

The Chinese literals below are demo *data* (symptoms, work done, parts), not interface text."""

from __future__ import annotations

import datetime
import heapq
import math
import random
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.utils import timezone

from shouhou.assets.models import Equipment, EquipmentStatus
from shouhou.core.models import User
from shouhou.tickets import services
from shouhou.tickets.models import (
    Channel,
    PartDisposition,
    Priority,
    ResolutionMode,
    ServiceCategory,
    WorkOrder,
    WorkOrderStatus,
)

S = WorkOrderStatus
M = ResolutionMode

# A story step: yields the moments of its next steps, returns whether the story goes on.
Steps = Generator[datetime.datetime, None, bool]
WORKDAY_STARTS = datetime.time(8, 30)
WORKDAY_ENDS = datetime.time(18, 30)


@dataclass(frozen=True)
class DemoStaff:
    """Who does what for the orders one organisation handles."""

    registrar: User  # takes the calls
    dispatcher: User  # dispatches and closes
    technicians: tuple[User, ...]
    director: User  # inspects repaired goods, receives escalations


if TYPE_CHECKING:
    from shouhou.parts.models import Part, Warehouse

# (work order, technician, part code, quantity) -> the catalogue part and the van to issue it
# from, or None for a free-text line (core.demo supplies it once the parts stores exist).
CatalogueFitter = Callable[[WorkOrder, User, str, int], "tuple[Part, Warehouse] | None"]


@dataclass(frozen=True)
class Fault:
    symptom: str
    work_done: str
    parts: tuple[tuple[str, str], ...] = ()  # (code, name)


FAULTS: dict[str, tuple[Fault, ...]] = {
    "ATM": (
        Fault(
            "出钞口卡钞，交易中断", "清理出钞通道，更换磨损的搓钞轮", (("GRG-PK-011", "搓钞轮"),)
        ),
        Fault("读卡器无法识别银行卡", "清洁并更换读卡器磁头", (("GRG-CR-203", "读卡器磁头"),)),
        Fault("密码键盘按键无响应", "更换加密密码键盘", (("GRG-EPP-05", "加密密码键盘"),)),
        Fault("凭条打印机不出纸", "更换打印头，调整走纸传感器", (("GRG-RP-110", "凭条打印头"),)),
        Fault("屏幕黑屏，设备离线", "更换工控机电源，恢复联网", (("GRG-PSU-300", "工控机电源"),)),
    ),
    "CRS": (
        Fault("存款识别率低，频繁退钞", "清洁识别模块，重新校准传感器"),
        Fault("钞箱门无法锁闭", "更换钞箱门锁", (("GRG-LK-020", "钞箱门锁"),)),
        Fault("存款模块报硬件故障", "更换存款模块皮带和传感器", (("GRG-BLT-07", "传动皮带"),)),
    ),
    "BCC": (
        Fault("点钞数量不准", "校准计数传感器，清洁光电管"),
        Fault(
            "鉴伪功能失效，假币不报警", "更换磁性检测头并升级鉴伪程序", (("BC-MG-01", "磁检测头"),)
        ),
        Fault("开机后电机不转", "更换主电机", (("BC-MT-12", "主电机"),)),
    ),
    "FORKLIFT": (
        Fault(
            "起升无力，货叉下滑", "更换起升油缸密封圈，补充液压油", (("HL-SL-30", "油缸密封圈"),)
        ),
        Fault("蓄电池无法充电", "更换充电机保险和电瓶连接线", (("HL-CB-08", "电瓶连接线"),)),
        Fault("转向沉重", "更换转向助力泵", (("HL-PS-02", "转向助力泵"),)),
    ),
    "AC": (
        Fault("空调不制冷", "检漏并补焊铜管，补充冷媒", (("AC-R32", "R32冷媒"),)),
        Fault("室内机漏水", "疏通排水管，调整内机水平"),
        Fault("外机噪音大", "更换外机风扇电机", (("AC-FM-45", "外机风扇电机"),)),
        Fault("遥控无反应，显示E1", "更换内机接收板", (("AC-RB-02", "接收板"),)),
    ),
    "SERVER": (
        Fault("硬盘告警，RAID降级", "更换故障硬盘并重建RAID", (("SV-HDD-1T", "1TB SAS硬盘"),)),
        Fault("电源模块故障灯亮", "更换冗余电源模块", (("SV-PSU-750", "750W电源模块"),)),
        Fault("内存报错，系统重启", "更换故障内存条", (("SV-DIMM-32", "32GB内存条"),)),
    ),
}
ADMIN_FAULT = Fault("网点设备例行巡检", "完成巡检，清洁设备并记录运行参数")
PHONE_FIXES = (
    "电话指导客户重启设备后恢复正常",
    "指导客户更换打印纸并复位",
    "远程协助客户恢复网络设置",
)
MODES = {M.ON_SITE: 50, M.PHONE: 14, M.CARRY_IN: 20, M.RETURN_TO_FACTORY: 8, M.EXCHANGE: 8}
CHANNELS = {Channel.PHONE: 60, Channel.LETTER: 8, Channel.PORTAL: 14, Channel.API: 5}
CANCEL_SHARE = 0.05
ADMIN_SHARE = 0.05
HUMAN_DAMAGE_SHARE = 0.03
# Share of orders that stop early in a state of their own choosing (a voucher not signed yet, a
# part that never came): without it only the last day's orders would be unfinished.
STALLED_SHARE = 0.15
SIGNATURE_POOL = 24
PROGRESS_EVERY = 100
# Where an order of each resolution mode may stall (see STALLED_SHARE), in path order.
STALL_STATES: dict[ResolutionMode, tuple[WorkOrderStatus, ...]] = {
    M.PHONE: (S.REGISTERED, S.RESOLVED),
    M.ON_SITE: (
        S.DISPATCHED,
        S.ACCEPTED,
        S.EN_ROUTE,
        S.ON_SITE,
        S.WAITING_PARTS,
        S.RESOLVED,
        S.SIGNED,
    ),
    M.CARRY_IN: (
        S.CARRIED_IN,
        S.IN_REPAIR,
        S.WAITING_PARTS,
        S.AWAITING_INSPECTION,
        S.READY_TO_RETURN,
        S.WAITING_CUSTOMER,
        S.SIGNED,
    ),
    M.RETURN_TO_FACTORY: (S.CARRIED_IN, S.AT_FACTORY, S.AWAITING_INSPECTION, S.SIGNED),
    M.EXCHANGE: (S.AT_FACTORY, S.READY_TO_RETURN, S.RESOLVED),
}


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- a generated signature ------------------------------------------------------------------


def signature_png(rng: random.Random, *, width: int = 320, height: int = 110) -> bytes:
    """A handwriting-like scribble as a PNG (grey + alpha), encoded here without any imaging
    library: a few loops drifting to the right, drawn with a round pen."""
    alpha = bytearray(width * height)
    # A round pen with a soft edge: (dx, dy, opacity).
    pen = [
        (dx, dy, max(0, min(255, int(255 * (2.6 - math.hypot(dx, dy))))))
        for dy in range(-2, 3)
        for dx in range(-2, 3)
    ]

    def dab(x: float, y: float) -> None:
        cx, cy = round(x), round(y)
        for dx, dy, opacity in pen:
            px, py = cx + dx, cy + dy
            if opacity and 0 <= px < width and 0 <= py < height:
                index = py * width + px
                if alpha[index] < opacity:
                    alpha[index] = opacity

    strokes = rng.randint(2, 3)
    left = 18.0
    for _stroke in range(strokes):
        span = (width - 40) / strokes * rng.uniform(0.75, 0.95)
        loops = rng.uniform(2.5, 5.0)
        heights = [rng.uniform(0.45, 1.0) for _letter in range(8)]
        tilt = rng.uniform(-0.12, 0.12)
        phase = rng.uniform(0, math.pi)
        previous: tuple[float, float] | None = None
        for step in range(240):
            t = step / 239
            turn = 2 * math.pi * loops * t + phase
            # Loops drifting right, like joined-up letters of varying height.
            envelope = heights[min(7, int(t * loops))]
            x = left + span * t + 12 * math.cos(turn)
            y = height / 2 + tilt * span * (t - 0.5) - 28 * math.sin(turn) * envelope
            if previous is not None:
                gap = max(1, int(math.hypot(x - previous[0], y - previous[1]) / 1.5))
                for part in range(gap):
                    share = part / gap
                    dab(
                        previous[0] + (x - previous[0]) * share,
                        previous[1] + (y - previous[1]) * share,
                    )
            previous = (x, y)
        left += span + rng.uniform(6, 16)
    ink = bytes((0x1A,)) * width
    rows = []
    for row in range(height):
        line = bytearray(2 * width)
        line[0::2] = ink
        line[1::2] = alpha[row * width : (row + 1) * width]
        rows.append(b"\x00" + bytes(line))  # filter type 0 (none) for every row

    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 4, 0, 0, 0)  # 8-bit grey + alpha
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


# --- the simulation -------------------------------------------------------------------------


@contextmanager
def pinned_clock(moment: datetime.datetime) -> Iterator[None]:
    """Make `timezone.now()` answer `moment`: the services then stamp, number and audit a
    step at its simulated time (auto_now fields included)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@dataclass
class _Plan:
    unit: Equipment
    reported_at: datetime.datetime
    mode: ResolutionMode
    fault: Fault
    is_admin: bool
    is_cancelled: bool
    stall_at: WorkOrderStatus | None


class WorkOrderSimulation:
    """Creates `count` orders reported over `days` days before `until`, then plays their steps
    in time order until `until`."""

    def __init__(
        self,
        *,
        rng: random.Random,
        count: int,
        days: int,
        until: datetime.datetime,
        staff: dict[int, DemoStaff],
        progress: Callable[[str], None] | None = None,
        catalogue_part: CatalogueFitter | None = None,
    ) -> None:
        self.rng = rng
        self.catalogue_part = catalogue_part
        self.progress = progress or (lambda _message: None)
        self.count = count
        self.days = days
        self.until = until
        self.staff = staff
        self.counts: Counter[str] = Counter()
        self.signatures: list[bytes] = []

    def signature(self) -> bytes:
        """A signature image: a pool of generated ones is enough for the demo."""
        if len(self.signatures) < SIGNATURE_POOL:
            self.signatures.append(signature_png(self.rng))
            return self.signatures[-1]
        return self.rng.choice(self.signatures)

    # --- time ------------------------------------------------------------------------------

    def later(self, at: datetime.datetime, low: int, high: int) -> datetime.datetime:
        """`low`–`high` minutes after `at`, moved into working hours."""
        moment = timezone.localtime(at + datetime.timedelta(minutes=self.rng.randint(low, high)))
        if moment.time() > WORKDAY_ENDS:
            moment = moment + datetime.timedelta(days=1)
        if moment.time() > WORKDAY_ENDS or moment.time() < WORKDAY_STARTS:
            moment = moment.replace(
                hour=WORKDAY_STARTS.hour, minute=WORKDAY_STARTS.minute
            ) + datetime.timedelta(minutes=self.rng.randint(0, 60))
        return moment

    def days_later(self, at: datetime.datetime, low: int, high: int) -> datetime.datetime:
        return self.later(at + datetime.timedelta(days=self.rng.randint(low, high)), 0, 240)

    # --- planning --------------------------------------------------------------------------

    def _units(self) -> list[Equipment]:
        served = Equipment.objects.filter(status=EquipmentStatus.IN_SERVICE).select_related(
            "customer", "site", "product_model", "product_model__product_type"
        )
        return list(served.order_by("id"))

    def _plans(self) -> list[_Plan]:
        rng = self.rng
        units = self._units()
        if not units:
            return []
        plans = []
        first_day = timezone.localtime(self.until).date() - datetime.timedelta(days=self.days - 1)
        for _index in range(self.count):
            day = first_day + datetime.timedelta(days=rng.randrange(self.days))
            start = datetime.datetime.combine(day, WORKDAY_STARTS, tzinfo=self.until.tzinfo)
            reported_at = timezone.localtime(
                start + datetime.timedelta(minutes=rng.randrange(9 * 60))
            )
            unit = rng.choice(units)
            is_admin = rng.random() < ADMIN_SHARE
            mode = M.ON_SITE if is_admin else _pick(rng, MODES)
            faults = FAULTS.get(unit.product_model.product_type.code, FAULTS["AC"])
            plans.append(
                _Plan(
                    unit=unit,
                    reported_at=reported_at,
                    mode=mode,
                    fault=ADMIN_FAULT if is_admin else rng.choice(faults),
                    is_admin=is_admin,
                    is_cancelled=rng.random() < CANCEL_SHARE,
                    stall_at=self._stall_state(mode) if rng.random() < STALLED_SHARE else None,
                )
            )
        plans.sort(key=lambda plan: plan.reported_at)
        self._cover_every_state(plans)
        return plans

    def _stall_state(self, mode: ResolutionMode) -> WorkOrderStatus:
        return self.rng.choice(STALL_STATES[mode])

    def _cover_every_state(self, plans: list[_Plan]) -> None:
        """Whatever the seed, let one order stall in each state of each mode's path: orders
        reported one to three weeks before the end have had time to get there."""
        end = timezone.localdate(self.until)
        window = [
            plan
            for plan in plans
            if 8 <= (end - timezone.localdate(plan.reported_at)).days <= 20
            and plan.stall_at is None
            and not plan.is_cancelled
        ]
        for mode, states in STALL_STATES.items():
            candidates = [plan for plan in window if plan.mode == mode]
            for state in states:
                if candidates:
                    candidates.pop(self.rng.randrange(len(candidates))).stall_at = state

    # --- running ---------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        """Play every order's story in time order, until the simulated now."""
        queue: list[tuple[datetime.datetime, int, Generator[datetime.datetime, None, None]]] = []
        for index, plan in enumerate(self._plans()):
            story = self._story(plan)
            queue.append((next(story), index, story))
        heapq.heapify(queue)
        while queue:
            at, index, story = heapq.heappop(queue)
            if at > self.until:
                continue
            with pinned_clock(at):
                following = next(story, None)
            if following is not None:
                heapq.heappush(queue, (following, index, story))
        return self.counts

    def _story(self, plan: _Plan) -> Generator[datetime.datetime, None, None]:
        """One order's life: yields the moment of its next step, and performs the step when
        resumed (under the pinned clock)."""
        at = plan.reported_at
        yield at
        story = _Story(self, plan)
        story.register(at)
        self.counts["work orders"] += 1
        if self.counts["work orders"] % PROGRESS_EVERY == 0:
            self.progress(f"work orders: {self.counts['work orders']}")
        steps = {
            M.PHONE: story.phone_fix,
            M.ON_SITE: story.on_site,
            M.CARRY_IN: story.carry_in,
            M.RETURN_TO_FACTORY: story.factory,
            M.EXCHANGE: story.factory,
        }[plan.mode]
        yield from steps(at)


class _Story:
    """The steps of one order; each generator method yields the time of its next step."""

    def __init__(self, simulation: WorkOrderSimulation, plan: _Plan) -> None:
        self.simulation = simulation
        self.rng = simulation.rng
        self.plan = plan
        self.unit = plan.unit
        self.staff = simulation.staff[self._handler_id()]
        self.technician = self.rng.choice(self.staff.technicians)
        self.order: WorkOrder
        self.arrived_at = self.resumed_at = self.taken_at = plan.reported_at

    @property
    def worker(self) -> User:
        """Who performs the technician's steps: the assigned technician, or for an order never
        dispatched (a walk-in) the dispatcher on the workshop's behalf."""
        if self.order.technician_id == self.technician.pk:
            return self.technician
        return self.staff.dispatcher

    def _handler_id(self) -> int:
        unit = self.unit
        return unit.serving_provider_id or unit.customer.organisation_id

    # --- helpers ---------------------------------------------------------------------------

    def act(self, service: Callable[..., WorkOrder], *, by: User, **kwargs: Any) -> bool:
        """Run a lifecycle service on the current order; False once the story should stop (it
        reached the state it stalls in)."""
        self.order = service(
            work_order=self.order, by=by, expected_version=self.order.version, **kwargs
        )
        return self.order.status != self.plan.stall_at

    def refresh(self) -> None:
        self.order.refresh_from_db()

    def labour(
        self, minutes: tuple[int, int], description: str, *, technician: User | None = None
    ) -> None:
        category = ServiceCategory.ADMIN if self.plan.is_admin else self.order.service_category
        services.add_labour_line(
            work_order=self.order,
            by=self.worker,
            expected_version=self.order.version,
            technician=technician or self.technician,
            worked_on=timezone.localdate(),
            minutes=self.rng.randint(*minutes),
            category=category,
            description=description,
        )
        self.refresh()
        self.simulation.counts["labour lines"] += 1

    def parts(self) -> None:
        for code, name in self.plan.fault.parts:
            quantity = self.rng.choice((1, 1, 1, 2))
            disposition = self.rng.choice(
                (PartDisposition.RETURNED_TO_CUSTOMER, PartDisposition.DISPOSED)
            )
            fitter = self.simulation.catalogue_part
            stock = fitter(self.order, self.worker, code, quantity) if fitter else None
            if stock is not None:  # a catalogue part, issued from the technician's van
                services.add_part_line(
                    work_order=self.order,
                    by=self.worker,
                    expected_version=self.order.version,
                    part=stock[0],
                    warehouse=stock[1],
                    quantity=quantity,
                    disposition=disposition,
                )
            else:
                services.add_part_line(
                    work_order=self.order,
                    by=self.worker,
                    expected_version=self.order.version,
                    part_name=name,
                    part_code=code,
                    quantity=quantity,
                    disposition=disposition,
                )
            self.refresh()
            self.simulation.counts["part lines"] += 1

    # --- the steps -------------------------------------------------------------------------

    def register(self, at: datetime.datetime) -> None:
        plan, unit, rng = self.plan, self.unit, self.rng
        site = unit.site
        contact_name = (site.contact_name if site else "") or f"{unit.customer.name[:1]}先生"
        contact_phone = (site.contact_phone if site else "") or unit.customer.phone or "4008000000"
        walk_in = plan.mode in (M.CARRY_IN, M.RETURN_TO_FACTORY, M.EXCHANGE) and rng.random() < 0.4
        extra: dict[str, Any] = {}
        if plan.is_admin:
            extra = {
                "service_category": ServiceCategory.ADMIN,
                "category_reason": "内部例行巡检",
            }
        self.order = services.register_work_order(
            by=self.staff.registrar,
            customer=unit.customer,
            equipment=unit,
            symptom=plan.fault.symptom,
            contact_name=contact_name,
            contact_phone=contact_phone,
            handling_organisation=unit.serving_provider or unit.customer.organisation,
            reported_at=at,
            is_human_damage=rng.random() < HUMAN_DAMAGE_SHARE,
            resolution_mode=plan.mode,
            channel=Channel.WALK_IN if walk_in else _pick(rng, CHANNELS),
            priority=Priority.URGENT if rng.random() < 0.15 else Priority.NORMAL,
            promised_at=at + datetime.timedelta(hours=rng.choice((6, 7, 24, 48))),
            **extra,
        )

    def cancel(self) -> None:
        self.act(
            services.cancel_work_order, by=self.staff.dispatcher, reason="客户自行修复，取消报修"
        )
        self.simulation.counts["cancelled"] += 1

    def dispatch_and_travel(self, at: datetime.datetime) -> Steps:
        """Dispatch, accept, depart, arrive; False when the order stalls or is cancelled."""
        sim = self.simulation
        at = sim.later(at, 5, 90)
        yield at
        if not self.act(
            services.dispatch_work_order, by=self.staff.dispatcher, technician=self.technician
        ):
            return False
        if self.plan.is_cancelled:
            at = sim.later(at, 30, 300)
            yield at
            self.cancel()
            return False
        at = sim.later(at, 3, 40)
        yield at
        if not self.act(services.accept_work_order, by=self.technician):
            return False
        at = sim.later(at, 10, 120)
        yield at
        if not self.act(services.depart_work_order, by=self.technician):
            return False
        at = sim.later(at, 20, 150)
        yield at
        if not self.act(services.arrive_work_order, by=self.technician):
            return False
        self.arrived_at = at
        return True

    def wait(
        self, at: datetime.datetime, waiting_for: str, reason: str, days: tuple[int, int]
    ) -> Steps:
        at = self.simulation.later(at, 10, 60)
        yield at
        if not self.act(
            services.put_on_hold, by=self.worker, waiting_for=waiting_for, reason=reason
        ):
            return False
        at = self.simulation.days_later(at, *days)
        yield at
        self.act(services.resume_work_order, by=self.worker)
        self.resumed_at = at
        return True

    def sign_and_close(self, at: datetime.datetime) -> Steps:
        sim = self.simulation
        at = sim.later(at, 5, 30)
        yield at
        if not self.act(
            services.sign_voucher,
            by=self.worker,
            signer_name=self.order.contact_name,
            signature_png=sim.signature(),
        ):
            return False
        sim.counts["signed vouchers"] += 1
        at = sim.later(at, 120, 60 * 30)
        yield at
        return self.act(services.close_work_order, by=self.staff.dispatcher)

    def phone_fix(self, at: datetime.datetime) -> Steps:
        sim = self.simulation
        if self.plan.stall_at == S.REGISTERED:
            return False
        at = sim.later(at, 5, 120)
        yield at
        if self.plan.is_cancelled:
            self.cancel()
            return False
        if not self.act(
            services.resolve_work_order,
            by=self.staff.dispatcher,
            work_done=self.rng.choice(PHONE_FIXES),
        ):
            return False
        at = sim.later(at, 60, 60 * 8)
        yield at
        return self.act(services.close_work_order, by=self.staff.dispatcher)

    def on_site(self, at: datetime.datetime) -> Steps:
        sim = self.simulation
        if not (yield from self.dispatch_and_travel(at)):
            return False
        at = self.arrived_at
        if self.rng.random() < 0.12 or self.plan.stall_at == S.WAITING_PARTS:
            self.labour((20, 60), "现场检测，确认需更换配件")
            if not (yield from self.wait(at, "parts", "等待配件到货", (1, 3))):
                return False
            at = self.resumed_at
        at = sim.later(at, 30, 180)
        yield at
        self.parts()
        self.labour((30, 180), self.plan.fault.work_done)
        if not self.act(
            services.resolve_work_order, by=self.technician, work_done=self.plan.fault.work_done
        ):
            return False
        return (yield from self.sign_and_close(at))

    def take_in(self, at: datetime.datetime) -> Steps:
        """Walk-in goods are taken in over the counter by the dispatcher (such an order is not
        dispatched: the workflow takes goods in from registered or on-site orders only);
        otherwise the technician visits, and brings the goods back."""
        sim = self.simulation
        if self.order.channel == Channel.WALK_IN:
            at = sim.later(at, 5, 30)
            yield at
            self.taken_at = at
            return self.act(services.take_in_goods, by=self.staff.dispatcher, **self.goods())
        if not (yield from self.dispatch_and_travel(at)):
            return False
        at = sim.later(self.arrived_at, 20, 60)
        yield at
        self.labour((20, 60), "现场检测，无法当场修复，携回修护")
        self.taken_at = at
        return self.act(services.take_in_goods, by=self.technician, **self.goods())

    def carry_in(self, at: datetime.datetime) -> Steps:
        sim, rng = self.simulation, self.rng
        if not (yield from self.take_in(at)):
            return False
        at = self.taken_at
        at = sim.later(at, 60, 60 * 20)
        yield at
        if not self.act(services.start_repair, by=self.worker):
            return False
        if rng.random() < 0.15 or self.plan.stall_at == S.WAITING_PARTS:
            if not (yield from self.wait(at, "parts", "等待配件到货", (2, 5))):
                return False
            at = self.resumed_at
            if rng.random() < 0.4:
                self.act(
                    services.escalate_work_order,
                    by=self.technician,
                    to=self.staff.director,
                    note="配件延迟，无法按原定时间修妥",
                )
        passed = False
        while not passed:
            at = sim.later(at, 60, 60 * 6)
            yield at
            self.parts()
            self.labour((60, 300), self.plan.fault.work_done)
            if not self.act(services.request_inspection, by=self.worker):
                return False
            at = sim.later(at, 30, 60 * 6)
            yield at
            passed = rng.random() > 0.15
            note = "" if passed else "测试仍有异常，返修"
            if not self.act(
                services.inspect_repair, by=self.staff.director, passed=passed, note=note
            ):
                return False
        return (yield from self.give_back(at))

    def goods(self) -> dict[str, str]:
        model = self.unit.product_model
        return {
            "items": f"{model} 一台（序列号 {self.unit.serial}）",
            "accessories": self.rng.choice(("电源线一根", "无", "遥控器一个", "电源线、说明书")),
            "condition": self.rng.choice(("外观完好", "外壳有轻微划痕", "面板有污渍")),
        }

    def give_back(self, at: datetime.datetime) -> Steps:
        sim = self.simulation
        if self.rng.random() < 0.1 or self.plan.stall_at == S.WAITING_CUSTOMER:
            if not (yield from self.wait(at, "customer", "客户出差，约定稍后取件", (1, 3))):
                return False
            at = self.resumed_at
        at = sim.later(at, 60, 60 * 24)
        yield at
        if not self.act(services.return_goods, by=self.worker):
            return False
        return (yield from self.sign_and_close(at))

    def factory(self, at: datetime.datetime) -> Steps:
        """Return to factory (返厂, 10–15 days) or exchange for a new unit."""
        sim = self.simulation
        if not (yield from self.take_in(at)):
            return False
        at = self.taken_at
        self.labour((15, 45), "检测确认需返厂处理")
        at = sim.later(at, 60, 60 * 24)
        yield at
        if not self.act(
            services.send_to_factory, by=self.staff.dispatcher, note="发往厂家维修中心"
        ):
            return False
        at = (
            sim.days_later(at, 10, 15)
            if self.plan.mode == M.RETURN_TO_FACTORY
            else sim.days_later(at, 3, 7)
        )
        yield at
        replacement = f"{self.unit.serial[:-3]}X{self.rng.randrange(100):02d}"
        if not self.act(
            services.receive_from_factory,
            by=self.staff.dispatcher,
            replacement_serial=replacement if self.plan.mode == M.EXCHANGE else "",
        ):
            return False
        at = sim.later(at, 30, 60 * 4)
        yield at
        self.labour((20, 60), "厂家返回后通电测试")
        if not self.act(services.inspect_repair, by=self.staff.director, passed=True):
            return False
        return (yield from self.give_back(at))
