"""Work-order pages: intake screen-pop and form, the list's saved views and order, the work
order's page with its actions per role, stale versions, scoping, attachments, goods register."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from shouhou.core.models import Role
from shouhou.tickets import services
from shouhou.tickets.models import (
    GoodsDirection,
    ResolutionMode,
    ServiceCategory,
    WorkOrder,
    WorkOrderStatus,
)
from shouhou.tickets.templatetags.work_order_tags import url_if_exists
from tests.assets.factories import EquipmentFactory, ProductModelFactory
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.tickets.conftest import TINY_PNG
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
S = WorkOrderStatus
CONFLICT = "Someone else changed this record after you opened it."
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(client, dispatcher):
    """The service centre's dispatcher, logged in."""
    client.force_login(dispatcher)
    return client


def login(client, user):
    client.force_login(user)
    return client


def detail_url(order: WorkOrder) -> str:
    return reverse("tickets:detail", args=[order.pk])


def action_url(order: WorkOrder, action: str) -> str:
    return reverse("tickets:action", args=[order.pk, action])


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def offered(response) -> list[str]:
    return [item["action"].name for item in response.context["actions"]]


# --- intake -----------------------------------------------------------------------------------


def test_screen_pop_finds_the_caller_by_phone(desk, org_tree) -> None:
    customer = CustomerFactory.create(
        organisation=org_tree.service_centre, name="宏达机电", phone="02155556666"
    )
    unit = EquipmentFactory.create(customer=customer, serial="GRG0001")

    response = desk.get(reverse("tickets:caller-lookup"), {"q": "0215555"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "宏达机电" in html
    assert f'data-fill-equipment="{unit.pk}"' in html
    assert f'data-fill-customer="{customer.pk}"' in html


def test_screen_pop_finds_the_unit_by_serial(desk, org_tree) -> None:
    site = SiteFactory.create(
        customer__organisation=org_tree.service_centre,
        contact_name="赵经理",
        contact_phone="13900001111",
    )
    unit = EquipmentFactory.create(customer=site.customer, site=site, serial="ATM778899")

    response = desk.get(reverse("tickets:caller-lookup"), {"q": "atm7788"})

    html = response.content.decode()
    assert "ATM778899" in html
    assert f'data-fill-equipment="{unit.pk}"' in html
    assert f'data-fill-site="{site.pk}"' in html
    assert 'data-fill-contact-phone="13900001111"' in html


def test_screen_pop_waits_for_three_characters_and_offers_a_new_customer(desk) -> None:
    short = desk.get(reverse("tickets:caller-lookup"), {"q": "13"})
    nothing = desk.get(reverse("tickets:caller-lookup"), {"q": "99999999"})

    assert "at least 3 characters" in short.content.decode()
    assert reverse("customers:create") in nothing.content.decode()


def test_screen_pop_does_not_show_other_organisations_callers(desk, org_tree) -> None:
    CustomerFactory.create(organisation=org_tree.other_client, name="别人家", phone="02177778888")

    response = desk.get(reverse("tickets:caller-lookup"), {"q": "0217777"})

    assert "别人家" not in response.content.decode()


def intake_data(unit, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "customer": unit.customer.pk,
        "equipment": unit.pk,
        "contact_name": "王先生",
        "contact_phone": "13912340000",
        "address": "上海市黄浦区南京东路1号",
        "symptom": "开机无显示",
        "channel": "phone",
        "priority": "normal",
        "resolution_mode": "on_site",
        "has_purchase_proof": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_intake_registers_the_call_and_shows_the_decisions(desk, unit, dispatcher) -> None:
    response = desk.post(reverse("tickets:intake"), intake_data(unit), follow=True)

    order = WorkOrder.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(order)
    assert (order.registered_by, order.equipment, order.status) == (dispatcher, unit, S.REGISTERED)
    assert order.is_in_warranty
    assert order.service_category == ServiceCategory.FREE
    html = response.content.decode()
    assert order.number in html
    assert order.warranty_note in html
    assert order.get_service_category_display() in html


def test_intake_without_proof_of_purchase_is_out_of_warranty(desk, unit) -> None:
    desk.post(reverse("tickets:intake"), intake_data(unit, has_purchase_proof=None))

    order = WorkOrder.objects.get()
    assert not order.is_in_warranty
    assert order.service_category == ServiceCategory.PAID


def test_intake_keeps_what_was_typed_when_refused(desk, unit) -> None:
    response = desk.post(
        reverse("tickets:intake"), intake_data(unit, symptom="", contact_name="独一无二的名字")
    )

    assert response.status_code == 200
    assert "symptom" in response.context["form"].errors
    assert "独一无二的名字" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_intake_shows_the_services_refusal_on_the_field(desk, unit, org_tree) -> None:
    other = CustomerFactory.create(organisation=org_tree.service_centre)

    response = desk.post(reverse("tickets:intake"), intake_data(unit, customer=other.pk))

    assert response.context["form"].errors["equipment"] == [
        "The equipment belongs to another customer."
    ]
    assert not WorkOrder.objects.exists()


def test_intake_of_a_unit_not_in_the_archive(desk, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.service_centre, address="徐汇区1号")
    model = ProductModelFactory.create()

    desk.post(
        reverse("tickets:intake"),
        {
            "customer": customer.pk,
            "contact_name": "钱女士",
            "contact_phone": "13700001111",
            "symptom": "卡纸",
            "channel": "walk_in",
            "priority": "urgent",
            "resolution_mode": "carry_in",
            "product_model": model.pk,
            "reported_serial": "x-123",
            "promised_at": "2026-12-01T10:30",
        },
    )

    order = WorkOrder.objects.get()
    assert (order.product_model, order.reported_serial, order.address) == (
        model,
        "X-123",
        "徐汇区1号",
    )
    assert timezone.localtime(order.promised_at).hour == 10


def test_intake_ignores_a_typed_model_when_the_unit_is_known(desk, unit) -> None:
    other_model = ProductModelFactory.create()

    desk.post(
        reverse("tickets:intake"),
        intake_data(unit, product_model=other_model.pk, reported_serial="SOMETHING"),
    )

    order = WorkOrder.objects.get()
    assert (order.product_model, order.reported_serial) == (unit.product_model, unit.serial)


def test_intake_needs_the_register_permission(client, org_tree, make_user) -> None:
    login(client, make_user(org_tree.service_centre, Role.TECHNICIAN))
    assert client.get(reverse("tickets:intake")).status_code == 403
    assert client.get(reverse("tickets:caller-lookup"), {"q": "123"}).status_code == 403


# --- the list ---------------------------------------------------------------------------------


def rows(response) -> list[Any]:
    return list(response.context["page"].rows)


def test_saved_views(desk, dispatcher, technician, unit, org_tree) -> None:
    yesterday = timezone.now() - datetime.timedelta(days=1)
    others = CustomerFactory.create(organisation=org_tree.service_centre)
    unassigned = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    old_overdue = WorkOrderFactory.create(
        by=None,
        customer=others,
        equipment=None,
        reported_at=yesterday,
        promised_at=yesterday + datetime.timedelta(hours=2),
    )
    assigned = services.dispatch_work_order(
        work_order=old_overdue, technician=technician, by=dispatcher, expected_version=1
    )
    carried = WorkOrderFactory.create(by=None, equipment=unit, resolution_mode="carry_in")
    services.take_in_goods(work_order=carried, by=dispatcher, expected_version=1, items="主机")
    closed = WorkOrderFactory.create(by=None, equipment=unit, resolution_mode="phone")
    resolved = services.resolve_work_order(
        work_order=closed, by=dispatcher, expected_version=1, work_done="x"
    )
    services.close_work_order(work_order=resolved, by=dispatcher, expected_version=2)

    def view(name: str) -> set[int]:
        return {order.pk for order in rows(desk.get(reverse("tickets:list"), {"view": name}))}

    assert view("mine") == {unassigned.pk}
    assert view("today") == {unassigned.pk, carried.pk, closed.pk}
    assert view("unassigned") == {unassigned.pk}
    assert view("open") == {unassigned.pk, assigned.pk, carried.pk}
    assert view("overdue") == {assigned.pk}
    assert view("carried_in") == {carried.pk}
    assert view("closed") == {closed.pk}
    login(desk, technician)
    assert view("mine") == {assigned.pk}


def test_carried_over_calls_come_first_with_a_badge(desk, dispatcher, unit) -> None:
    now = timezone.now()
    today = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    two_days_ago = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, reported_at=now - datetime.timedelta(days=2)
    )
    yesterday = WorkOrderFactory.create(
        by=dispatcher, equipment=unit, reported_at=now - datetime.timedelta(days=1)
    )

    response = desk.get(reverse("tickets:list"))

    assert rows(response) == [two_days_ago, yesterday, today]
    assert response.content.decode().count("carried over</span>") == 2
    newest = desk.get(reverse("tickets:list"), {"sort": "newest"})
    assert rows(newest) == [today, yesterday, two_days_ago]


def test_list_search_and_filters(desk, dispatcher, technician, org_tree) -> None:
    customer = CustomerFactory.create(organisation=org_tree.service_centre, name="远东百货")
    wanted = WorkOrderFactory.create(
        by=dispatcher, equipment=None, customer=customer, contact_phone="13655550000"
    )
    other = WorkOrderFactory.create(
        by=dispatcher,
        equipment__customer__organisation=org_tree.service_centre,
        priority="urgent",
    )
    services.dispatch_work_order(
        work_order=other, technician=technician, by=dispatcher, expected_version=1
    )

    def found(**params: object) -> list[WorkOrder]:
        return rows(desk.get(reverse("tickets:list"), params))

    assert found(q="远东") == [wanted]
    assert found(q="1365555") == [wanted]
    assert found(q=wanted.number.lower()) == [wanted]
    assert found(status="dispatched") == [other]
    assert found(priority="urgent") == [other]
    assert found(technician=technician.pk) == [other]
    assert found(customer=customer.pk) == [wanted]
    assert found(reported_at_after=timezone.localdate().isoformat()) != []


def test_list_shows_only_visible_orders(client, org_tree, make_user, dispatcher, unit) -> None:
    WorkOrderFactory.create(by=dispatcher, equipment=unit)
    login(client, make_user(org_tree.other_client, Role.DISPATCHER))

    assert rows(client.get(reverse("tickets:list"))) == []


def test_list_runs_a_bounded_number_of_queries(
    desk, dispatcher, technician, org_tree, django_assert_max_num_queries
) -> None:
    site = SiteFactory.create(customer__organisation=org_tree.service_centre)
    for _ in range(30):
        order = WorkOrderFactory.create(
            by=dispatcher, equipment__customer=site.customer, equipment__site=site
        )
        services.dispatch_work_order(
            work_order=order, technician=technician, by=dispatcher, expected_version=1
        )
    with django_assert_max_num_queries(9) as captured:
        response = desk.get(reverse("tickets:list"), {"view": "open", "technician": technician.pk})
    assert len(rows(response)) == 25
    assert response.context["page"].has_next
    work_order_sql = [
        q["sql"] for q in captured.captured_queries if "tickets_workorder" in q["sql"]
    ]
    assert work_order_sql
    assert not [sql for sql in work_order_sql if "COUNT(" in sql.upper()]


def test_list_exports_csv(desk, dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)

    response = desk.get(reverse("tickets:list"), {"export": "csv"})

    content = b"".join(response.streaming_content).decode()
    assert order.number in content
    assert "carried over" not in content


# --- the work order's page --------------------------------------------------------------------


@pytest.fixture
def dispatched(dispatcher, technician, unit) -> WorkOrder:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit)
    return services.dispatch_work_order(
        work_order=order, technician=technician, by=dispatcher, expected_version=order.version
    )


def test_detail_shows_the_order(desk, dispatched, unit) -> None:
    response = desk.get(detail_url(dispatched))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        dispatched.number,
        unit.serial,
        dispatched.warranty_note,
        dispatched.get_service_category_display(),
        str(dispatched.technician),
        "Dispatched",
    ):
        assert text in html, text


