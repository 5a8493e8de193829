"""The feedback API: scoped reads in bounded queries, a flag handled and a call recorded through
the services, with 400 / 403 / 404 / 409 answers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from shouhou.core.models import Role
from shouhou.feedback import services
from shouhou.feedback.models import FollowUp, FollowUpStatus
from tests.feedback.factories import GOOD, answered, closed_work_order, invited

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.QUALITY_OFFICER)


@pytest.fixture
def agent(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.service_centre, Role.FOLLOWUP_AGENT)


@pytest.fixture
def outsider(org_tree, make_user):  # noqa: ANN001, ANN201
    return make_user(org_tree.provider, Role.SERVICE_MANAGER)


@pytest.fixture
def follow_up(dispatcher, technician, customer, agent) -> FollowUp:  # noqa: ANN001
    customer.is_target = True
    customer.save(update_fields=["is_target"])
    order = closed_work_order(dispatcher=dispatcher, technician=technician, customer=customer)
    services.create_follow_ups()
    return FollowUp.objects.get(work_order=order)


def test_invitations_are_listed_scoped_in_bounded_queries(
    dispatcher, technician, customer, officer, outsider, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        answered(invited(dispatcher=dispatcher, technician=technician, customer=customer))

    with django_assert_max_num_queries(8):
        response = api(officer).get("/api/feedback/invitations/")

    assert response.status_code == 200
    assert len(response.data["results"]) == 5
    assert response.data["results"][0]["status"] == "answered"
    assert api(outsider).get("/api/feedback/invitations/").data["results"] == []


def test_answers_list_their_items_and_filter_open_flags(
    dispatcher, technician, customer, officer, django_assert_max_num_queries
) -> None:
    answered(invited(dispatcher=dispatcher, technician=technician, customer=customer))
    flagged = answered(
        invited(dispatcher=dispatcher, technician=technician, customer=customer),
        {**GOOD, "attitude": 1},
    )

    with django_assert_max_num_queries(8):
        response = api(officer).get("/api/feedback/answers/", {"flag_open": "true"})

    (row,) = response.data["results"]
    assert row["id"] == flagged.pk
    assert row["flag_reasons"][0]["question"] == "attitude"
    assert {item["question"]: item["value"] for item in row["items"]}["attitude"] == 1


def test_a_flag_is_handled_through_the_api(
    invitation, officer, org_tree, make_user, outsider
) -> None:
    answer = answered(invitation, {**GOOD, "complaint": "没修好"})
    url = f"/api/feedback/answers/{answer.pk}/handle-flag/"

    missing = api(officer).post(url, {"version": 1}, format="json")
    assert (missing.status_code, missing.data["code"]) == (400, "invalid")
    agent = make_user(org_tree.service_centre, Role.AGENT)
    assert api(agent).post(url, {"version": 1, "note": "x"}, format="json").status_code == 403
    assert api(outsider).post(url, {"version": 1, "note": "x"}, format="json").status_code == 404

    done = api(officer).post(url, {"version": 1, "note": "已立投诉单"}, format="json")
    assert done.status_code == 200
    assert done.data["flag_note"] == "已立投诉单"
    stale = api(officer).post(url, {"version": 1, "note": "again"}, format="json")
    assert stale.status_code == 409


def test_a_call_is_recorded_through_the_api(follow_up, agent, outsider, technician) -> None:
    url = f"/api/feedback/follow-ups/{follow_up.pk}/calls/"

    bad = api(agent).post(url, {"version": 1, "result": "reached"}, format="json")
    assert (bad.status_code, bad.data["code"]) == (400, "invalid")
    assert "evaluation" in bad.data
    assert (
        api(outsider).post(url, {"version": 1, "result": "refused"}, format="json").status_code
        == 404
    )
    assert api(technician).get("/api/feedback/follow-ups/").status_code == 403

    done = api(agent).post(
        url,
        {
            "version": 1,
            "result": "reached",
            "evaluation": "very_satisfied",
            "new_needs": "加装摄像头",
        },
        format="json",
    )

    assert done.status_code == 200
    assert done.data["status"] == FollowUpStatus.DONE
    assert done.data["attempts"][0]["new_needs"] == "加装摄像头"
    assert (
        api(agent).post(url, {"version": 1, "result": "refused"}, format="json").status_code == 409
    )


def test_follow_ups_are_listed_with_their_attempts(
    follow_up, agent, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):
        response = api(agent).get("/api/feedback/follow-ups/", {"status": "open"})

    (row,) = response.data["results"]
    assert (row["id"], row["kind"], row["attempts"]) == (follow_up.pk, "repair", [])
