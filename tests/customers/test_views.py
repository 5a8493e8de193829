"""Customer and site pages: scoping, bounded queries, forms that keep what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.core.models import Role
from shouhou.customers.models import Customer
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_client(client, org_tree, make_user):
    client.force_login(make_user(org_tree.branch_a, Role.DISPATCHER))
    return client


def test_list_shows_only_the_users_customers(branch_client, org_tree) -> None:
    mine = CustomerFactory.create(organisation=org_tree.outlet_a1, name="我的客户")
    CustomerFactory.create(organisation=org_tree.branch_b, name="别人的客户")

    response = branch_client.get(reverse("customers:list"))

    assert response.status_code == 200
    assert list(response.context["page"].rows) == [mine]
    assert "别人的客户" not in response.content.decode()


def test_list_runs_a_bounded_number_of_queries(
    branch_client, org_tree, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        CustomerFactory.create(organisation=org_tree.branch_a)
    with django_assert_max_num_queries(8):
        response = branch_client.get(reverse("customers:list"), {"sort": "name"})
    assert len(response.context["page"].rows) == 25
    assert response.context["page"].has_next


def test_search_and_filters_narrow_the_list(branch_client, org_tree) -> None:
    target = CustomerFactory.create(organisation=org_tree.branch_a, name="宏达机电", grade="A")
    CustomerFactory.create(organisation=org_tree.branch_a, name="宏达贸易", grade="B")
    CustomerFactory.create(organisation=org_tree.branch_a, name="其他", grade="A")

    response = branch_client.get(reverse("customers:list"), {"q": "宏达", "grade": "A"})

    assert list(response.context["page"].rows) == [target]


def test_invalid_filter_shows_an_error_not_everything(branch_client, org_tree) -> None:
    CustomerFactory.create(organisation=org_tree.branch_a)
    response = branch_client.get(reverse("customers:list"), {"organisation": "999999"})
    assert response.status_code == 200
    assert response.context["page"].rows == []
    assert response.context["filterset"].errors


def test_another_organisations_customer_is_not_found(branch_client, org_tree) -> None:
    theirs = CustomerFactory.create(organisation=org_tree.branch_b)
    assert branch_client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert branch_client.get(reverse("customers:update", args=[theirs.pk])).status_code == 404


def test_customer_file_bounded_queries(
    branch_client, org_tree, django_assert_max_num_queries
) -> None:
    customer = CustomerFactory.create(organisation=org_tree.branch_a)
    for _ in range(3):
        site = SiteFactory.create(customer=customer)
        EquipmentFactory.create(customer=customer, site=site)
    with django_assert_max_num_queries(14):
        response = branch_client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    assert len(response.context["equipment"]) == 3


def test_create_customer_through_the_form(branch_client, org_tree) -> None:
    response = branch_client.post(
        reverse("customers:create"),
        {
            "name": "新客户",
            "kind": "company",
            "grade": "C",
            "source": "sales",
            "phone": "13912345678",
            "organisation": org_tree.outlet_a1.pk,
        },
    )
    customer = Customer.objects.get(name="新客户")
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    assert customer.organisation == org_tree.outlet_a1


def test_rejected_form_keeps_what_was_typed(branch_client, org_tree) -> None:
    response = branch_client.post(
        reverse("customers:create"),
        {
            "name": "保留的名字",
            "kind": "company",
            "grade": "C",
            "source": "sales",
            "email": "broken",
            "organisation": org_tree.branch_b.pk,  # outside the user's subtree
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "organisation"}
    assert 'value="保留的名字"' in response.content.decode()
    assert not Customer.objects.filter(name="保留的名字").exists()


def test_edit_with_a_stale_version_is_refused(branch_client, org_tree, hq_admin) -> None:
    from shouhou.customers.services import update_customer

    customer = CustomerFactory.create(organisation=org_tree.branch_a, name="旧名")
    update_customer(customer=customer, by=hq_admin, expected_version=1, name="别人改的")

    response = branch_client.post(
        reverse("customers:update", args=[customer.pk]),
        {
            "name": "我改的",
            "code": customer.code,
            "kind": "company",
            "grade": "C",
            "source": "sales",
            "organisation": org_tree.branch_a.pk,
            "version": 1,
        },
    )

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "别人改的"


def test_csv_export_streams_the_filtered_rows(branch_client, org_tree) -> None:
    CustomerFactory.create(organisation=org_tree.branch_a, name="导出客户")
    CustomerFactory.create(organisation=org_tree.branch_b, name="不可见客户")

    response = branch_client.get(reverse("customers:list"), {"export": "csv"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "导出客户" in body
    assert "不可见客户" not in body
    assert response["Content-Type"].startswith("text/csv")


def test_autocomplete_answers_only_visible_rows(branch_client, org_tree) -> None:
    CustomerFactory.create(organisation=org_tree.branch_a, name="宏达甲")
    CustomerFactory.create(organisation=org_tree.branch_b, name="宏达乙")

    response = branch_client.get(reverse("core:autocomplete", args=["customers"]), {"q": "宏达"})

    labels = [row["label"] for row in response.json()["results"]]
    assert len(labels) == 1
    assert labels[0].startswith("宏达甲")


def test_autocomplete_of_unknown_source_is_not_found(branch_client) -> None:
    assert branch_client.get(reverse("core:autocomplete", args=["users"])).status_code == 404


def test_pages_need_a_login(client) -> None:
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_technician_cannot_open_the_new_customer_form(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.service_centre, Role.TECHNICIAN))
    assert client.get(reverse("customers:create")).status_code == 403
