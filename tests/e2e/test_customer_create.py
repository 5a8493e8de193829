"""Through a real browser: log in, create a customer with the search-as-you-type organisation
field, switch the language, and keep what was typed when a form comes back with an error."""

from __future__ import annotations

import re
from typing import cast

from playwright.sync_api import Locator, Page, expect

from shouhou.assets.models import Equipment
from shouhou.core.models import AuditEntry, User
from shouhou.customers.models import Customer
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory
from tests.e2e.conftest import log_in


def field(page: Page, name: str) -> Locator:
    """The visible control of a form field, by its name (autocomplete fields: the search box)."""
    return page.locator(f".field:has([name='{name}'])")


def pick(page: Page, name: str, typed: str, choice: str) -> None:
    """Type part of a name into a search-as-you-type field and click the result that starts
    with `choice` (labels may add a number: "某客户 (C000001)")."""
    box = field(page, name).locator(".autocomplete-input")
    box.fill("")
    box.press_sequentially(typed, delay=30)
    results = field(page, name).locator(".autocomplete-results")
    label = re.compile(rf"^{re.escape(choice)}( \(.*\))?$")
    results.get_by_role("button", name=label).click()
    expect(box).to_have_value(label)
    expect(results).to_be_hidden()


def test_dispatcher_creates_a_customer(page: Page, hq_admin: User, org_tree: OrgTree) -> None:
    # given an administrator at headquarters, who sees every organisation
    log_in(page, hq_admin)

    # when they open the customer list, click New and fill in the form
    navigation = page.get_by_role("navigation")
    navigation.get_by_text("Customers and equipment").click()
    navigation.get_by_role("link", name="Customers", exact=True).click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    page.locator(".pagehead").get_by_role("link", name="New", exact=True).click()
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    page.locator("input[name=name]").fill("浦发测试客户有限公司")
    page.locator("select[name=grade]").select_option("A")
    page.locator("input[name=phone]").fill("021-68880000")
    pick(page, "organisation", "B分行", "某银行B分行")
    expect(page.locator("input[type=hidden][name=organisation]")).to_have_value(
        str(org_tree.branch_b.pk)
    )
    page.get_by_role("button", name="Save").click()

    # then they land on the customer's file, and the customer and its audit entry exist
    expect(page.locator("h1")).to_contain_text("浦发测试客户有限公司")
    customer = Customer.objects.get(name="浦发测试客户有限公司")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    assert customer.organisation == org_tree.branch_b
    assert customer.grade == "A"
    assert customer.code  # numbered automatically
    entry = AuditEntry.objects.get(object_id=str(customer.pk), action="customer.created")
    assert entry.actor == hq_admin
    expect(page.locator("body")).to_contain_text(customer.code)


def test_language_can_be_switched(page: Page, dispatcher: User) -> None:
    log_in(page, dispatcher)
    page.goto("/organisations/")
    language = page.get_by_label("Language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    logout_label = page.locator("form[action$='/accounts/logout/'] button").inner_text()

    language.select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/organisations/$"))
    expect(page.locator("form[action$='/accounts/logout/'] button")).not_to_have_text(logout_label)

    page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_have_text(logout_label)


def test_form_with_an_error_keeps_what_was_typed(
    page: Page, dispatcher: User, org_tree: OrgTree
) -> None:
    customer = cast(
        Customer, CustomerFactory.create(name="回显测试客户", organisation=org_tree.service_centre)
    )
    log_in(page, dispatcher)

    # when the equipment form is sent without a product model
    page.goto("/equipment/new/")
    page.locator("input[name=serial]").fill("SN-KEEP-0001")
    pick(page, "customer", "回显", "回显测试客户")
    page.locator("textarea[name=notes]").fill("大堂左侧")
    page.get_by_role("button", name="Save").click()

    # then the form comes back with the error on that field and everything typed still there
    expect(field(page, "product_model")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator("input[name=serial]")).to_have_value("SN-KEEP-0001")
    expect(page.locator("textarea[name=notes]")).to_have_value("大堂左侧")
    expect(field(page, "customer").locator(".autocomplete-input")).to_have_value(
        re.compile(r"^回显测试客户")
    )
    expect(page.locator("input[type=hidden][name=customer]")).to_have_value(str(customer.pk))
    assert not Equipment.objects.filter(serial="SN-KEEP-0001").exists()
