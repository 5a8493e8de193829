"""Work-order services: intake decisions, every path through the lifecycle, the carry-in
paperwork, the signed voucher, optimistic locking."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from shouhou.core.errors import ConflictError
from shouhou.core.models import AuditEntry, Role
from shouhou.tickets import services
from shouhou.tickets.errors import TicketError
from shouhou.tickets.models import (
    GoodsDirection,
    ResolutionMode,
    ServiceCategory,
    WorkOrder,
    WorkOrderStatus,
)
from tests.assets.factories import EquipmentFactory
from tests.contracts.factories import ContractFactory
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.tickets.conftest import TINY_PNG
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
S = WorkOrderStatus


def audit_count(order: WorkOrder) -> int:
    return AuditEntry.objects.filter(
        object_id=str(order.pk), action__startswith="work_order."
    ).count()


def step(order: WorkOrder, service, **kwargs) -> WorkOrder:  # noqa: ANN001
    """Run one service on the order's current version and check it wrote one audit entry."""
    before = audit_count(order)
    updated = service(work_order=order, expected_version=order.version, **kwargs)
    assert audit_count(order) > before
    return updated


def test_intake_decides_warranty_category_and_copies_the_site(dispatcher, org_tree) -> None:
    site = SiteFactory.create(customer__organisation=org_tree.service_centre, zone="suburban")
    unit = EquipmentFactory.create(
        customer=site.customer, site=site, purchased_on=datetime.date(2026, 5, 1)
    )

    order = services.register_work_order(
        by=dispatcher,
        customer=unit.customer,
        equipment=unit,
        contact_name="李女士",
        contact_phone="13800138000",
        symptom="卡钞",
    )

    assert order.number.startswith("W")
    assert order.is_in_warranty
    assert order.service_category == ServiceCategory.FREE
    assert (order.site, order.zone, order.address) == (site, "suburban", site.address)
    assert order.handling_organisation == org_tree.service_centre
    assert order.product_model == unit.product_model
    assert audit_count(order) == 1


def test_contract_in_force_makes_it_contract_service(dispatcher, org_tree) -> None:
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.service_centre),
        purchased_on=datetime.date(2019, 1, 1),
    )
    contract = ContractFactory.create(customer=unit.customer, equipment=[unit])
    order = WorkOrderFactory.create(
        by=dispatcher,
        equipment=unit,
        reported_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
    )
    assert (order.service_category, order.contract) == (ServiceCategory.CONTRACT, contract)
    assert not order.is_in_warranty


def test_human_damage_is_paid_even_in_warranty(dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, is_human_damage=True)
    assert not order.is_in_warranty
    assert order.service_category == ServiceCategory.PAID


def test_equipment_of_another_customer_is_refused(dispatcher, unit, org_tree) -> None:
    other = CustomerFactory.create(organisation=org_tree.service_centre)
    with pytest.raises(TicketError, match="another customer"):
        WorkOrderFactory.create(by=dispatcher, equipment=unit, customer=other)