@pytest.fixture
def bank_order(org_tree, dispatcher, technician) -> WorkOrder:
    """A bank branch's unit served by the service centre, dispatched to its technician."""
    unit = EquipmentFactory.create(
        customer__organisation=org_tree.branch_a, serving_provider=org_tree.service_centre
    )
    order = WorkOrderFactory.create(by=None, equipment=unit, address="某银行A分行营业部")
    return services.dispatch_work_order(
        work_order=order, technician=technician, by=dispatcher, expected_version=order.version
    )


def test_detail_offers_each_role_its_own_buttons(
    client, bank_order, technician, dispatcher, org_tree, make_user
) -> None:
    order = bank_order
    other_technician = make_user(org_tree.service_centre, Role.TECHNICIAN)
    customer_user = make_user(org_tree.branch_a, Role.CUSTOMER_USER)

    as_technician = login(client, technician).get(detail_url(order))
    assert offered(as_technician) == ["accept", "wait_for_customer"]
    assert action_url(order, "accept") in as_technician.content.decode()
    assert action_url(order, "dispatch") not in as_technician.content.decode()

    as_dispatcher = login(client, dispatcher).get(detail_url(order))
    assert offered(as_dispatcher) == ["dispatch", "accept", "wait_for_customer", "cancel"]
    assert action_url(order, "cancel") in as_dispatcher.content.decode()

    assert offered(login(client, other_technician).get(detail_url(order))) == []
    as_customer = login(client, customer_user).get(detail_url(order))
    assert as_customer.status_code == 200
    assert offered(as_customer) == []
    html = as_customer.content.decode()
    assert "/actions/" not in html
    assert 'method="post" action="/work-orders/' not in html


