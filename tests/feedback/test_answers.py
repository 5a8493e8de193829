"""Answers: flags for the complaints officer (a complaint, or 极差 on any item), the officer's
handling, answers keyed in by an agent, and questionnaire versions that keep old answers'
meaning."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from shouhou.core.errors import ConflictError
from shouhou.core.models import AuditEntry, Role
from shouhou.feedback import services
from shouhou.feedback.errors import FeedbackError, FeedbackErrorCode
from shouhou.feedback.models import (
    AnswerChannel,
    InvitationStatus,
    Question,
    Questionnaire,
    SurveyAnswer,
)
from shouhou.feedback.selectors import flagged_answers_visible_to
from shouhou.notify.models import Channel, Notification
from tests.feedback.factories import GOOD, answered, customer_of, invited

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.QUALITY_OFFICER, email="qa@example.com")


@pytest.fixture
def agent(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.AGENT)


@pytest.mark.parametrize(
    ("values", "reasons"),
    [
        (GOOD, []),
        ({**GOOD, "arrival": 1}, ["arrival"]),
        ({**GOOD, "attitude": 1, "promise": 1}, ["attitude", "promise"]),
        ({**GOOD, "arrival": 2, "overall": 1}, []),
        ({**GOOD, "complaint": "技术员迟到两小时还态度很差"}, ["complaint"]),
        ({**GOOD, "suggestion": "希望多派一名技术员"}, []),
    ],
)
def test_flags(invitation, officer, values, reasons) -> None:  # noqa: ANN001
    answer = answered(invitation, values)

    assert [reason["question"] for reason in answer.flag_reasons] == reasons
    assert answer.is_flagged == bool(reasons)
    told = Notification.objects.filter(template_code="survey_flagged", recipient=officer)
    assert told.count() == (2 if reasons else 0)  # in the app and by email
    if reasons:
        assert {n.channel for n in told} == {Channel.IN_APP, Channel.EMAIL}
        assert invitation.work_order.number in told.get(channel="in_app").body


def test_a_flag_is_handled_once_with_a_note(invitation, officer) -> None:
    answer = answered(invitation, {**GOOD, "attitude": 1})

    # a note is required
    with pytest.raises(FeedbackError) as missing:
        services.mark_flag_handled(answer=answer, by=officer, note="  ")
    assert missing.value.field == "note"

    handled = services.mark_flag_handled(
        answer=answer, by=officer, note="已致电客户道歉，立投诉单2611-0003", expected_version=1
    )

    assert handled.flag_handled_by == officer
    assert handled.flag_note.startswith("已致电")
    assert not handled.is_flag_open
    assert AuditEntry.objects.filter(action="survey.flag_handled").count() == 1
    with pytest.raises(FeedbackError) as twice:
        services.mark_flag_handled(answer=answer, by=officer, note="again")
    assert twice.value.code == FeedbackErrorCode.INVALID_TRANSITION


def test_a_stale_version_is_a_conflict(invitation, officer) -> None:
    answer = answered(invitation, {**GOOD, "attitude": 1})
    services.mark_flag_handled(answer=answer, by=officer, note="处理完毕")

    with pytest.raises(ConflictError):
        services.mark_flag_handled(answer=answer, by=officer, note="再处理", expected_version=1)


def test_only_the_complaints_officer_handles_flags(invitation, agent) -> None:
    answer = answered(invitation, {**GOOD, "attitude": 1})

    with pytest.raises(FeedbackError) as refused:
        services.mark_flag_handled(answer=answer, by=agent, note="处理")

    assert refused.value.code == FeedbackErrorCode.NOT_ALLOWED
    answer.refresh_from_db()
    assert answer.flag_handled_at is None


def test_an_answer_without_flag_cannot_be_handled(invitation, officer) -> None:
    answer = answered(invitation)

    with pytest.raises(FeedbackError) as refused:
        services.mark_flag_handled(answer=answer, by=officer, note="处理")

    assert refused.value.code == FeedbackErrorCode.NOT_FLAGGED


def test_flagged_answers_are_scoped_and_open_ones_can_be_asked_for(
    dispatcher, technician, customer, org_tree, make_user, officer
) -> None:
    # given flagged answers at the service centre (one handled) and one at another centre
    first = answered(
        invited(dispatcher=dispatcher, technician=technician, customer=customer),
        {**GOOD, "attitude": 1},
    )
    second = answered(
        invited(dispatcher=dispatcher, technician=technician, customer=customer),
        {**GOOD, "complaint": "没修好"},
    )
    answered(invited(dispatcher=dispatcher, technician=technician, customer=customer))
    services.mark_flag_handled(answer=first, by=officer, note="已处理")
    elsewhere = make_user(org_tree.provider, Role.DISPATCHER)
    other_customer = customer_of(org_tree.provider)
    answered(
        invited(dispatcher=elsewhere, technician=None, customer=other_customer),
        {**GOOD, "skill": 1},
    )

    # then the officer sees the two of the centre, one still open, and not the other centre's
    assert list(flagged_answers_visible_to(officer)) == [second, first]
    assert list(flagged_answers_visible_to(officer, only_open=True)) == [second]
    assert SurveyAnswer.objects.filter(is_flagged=True).count() == 3


def test_an_agent_keys_in_a_phone_answer_even_after_the_link_expired(invitation, agent) -> None:
    with freeze_time(invitation.expires_at + datetime.timedelta(days=1)):
        services.remind_and_expire_invitations()
        answer = services.submit_survey_answer(
            invitation=invitation, values=GOOD, channel=AnswerChannel.PHONE, by=agent
        )

    assert (answer.channel, answer.entered_by) == (AnswerChannel.PHONE, agent)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED


def test_the_link_cannot_answer_after_expiry(invitation) -> None:
    with freeze_time(invitation.expires_at), pytest.raises(FeedbackError) as refused:
        answered(invitation)

    assert refused.value.code == FeedbackErrorCode.EXPIRED
    assert not SurveyAnswer.objects.exists()


def test_keying_in_needs_the_permission(invitation, technician) -> None:
    with pytest.raises(FeedbackError) as refused:
        services.submit_survey_answer(
            invitation=invitation, values=GOOD, channel=AnswerChannel.PAPER, by=technician
        )

    assert refused.value.code == FeedbackErrorCode.NOT_ALLOWED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({k: v for k, v in GOOD.items() if k != "skill"}, "skill"),
        ({**GOOD, "attitude": 5}, "attitude"),
        ({**GOOD, "attitude": "很好"}, "attitude"),
        ({**GOOD, "nps": 11}, "nps"),
        ({**GOOD, "complaint": "长" * 2001}, "complaint"),
        ({**GOOD, "colour": "red"}, "colour"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(invitation, values, field) -> None:  # noqa: ANN001
    with pytest.raises(FeedbackError) as refused:
        answered(invitation, values)

    assert refused.value.field == field
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WAITING


def test_a_new_version_leaves_old_answers_their_meaning(
    dispatcher, technician, customer, hq_admin
) -> None:
    # given an answer to version 1 ("很好" = 4 on the attitude item)
    old = answered(invited(dispatcher=dispatcher, technician=technician, customer=customer))
    first = Questionnaire.objects.get(code="after_service", version_number=1)

    # when a new version changes the attitude scale to five levels, and is published
    draft = services.copy_questionnaire(questionnaire=first, by=hq_admin)
    attitude = draft.questions.get(code="attitude")
    attitude.text = "服务人员的态度"
    attitude.choices = [{"value": v, "label": f"{v}星"} for v in (5, 4, 3, 2, 1)]
    attitude.save()
    services.publish_questionnaire(questionnaire=draft, by=hq_admin)

    # then new invitations use version 2, and the old answer still reads as before
    new = invited(dispatcher=dispatcher, technician=technician, customer=customer)
    assert (new.questionnaire.version_number, draft.version_number) == (2, 2)
    answered(new, {**GOOD, "attitude": 5})
    old_item = old.items.get(question__code="attitude")
    assert (old_item.question.text, old_item.label, old_item.question.questionnaire) == (
        "技术员的服务态度",
        "很好",
        first,
    )
    assert services.questionnaire_in_use(first)
    assert Question.objects.filter(code="attitude").count() == 2


def test_publishing_checks_the_scales(hq_admin) -> None:
    draft = services.copy_questionnaire(
        questionnaire=Questionnaire.objects.get(version_number=1), by=hq_admin
    )
    draft.questions.filter(code="skill").update(choices=[{"value": 1, "label": ""}])

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.publish_questionnaire(questionnaire=draft, by=hq_admin)
    draft.refresh_from_db()
    assert not draft.is_published
