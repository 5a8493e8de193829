"""Random sequences of actions on a work order keep its invariants:
a closed order never changes, a signed voucher is immutable, and the carry-in receipt is void
exactly when the goods went back to the customer."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from shouhou.core.errors import ShouhouError
from shouhou.core.models import Role
from shouhou.tickets import services
from shouhou.tickets.models import ResolutionMode, WorkOrder, WorkOrderStatus
from shouhou.tickets.workflow import WAITING, actions_for
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.conftest import TINY_PNG
from tests.tickets.factories import WorkOrderFactory

Step = Callable[["WorkOrderMachine"], Any]


def _order_state(order: WorkOrder) -> dict[str, Any]:
    fields = {
        field.attname: getattr(order, field.attname) for field in WorkOrder._meta.concrete_fields
    }
    fields["labour"] = order.labour.count()
    fields["parts"] = order.parts.count()
    fields["attachments"] = order.attachments.count()
    return fields


def _call(service: Callable[..., Any], who: str, **kwargs: Any) -> Step:
    def run(machine: WorkOrderMachine) -> Any:
        return service(
            work_order=machine.order,
            by=getattr(machine, who),
            expected_version=machine.order.version,
            **kwargs,
        )

    run.__name__ = service.__name__
    return run


def _dispatch(machine: WorkOrderMachine) -> Any:
    return services.dispatch_work_order(
        work_order=machine.order,
        by=machine.dispatcher,
        expected_version=machine.order.version,
        technician=machine.technician,
    )


def _return_goods(machine: WorkOrderMachine) -> Any:
    result = services.return_goods(
        work_order=machine.order, by=machine.technician, expected_version=machine.order.version
    )
    machine.goods_returned = True
    return result


def _labour(machine: WorkOrderMachine) -> Any:
    return services.add_labour_line(
        work_order=machine.order,
        by=machine.technician,
        expected_version=machine.order.version,
        technician=machine.technician,
        worked_on=datetime.date(2026, 11, 22),
        minutes=45,
    )


def _for(step: Step, *actions: str) -> Step:
    step.actions = frozenset(actions)  # type: ignore[attr-defined]
    return step


# Each step with the workflow actions it performs (none: an edit, always worth a try).
STEPS: list[Step] = [
    _for(_dispatch, "dispatch"),
    _for(_call(services.accept_work_order, "technician"), "accept"),
    _for(_call(services.depart_work_order, "technician"), "depart"),
    _for(_call(services.arrive_work_order, "technician"), "arrive"),
    _for(
        _call(services.resolve_work_order, "technician", work_done="修复"),
        "resolve_by_phone",
        "resolve_on_site",
    ),
    _for(_call(services.take_in_goods, "technician", items="主机"), "take_in"),
    _for(_call(services.start_repair, "technician"), "start_repair"),
    _for(_call(services.request_inspection, "technician"), "request_inspection"),
    _for(_call(services.inspect_repair, "supervisor", passed=True), "pass_inspection"),
    _for(
        _call(services.inspect_repair, "supervisor", passed=False, note="未修好"), "fail_inspection"
    ),
    _for(_call(services.send_to_factory, "technician"), "send_to_factory"),
    _for(
        _call(services.receive_from_factory, "technician", replacement_serial="R-1"),
        "receive_from_factory",
    ),
    _for(_return_goods, "return_goods"),
    _for(
        _call(services.put_on_hold, "technician", waiting_for="parts", reason="等件"),
        "wait_for_parts",
    ),
    _for(
        _call(services.put_on_hold, "technician", waiting_for="customer", reason="约时间"),
        "wait_for_customer",
    ),
    _for(_call(services.resume_work_order, "technician"), "resume"),
    _for(
        _call(services.sign_voucher, "technician", signer_name="客户", signature_png=TINY_PNG),
        "sign",
    ),
    _for(_call(services.close_work_order, "dispatcher"), "close", "close_without_signature"),
    _for(_call(services.cancel_work_order, "dispatcher", reason="客户取消"), "cancel"),
    _for(_call(services.update_work_order, "dispatcher", symptom="补充描述")),
    _for(_call(services.change_resolution_mode, "dispatcher", mode=ResolutionMode.CARRY_IN)),
    _for(_call(services.change_resolution_mode, "dispatcher", mode=ResolutionMode.EXCHANGE)),
    _for(_call(services.change_resolution_mode, "dispatcher", mode=ResolutionMode.ON_SITE)),
    _for(_call(services.add_part_line, "technician", part_name="电源板")),
    _for(_labour),
]
REACHED: set[str] = set()
# Actions that do not move a work order towards its end; `try_anything` still tries them.
DETOURS = frozenset({"cancel", "wait_for_parts", "wait_for_customer", "fail_inspection"})


class WorkOrderMachine(RuleBasedStateMachine):
    fixtures: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        self.dispatcher = self.fixtures["dispatcher"]
        self.technician = self.fixtures["technician"]
        self.supervisor = self.fixtures["supervisor"]
        self.goods_returned = False
        self.closed_state: dict[str, Any] | None = None
        self.voucher_state: tuple[Any, ...] | None = None
        self.last_version = 0

    @initialize(mode=st.sampled_from(list(ResolutionMode)))
    def register(self, mode: ResolutionMode) -> None:
        self.order = WorkOrderFactory.create(
            by=self.dispatcher, equipment=self.fixtures["unit"], resolution_mode=mode
        )

    @rule(step=st.sampled_from(STEPS))
    def try_anything(self, step: Step) -> None:
        self._perform(step)

    @rule(data=st.data())
    def move_along(self, data: st.DataObject) -> None:
        """Mostly pick a step the workflow allows now, so that runs reach the late states."""
        possible = {action.name for action in actions_for(self.order, self.dispatcher)}
        possible -= DETOURS
        candidates = [step for step in STEPS if step.actions & possible] or STEPS  # type: ignore[attr-defined]
        self._perform(data.draw(st.sampled_from(candidates)))

    def _perform(self, step: Step) -> None:
        before = _order_state(self.order)
        try:
            step(self)
        except ShouhouError:
            self.order.refresh_from_db()
            assert _order_state(self.order) == before, (
                f"{step.__name__} failed but changed the order"
            )
            return
        self.order.refresh_from_db()
        REACHED.add(self.order.status)

    @invariant()
    def version_only_grows(self) -> None:
        if not hasattr(self, "order"):
            return
        assert self.order.version >= self.last_version
        self.last_version = self.order.version

    @invariant()
    def closed_order_never_changes(self) -> None:
        if not hasattr(self, "order"):
            return
        if self.closed_state is not None:
            assert _order_state(self.order) == self.closed_state
        elif self.order.status in (WorkOrderStatus.CLOSED, WorkOrderStatus.CANCELLED):
            self.closed_state = _order_state(self.order)

    @invariant()
    def signed_voucher_is_immutable(self) -> None:
        if not hasattr(self, "order"):
            return
        voucher = getattr(self.order, "voucher", None)
        if voucher is None:
            return
        state = (voucher.number, voucher.signer_name, voucher.signed_at, voucher.signature.read())
        voucher.signature.close()
        if self.voucher_state is None:
            self.voucher_state = state + (self.order.labour.count(), self.order.parts.count())
        assert state + (self.order.labour.count(), self.order.parts.count()) == self.voucher_state
        assert self.order.status in (WorkOrderStatus.SIGNED, WorkOrderStatus.CLOSED)

    @invariant()
    def receipt_is_void_exactly_when_goods_returned(self) -> None:
        if not hasattr(self, "order"):
            return
        receipt = getattr(self.order, "receipt", None)
        if receipt is None:
            assert not self.goods_returned
            return
        receipt.refresh_from_db()
        assert receipt.is_void == self.goods_returned

    @invariant()
    def waiting_knows_where_to_resume(self) -> None:
        if hasattr(self, "order") and self.order.status in WAITING:
            assert self.order.resume_status


@pytest.mark.django_db
def test_random_action_sequences_keep_the_invariants(org_tree, make_user) -> None:
    technician = make_user(org_tree.service_centre, Role.TECHNICIAN)
    WorkOrderMachine.fixtures = {
        "dispatcher": make_user(org_tree.service_centre, Role.DISPATCHER),
        "technician": technician,
        "supervisor": make_user(org_tree.service_centre, Role.SERVICE_MANAGER),
        "unit": EquipmentFactory.create(
            customer=CustomerFactory.create(organisation=org_tree.service_centre)
        ),
    }
    run_state_machine_as_test(
        WorkOrderMachine,
        settings=settings(
            max_examples=60,
            derandomize=True,
            database=None,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs must have explored the lifecycle, not just bounced off the first state.
    assert set(WorkOrderStatus) - REACHED <= {WorkOrderStatus.REGISTERED}