def test_detail_runs_a_bounded_number_of_queries(
    desk, dispatched, dispatcher, technician, django_assert_max_num_queries
) -> None:
    order = dispatched
    for minutes in (30, 45, 60):
        services.add_labour_line(
            work_order=fresh(order),
            by=dispatcher,
            expected_version=fresh(order).version,
            technician=technician,
            worked_on=timezone.localdate(),
            minutes=minutes,
        )
        services.add_part_line(
            work_order=fresh(order),
            by=dispatcher,
            expected_version=fresh(order).version,
            part_name="电源板",
        )
        services.add_attachment(
            work_order=fresh(order),
            by=dispatcher,
            upload=SimpleUploadedFile("fault.pdf", PDF, content_type="application/pdf"),
        )
    with django_assert_max_num_queries(22):
        response = desk.get(detail_url(order))
    assert len(response.context["papers"].labour) == 3
    assert len(response.context["timeline"]) == 11


ACTION_PATHS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    # (who, action, form data) from a registered order with the path's resolution mode.
    "on_site": [
        ("dispatcher", "dispatch", {"technician": "{technician}"}),
        ("technician", "accept", {}),
        ("technician", "wait_for_parts", {"reason": "等配件"}),
        ("technician", "resume", {}),
        ("technician", "depart", {}),
        ("technician", "arrive", {}),
        ("technician", "resolve_on_site", {"work_done": "更换电源板"}),
    ],
    "phone": [
        ("dispatcher", "resolve_by_phone", {"work_done": "指导客户重启"}),
        ("dispatcher", "close_without_signature", {}),
    ],
    "carry_in": [
        ("dispatcher", "take_in", {"items": "主机一台", "accessories": "电源线"}),
        ("technician", "wait_for_customer", {"reason": "等客户确认报价"}),
        ("technician", "resume", {}),
        ("technician", "start_repair", {}),
        ("technician", "request_inspection", {}),
        ("supervisor", "fail_inspection", {"note": "仍有异响"}),
        ("technician", "request_inspection", {}),
        ("supervisor", "pass_inspection", {"note": ""}),
        ("technician", "return_goods", {"note": ""}),
    ],
    "exchange": [
        ("dispatcher", "take_in", {"items": "主机一台"}),
        ("dispatcher", "send_to_factory", {"note": "顺丰"}),
        ("dispatcher", "receive_from_factory", {"replacement_serial": "new-1", "note": ""}),
        ("supervisor", "pass_inspection", {}),
        ("dispatcher", "return_goods", {}),
    ],
    "cancel": [("dispatcher", "cancel", {"reason": "客户已自行修好"})],
}


