"""Every closed work order gets one survey invitation (001 第十七条), sent through the outbox by
SMS and email with the signed link; reminders and expiry run as an idempotent job."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shouhou.core.models import AuditEntry, User
from shouhou.feedback import services
from shouhou.feedback.errors import FeedbackError
from shouhou.feedback.models import InvitationStatus, Questionnaire, SurveyInvitation
from shouhou.notify.models import Channel, DeliveryStatus, Notification
from shouhou.notify.services import deliver_due
from shouhou.tickets.models import WorkOrder
from tests.feedback.factories import answered, closed_work_order, customer_of, invited
from tests.servers import Mailbox, SmsProvider
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver/feedback/s/[^/\s]+/")


def smtp(settings, port: int) -> None:  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_closing_invites_by_sms_and_email_through_the_outbox(
    dispatcher, technician, customer
) -> None:
    # given a closed work order whose caller has a mobile number and an email on file
    order = closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)

    # when the close hook invites the customer
    invitation = services.invite_after_close(work_order=order, by=dispatcher)

    # then one invitation waits, with the technician and both channels, and two messages wait
    assert invitation is not None
    assert (invitation.status, invitation.technician, invitation.questionnaire.version_number) == (
        InvitationStatus.WAITING,
        technician,
        1,
    )
    assert (invitation.sent_by_sms, invitation.sent_by_email) == (True, True)
    assert invitation.email == "wang@hongda.example"
    messages = {
        n.channel: n for n in Notification.objects.filter(template_code="survey_invitation")
    }
    assert set(messages) == {Channel.SMS, Channel.EMAIL}
    assert messages[Channel.SMS].address == "13912345678"
    assert messages[Channel.EMAIL].address == "wang@hongda.example"
    assert order.number in messages[Channel.SMS].body
    assert LINK.search(messages[Channel.SMS].body)
    assert AuditEntry.objects.filter(action="survey.invited", object_id=str(invitation.pk)).exists()


def test_the_sms_reaches_the_gateway_with_the_link(
    dispatcher, technician, customer, settings
) -> None:
    settings.SMS_GATEWAY = "shouhou.notify.sms.HttpGateway"
    with SmsProvider() as provider:
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = provider.url, provider.key
        invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
        Notification.objects.exclude(channel=Channel.SMS).delete()
        assert deliver_due() == 1
    sms = provider.received[0]
    assert sms["to"] == "13912345678"
    assert invitation.work_order.number in sms["text"]
    assert LINK.search(sms["text"])


def test_the_email_reaches_a_real_smtp_server(dispatcher, technician, customer, settings) -> None:
    with Mailbox() as mailbox:
        smtp(settings, mailbox.port)
        invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
        Notification.objects.exclude(channel=Channel.EMAIL).delete()
        assert deliver_due() == 1
    message = mailbox.messages[0]
    assert message["To"] == "wang@hongda.example"
    assert invitation.work_order.number in str(message["Subject"])
    assert LINK.search(message.get_content())
    assert Notification.objects.get().status == DeliveryStatus.SENT


def test_a_landline_gets_no_sms_and_no_email_means_no_email(
    dispatcher, technician, org_tree
) -> None:
    # given a customer without email whose caller gave a landline
    customer = customer_of(org_tree.service_centre, email="")

    # when the order is invited
    invitation = invited(
        dispatcher=dispatcher,
        technician=technician,
        customer=customer,
        contact_phone="021-66667777",
    )

    # then the invitation exists (an agent can key the answer in) but nothing was sent
    assert (invitation.sent_by_sms, invitation.sent_by_email) == (False, False)
    assert not Notification.objects.filter(template_code="survey_invitation").exists()


def test_customers_get_messages_without_a_login(dispatcher, technician, customer) -> None:
    users_before = User.objects.count()

    invited(dispatcher=dispatcher, technician=technician, customer=customer)

    messages = Notification.objects.filter(template_code="survey_invitation")
    assert messages.exists()
    assert {message.recipient for message in messages} == {None}
    assert User.objects.count() == users_before


def test_inviting_twice_returns_the_first_invitation(dispatcher, technician, customer) -> None:
    order = closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)

    first = services.invite_after_close(work_order=order, by=dispatcher)
    second = services.invite_after_close(work_order=order, by=dispatcher)

    assert first == second
    assert SurveyInvitation.objects.count() == 1
    assert Notification.objects.filter(template_code="survey_invitation").count() == 2


def test_an_open_work_order_is_not_invited(dispatcher, customer) -> None:
    order = WorkOrderFactory.create(by=dispatcher, customer=customer, equipment=None)

    with pytest.raises(FeedbackError):
        services.invite_after_close(work_order=order, by=dispatcher)

    assert not SurveyInvitation.objects.exists()


def test_without_a_published_questionnaire_nothing_is_written(
    dispatcher, technician, customer
) -> None:
    Questionnaire.objects.update(is_published=False)
    order = closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)

    assert services.invite_after_close(work_order=order, by=dispatcher) is None
    assert not SurveyInvitation.objects.exists()
    assert not Notification.objects.filter(template_code="survey_invitation").exists()

    # once a questionnaire is published again, the periodic sweep invites the order, once
    Questionnaire.objects.update(is_published=True)
    assert services.invite_closed_work_orders() == 1
    assert services.invite_closed_work_orders() == 0
    assert SurveyInvitation.objects.get().work_order == order


def test_a_hundred_closed_orders_get_a_hundred_invitations_once(
    dispatcher, technician, customer
) -> None:
    # given 100 closed work orders: closing one invites its customer
    for _ in range(100):
        closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)
    assert SurveyInvitation.objects.count() == 100

    # when the sweep (the safety net for orders closed while no questionnaire was published)
    # runs twice
    first = services.invite_closed_work_orders()
    second = services.invite_closed_work_orders()

    # then still 100 invitations, one per order, and 100 SMS and 100 emails queued, none doubled
    assert (first, second) == (0, 0)
    assert SurveyInvitation.objects.count() == 100
    assert set(SurveyInvitation.objects.values_list("work_order", flat=True)) == set(
        WorkOrder.objects.values_list("pk", flat=True)
    )
    queued = Notification.objects.filter(template_code="survey_invitation")
    assert queued.filter(channel=Channel.SMS).count() == 100
    assert queued.filter(channel=Channel.EMAIL).count() == 100


def test_the_sweep_leaves_orders_closed_long_ago(dispatcher, technician, customer) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=45)
    closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer, at=long_ago)

    assert services.invite_closed_work_orders() == 0


def test_reminder_after_the_delay_then_expiry(dispatcher, technician, customer) -> None:
    # given an invitation (policy: remind after 3 days, once; valid 14 days)
    invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
    start = invitation.invited_at

    # when the job runs before the delay, after it (twice), and after expiry (twice)
    with freeze_time(start + datetime.timedelta(days=2)):
        early = services.remind_and_expire_invitations()
    with freeze_time(start + datetime.timedelta(days=3, minutes=1)):
        due = services.remind_and_expire_invitations()
        again = services.remind_and_expire_invitations()
    with freeze_time(start + datetime.timedelta(days=10)):
        later = services.remind_and_expire_invitations()
    with freeze_time(start + datetime.timedelta(days=14, minutes=1)):
        expiry = services.remind_and_expire_invitations()
        expiry_again = services.remind_and_expire_invitations()

    # then one reminder by each channel, one expiry, and nothing twice
    assert [(r.reminded, r.expired) for r in (early, due, again, later, expiry, expiry_again)] == [
        (0, 0),
        (1, 0),
        (0, 0),
        (0, 0),
        (0, 1),
        (0, 0),
    ]
    assert Notification.objects.filter(template_code="survey_reminder").count() == 2
    invitation.refresh_from_db()
    assert (invitation.status, invitation.reminder_count) == (InvitationStatus.EXPIRED, 1)
    assert invitation.expired_at is not None


def test_an_answered_invitation_is_neither_reminded_nor_expired(
    dispatcher, technician, customer
) -> None:
    invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
    answered(invitation)

    with freeze_time(invitation.invited_at + datetime.timedelta(days=20)):
        result = services.remind_and_expire_invitations()

    assert (result.reminded, result.expired) == (0, 0)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED


def test_the_jobs_run_on_an_empty_database() -> None:
    assert services.invite_closed_work_orders() == 0
    assert services.remind_and_expire_invitations() == services.SweepResult(0, 0)
    assert services.create_follow_ups() == 0


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("021-66667777", None),
        ("12345678901", None),
        ("", None),
    ],
)
def test_mobile_numbers(phone: str, mobile: str | None) -> None:
    assert services.mobile_number(phone) == mobile