def test_category_change_needs_a_reason(dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    with pytest.raises(TicketError):
        services.change_service_category(
            work_order=order,
            by=dispatcher,
            expected_version=order.version,
            category="A",
            reason=" ",
        )
    order = step(
        order, services.change_service_category, by=dispatcher, category="D", reason="内部检修"
    )
    assert (order.service_category, order.category_reason) == ("D", "内部检修")


def test_on_site_path(dispatcher, technician, supervisor, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    for service in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = step(order, service, by=technician)
    order = step(order, services.resolve_work_order, by=technician, work_done="更换电源板")
    order = step(
        order, services.sign_voucher, by=technician, signer_name="李女士", signature_png=TINY_PNG
    )
    order = step(order, services.close_work_order, by=dispatcher)

    assert order.status == S.CLOSED
    for stamp in (
        "dispatched_at",
        "accepted_at",
        "departed_at",
        "arrived_at",
        "resolved_at",
        "signed_at",
        "closed_at",
    ):
        assert getattr(order, stamp) is not None, stamp
    assert order.voucher.signature.read() == TINY_PNG
    assert order.voucher.number.startswith("FW")


def test_phone_fix_closes_without_a_signature(dispatcher, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.PHONE
    )
    order = step(order, services.resolve_work_order, by=dispatcher, work_done="指导客户重启")
    order = step(order, services.close_work_order, by=dispatcher)
    assert order.status == S.CLOSED
    assert not hasattr(order, "voucher")


def test_carry_in_path_keeps_the_register_and_voids_the_receipt(
    dispatcher, technician, supervisor, unit
) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    for service in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = step(order, service, by=technician)
    order = step(
        order, services.take_in_goods, by=technician, items="主机一台", accessories="电源线"
    )
    assert order.resolution_mode == ResolutionMode.CARRY_IN
    receipt = order.receipt
    assert not receipt.is_void
    order = step(order, services.start_repair, by=technician)
    order = step(order, services.request_inspection, by=technician)
    order = step(order, services.inspect_repair, by=supervisor, passed=False, note="仍有异响")
    assert order.status == S.IN_REPAIR
    order = step(order, services.request_inspection, by=technician)
    order = step(order, services.inspect_repair, by=supervisor, passed=True)
    order = step(order, services.return_goods, by=technician)
    order = step(
        order, services.sign_voucher, by=technician, signer_name="李女士", signature_png=TINY_PNG
    )

    receipt.refresh_from_db()
    assert receipt.voided_at is not None
    assert [m.direction for m in receipt.movements.all()] == [GoodsDirection.IN, GoodsDirection.OUT]
    assert order.inspected_by == supervisor


def test_a_walk_in_repair_gets_a_technician_in_the_workshop(
    dispatcher, technician, supervisor, unit
) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.CARRY_IN, channel="walk_in"
    )
    order = step(order, services.take_in_goods, by=dispatcher, items="主机一台")
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    assert (order.status, order.technician) == (S.CARRIED_IN, technician)
    order = step(order, services.start_repair, by=technician)
    order = step(order, services.request_inspection, by=technician)
    order = step(order, services.inspect_repair, by=supervisor, passed=True)
    order = step(order, services.return_goods, by=technician, work_done="更换主板")
    assert (order.status, order.work_done) == (S.RESOLVED, "更换主板")


@pytest.mark.parametrize("mode", [ResolutionMode.RETURN_TO_FACTORY, ResolutionMode.EXCHANGE])
def test_factory_paths(mode, dispatcher, technician, supervisor, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=mode, channel="walk_in"
    )
    order = step(order, services.take_in_goods, by=dispatcher, items="主机一台")
    order = step(order, services.send_to_factory, by=dispatcher)
    if mode == ResolutionMode.EXCHANGE:
        with pytest.raises(TicketError, match="replacement"):
            services.receive_from_factory(
                work_order=order, by=dispatcher, expected_version=order.version
            )
    order = step(order, services.receive_from_factory, by=dispatcher, replacement_serial="new-001")
    order = step(order, services.inspect_repair, by=supervisor, passed=True)
    order = step(order, services.return_goods, by=dispatcher)
    assert order.status == S.RESOLVED
    assert order.receipt.is_void
    directions = list(order.receipt.movements.values_list("direction", flat=True))
    assert directions == ["in", "out", "in", "out"]


def test_waiting_and_resuming(dispatcher, technician, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    order = step(order, services.accept_work_order, by=technician)
    order = step(order, services.put_on_hold, by=technician, waiting_for="parts", reason="等主板")
    assert order.status == S.WAITING_PARTS
    order = step(order, services.resume_work_order, by=technician)
    assert order.status == S.ACCEPTED


def test_cancel_needs_a_reason_and_never_strands_goods(dispatcher, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.CARRY_IN
    )
    with pytest.raises(TicketError):
        services.cancel_work_order(
            work_order=order, by=dispatcher, expected_version=order.version, reason=""
        )
    order = step(order, services.take_in_goods, by=dispatcher, items="主机")
    with pytest.raises(TicketError, match="goods"):
        services.cancel_work_order(
            work_order=order, by=dispatcher, expected_version=order.version, reason="客户撤销"
        )
    order = step(
        order, services.put_on_hold, by=dispatcher, waiting_for="customer", reason="联系不上"
    )
    with pytest.raises(TicketError, match="goods"):
        services.cancel_work_order(
            work_order=order, by=dispatcher, expected_version=order.version, reason="客户撤销"
        )


def test_illegal_action_is_refused_with_a_clear_message(dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    with pytest.raises(TicketError, match="not possible for a work order that is Registered"):
        services.close_work_order(work_order=order, by=dispatcher, expected_version=order.version)
    order.refresh_from_db()
    assert order.status == S.REGISTERED
    assert audit_count(order) == 1


def test_dispatch_to_someone_who_cannot_work_is_refused(
    dispatcher, unit, org_tree, make_user
) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    for person in (
        make_user(org_tree.service_centre, Role.ACCOUNTANT),
        make_user(org_tree.branch_b, Role.TECHNICIAN),
    ):
        with pytest.raises(TicketError):
            services.dispatch_work_order(
                work_order=order, by=dispatcher, expected_version=order.version, technician=person
            )


def test_signed_order_is_read_only(dispatcher, technician, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    for service in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = step(order, service, by=technician)
    order = step(order, services.resolve_work_order, by=technician, work_done="ok")
    order = step(
        order, services.sign_voucher, by=technician, signer_name="李", signature_png=TINY_PNG
    )

    with pytest.raises(TicketError, match="no longer be changed"):
        services.update_work_order(
            work_order=order, by=dispatcher, expected_version=order.version, symptom="改"
        )
    with pytest.raises(TicketError, match="no longer be changed"):
        services.add_part_line(
            work_order=order, by=technician, expected_version=order.version, part_name="x"
        )
    with pytest.raises(TicketError):
        services.sign_voucher(
            work_order=order,
            by=technician,
            expected_version=order.version,
            signer_name="又签",
            signature_png=TINY_PNG,
        )


def test_signature_must_be_a_png(dispatcher, technician, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.ON_SITE
    )
    order.status = S.RESOLVED
    WorkOrder.objects.filter(pk=order.pk).update(status=S.RESOLVED, technician=technician)
    order.refresh_from_db()
    with pytest.raises(TicketError, match="PNG"):
        services.sign_voucher(
            work_order=order,
            by=technician,
            expected_version=order.version,
            signer_name="李",
            signature_png=b"<svg/>",
        )


def test_labour_and_parts_lines(dispatcher, technician, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    with pytest.raises(TicketError, match="assigned technician"):
        services.add_part_line(
            work_order=order, by=technician, expected_version=order.version, part_name="x"
        )
    with pytest.raises(TicketError, match="Dispatch"):
        services.add_labour_line(
            work_order=order,
            by=dispatcher,
            expected_version=order.version,
            technician=technician,
            worked_on=datetime.date(2026, 11, 22),
            minutes=30,
        )
    order = step(order, services.dispatch_work_order, by=dispatcher, technician=technician)
    line = services.add_labour_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        technician=technician,
        worked_on=datetime.date(2026, 11, 22),
        minutes=90,
        description="检测",
    )
    assert line.category == order.service_category
    order.refresh_from_db()
    part = services.add_part_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        part_name="电源板",
        quantity=2,
    )
    assert str(part) == "电源板 × 2"
    with pytest.raises(ConflictError):
        services.add_part_line(
            work_order=order, by=technician, expected_version=order.version, part_name="x"
        )


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, True),
        ("scan.pdf", b"%PDF-1.7\n" + b"0" * 100, True),
        ("photo.jpg", b"MZ\x90\x00 not a jpeg", False),
        ("evil.pdf.exe", b"MZ\x90\x00", False),
    ],
)
def test_attachments_are_checked_by_content(dispatcher, unit, name, content, accepted) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    upload = SimpleUploadedFile(name, content)
    if accepted:
        attachment = services.add_attachment(work_order=order, by=dispatcher, upload=upload)
        assert attachment.size == len(content)
    else:
        with pytest.raises(TicketError, match="JPEG"):
            services.add_attachment(work_order=order, by=dispatcher, upload=upload)
        assert not order.attachments.exists()