@pytest.mark.parametrize("path", ACTION_PATHS)
def test_every_action_posts_through_and_refuses_a_stale_version(
    path, client, dispatcher, technician, supervisor, unit
) -> None:
    """Walk the path on the web: each step first with the version read before the previous
    step (refused with the conflict message, nothing changed), then with the current one."""
    # A dispatched order makes the technician the assigned one for the carry-in path.
    mode = {"cancel": "on_site"}.get(path, path)
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, resolution_mode=mode)
    if path == "carry_in":
        order = services.dispatch_work_order(
            work_order=order, technician=technician, by=dispatcher, expected_version=1
        )
        for service in (
            services.accept_work_order,
            services.depart_work_order,
            services.arrive_work_order,
        ):
            order = service(work_order=order, by=technician, expected_version=order.version)
    people = {"dispatcher": dispatcher, "technician": technician, "supervisor": supervisor}
    for who, action, data in ACTION_PATHS[path]:
        login(client, people[who])
        order = fresh(order)
        filled = {key: value.format(technician=technician.pk) for key, value in data.items()}
        if order.version > 1:
            stale = client.post(action_url(order, action), {**filled, "version": order.version - 1})
            assert stale.status_code == 200, action
            assert CONFLICT in stale.content.decode(), action
            assert fresh(order).version == order.version, action

        response = client.post(action_url(order, action), {**filled, "version": order.version})

        assert response.status_code == 302, (action, response.content.decode()[-3000:])
        assert response["Location"] == detail_url(order)
        assert fresh(order).version > order.version, action
    final = fresh(order).status
    assert final in {S.RESOLVED, S.CLOSED, S.CANCELLED}


