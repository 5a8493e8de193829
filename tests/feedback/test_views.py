"""Staff pages: lists with bounded queries, the invitation with its answer and flag, the agent's
keyed-in answer, the follow-up queue and call page, the reports; another organisation's records
answer 404."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from shouhou.core.models import Role
from shouhou.feedback import services
from shouhou.feedback.models import (
    AnswerChannel,
    FollowUp,
    FollowUpStatus,
    InvitationStatus,
    SurveyAnswer,
)
from tests.feedback.factories import GOOD, answered, closed_work_order, customer_of, invited

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()


def login(client: Client, user) -> Client:  # noqa: ANN001
    client.force_login(user)
    return client


@pytest.fixture
def officer(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.QUALITY_OFFICER)


@pytest.fixture
def agent(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.FOLLOWUP_AGENT, name="孙悦")


@pytest.fixture
def outsider(org_tree, make_user):  # noqa: ANN001, ANN201
    """A service manager of the provider: sees none of the service centre's records."""
    return make_user(org_tree.provider, Role.SERVICE_MANAGER)


@pytest.fixture
def follow_up(dispatcher, technician, customer, agent) -> FollowUp:  # noqa: ANN001
    customer.is_target = True
    customer.save(update_fields=["is_target"])
    order = closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)
    services.create_follow_ups()
    return FollowUp.objects.get(work_order=order)


def test_the_invitation_list_shows_status_and_flags_in_bounded_queries(
    client: Client, dispatcher, technician, customer, officer, django_assert_max_num_queries
) -> None:
    for index in range(6):
        invitation = invited(dispatcher=dispatcher, technician=technician, customer=customer)
        if index % 2:
            answered(invitation, {**GOOD, "attitude": 1} if index == 1 else GOOD)
    login(client, officer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:invitation-list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("to handle") == 1
    assert page.count("Answered") >= 3


def test_the_invitation_page_shows_the_answer_and_handles_the_flag(
    client: Client, invitation, officer
) -> None:
    answer = answered(invitation, {**GOOD, "arrival": 1, "complaint": "到得太晚"})
    login(client, officer)
    url = reverse("feedback:invitation-detail", args=[invitation.pk])

    page = client.get(url).content.decode()
    assert "技术员的到达时间" in page
    assert "极差" in page
    assert "到得太晚" in page
    assert "Mark the flag handled" in page

    refused = client.post(
        reverse("feedback:flag-handle", args=[answer.pk]), {"version": answer.version, "note": ""}
    )
    assert refused.status_code == 400
    done = client.post(
        reverse("feedback:flag-handle", args=[answer.pk]),
        {"version": answer.version, "note": "已致电道歉"},
    )
    assert done.status_code == 302
    answer.refresh_from_db()
    assert answer.flag_note == "已致电道歉"


def test_the_flagged_list_is_the_officers(
    client: Client, invitation, officer, dispatcher, django_assert_max_num_queries
) -> None:
    answered(invitation, {**GOOD, "complaint": "态度差"})
    login(client, officer)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("feedback:flagged"))

    assert response.status_code == 200
    assert "态度差" in response.content.decode()
    assert login(Client(), dispatcher).get(reverse("feedback:flagged")).status_code == 403


def test_an_agent_keys_in_the_answer_from_a_paper_card(
    client: Client, invitation, org_tree, make_user
) -> None:
    agent = make_user(org_tree.service_centre, Role.AGENT)
    login(client, agent)
    url = reverse("feedback:answer-entry", args=[invitation.pk])

    assert client.get(url).status_code == 200
    bad = client.post(url, {"via": "paper", "attitude": "4"})
    assert bad.status_code == 400
    assert not SurveyAnswer.objects.exists()
    good = client.post(url, {"via": "paper", **{k: str(v) for k, v in GOOD.items()}})

    assert good.status_code == 302
    answer = SurveyAnswer.objects.get()
    assert (answer.channel, answer.entered_by) == (AnswerChannel.PAPER, agent)
    assert client.get(url).status_code == 302  # answered: back to the invitation


def test_another_organisation_gets_404(
    client: Client, invitation, follow_up, outsider, officer
) -> None:
    answer = answered(invitation, {**GOOD, "attitude": 1})
    login(client, outsider)

    for url in (
        reverse("feedback:invitation-detail", args=[invitation.pk]),
        reverse("feedback:answer-entry", args=[invitation.pk]),
        reverse("feedback:follow-up-detail", args=[follow_up.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("feedback:flag-handle", args=[answer.pk]), {"version": 1, "note": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("feedback:follow-up-call", args=[follow_up.pk]),
            {"version": 1, "result": "not_reached"},
        ).status_code
        == 404
    )
    answer.refresh_from_db()
    follow_up.refresh_from_db()
    assert answer.flag_handled_at is None
    assert follow_up.attempt_count == 0
    listing = client.get(reverse("feedback:invitation-list")).content.decode()
    assert invitation.work_order.number not in listing


def test_the_queue_starts_on_the_agents_calls_with_due_badges(
    client: Client, follow_up, agent, django_assert_max_num_queries
) -> None:
    login(client, agent)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:follow-up-queue"))

    page = response.content.decode()
    assert response.status_code == 200
    assert follow_up.customer.name in page
    assert 'class="badge ok"' in page
    assert "My calls" in page
    unassigned = client.get(reverse("feedback:follow-up-queue") + "?view=unassigned")
    assert follow_up.customer.name not in unassigned.content.decode()


def test_the_queue_stays_bounded_with_many_rows(
    client: Client, dispatcher, technician, org_tree, agent, django_assert_max_num_queries
) -> None:
    for _ in range(12):
        customer = customer_of(org_tree.service_centre, is_target=True)
        closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)
    services.create_follow_ups()
    login(client, agent)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:follow-up-queue") + "?view=open")

    assert response.status_code == 200
    assert FollowUp.objects.count() == 12


def test_the_call_page_records_an_outcome(client: Client, follow_up, agent) -> None:
    login(client, agent)
    url = reverse("feedback:follow-up-detail", args=[follow_up.pk])
    page = client.get(url).content.decode()
    assert "询问" in page or "使用情况" in page  # the call script
    assert 'action="/feedback/follow-ups/' in page

    refused = client.post(
        reverse("feedback:follow-up-call", args=[follow_up.pk]),
        {"version": follow_up.version, "result": "reached"},
    )
    assert refused.status_code == 400
    assert "Record the customer" in refused.content.decode()
    done = client.post(
        reverse("feedback:follow-up-call", args=[follow_up.pk]),
        {
            "version": follow_up.version,
            "result": "reached",
            "evaluation": "satisfied",
            "product_usage": "运行正常",
        },
    )

    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.attempts.get().product_usage) == (
        FollowUpStatus.DONE,
        "运行正常",
    )


