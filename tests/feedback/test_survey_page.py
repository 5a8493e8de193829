"""The public survey page behind the signed link: no login, CSRF on, rate-limited; a valid link
takes one answer; a tampered, expired or used link gets a clear page and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from shouhou.feedback.links import make_token, read_token
from shouhou.feedback.models import AnswerChannel, InvitationStatus, SurveyAnswer, SurveyInvitation

pytestmark = pytest.mark.django_db

ANSWERS = {
    "attitude": "4",
    "skill": "3",
    "arrival": "4",
    "promise": "4",
    "overall": "3",
    "nps": "9",
    "suggestion": "希望提前电话告知到达时间",
    "complaint": "",
}


def url(invitation: SurveyInvitation) -> str:
    token = make_token(invitation_id=invitation.pk, nonce=invitation.token_nonce)
    return reverse("feedback:survey", args=[token])


def test_a_valid_link_shows_the_questionnaire_without_login(client: Client, invitation) -> None:
    response = client.get(url(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "售后服务满意度调查" in page
    assert "技术员的服务态度" in page
    assert "极差" in page
    assert "很好" in page
    assert invitation.work_order.number in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_answer_is_stored_once_and_the_link_is_then_used(client: Client, invitation) -> None:
    # when the customer answers through the link
    response = client.post(url(invitation), ANSWERS)

    # then they land on the thank-you page and the answer is stored with every item
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert client.get(response["Location"]).status_code == 200
    answer = SurveyAnswer.objects.get()
    assert (answer.channel, answer.entered_by, answer.is_flagged) == (
        AnswerChannel.LINK,
        None,
        False,
    )
    items = {item.question.code: (item.value, item.label, item.text) for item in answer.items.all()}
    assert items["attitude"] == (4, "很好", "")
    assert items["skill"] == (3, "好", "")
    assert items["nps"] == (9, "9", "")
    assert items["suggestion"] == (None, "", "希望提前电话告知到达时间")
    assert "complaint" not in items
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED

    # when the link is opened or posted again
    again = client.get(url(invitation))
    twice = client.post(url(invitation), {**ANSWERS, "attitude": "1"})

    # then it says it was answered and nothing changes
    assert again.status_code == twice.status_code == 410
    assert "already been answered" in twice.content.decode()
    assert SurveyAnswer.objects.count() == 1
    assert SurveyAnswer.objects.get().items.get(question__code="attitude").value == 4


def test_a_tampered_link_is_refused_and_changes_nothing(client: Client, invitation) -> None:
    token = make_token(invitation_id=invitation.pk, nonce=invitation.token_nonce)
    identifier, rest = token.split(".", 1)
    forged_id = make_token(invitation_id=invitation.pk + 1, nonce=invitation.token_nonce)
    tampered = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        f"{int(identifier) + 1}.{rest}",
        forged_id.split(":")[0] + token[token.index(":") :],
        "garbage",
    ]

    for bad in tampered:
        get = client.get(reverse("feedback:survey", args=[bad]))
        post = client.post(reverse("feedback:survey", args=[bad]), ANSWERS)
        assert get.status_code == post.status_code == 400, bad
        assert "not valid" in post.content.decode()

    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WAITING


def test_an_expired_link_is_refused_and_changes_nothing(client: Client, invitation) -> None:
    with freeze_time(invitation.expires_at + datetime.timedelta(minutes=1)):
        get = client.get(url(invitation))
        post = client.post(url(invitation), ANSWERS)

    assert get.status_code == post.status_code == 410
    assert "expired" in post.content.decode()
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.version) == (InvitationStatus.WAITING, 1)


def test_a_link_of_another_nonce_is_invalid(invitation) -> None:
    token = make_token(invitation_id=invitation.pk, nonce="not-the-nonce")

    claim = read_token(token)

    assert claim is not None
    assert claim.invitation_id == invitation.pk
    from shouhou.feedback.selectors import LinkState, invitation_for_link

    assert invitation_for_link(token=token).state == LinkState.INVALID


def test_missing_answers_are_shown_and_nothing_is_stored(client: Client, invitation) -> None:
    response = client.post(url(invitation), {**ANSWERS, "attitude": "", "skill": "7"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Please answer the questions marked below." in page
    assert page.count('class="question has-error"') == 2
    assert not SurveyAnswer.objects.exists()


def test_posting_without_the_csrf_token_is_refused(invitation) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(url(invitation), ANSWERS)

    assert response.status_code == 403
    assert not SurveyAnswer.objects.exists()


def test_the_page_is_rate_limited(client: Client, invitation, settings) -> None:
    settings.FEEDBACK_SURVEY_REQUESTS_PER_MINUTE = 3
    link = url(invitation)

    statuses = [client.get(link).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]


def test_the_thanks_page_of_an_unanswered_link_goes_back_to_the_survey(
    client: Client, invitation
) -> None:
    token = make_token(invitation_id=invitation.pk, nonce=invitation.token_nonce)

    response = client.get(reverse("feedback:survey-thanks", args=[token]))

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:survey", args=[token])
