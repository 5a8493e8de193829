"""Through a real browser on a phone-sized screen: the customer opens the survey link from the
email a real SMTP server on 127.0.0.1 received, answers, and cannot answer twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from playwright.sync_api import Browser, Page, expect

from shouhou.customers import services as customers
from shouhou.feedback.models import AnswerChannel, InvitationStatus, SurveyAnswer
from shouhou.notify.services import deliver_due
from tests.e2e.conftest import TIMEOUT_MS
from tests.feedback.factories import customer_of, invited
from tests.feedback.test_invitations import smtp
from tests.servers import Mailbox

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    django_db_serialized_rollback: None,
) -> Iterator[Page]:
    """A phone-sized, touch browser context on the live server (see tests/e2e/conftest.py)."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def customer(org_tree):  # noqa: ANN001, ANN201
    """A customer of the service centre whose caller has an email on file."""
    found = customer_of(org_tree.service_centre, name="宏达机电", email="office@hongda.example")
    customers.create_contact(
        by=None, customer=found, name="王先生", phone="13912345678", email="wang@hongda.example"
    )
    return found


def test_a_customer_answers_on_a_phone_from_the_emailed_link(
    phone: Page, live_server: Any, settings: Any, dispatcher, technician, customer
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    with Mailbox() as mailbox:
        smtp(settings, mailbox.port)
        # given a closed work order whose customer was invited by email
        invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
        deliver_due()
        mailbox.wait_for(1)
    (email,) = [m for m in mailbox.messages if m["To"] == "wang@hongda.example"]
    link = re.search(rf"{re.escape(live_server.url)}/feedback/s/\S+?/", email.get_content())
    assert link is not None

    # when the customer opens the link on the phone and answers every question
    phone.goto(link.group(0))
    expect(phone.locator("h1")).to_have_text("售后服务满意度调查")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator("#q-attitude").get_by_text("很好", exact=True).tap()
    phone.locator("#q-skill").get_by_text("好", exact=True).tap()
    phone.locator("#q-arrival").get_by_text("差", exact=True).tap()
    phone.locator("#q-promise").get_by_text("很好", exact=True).tap()
    phone.locator("#q-overall").get_by_text("满意", exact=True).tap()
    phone.locator("#q-nps").get_by_text("8", exact=True).tap()
    phone.locator("#q-suggestion textarea").fill("希望到达前电话联系")
    phone.locator("button.submit").tap()

    # then the thank-you page shows and the answer is stored once
    expect(phone.locator("[data-state=thanks]")).to_be_visible()
    answer = SurveyAnswer.objects.get()
    values = {item.question.code: (item.value, item.text) for item in answer.items.all()}
    assert values["attitude"] == (4, "")
    assert values["skill"] == (3, "")
    assert values["arrival"] == (2, "")
    assert values["overall"] == (2, "")
    assert values["nps"] == (8, "")
    assert values["suggestion"] == (None, "希望到达前电话联系")
    assert answer.channel == AnswerChannel.LINK
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED

    # when the link is opened again, it says it was used
    phone.goto(link.group(0))
    expect(phone.locator("[data-state=answered]")).to_be_visible()
    assert SurveyAnswer.objects.count() == 1