def test_stale_version_keeps_the_typed_reason_and_the_page_usable(
    desk, dispatched, dispatcher, technician
) -> None:
    read_version = dispatched.version
    services.accept_work_order(work_order=dispatched, by=technician, expected_version=read_version)

    response = desk.post(
        action_url(dispatched, "cancel"), {"reason": "客户取消报修", "version": read_version}
    )

    html = response.content.decode()
    assert CONFLICT in html
    assert "客户取消报修" in html
    rejected = response.context["rejected"].form
    assert rejected["version"].value() == str(fresh(dispatched).version)
    assert offered(response) == [
        "dispatch",
        "depart",
        "wait_for_parts",
        "wait_for_customer",
        "cancel",
    ]
    again = desk.post(action_url(dispatched, "cancel"), dict(rejected.data.items()))
    assert again.status_code == 302
    assert fresh(dispatched).status == S.CANCELLED


def test_refused_action_shows_the_services_message(desk, dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, resolution_mode="exchange")
    order = services.take_in_goods(work_order=order, by=dispatcher, expected_version=1, items="机")
    order = services.send_to_factory(work_order=order, by=dispatcher, expected_version=2)

    response = desk.post(
        action_url(order, "receive_from_factory"), {"version": order.version, "note": "到货"}
    )

    form = response.context["rejected"].form
    assert form.errors["replacement_serial"] == ["Give the replacement unit's serial number."]
    assert 'value="到货"' in response.content.decode()
    assert fresh(order).status == S.AT_FACTORY


def test_action_not_possible_in_this_state_is_explained(desk, dispatched) -> None:
    response = desk.post(action_url(dispatched, "start_repair"), {"version": dispatched.version})

    assert response.status_code == 200
    assert "is not possible for a work order" in response.content.decode()
    assert fresh(dispatched).status == S.DISPATCHED


def test_actions_need_their_permission(client, bank_order, technician, org_tree, make_user) -> None:
    customer_user = make_user(org_tree.branch_a, Role.CUSTOMER_USER)
    version = {"version": bank_order.version}

    login(client, technician)
    assert client.post(action_url(bank_order, "cancel"), version).status_code == 403
    login(client, customer_user)
    assert client.post(action_url(bank_order, "accept"), version).status_code == 403
    assert client.post(reverse("tickets:labour-add", args=[bank_order.pk])).status_code == 403
    assert client.post(action_url(bank_order, "no_such_action"), version).status_code == 404
    assert fresh(bank_order).status == S.DISPATCHED


def test_another_organisations_order_is_not_found_anywhere(
    client, dispatched, org_tree, make_user
) -> None:
    stranger = make_user(org_tree.other_client, Role.ADMIN)
    attachment = services.add_attachment(
        work_order=dispatched,
        by=dispatched.registered_by,
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )
    login(client, stranger)
    pk = dispatched.pk

    assert client.get(detail_url(dispatched)).status_code == 404
    assert client.get(reverse("tickets:attachment", args=[pk, attachment.pk])).status_code == 404
    for name in (
        "update",
        "category",
        "mode",
        "escalate",
        "labour-add",
        "part-add",
        "attachment-add",
    ):
        assert (
            client.post(reverse(f"tickets:{name}", args=[pk]), {"version": 2}).status_code == 404
        ), name
    for action in ("dispatch", "accept", "cancel"):
        assert client.post(action_url(dispatched, action), {"version": 2}).status_code == 404
    assert fresh(dispatched).version == dispatched.version


