"""The voucher and receipt PDFs (their text read back with pdftotext) and the signing page."""

from __future__ import annotations

import base64
import datetime
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from shouhou.core.models import Role, User
from shouhou.tickets import documents, services
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.conftest import TINY_PNG
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

CUSTOMER_NAME = "上海宏达机电有限公司"
SYMPTOM = "出钞口卡钞，屏幕提示故障代码E301"
TINY_PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader would copy it: proves the fonts carry their Unicode mapping."""
    assert content.startswith(b"%PDF-")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607 - poppler-utils, installed in CI
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """pdftotext breaks long lines where the PDF wraps them; compare without whitespace."""
    return "".join(text.split())


@pytest.fixture
def order_of(org_tree, dispatcher):  # noqa: ANN001
    def make(**kwargs: object) -> WorkOrder:
        customer = CustomerFactory.create(organisation=org_tree.service_centre, name=CUSTOMER_NAME)
        unit = EquipmentFactory.create(customer=customer)
        return WorkOrderFactory.create(by=dispatcher, equipment=unit, symptom=SYMPTOM, **kwargs)

    return make


def on_site_resolved(order: WorkOrder, *, dispatcher: User, technician: User) -> WorkOrder:
    """Dispatch, travel, record a part and labour, resolve: ready for the customer to sign."""
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    for service in (
        services.accept_work_order,
        services.depart_work_order,
        services.arrive_work_order,
    ):
        order = service(work_order=order, by=technician, expected_version=order.version)
    services.add_part_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        part_name="电源板",
        part_code="PWR-220",
        quantity=2,
    )
    order.refresh_from_db()
    services.add_labour_line(
        work_order=order,
        by=technician,
        expected_version=order.version,
        technician=technician,
        worked_on=datetime.date(2026, 11, 20),
        minutes=95,
        description="更换电源板并测试",
    )
    order.refresh_from_db()
    return services.resolve_work_order(
        work_order=order, by=technician, expected_version=order.version, work_done="更换电源板"
    )


@pytest.fixture
def technician(org_tree, make_user) -> User:  # noqa: ANN001
    return make_user(org_tree.service_centre, Role.TECHNICIAN, name="王建军")


def test_unsigned_voucher_pdf_reads_in_chinese(order_of, dispatcher, technician) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)

    text = flat(pdf_text(documents.voucher_pdf(work_order=order)))

    assert CUSTOMER_NAME in text
    assert order.number in text
    assert flat(SYMPTOM) in text
    assert "unsigned" in text
    assert "电源板" in text
    assert "PWR-220" in text
    assert "王建军" in text
    assert "95" in text


def test_signed_voucher_pdf_shows_its_number_and_the_signer(
    order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    order = services.sign_voucher(
        work_order=order,
        by=technician,
        expected_version=order.version,
        signer_name="李秀英",
        signature_png=TINY_PNG,
    )

    text = flat(pdf_text(documents.voucher_pdf(work_order=order)))

    assert order.voucher.number in text
    assert order.number in text
    assert "李秀英" in text
    assert "unsigned" not in text


def test_voucher_prints_even_when_the_signature_file_is_gone(
    order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    order = services.sign_voucher(
        work_order=order,
        by=technician,
        expected_version=order.version,
        signer_name="李秀英",
        signature_png=TINY_PNG,
    )
    order.voucher.signature.storage.delete(str(order.voucher.signature.name))

    text = flat(pdf_text(documents.voucher_pdf(work_order=order)))

    assert "李秀英" in text
    assert "signatureimagemissing" in text


def test_receipt_pdf_is_marked_void_once_the_goods_are_back(
    order_of, dispatcher, make_user, org_tree
) -> None:
    supervisor = make_user(org_tree.service_centre, Role.SERVICE_MANAGER)
    order = order_of(resolution_mode="carry_in", channel="walk_in")
    order = services.take_in_goods(
        work_order=order,
        by=dispatcher,
        expected_version=order.version,
        items="点钞机一台",
        accessories="电源线一根",
        condition="外壳有划痕",
    )
    receipt_number = order.receipt.number

    text = flat(pdf_text(documents.receipt_pdf(work_order=order)))
    assert receipt_number in text
    assert order.number in text
    assert CUSTOMER_NAME in text
    assert "点钞机一台" in text
    assert "外壳有划痕" in text
    assert "VOID" not in text

    for service in (services.start_repair, services.request_inspection):
        order = service(work_order=order, by=dispatcher, expected_version=order.version)
    order = services.inspect_repair(
        work_order=order, by=supervisor, expected_version=order.version, passed=True
    )
    order = services.return_goods(work_order=order, by=dispatcher, expected_version=order.version)

    assert "VOID" in pdf_text(documents.receipt_pdf(work_order=order))


def test_pdf_views_answer_inline_with_the_number(
    client: Client, order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    client.force_login(dispatcher)

    response = client.get(reverse("ticket_documents:voucher-pdf", args=[order.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{order.number}.pdf"'
    assert CUSTOMER_NAME in flat(pdf_text(response.content))
    # No receipt on an on-site order.
    missing = client.get(reverse("ticket_documents:receipt-pdf", args=[order.pk]))
    assert missing.status_code == 404


def test_receipt_view_is_named_after_the_receipt(client: Client, order_of, dispatcher) -> None:
    order = order_of(resolution_mode="carry_in", channel="walk_in")
    order = services.take_in_goods(
        work_order=order, by=dispatcher, expected_version=order.version, items="主机"
    )
    client.force_login(dispatcher)

    response = client.get(reverse("ticket_documents:receipt-pdf", args=[order.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{order.receipt.number}.pdf"'


def test_another_organisations_documents_are_not_found(
    client: Client, order_of, make_user, org_tree
) -> None:
    order = order_of()
    client.force_login(make_user(org_tree.branch_b, Role.DISPATCHER))

    for name in ("voucher-pdf", "receipt-pdf", "sign"):
        assert client.get(reverse(f"ticket_documents:{name}", args=[order.pk])).status_code == 404


def test_documents_need_the_view_permission(client: Client, order_of, make_user, org_tree) -> None:
    order = order_of()
    client.force_login(make_user(org_tree.service_centre, "", username="no-role"))
    response = client.get(reverse("ticket_documents:voucher-pdf", args=[order.pk]))
    assert response.status_code == 403


# --- signing -------------------------------------------------------------------------------


def sign_url(order: WorkOrder) -> str:
    return reverse("ticket_documents:sign", args=[order.pk])


def test_signing_page_stores_the_signature(
    client: Client, order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    client.force_login(technician)
    page = client.get(sign_url(order))
    assert page.status_code == 200
    content = page.content.decode()
    assert "更换电源板" in content
    assert "PWR-220" in content
    assert "<canvas" in content
    assert page.context["form"].initial["version"] == order.version

    response = client.post(
        sign_url(order),
        {"signer_name": "李秀英", "signature": TINY_PNG_DATA_URL, "version": order.version},
    )

    order.refresh_from_db()
    assert order.status == WorkOrderStatus.SIGNED
    assert order.voucher.signer_name == "李秀英"
    assert order.voucher.signature.read() == TINY_PNG
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[order.pk])


def test_empty_signature_is_refused_and_the_name_kept(
    client: Client, order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    client.force_login(technician)

    response = client.post(
        sign_url(order), {"signer_name": "李秀英", "signature": "", "version": order.version}
    )

    assert response.status_code == 200
    assert "sign in the box first" in response.content.decode()
    assert 'value="李秀英"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.RESOLVED


def test_garbage_signature_is_refused(client: Client, order_of, dispatcher, technician) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    client.force_login(technician)
    not_png = "data:image/png;base64," + base64.b64encode(b"<svg/>").decode()

    for signature in ("data:image/png;base64,@@@", not_png, "javascript:alert(1)"):
        response = client.post(
            sign_url(order),
            {"signer_name": "李秀英", "signature": signature, "version": order.version},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.RESOLVED


def test_stale_version_gets_a_conflict_message(
    client: Client, order_of, dispatcher, technician
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    client.force_login(technician)
    stale = order.version
    services.update_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, contact_phone="13900000000"
    )

    response = client.post(
        sign_url(order), {"signer_name": "李秀英", "signature": TINY_PNG_DATA_URL, "version": stale}
    )

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert 'value="李秀英"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.RESOLVED


def test_order_not_ready_shows_why_and_refuses_a_signature(
    client: Client, order_of, dispatcher, technician
) -> None:
    order = order_of()
    order = services.dispatch_work_order(
        work_order=order, by=dispatcher, expected_version=order.version, technician=technician
    )
    client.force_login(technician)

    page = client.get(sign_url(order))
    assert page.status_code == 200
    assert "nothing to sign now" in page.content.decode()
    assert "<canvas" not in page.content.decode()

    response = client.post(
        sign_url(order),
        {"signer_name": "李秀英", "signature": TINY_PNG_DATA_URL, "version": order.version},
    )
    assert response.status_code == 200
    assert "not possible for a work order that is Dispatched" in response.content.decode()
    assert 'value="李秀英"' in response.content.decode()


def test_only_the_assigned_technician_or_a_dispatcher_may_sign(
    client: Client, order_of, dispatcher, technician, make_user, org_tree
) -> None:
    order = on_site_resolved(order_of(), dispatcher=dispatcher, technician=technician)
    other_technician = make_user(org_tree.service_centre, Role.TECHNICIAN)
    agent = make_user(org_tree.service_centre, Role.AGENT)

    for user, status in ((other_technician, 403), (agent, 403), (dispatcher, 200)):
        client.force_login(user)
        assert client.get(sign_url(order)).status_code == status, user.role
