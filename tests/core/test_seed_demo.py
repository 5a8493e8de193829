"""Demo data: counts, one login per role, determinism, --if-empty, bulk rows that equal what
the services would write, and work orders in every state with the labour the reports read."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from io import StringIO
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from shouhou.assets.models import Equipment
from shouhou.assets.services import DERIVED_FIELDS, EQUIPMENT_FIELDS, _derive
from shouhou.contracts.models import MaintenanceContract
from shouhou.core import demo
from shouhou.core.audit import created_changes
from shouhou.core.models import AuditEntry, Organisation, OrganisationKind, Role, User
from shouhou.core.numbering import next_number
from shouhou.customers.models import Customer, Site
from shouhou.tickets.models import (
    LabourLine,
    PartLine,
    ResolutionMode,
    ServiceVoucher,
    WorkOrder,
    WorkOrderStatus,
)
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # noqa: ANN001
    """Signed vouchers store their signature images."""
    settings.MEDIA_ROOT = tmp_path


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def fingerprint() -> str:
    """A digest of the generated business data, by natural keys (ids may differ by database)."""
    tables: list[Iterable[tuple[object, ...]]] = [
        Customer.objects.order_by("code").values_list(
            "code",
            "name",
            "kind",
            "grade",
            "phone",
            "address",
            "organisation__code",
            "region__code",
        ),
        Site.objects.order_by("customer__code", "name", "address").values_list(
            "customer__code", "name", "address", "zone", "latitude", "longitude"
        ),
        Equipment.objects.order_by("serial").values_list(
            "serial",
            "customer__code",
            "site__address",
            "product_model__name",
            "purchased_on",
            "installed_on",
            "warranty_ends_on",
            "status",
        ),
        MaintenanceContract.objects.order_by("number").values_list(
            "number", "customer__code", "starts_on", "ends_on", "fee_amount"
        ),
        WorkOrder.objects.order_by("number").values_list(
            "number",
            "status",
            "resolution_mode",
            "equipment__serial",
            "technician__username",
            "reported_at",
            "closed_at",
        ),
        LabourLine.objects.order_by("work_order__number", "worked_on", "minutes").values_list(
            "work_order__number", "technician__username", "worked_on", "category", "minutes"
        ),
    ]
    digest = hashlib.sha256()
    for rows in tables:
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_small_seed_creates_the_demo_world() -> None:
    output = seed(size="small", seed=3, work_orders=0)

    assert Customer.objects.count() == 200
    assert Site.objects.count() == 260
    assert Equipment.objects.count() == 1000
    assert MaintenanceContract.objects.exists()
    assert "seed_demo small finished in" in output
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    bank = Organisation.objects.get(code=demo.BANK_CODE)
    assert Organisation.objects.filter(path__startswith=bank.path, depth=2).count() == 9
    # One audit entry per generated business row.
    assert AuditEntry.objects.filter(action="equipment.registered").count() == 1000
    assert AuditEntry.objects.filter(action="customer.created").count() == 200


def test_small_seed_writes_the_audit_entries_the_services_write() -> None:
    seed(size="small", seed=3, work_orders=0)

    for unit in Equipment.objects.order_by("id")[:50]:
        entry = AuditEntry.objects.get(action="equipment.registered", object_id=str(unit.pk))
        expected = created_changes(unit, EQUIPMENT_FIELDS + DERIVED_FIELDS)
        assert entry.changes == json.loads(json.dumps(expected))
        assert entry.organisation_id == unit.organisation_id
        assert entry.object_repr == unit.serial
    contract = MaintenanceContract.objects.exclude(equipment=None).first()
    assert contract is not None
    entry = AuditEntry.objects.get(action="contract.created", object_id=str(contract.pk))
    serials = sorted(contract.equipment.values_list("serial", flat=True))
    assert entry.changes["equipment"] == [None, serials]


def test_small_seed_has_one_login_per_role() -> None:
    seed(size="small", seed=3, work_orders=0)

    users = User.objects.filter(username__startswith="demo_").select_related("organisation")
    assert set(users.values_list("role", flat=True)) == set(Role.values)
    admin = users.get(role=Role.ADMIN)
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(demo.DEMO_PASSWORD)
    customer_user = users.get(role=Role.CUSTOMER_USER)
    assert customer_user.organisation is not None
    assert customer_user.organisation.code == demo.BANK_CODE
    provider_kinds = set(
        users.filter(role=Role.TECHNICIAN).values_list("organisation__kind", flat=True)
    )
    assert provider_kinds == {OrganisationKind.SERVICE_CENTRE, OrganisationKind.PROVIDER}
    logins = demo.demo_logins()
    assert len(logins) == len(demo.DEMO_USERS)
    assert {login.password for login in logins} == {demo.DEMO_PASSWORD}


def test_same_seed_gives_same_data() -> None:
    fingerprints = []
    for _run in range(2):
        # Roll back to a savepoint between runs: each run starts from an empty database.
        with transaction.atomic():
            seed(size="small", seed=11, work_orders=12)
            fingerprints.append(fingerprint())
            transaction.set_rollback(True)
    with transaction.atomic():
        seed(size="small", seed=12, work_orders=12)
        other = fingerprint()
        transaction.set_rollback(True)

    assert fingerprints[0] == fingerprints[1]
    assert other != fingerprints[0]


def test_if_empty_skips_a_database_with_customers(org_tree: OrgTree) -> None:
    CustomerFactory.create(organisation=org_tree.service_centre)

    output = seed(size="small", if_empty=True)

    assert "not seeded" in output
    assert Customer.objects.count() == 1
    assert not User.objects.filter(username__startswith="demo_").exists()
    with pytest.raises(CommandError):
        seed(size="small")


def test_demo_logins_without_demo_users() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "no demo users" in out.getvalue()


def test_bulk_rows_equal_what_the_services_write() -> None:
    seed(size="large", customers=2000, equipment=20_000)

    assert Customer.objects.count() == 2000
    assert Equipment.objects.count() == 20_000
    assert not AuditEntry.objects.filter(action="equipment.registered").exists()
    units = Equipment.objects.select_related("customer", "site", "product_model")
    for unit in units.iterator(chunk_size=5000):
        stored = (unit.organisation_id, unit.region_id, unit.warranty_ends_on, unit.serial)
        _derive(unit)  # what register_equipment would set
        assert stored == (
            unit.organisation_id,
            unit.region_id,
            unit.warranty_ends_on,
            unit.serial.strip().upper(),
        )
    today = datetime.date(2026, 11, 22)
    in_warranty = Equipment.objects.filter(warranty_ends_on__gte=today).count()
    assert 0.1 < in_warranty / 20_000 < 0.9


def test_numbering_continues_after_bulk_seeding() -> None:
    seed(size="large", customers=500, equipment=2000)

    assert next_number(document_type="customer") == "C000501"
    latest = MaintenanceContract.objects.filter(number__startswith="HT2026-").order_by("-number")
    last_serial = int(latest.values_list("number", flat=True)[0].split("-")[1])
    at = datetime.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    assert next_number(document_type="contract", at=at) == f"HT2026-{last_serial + 1:04d}"
    # New rows get ids after the generated ones.
    customer = cast(
        Customer, CustomerFactory.create(organisation=Organisation.objects.get(code="SC-SH"))
    )
    assert customer.code == "C000502"
    assert customer.pk > Customer.objects.exclude(pk=customer.pk).order_by("-pk")[0].pk


def test_small_seed_has_a_month_of_work_orders_in_every_state() -> None:
    seed(size="small", seed=3)

    orders = WorkOrder.objects.all()
    assert orders.count() == demo.SIZES["small"].work_orders
    assert set(orders.values_list("status", flat=True)) == set(WorkOrderStatus.values)
    assert set(orders.values_list("resolution_mode", flat=True)) == set(ResolutionMode.values)
    first = datetime.datetime.combine(
        demo.BASE_DATE - datetime.timedelta(days=demo.WORK_ORDER_DAYS - 1),
        datetime.time(0),
        tzinfo=SHANGHAI,
    )
    horizon = datetime.datetime.combine(demo.BASE_DATE, demo.WORK_ORDER_HORIZON, tzinfo=SHANGHAI)
    assert first <= orders.earliest("reported_at").reported_at
    assert orders.latest("reported_at").reported_at <= horizon
    # Stamped at their simulated time, not when the seed ran.
    assert orders.filter(closed_at__gt=horizon).count() == 0
    assert orders.filter(updated_at__gt=horizon).count() == 0
    # Labour on many days, for the daily reports; signed vouchers keep their signature image.
    days = set(LabourLine.objects.values_list("worked_on", flat=True))
    assert len(days) >= demo.WORK_ORDER_DAYS - 5
    assert max(days) <= demo.BASE_DATE
    signed = orders.filter(status__in=[WorkOrderStatus.SIGNED, WorkOrderStatus.CLOSED]).exclude(
        resolution_mode=ResolutionMode.PHONE
    )
    assert ServiceVoucher.objects.count() == signed.count() > 0
    voucher = ServiceVoucher.objects.order_by("number").first()
    assert voucher is not None
    assert voucher.signature.read().startswith(b"\x89PNG")
    # Every change went through the services: each order has its audit trail.
    order = signed.filter(status=WorkOrderStatus.CLOSED).order_by("number").first()
    assert order is not None
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(order.pk), action__startswith="work_order."
        ).values_list("action", flat=True)
    )
    assert {"work_order.registered", "work_order.voucher_signed"} <= actions
    # After the repairs: surveys answered, follow-up calls made, complaints, parts and money.
    from shouhou.billing.models import Invoice, Quote
    from shouhou.complaints.models import ComplaintCase, Revisit
    from shouhou.feedback.models import FollowUp, SurveyAnswer, SurveyInvitation
    from shouhou.parts.models import StockMovement

    closed = orders.filter(status=WorkOrderStatus.CLOSED)
    assert SurveyInvitation.objects.filter(work_order__in=closed).count() == closed.count()
    assert SurveyAnswer.objects.exists()
    assert FollowUp.objects.exists()
    assert ComplaintCase.objects.exists()
    assert Revisit.objects.exclude(done_at=None).exists()  # the call-backs that fell due
    # warranty and contract repairs fit catalogue parts from the vans, so they carry a cost
    fitted = PartLine.objects.exclude(part=None).filter(work_order__in=closed)
    assert fitted.exists()
    assert StockMovement.objects.filter(part_line__in=fitted, kind="issue").count() == (
        fitted.count()
    )
    assert Quote.objects.exists()
    assert Invoice.objects.exists()