def test_corrections_category_mode_and_escalation(desk, dispatched, supervisor, technician) -> None:
    order = dispatched
    desk.post(
        reverse("tickets:update", args=[order.pk]),
        {
            "version": order.version,
            "contact_name": "新联系人",
            "contact_phone": order.contact_phone,
            "address": order.address,
            "zone": order.zone,
            "symptom": "屏幕闪烁",
            "priority": "urgent",
        },
    )
    order = fresh(order)
    assert (order.contact_name, order.symptom, order.priority) == ("新联系人", "屏幕闪烁", "urgent")

    desk.post(
        reverse("tickets:category", args=[order.pk]),
        {"version": order.version, "category": "A", "reason": "人为损坏"},
    )
    order = fresh(order)
    assert (order.service_category, order.category_reason) == ("A", "人为损坏")

    desk.post(reverse("tickets:mode", args=[order.pk]), {"version": order.version, "mode": "phone"})
    order = fresh(order)
    assert order.resolution_mode == ResolutionMode.PHONE

    refused = desk.post(
        reverse("tickets:escalate", args=[order.pk]),
        {"version": order.version, "to": technician.pk, "note": ""},
    )
    assert refused.context["rejected"].form.errors["to"]
    desk.post(
        reverse("tickets:escalate", args=[order.pk]),
        {"version": order.version, "to": supervisor.pk, "note": "客户催促"},
    )
    order = fresh(order)
    assert (order.escalated_to, order.escalation_note) == (supervisor, "客户催促")
    timeline = [item.action for item in desk.get(detail_url(order)).context["timeline"]]
    assert timeline[:4] == [
        "Escalated",
        "Resolution mode changed",
        "Service category changed",
        "Details corrected",
    ]


def test_category_change_without_a_reason_keeps_the_choice(desk, dispatched) -> None:
    response = desk.post(
        reverse("tickets:category", args=[dispatched.pk]),
        {"version": dispatched.version, "category": "D", "reason": ""},
    )

    form = response.context["rejected"].form
    assert "reason" in form.errors
    assert form["category"].value() == "D"
    assert fresh(dispatched).service_category == dispatched.service_category


def test_technician_records_labour_and_parts(client, dispatched, technician) -> None:
    login(client, technician)
    labour = client.post(
        reverse("tickets:labour-add", args=[dispatched.pk]),
        {
            "version": dispatched.version,
            "technician": technician.pk,
            "worked_on": timezone.localdate().isoformat(),
            "minutes": 90,
            "category": "C",
            "description": "检测",
        },
    )
    assert labour.status_code == 302
    part = client.post(
        reverse("tickets:part-add", args=[dispatched.pk]),
        {
            "version": fresh(dispatched).version,
            "part_name": "电源板",
            "part_code": "PSU-1",
            "quantity": 1,
            "disposition": "returned",
        },
    )
    assert part.status_code == 302

    response = client.get(detail_url(dispatched))
    assert response.context["papers"].labour_minutes == 90
    assert [line.part_name for line in response.context["papers"].parts] == ["电源板"]


def test_labour_with_too_many_minutes_is_refused(client, dispatched, technician) -> None:
    response = login(client, technician).post(
        reverse("tickets:labour-add", args=[dispatched.pk]),
        {
            "version": dispatched.version,
            "technician": technician.pk,
            "worked_on": timezone.localdate().isoformat(),
            "minutes": 5000,
            "category": "C",
        },
    )
    assert "minutes" in response.context["rejected"].form.errors
    assert not dispatched.labour.exists()


