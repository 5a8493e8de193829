"""The work-order REST API: the lifecycle through one transitions endpoint, signing, lines,
attachments, scoping (404), permissions (403), optimistic locking (409), bad input (400 and
nothing changed), bounded queries, the screen-pop and the OpenAPI schema."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shouhou.core.models import AuditEntry, Role, User
from shouhou.tickets import services
from shouhou.tickets.api import TRANSITIONS, WorkOrderUpdateSerializer
from shouhou.tickets.models import (
    Attachment,
    GoodsDirection,
    ResolutionMode,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.services import EDITABLE_FIELDS
from shouhou.tickets.workflow import ACTIONS
from tests.assets.factories import EquipmentFactory, ProductModelFactory
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.tickets.conftest import TINY_PNG
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
S = WorkOrderStatus
URL = "/api/work-orders/"
SIGNATURE = "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def client_for(user: User) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def audit_count(order: WorkOrder) -> int:
    return AuditEntry.objects.filter(
        object_id=str(order.pk), action__startswith="work_order."
    ).count()


def snapshot(order: WorkOrder) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    order = WorkOrder.objects.get(pk=order.pk)
    return (
        order.status,
        order.version,
        order.technician_id,
        order.symptom,
        order.labour.count(),
        order.parts.count(),
        order.attachments.count(),
        audit_count(order),
    )


@pytest.fixture
def desk(dispatcher) -> APIClient:
    return client_for(dispatcher)


@pytest.fixture
def field(technician) -> APIClient:
    return client_for(technician)


@pytest.fixture
def order(dispatcher, unit) -> WorkOrder:
    return WorkOrderFactory.create(by=dispatcher, equipment=unit)


def transition(api: APIClient, order_id: int, action: str, version: Any, **parameters: Any):
    return api.post(
        f"{URL}{order_id}/transitions/",
        {"action": action, "version": version, **parameters},
        format="json",
    )


def perform(api: APIClient, body: dict[str, Any], action: str, **parameters: Any) -> dict[str, Any]:
    """Run one action on the order as last read and check it answered 200."""
    response = transition(api, body["id"], action, body["version"], **parameters)
    assert response.status_code == 200, response.json()
    new = response.json()
    assert new["version"] > body["version"]
    return new


def on_site(order: WorkOrder, *, dispatcher: User, technician: User) -> WorkOrder:
    """Bring the order on site through the services."""
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    for service in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = service(work_order=order, by=technician, expected_version=order.version)
    return order


# --- the paths --------------------------------------------------------------------------------


def test_on_site_path_from_call_to_close(desk, field, unit, technician) -> None:
    registered = desk.post(
        URL,
        {
            "customer": unit.customer_id,
            "equipment": unit.pk,
            "contact_name": "李女士",
            "contact_phone": "13800138000",
            "address": "上海市浦东新区世纪大道100号",
            "symptom": "卡钞",
        },
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    body = registered.json()
    assert (body["status"], body["channel"], body["service_category"]) == ("registered", "api", "C")
    assert body["product_model"]["id"] == unit.product_model_id
    assert body["equipment"] == {"id": unit.pk, "serial": unit.serial}
    assert "dispatch" in {action["name"] for action in body["available_actions"]}

    body = perform(desk, body, "dispatch", technician=technician.pk)
    assert body["technician"]["id"] == technician.pk
    body = field.get(f"{URL}{body['id']}/").json()
    assert [action["name"] for action in body["available_actions"]] == [
        "accept",
        "wait_for_customer",
    ]
    for action in ("accept", "depart", "arrive"):
        body = perform(field, body, action)
    body = perform(field, body, "resolve_on_site", work_done="更换电源板")
    assert body["available_actions"][0]["name"] == "sign"

    signed = field.post(
        f"{URL}{body['id']}/sign/",
        {"version": body["version"], "signer_name": "李女士", "signature": SIGNATURE},
        format="json",
    )
    assert signed.status_code == 200, signed.json()
    body = signed.json()
    assert body["status"] == "signed"
    assert body["voucher"]["signer_name"] == "李女士"
    assert body["voucher"]["number"].startswith("FW")
    body = perform(desk, body, "close")

    assert body["status"] == "closed"
    assert body["available_actions"] == []
    order = WorkOrder.objects.get(pk=body["id"])
    assert order.voucher.signature.read() == TINY_PNG
    assert order.closed_at is not None


def test_carry_in_path_keeps_the_register_and_voids_the_receipt(
    desk, field, supervisor, technician, unit
) -> None:
    """A walk-in: goods received at the desk, a workshop technician assigned afterwards."""
    inspector = client_for(supervisor)
    body = desk.post(
        URL,
        {
            "customer": unit.customer_id,
            "equipment": unit.pk,
            "contact_name": "王先生",
            "contact_phone": "13900139000",
            "address": "上海市徐汇区漕溪北路1号",
            "symptom": "不开机",
            "channel": "walk_in",
            "resolution_mode": "carry_in",
        },
        format="json",
    ).json()
    body = perform(desk, body, "take_in", items="主机一台", accessories="电源线")
    assert body["receipt"]["items"] == "主机一台"
    assert body["receipt"]["is_void"] is False
    dispatch = transition(desk, body["id"], "dispatch", body["version"], technician=technician.pk)
    assert dispatch.json()["code"] == "invalid_transition"
    body = perform(desk, body, "assign", technician=technician.pk)
    assert (body["status"], body["technician"]["id"]) == ("carried_in", technician.pk)
    body = perform(field, body, "start_repair")
    body = perform(field, body, "request_inspection")
    body = perform(inspector, body, "fail_inspection", note="仍有异响")
    assert body["status"] == "in_repair"
    body = perform(field, body, "request_inspection")
    body = perform(inspector, body, "pass_inspection")
    body = perform(field, body, "return_goods", note="客户取回")
    assert body["receipt"]["is_void"] is True
    assert [m["direction"] for m in body["receipt"]["movements"]] == [
        GoodsDirection.IN,
        GoodsDirection.OUT,
    ]
    signed = field.post(
        f"{URL}{body['id']}/sign/",
        {
            "version": body["version"],
            "signer_name": "王先生",
            "signature": base64.b64encode(TINY_PNG).decode(),
        },
        format="json",
    )
    assert signed.status_code == 200, signed.json()
    body = perform(desk, signed.json(), "close")
    assert body["status"] == "closed"
    assert body["inspected_by"]["id"] == supervisor.pk


def test_goods_taken_in_on_site_go_to_the_workshop(desk, field, technician, unit) -> None:
    body = desk.post(
        URL,
        {
            "customer": unit.customer_id,
            "equipment": unit.pk,
            "contact_name": "王先生",
            "contact_phone": "13900139000",
            "address": "上海市徐汇区漕溪北路1号",
            "symptom": "不开机",
        },
        format="json",
    ).json()
    body = perform(desk, body, "dispatch", technician=technician.pk)
    for action in ("accept", "depart", "arrive"):
        body = perform(field, body, action)
    body = perform(field, body, "take_in", items="主机一台", condition="外壳有划痕")
    assert (body["status"], body["resolution_mode"]) == ("carried_in", "carry_in")
    assert body["receipt"]["condition"] == "外壳有划痕"
    body = perform(field, body, "start_repair")
    assert body["status"] == "in_repair"


def test_exchange_needs_the_replacement_serial(desk, supervisor, dispatcher, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.EXCHANGE
    )
    body = desk.get(f"{URL}{order.pk}/").json()
    body = perform(desk, body, "take_in", items="主机")
    body = perform(desk, body, "send_to_factory", note="顺丰")

    missing = transition(desk, order.pk, "receive_from_factory", body["version"])
    assert missing.status_code == 400
    assert "replacement_serial" in missing.json()

    body = perform(desk, body, "receive_from_factory", replacement_serial="new-1")
    assert body["replacement_serial"] == "NEW-1"
    assert body["sent_to_factory_at"] < body["back_from_factory_at"]
    body = perform(client_for(supervisor), body, "pass_inspection", note="")
    body = perform(desk, body, "return_goods")
    assert body["status"] == "resolved"


def test_phone_fix_waiting_and_cancelling(desk, dispatcher, technician, unit) -> None:
    phone = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.PHONE
    )
    body = desk.get(f"{URL}{phone.pk}/").json()
    body = perform(desk, body, "resolve_by_phone", work_done="指导重启")
    body = perform(desk, body, "close_without_signature")
    assert body["status"] == "closed"

    other = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    body = desk.get(f"{URL}{other.pk}/").json()
    body = perform(desk, body, "dispatch", technician=technician.pk)
    body = perform(desk, body, "wait_for_customer", reason="联系不上")
    assert (body["status"], body["wait_reason"]) == ("waiting_customer", "联系不上")
    body = perform(desk, body, "resume")
    assert body["status"] == "dispatched"
    body = perform(desk, body, "accept")
    body = perform(desk, body, "wait_for_parts", reason="等主板")
    body = perform(desk, body, "cancel", reason="客户撤销")
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "客户撤销")


def test_every_lifecycle_action_but_signing_has_a_transition() -> None:
    assert set(TRANSITIONS) == set(ACTIONS) - {"sign"}


def test_patch_edits_only_what_the_service_allows() -> None:
    fields = set(WorkOrderUpdateSerializer.Meta.fields) - {"version"}
    assert fields == EDITABLE_FIELDS


# --- parameters and malformed input -----------------------------------------------------------

REQUIRED_PARAMETERS = {
    "dispatch": ["technician"],
    "assign": ["technician"],
    "resolve_by_phone": ["work_done"],
    "resolve_on_site": ["work_done"],
    "take_in": ["items"],
    "fail_inspection": ["note"],
    "wait_for_parts": ["reason"],
    "wait_for_customer": ["reason"],
    "cancel": ["reason"],
}


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_every_action_validates_its_parameters(desk, order, action) -> None:
    before = snapshot(order)
    required = REQUIRED_PARAMETERS.get(action, [])

    missing = desk.post(f"{URL}{order.pk}/transitions/", {"action": action}, format="json")
    blank = transition(desk, order.pk, action, order.version, **dict.fromkeys(required, "  "))
    wrong_types = transition(desk, order.pk, action, "one", **dict.fromkeys(required, ["x"]))
    unknown = transition(desk, order.pk, action, order.version, colour="red")

    assert missing.status_code == 400
    assert set(missing.json()) >= {"version", "detail", "code", *required}
    assert missing.json()["code"] == "invalid"
    if required:
        assert blank.status_code == 400
        assert set(blank.json()) >= set(required)
    assert wrong_types.status_code == 400
    assert set(wrong_types.json()) >= {"version", *required}
    assert unknown.status_code == 400
    assert unknown.json()["colour"] == ["Unknown field."]
    assert snapshot(order) == before


@pytest.mark.parametrize(
    "body",
    [
        ["dispatch"],
        "dispatch",
        42,
        None,
        {},
        {"action": "fly", "version": 1},
        {"action": ["dispatch"], "version": 1},
        {"action": {"name": "dispatch"}, "version": 1},
        {"action": "sign", "version": 1, "signer_name": "x", "signature": "eA=="},
        {"action": "cancel", "version": 1, "reason": "x" * 100_000},
        {"action": "cancel", "version": 10**30, "reason": "x"},
        {"action": "cancel", "version": -1, "reason": "x"},
        {"action": "cancel", "version": True, "reason": "x"},
        {"action": "cancel", "version": 1, "reason": "a\x00b"},
        {"action": "dispatch", "version": 1, "technician": 10**30},
        {"action": "dispatch", "version": 1, "technician": "abc"},
    ],
)
def test_malformed_transition_bodies_get_400_and_change_nothing(desk, order, body) -> None:
    before = snapshot(order)
    response = desk.post(f"{URL}{order.pk}/transitions/", body, format="json")
    assert response.status_code == 400, response.content
    assert {"detail", "code"} <= set(response.json())
    assert snapshot(order) == before


def test_broken_json_and_other_media_types_are_refused(desk, order) -> None:
    before = snapshot(order)
    broken = desk.post(
        f"{URL}{order.pk}/transitions/", '{"action": "cancel",', content_type="application/json"
    )
    form = desk.post(f"{URL}{order.pk}/transitions/", {"action": "cancel", "version": 1})
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"
    assert form.status_code == 415
    assert snapshot(order) == before


def test_signing_refuses_bad_signatures(desk, dispatcher, technician, order) -> None:
    order = on_site(order, dispatcher=dispatcher, technician=technician)
    order = services.resolve_work_order(
        work_order=order, by=technician, expected_version=order.version, work_done="ok"
    )
    before = snapshot(order)
    for signature in (
        "not base64!",
        "data:image/svg+xml;base64,PHN2Zy8+",
        base64.b64encode(b"<svg/>").decode(),
        "",
        "A" * 800_000,
    ):
        response = desk.post(
            f"{URL}{order.pk}/sign/",
            {"version": order.version, "signer_name": "李", "signature": signature},
            format="json",
        )
        assert response.status_code == 400, signature[:30]
        assert "signature" in response.json()
    missing_name = desk.post(
        f"{URL}{order.pk}/sign/",
        {"version": order.version, "signer_name": " ", "signature": SIGNATURE},
        format="json",
    )
    assert "signer_name" in missing_name.json()
    assert snapshot(order) == before


@pytest.mark.parametrize(
    "payload",
    [
        {},
        ["not", "an", "object"],
        {"customer": "abc", "contact_name": "x", "contact_phone": "1", "symptom": "x"},
        {"customer": None, "contact_name": "x", "contact_phone": "1", "symptom": "x"},
        {"contact_name": "x" * 10_000, "contact_phone": "1", "symptom": "x"},
        {"symptom": "x" * 100_000},
        {"channel": "pigeon"},
        {"reported_at": "yesterday"},
        {"reported_at": "2999-01-01T00:00:00Z"},
        {"reported_at": "0001-01-01T00:00:00+14:00"},
        {"promised_at": "0001-01-01T00:00:00"},
        {"status": "closed"},
        {"number": "W1"},
    ],
)
def test_malformed_registrations_get_400_and_create_nothing(desk, unit, payload) -> None:
    valid = {
        "customer": unit.customer_id,
        "contact_name": "李",
        "contact_phone": "138",
        "symptom": "坏了",
    }
    body = payload if isinstance(payload, list) else {**valid, **payload} if payload else {}
    response = desk.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert {"detail", "code"} <= set(response.json())
    assert not WorkOrder.objects.exists()


def test_registration_refuses_what_the_caller_may_not_use(desk, unit, org_tree) -> None:
    theirs = CustomerFactory.create(organisation=org_tree.branch_b)
    their_unit = EquipmentFactory.create(customer=theirs)
    other_model = ProductModelFactory.create()
    common = {"contact_name": "李", "contact_phone": "138", "symptom": "坏了"}

    invisible = desk.post(URL, {**common, "customer": theirs.pk}, format="json")
    invisible_unit = desk.post(
        URL, {**common, "customer": unit.customer_id, "equipment": their_unit.pk}, format="json"
    )
    wrong_model = desk.post(
        URL,
        {
            **common,
            "customer": unit.customer_id,
            "equipment": unit.pk,
            "product_model": other_model.pk,
        },
        format="json",
    )
    other_customers_unit = desk.post(
        URL,
        {
            **common,
            "customer": CustomerFactory.create(organisation=org_tree.service_centre).pk,
            "equipment": unit.pk,
        },
        format="json",
    )

    assert invisible.status_code == 400
    assert "customer" in invisible.json()
    assert "equipment" in invisible_unit.json()
    assert "product_model" in wrong_model.json()
    assert other_customers_unit.status_code == 400
    assert "equipment" in other_customers_unit.json()
    assert not WorkOrder.objects.exists()


def test_registration_without_equipment_keeps_the_model_and_serial(desk, org_tree) -> None:
    site = SiteFactory.create(customer__organisation=org_tree.service_centre, zone="suburban")
    model = ProductModelFactory.create()
    response = desk.post(
        URL,
        {
            "customer": site.customer_id,
            "site": site.pk,
            "product_model": model.pk,
            "reported_serial": "X-1",
            "contact_name": "李",
            "contact_phone": "138",
            "symptom": "坏了",
            "resolution_mode": "phone",
            "priority": "urgent",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["product_model"]["id"], body["reported_serial"]) == (model.pk, "X-1")
    assert (body["zone"], body["address"], body["priority"]) == ("suburban", site.address, "urgent")
    assert body["is_in_warranty"] is False


# --- corrections, category, mode, escalation, lines, attachments ------------------------------


def test_patch_corrects_the_call_and_needs_the_version(desk, order) -> None:
    missing = desk.patch(f"{URL}{order.pk}/", {"symptom": "a"}, format="json")
    nothing = desk.patch(f"{URL}{order.pk}/", {"version": 1}, format="json")
    nothing_stale = desk.patch(f"{URL}{order.pk}/", {"version": 2}, format="json")
    status = desk.patch(f"{URL}{order.pk}/", {"version": 1, "status": "closed"}, format="json")
    ok = desk.patch(
        f"{URL}{order.pk}/",
        {"version": 1, "symptom": "屏幕花屏", "zone": "suburban"},
        format="json",
    )
    stale = desk.patch(f"{URL}{order.pk}/", {"version": 1, "symptom": "c"}, format="json")
    put = desk.put(f"{URL}{order.pk}/", {"version": 2, "symptom": "d"}, format="json")

    assert [r.status_code for r in (missing, status)] == [400, 400]
    assert (nothing.status_code, nothing.json()["version"]) == (200, 1)
    assert nothing_stale.status_code == 409
    assert status.json()["status"] == ["Unknown field."]
    assert ok.status_code == 200, ok.json()
    assert (ok.json()["symptom"], ok.json()["version"]) == ("屏幕花屏", 2)
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert put.status_code == 405
    order.refresh_from_db()
    assert (order.symptom, order.zone, order.status) == ("屏幕花屏", "suburban", S.REGISTERED)


def test_category_mode_and_escalation(desk, field, order, supervisor, dispatcher) -> None:
    blank = desk.post(
        f"{URL}{order.pk}/category/", {"version": 1, "category": "D", "reason": " "}, format="json"
    )
    unknown = desk.post(
        f"{URL}{order.pk}/category/", {"version": 1, "category": "Z", "reason": "x"}, format="json"
    )
    changed = desk.post(
        f"{URL}{order.pk}/category/",
        {"version": 1, "category": "D", "reason": "内部检修"},
        format="json",
    )
    assert [blank.status_code, unknown.status_code] == [400, 400]
    assert "reason" in blank.json()
    assert "category" in unknown.json()
    assert changed.status_code == 200
    body = changed.json()
    assert (body["service_category"], body["category_reason"]) == ("D", "内部检修")
    technician_changes_category = field.post(
        f"{URL}{order.pk}/category/",
        {"version": body["version"], "category": "A", "reason": "x"},
        format="json",
    )
    assert technician_changes_category.status_code == 403

    mode = desk.post(
        f"{URL}{order.pk}/mode/", {"version": body["version"], "mode": "carry_in"}, format="json"
    )
    assert mode.status_code == 200
    body = mode.json()
    assert body["resolution_mode"] == "carry_in"

    to_a_dispatcher = desk.post(
        f"{URL}{order.pk}/escalate/",
        {"version": body["version"], "to": dispatcher.pk, "note": "修不好"},
        format="json",
    )
    escalated = desk.post(
        f"{URL}{order.pk}/escalate/",
        {"version": body["version"], "to": supervisor.pk, "note": "缺配件"},
        format="json",
    )
    assert to_a_dispatcher.status_code == 400
    assert "to" in to_a_dispatcher.json()
    assert escalated.status_code == 200
    assert escalated.json()["escalated_to"]["id"] == supervisor.pk


def test_mode_change_the_state_forbids_is_an_invalid_transition(desk, dispatcher, unit) -> None:
    order = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, resolution_mode=ResolutionMode.CARRY_IN
    )
    order = services.take_in_goods(
        work_order=order, by=dispatcher, expected_version=order.version, items="主机"
    )
    response = desk.post(
        f"{URL}{order.pk}/mode/", {"version": order.version, "mode": "phone"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    assert "mode" in response.json()


def test_labour_and_parts_lines(desk, field, order, dispatcher, technician) -> None:
    too_early = field.post(f"{URL}{order.pk}/labour/", {"version": 1, "minutes": 30}, format="json")
    assert too_early.status_code == 403  # not yet the technician's order
    early = desk.post(f"{URL}{order.pk}/labour/", {"version": 1, "minutes": 30}, format="json")
    assert early.status_code == 400
    assert "Dispatch" in early.json()["detail"]

    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    invalid = field.post(
        f"{URL}{order.pk}/labour/",
        {"version": order.version, "minutes": 0, "worked_on": "tomorrow"},
        format="json",
    )
    assert invalid.status_code == 400
    assert {"minutes", "worked_on"} <= set(invalid.json())
    labour = field.post(
        f"{URL}{order.pk}/labour/",
        {"version": order.version, "minutes": 90, "description": "检测"},
        format="json",
    )
    assert labour.status_code == 201, labour.json()
    body = labour.json()
    [line] = body["labour"]
    assert (line["technician"]["id"], line["minutes"], line["category"]) == (
        technician.pk,
        90,
        order.service_category,
    )
    assert line["worked_on"] == timezone.localdate().isoformat()

    stale = field.post(
        f"{URL}{order.pk}/parts/", {"version": order.version, "part_name": "x"}, format="json"
    )
    assert stale.status_code == 409
    bad_quantity = field.post(
        f"{URL}{order.pk}/parts/",
        {"version": body["version"], "part_name": "电源板", "quantity": 10**9},
        format="json",
    )
    assert "quantity" in bad_quantity.json()
    part = field.post(
        f"{URL}{order.pk}/parts/",
        {
            "version": body["version"],
            "part_name": "电源板",
            "quantity": 2,
            "disposition": "factory",
        },
        format="json",
    )
    assert part.status_code == 201, part.json()
    assert part.json()["parts"][0] | {"id": 0} == {
        "id": 0,
        "part_code": "",
        "part_name": "电源板",
        "quantity": 2,
        "disposition": "factory",
    }


def test_attachments_are_uploaded_as_multipart(desk, order) -> None:
    url = f"{URL}{order.pk}/attachments/"
    photo = desk.post(url, {"file": _upload("fault.jpg", JPEG)}, format="multipart")
    executable = desk.post(url, {"file": _upload("fault.jpg", b"MZ\x90\x00")}, format="multipart")
    nothing = desk.post(url, {}, format="multipart")
    as_json = desk.post(url, {"file": "x"}, format="json")

    assert photo.status_code == 201, photo.json()
    [attachment] = photo.json()["attachments"]
    assert (attachment["kind"], attachment["original_name"]) == ("photo", "fault.jpg")
    assert executable.status_code == 400
    assert "file" in executable.json()
    assert nothing.status_code == 400
    assert as_json.status_code == 415
    assert Attachment.objects.count() == 1


def _upload(name: str, content: bytes):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- refusals: state, permission, version, scope ----------------------------------------------


def test_illegal_transition_names_the_status(desk, order) -> None:
    before = snapshot(order)
    response = transition(desk, order.pk, "close", order.version)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "Registered" in body["detail"]
    assert snapshot(order) == before


def test_the_named_action_is_the_one_performed(desk, dispatcher, technician, order) -> None:
    """resolve_work_order picks by the mode: naming the other one is refused."""
    order = on_site(order, dispatcher=dispatcher, technician=technician)
    before = snapshot(order)
    response = transition(desk, order.pk, "resolve_by_phone", order.version, work_done="x")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    assert "On site" in response.json()["detail"]
    assert snapshot(order) == before


def test_a_technician_not_assigned_gets_403(order, dispatcher, technician, org_tree, make_user):  # noqa: ANN001, ANN201
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    colleague = client_for(make_user(org_tree.service_centre, Role.TECHNICIAN))
    before = snapshot(order)

    accept = transition(colleague, order.pk, "accept", order.version)
    labour = colleague.post(
        f"{URL}{order.pk}/labour/", {"version": order.version, "minutes": 5}, format="json"
    )

    assert accept.status_code == 403
    assert accept.json()["code"] == "not_allowed"
    assert labour.status_code == 403
    assert labour.json()["code"] == "not_allowed"
    assert snapshot(order) == before


def test_roles_without_the_permission_get_403(order, org_tree, make_user) -> None:
    accountant = client_for(make_user(org_tree.service_centre, Role.ACCOUNTANT))
    technician = client_for(make_user(org_tree.service_centre, Role.TECHNICIAN))
    before = snapshot(order)

    assert accountant.get(f"{URL}{order.pk}/").status_code == 200
    assert technician.post(URL, {}, format="json").status_code == 403
    assert (
        accountant.patch(f"{URL}{order.pk}/", {"version": 1, "symptom": "x"}, format="json")
    ).status_code == 403
    cancel = transition(accountant, order.pk, "cancel", order.version, reason="x")
    assert cancel.status_code == 403
    assert "Cancel" in cancel.json()["detail"]
    escalate = accountant.post(f"{URL}{order.pk}/escalate/", {"version": 1, "to": 1}, format="json")
    assert escalate.status_code == 403
    assert snapshot(order) == before


def test_a_stale_version_gets_409_and_changes_nothing(desk, order, technician) -> None:
    services.update_work_order(
        work_order=order, by=technician, expected_version=1, symptom="新描述"
    )
    before = snapshot(order)

    dispatch = transition(desk, order.pk, "dispatch", 1, technician=technician.pk)
    category = desk.post(
        f"{URL}{order.pk}/category/", {"version": 1, "category": "A", "reason": "x"}, format="json"
    )

    for response in (dispatch, category):
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"
    assert snapshot(order) == before


WRITES = [
    ("patch", "", {"symptom": "x"}),
    ("post", "transitions/", {"action": "cancel", "reason": "x"}),
    ("post", "transitions/", {"action": "accept"}),
    ("post", "sign/", {"signer_name": "x", "signature": SIGNATURE}),
    ("post", "labour/", {"minutes": 5}),
    ("post", "parts/", {"part_name": "x"}),
    ("post", "category/", {"category": "A", "reason": "x"}),
    ("post", "mode/", {"mode": "phone"}),
    ("post", "escalate/", {"to": 1, "note": "x"}),
    ("post", "attachments/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_another_organisations_order_is_404(order, org_tree, make_user, method, path, body):  # noqa: ANN001, ANN201
    outsider = client_for(make_user(org_tree.branch_b, Role.ADMIN))
    before = snapshot(order)
    url = f"{URL}{order.pk}/{path}"
    if body is None:
        response = outsider.post(url, {"file": _upload("a.jpg", JPEG)}, format="multipart")
    else:
        response = getattr(outsider, method)(url, {**body, "version": 1}, format="json")

    assert outsider.get(f"{URL}{order.pk}/").status_code == 404
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot(order) == before


def test_odd_ids_are_404(desk) -> None:
    for work_order_id in ("abc", "0", "-1", "0.5", "1e3", str(10**30)):
        assert desk.get(f"{URL}{work_order_id}/").status_code == 404
        response = desk.post(
            f"{URL}{work_order_id}/transitions/", {"action": "accept", "version": 1}, format="json"
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_anonymous_requests_get_401_in_the_error_shape(order) -> None:
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- list, detail, lookup ---------------------------------------------------------------------


def test_list_is_scoped_filtered_and_paginated(desk, dispatcher, technician, unit, org_tree):  # noqa: ANN001, ANN201
    first = WorkOrderFactory.create(
        by=dispatcher,
        equipment=unit,
        reported_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC),
    )
    second = WorkOrderFactory.create(by=dispatcher, equipment=unit, channel="walk_in")
    services.dispatch_work_order(
        work_order=second, by=dispatcher, expected_version=1, technician=technician
    )
    WorkOrderFactory.create(
        equipment=EquipmentFactory.create(
            customer=CustomerFactory.create(organisation=org_tree.branch_b)
        )
    )

    def ids(**params: Any) -> list[int]:
        response = desk.get(URL, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [second.pk, first.pk]
    assert ids(status="dispatched") == [second.pk]
    assert ids(status=["registered", "dispatched"]) == [second.pk, first.pk]
    assert ids(technician=technician.pk) == [second.pk]
    assert ids(channel="walk_in") == [second.pk]
    assert ids(customer=unit.customer_id, service_category="C") == [second.pk, first.pk]
    assert ids(resolution_mode="phone") == []
    assert ids(customer=10**9) == []
    assert ids(reported_at_before="2026-03-02T00:00:00+08:00") == [first.pk]
    assert ids(reported_at_after="2026-03-02T00:00:00Z") == [second.pk]
    page = desk.get(URL, {"page_size": 1}).json()
    assert [row["id"] for row in page["results"]] == [second.pk]
    assert [row["id"] for row in desk.get(page["next"]).json()["results"]] == [first.pk]
    for bad in (
        {"status": "lost"},
        {"technician": "x"},
        {"reported_at_after": "soon"},
        {"reported_at_before": "0001-01-01T00:00:00+14:00"},
        {"page_size": "ten"},
        {"customer": 10**30},
        {"technician": 0},
        {"page_size": "0"},
    ):
        response = desk.get(URL, bad)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
    assert desk.get(URL, {"cursor": "garbage"}).status_code == 404


def _queries(api: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_take_a_fixed_number_of_queries(desk, dispatcher, technician, unit):  # noqa: ANN001, ANN201
    def busy_order() -> WorkOrder:
        order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
        return services.take_in_goods(
            work_order=order, by=dispatcher, expected_version=order.version, items="主机"
        )

    few = busy_order()
    services.add_labour_line(
        work_order=few,
        by=dispatcher,
        expected_version=few.version,
        technician=technician,
        worked_on=datetime.date(2026, 11, 1),
        minutes=10,
    )
    list_queries = _queries(desk, URL)
    detail_queries = _queries(desk, f"{URL}{few.pk}/")

    many = busy_order()
    for minutes in range(1, 6):
        many = WorkOrder.objects.get(pk=many.pk)
        services.add_labour_line(
            work_order=many,
            by=dispatcher,
            expected_version=many.version,
            technician=technician,
            worked_on=datetime.date(2026, 11, 1),
            minutes=minutes,
        )
        services.add_part_line(
            work_order=many, by=dispatcher, expected_version=many.version + 1, part_name="x"
        )
        services.add_attachment(work_order=many, by=dispatcher, upload=_upload("a.jpg", JPEG))
    for _ in range(5):
        busy_order()

    assert _queries(desk, URL) == list_queries
    assert _queries(desk, f"{URL}{many.pk}/") == detail_queries
    assert len(desk.get(f"{URL}{many.pk}/").json()["labour"]) == 5
    # token, user's organisation, two for permissions, the page
    assert list_queries <= 5
    # … the order, labour, parts, attachments, goods movements
    assert detail_queries <= 9


def test_lookup_pops_the_caller(desk, org_tree, unit) -> None:
    customer = unit.customer
    their = EquipmentFactory.create(
        customer=CustomerFactory.create(organisation=org_tree.branch_b, phone="13912340000")
    )

    by_phone = desk.get(f"{URL}lookup/", {"q": customer.phone[:7]}).json()
    by_serial = desk.get(f"{URL}lookup/", {"q": unit.serial.lower()}).json()
    theirs = desk.get(f"{URL}lookup/", {"q": their.serial}).json()
    too_short = desk.get(f"{URL}lookup/", {"q": "13"}).json()
    empty = desk.get(f"{URL}lookup/", {"q": ""}).json()
    missing = desk.get(f"{URL}lookup/")

    assert customer.pk in [row["id"] for row in by_phone["customers"]]
    assert unit.pk in [row["id"] for row in by_phone["equipment"]]
    assert [row["id"] for row in by_serial["equipment"]] == [unit.pk]
    assert by_serial["equipment"][0]["product_model"]["id"] == unit.product_model_id
    assert theirs == {"customers": [], "equipment": []}
    assert too_short == empty == {"customers": [], "equipment": []}
    assert missing.status_code == 400
    assert "q" in missing.json()


# --- the schema -------------------------------------------------------------------------------


def test_openapi_schema_validates_without_warnings(tmp_path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))

    paths = schema["paths"]
    assert {
        "/api/work-orders/",
        "/api/work-orders/{id}/",
        "/api/work-orders/{id}/transitions/",
        "/api/work-orders/{id}/sign/",
        "/api/work-orders/{id}/labour/",
        "/api/work-orders/{id}/parts/",
        "/api/work-orders/{id}/attachments/",
        "/api/work-orders/{id}/category/",
        "/api/work-orders/{id}/mode/",
        "/api/work-orders/{id}/escalate/",
        "/api/work-orders/lookup/",
    } <= set(paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "patch", "put"):
                assert "400" in codes, (method, path)
    transitions = paths["/api/work-orders/{id}/transitions/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(transitions["responses"])
    components = schema["components"]["schemas"]
    body = components["WorkOrderTransitionRequest"]
    assert set(body["discriminator"]["mapping"]) == set(TRANSITIONS)
    # Unknown fields are refused, and the schema says so; a PATCH needs the version.
    assert components["DispatchTransitionRequest"]["additionalProperties"] is False
    assert components["PatchedWorkOrderUpdateRequest"]["required"] == ["version"]
