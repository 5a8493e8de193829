"""Organisation pages, home, login throttling and language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.core.models import Organisation, OrganisationKind, Role
from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_organisation_list_shows_the_users_subtree(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.branch_a, Role.ADMIN))
    response = client.get(reverse("core:organisation-list"))
    assert [row.code for row in response.context["page"].rows] == ["BANK-A", "BANK-A1"]


def test_create_child_organisation(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.bank, Role.ADMIN))
    response = client.post(
        reverse("core:organisation-create"),
        {
            "name": "C分行",
            "code": "BANK-C",
            "kind": OrganisationKind.CLIENT,
            "parent": org_tree.bank.pk,
            "is_active": "on",
        },
    )
    created = Organisation.objects.get(code="BANK-C")
    assert response["Location"] == created.get_absolute_url()
    assert created.path.startswith(org_tree.bank.path)


def test_home_lists_what_the_role_may_open(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.service_centre, Role.TECHNICIAN))
    labels = [
        str(entry["label"]) for entry in client.get(reverse("core:home")).context["navigation"]
    ]
    assert "Equipment" in labels
    assert "Operations" not in labels


def test_login_locks_after_repeated_failures(client, org_tree, make_user, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user(org_tree.service_centre)
    for _ in range(3):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})

    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password(client, org_tree, make_user) -> None:
    user = make_user(org_tree.service_centre)
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_chinese_is_the_default_language(client, org_tree, make_user, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(make_user(org_tree.service_centre))
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert "客户" in page
    english = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customers" in english


def test_csrf_is_enforced(org_tree, make_user) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(org_tree.hq, Role.ADMIN))
    response = strict.post(reverse("core:organisation-create"), {"name": "x"})
    assert response.status_code == 403


def test_health_check_needs_no_login(client) -> None:
    response = client.get(reverse("core:health"))
    assert response.json() == {"status": "ok", "database": "ok"}


def test_history_reads_like_prose(client, org_tree, make_user) -> None:
    from shouhou.customers.services import update_customer
    from tests.customers.factories import CustomerFactory

    user = make_user(org_tree.hq, Role.ADMIN)
    customer = CustomerFactory.create(organisation=org_tree.branch_a, grade="C")
    update_customer(
        customer=customer, by=user, expected_version=1, grade="A", organisation=org_tree.branch_b
    )
    client.force_login(user)

    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert "grade</b>: C (ordinary) → A (core)" in page
    assert "organisation</b>: 某银行A分行 → 某银行B分行" in page


def test_the_top_bar_groups_the_entries_into_menus(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.hq, Role.ADMIN))
    response = client.get(reverse("customers:list"))
    groups = {group["key"]: group for group in response.context["navigation_groups"]}
    assert [str(entry["label"]) for entry in groups["customers"]["entries"]][:2] == [
        "Customers",
        "Sites",
    ]
    assert groups["customers"]["active"]
    assert not groups["service"]["active"]
    assert 'class="navgroup active" data-group="customers"' in response.content.decode()
    # every entry is in exactly one menu
    grouped = [entry["url"] for group in groups.values() for entry in group["entries"]]
    assert sorted(grouped) == sorted(entry["url"] for entry in response.context["navigation"])


def test_a_menu_with_one_entry_is_a_plain_link(client, org_tree, make_user) -> None:
    client.force_login(make_user(org_tree.service_centre, Role.TECHNICIAN))
    response = client.get(reverse("core:home"))
    single = [g for g in response.context["navigation_groups"] if len(g["entries"]) == 1]
    assert single
    page = response.content.decode()
    for group in single:
        assert f'data-group="{group["key"]}"' not in page
        assert f'href="{group["entries"][0]["url"]}"' in page