def test_a_stale_call_form_says_so(client: Client, follow_up, agent) -> None:
    login(client, agent)
    url = reverse("feedback:follow-up-call", args=[follow_up.pk])
    client.post(url, {"version": 1, "result": "not_reached"})

    response = client.post(url, {"version": 1, "result": "not_reached"}, follow=True)

    assert "Someone else changed this record" in response.content.decode()
    assert follow_up.attempts.count() == 1


def test_an_agent_takes_an_unassigned_follow_up(
    client: Client, follow_up, org_tree, make_user
) -> None:
    FollowUp.objects.filter(pk=follow_up.pk).update(assigned_to=None)
    colleague = make_user(org_tree.service_centre, Role.FOLLOWUP_AGENT)
    login(client, colleague)

    response = client.post(
        reverse("feedback:follow-up-take", args=[follow_up.pk]), {"version": follow_up.version}
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.assigned_to == colleague


def test_the_reports_render_and_export(
    client: Client, invitation, follow_up, org_tree, make_user
) -> None:
    answered(invitation)
    manager = make_user(org_tree.service_centre, Role.SERVICE_MANAGER)
    login(client, manager)
    month = f"{timezone.localdate():%Y-%m}"

    assert client.get(reverse("feedback:reports")).status_code == 200
    scores = client.get(reverse("feedback:technician-scores"), {"month": month})
    assert scores.status_code == 200
    assert "答应事情的办理" in scores.content.decode()
    for name, params in (
        ("feedback:technician-scores", {"month": month}),
        ("feedback:satisfaction", {"month": month, "by": "region"}),
        ("feedback:follow-up-report", {"month": month, "organisation": org_tree.service_centre.pk}),
    ):
        page = client.get(reverse(name), params)
        assert page.status_code == 200, name
        export = client.get(reverse(name), {**params, "export": "xlsx"})
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), name
        assert load_workbook(BytesIO(export.content)).worksheets[0]["A1"].value


def test_the_follow_up_report_of_another_organisation_is_404(
    client: Client, outsider, org_tree
) -> None:
    login(client, outsider)

    response = client.get(
        reverse("feedback:follow-up-report"), {"organisation": org_tree.service_centre.pk}
    )

    assert response.status_code == 404


def test_the_report_is_submitted_from_its_page(client: Client, agent, org_tree) -> None:
    login(client, agent)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    page = client.get(
        reverse("feedback:follow-up-report"),
        {"month": f"{last_month:%Y-%m}", "organisation": org_tree.service_centre.pk},
    ).content.decode()
    assert "Submit to the service manager" in page
    response = client.post(
        reverse("feedback:follow-up-report-submit"),
        {"month": f"{last_month:%Y-%m}", "organisation": org_tree.service_centre.pk, "note": ""},
        follow=True,
    )

    assert "The report was submitted" in response.content.decode()


def test_navigation_follows_the_role(client: Client, agent, officer) -> None:
    agent_home = login(client, agent).get(reverse("core:home")).content.decode()
    officer_home = login(Client(), officer).get(reverse("core:home")).content.decode()

    assert "Follow-ups" in agent_home
    assert "Flagged feedback" not in agent_home
    assert "Flagged feedback" in officer_home


def test_an_expired_invitation_shows_its_state(client: Client, invitation, officer) -> None:
    with freeze_time(invitation.expires_at + datetime.timedelta(hours=1)):
        services.remind_and_expire_invitations()
    login(client, officer)

    page = client.get(reverse("feedback:invitation-detail", args=[invitation.pk])).content.decode()

    assert str(InvitationStatus.EXPIRED.label) in page


def test_the_admin_pages_render_and_a_sent_version_is_frozen(
    admin_client: Client, invitation
) -> None:
    answered(invitation, {**GOOD, "attitude": 1})
    services.create_follow_ups()
    for model in (
        "questionnaire",
        "question",
        "feedbackpolicy",
        "followuprule",
        "lossreason",
        "surveyinvitation",
        "surveyanswer",
        "surveyansweritem",
        "followup",
        "followupattempt",
        "samplingdecision",
        "followupmonthlyreport",
    ):
        assert admin_client.get(f"/admin/feedback/{model}/").status_code == 200, model
    page = admin_client.get(f"/admin/feedback/questionnaire/{invitation.questionnaire_id}/change/")
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # read-only