def test_oversized_attachment_is_refused(dispatcher, unit, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 50
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    with pytest.raises(TicketError, match="larger"):
        services.add_attachment(
            work_order=order,
            by=dispatcher,
            upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        )


def test_escalation_goes_to_a_director(dispatcher, technician, supervisor, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    with pytest.raises(TicketError, match="director"):
        services.escalate_work_order(
            work_order=order,
            by=technician,
            expected_version=order.version,
            to=dispatcher,
            note="修不好",
        )
    order = step(
        order,
        services.escalate_work_order,
        by=technician,
        to=supervisor,
        note="缺配件，无法按时修妥",
    )
    assert order.escalated_to == supervisor
    assert order.escalated_at is not None


def test_stale_version_is_a_conflict(dispatcher, technician, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    services.update_work_order(
        work_order=order, by=dispatcher, expected_version=1, symptom="新描述"
    )
    with pytest.raises(ConflictError):
        services.dispatch_work_order(
            work_order=order, by=dispatcher, expected_version=1, technician=technician
        )
    order.refresh_from_db()
    assert (order.status, order.symptom) == (S.REGISTERED, "新描述")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_updates_one_wins_one_conflicts(org_tree, make_user) -> None:
    """Two dispatchers save the same version at the same moment: exactly one succeeds."""
    dispatcher = make_user(org_tree.service_centre, Role.DISPATCHER)
    unit = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.service_centre)
    )
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(symptom: str) -> None:
        try:
            barrier.wait()
            services.update_work_order(
                work_order=order, by=dispatcher, expected_version=1, symptom=symptom
            )
            outcomes.append(f"saved:{symptom}")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(text,)) for text in ("甲的修改", "乙的修改")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "saved"]
    order.refresh_from_db()
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("saved"))
    assert (order.symptom, order.version) == (winner, 2)