def test_attachment_upload_accepted_and_downloaded(desk, dispatched) -> None:
    upload = SimpleUploadedFile("故障照片.png", TINY_PNG, content_type="image/png")

    response = desk.post(reverse("tickets:attachment-add", args=[dispatched.pk]), {"file": upload})

    assert response.status_code == 302
    attachment = dispatched.attachments.get()
    assert attachment.original_name == "故障照片.png"
    download = desk.get(reverse("tickets:attachment", args=[dispatched.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == TINY_PNG
    assert download["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Attach a JPEG or PNG photo or a PDF document."),
        ("big.pdf", PDF + b"x" * 200, "The file is larger than"),
    ],
)
def test_attachment_upload_refused(desk, dispatched, settings, name, content, message) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100
    upload = SimpleUploadedFile(name, content)

    response = desk.post(reverse("tickets:attachment-add", args=[dispatched.pk]), {"file": upload})

    assert response.status_code == 200
    assert message in " ".join(response.context["rejected"].form.errors["file"])
    assert message in response.content.decode()
    assert not dispatched.attachments.exists()


def test_url_if_exists_gives_nothing_for_an_unknown_page() -> None:
    template = Template(
        "{% load work_order_tags %}[{% url_if_exists 'nowhere:page' 1 as url %}{{ url }}]"
        "[{% url_if_exists 'tickets:detail' 7 %}]"
    )
    assert template.render(Context()) == "[][/work-orders/7/]"


# --- autocomplete sources ---------------------------------------------------------------------


def test_technicians_and_directors_are_scoped(
    desk, technician, supervisor, org_tree, make_user
) -> None:
    outsider = make_user(org_tree.provider, Role.TECHNICIAN)

    def ids(source: str) -> set[int]:
        response = desk.get(reverse("core:autocomplete", args=[source]))
        return {row["id"] for row in response.json()["results"]}

    assert technician.pk in ids("technicians")
    assert outsider.pk not in ids("technicians")
    assert supervisor.pk not in ids("technicians")
    assert supervisor.pk in ids("directors")
    assert technician.pk not in ids("directors")


# --- goods register ---------------------------------------------------------------------------


def test_goods_register_lists_goods_in_and_out(desk, dispatcher, supervisor, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, resolution_mode="carry_in")
    order = services.take_in_goods(
        work_order=order, by=dispatcher, expected_version=1, items="主机"
    )
    for service in (services.start_repair, services.request_inspection):
        order = service(work_order=order, by=dispatcher, expected_version=order.version)
    order = services.inspect_repair(
        work_order=order, by=supervisor, expected_version=order.version, passed=True
    )
    order = services.return_goods(work_order=order, by=dispatcher, expected_version=order.version)
    services.sign_voucher(
        work_order=order,
        by=dispatcher,
        expected_version=order.version,
        signer_name="李女士",
        signature_png=TINY_PNG,
    )

    response = desk.get(reverse("tickets:goods-register"))

    movements = rows(response)
    assert [movement.direction for movement in movements] == [GoodsDirection.OUT, GoodsDirection.IN]
    html = response.content.decode()
    assert order.receipt.number in html
    assert f'href="{detail_url(order)}"' in html
    outgoing = rows(desk.get(reverse("tickets:goods-register"), {"direction": "out"}))
    assert [movement.direction for movement in outgoing] == [GoodsDirection.OUT]
    csv = b"".join(desk.get(reverse("tickets:goods-register"), {"export": "csv"}).streaming_content)
    assert order.receipt.number in csv.decode()


def test_timeline_reads_the_carry_in_paperwork(desk, dispatcher, unit) -> None:
    order = WorkOrderFactory.create(by=dispatcher, equipment=unit, resolution_mode="carry_in")
    order = services.take_in_goods(
        work_order=order, by=dispatcher, expected_version=1, items="主机一台", accessories="电源线"
    )

    response = desk.get(detail_url(order))

    timeline = response.context["timeline"]
    actions = [item.action for item in timeline]
    assert actions == ["Receipt issued", "Take the goods in", "Registered"]
    receipt_changes = {change.field: change.new for change in timeline[0].changes}
    assert receipt_changes == {"receipt number": order.receipt.number, "goods received": "主机一台"}
    html = response.content.decode()
    assert order.receipt.number in html
    receipt_pdf = url_if_exists("ticket_documents:receipt-pdf", order.pk)
    voucher_pdf = url_if_exists("ticket_documents:voucher-pdf", order.pk)
    assert not receipt_pdf or receipt_pdf in html
    assert not voucher_pdf or voucher_pdf not in html  # not dispatched: no voucher yet
