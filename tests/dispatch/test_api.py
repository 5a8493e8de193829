"""The dispatch API: technicians (list in bounded queries, create, stale update 409), ranked
suggestions, day plans (request, read, accept, discard; another organisation's 404) and
positions from a technician's phone."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from shouhou.core.models import Role
from shouhou.dispatch import services
from shouhou.dispatch.models import Plan, PlanStatus, TechnicianPosition
from shouhou.tickets.models import WorkOrderStatus
from tests.conftest import OrgTree
from tests.dispatch.conftest import MONDAY, Day, at
from tests.dispatch.factories import technician_with_profile

pytestmark = pytest.mark.django_db


def api_for(user: object) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)  # type: ignore[arg-type]
    return api


def test_technicians_list_in_bounded_queries(
    day: Day, supervisor, org_tree: OrgTree, django_assert_max_num_queries
) -> None:
    for index in range(5):
        technician_with_profile(org_tree.service_centre, name=f"技术员{index}")

    with django_assert_max_num_queries(10):
        response = api_for(supervisor).get("/api/dispatch/technicians/")

    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert {"王建军", "李明"} <= names
    wang = next(row for row in response.json()["results"] if row["name"] == "王建军")
    assert wang["skills"][0]["product_type"] == day.atm.product_type_id


def test_technician_created_and_corrected_with_its_version(
    org_tree: OrgTree, supervisor, make_user
) -> None:
    person = make_user(org_tree.service_centre, Role.TECHNICIAN)
    api = api_for(supervisor)

    created = api.post(
        "/api/dispatch/technicians/",
        {
            "user": person.pk,
            "home_centre": org_tree.service_centre.pk,
            "home_latitude": "31.2",
            "home_longitude": "121.4",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/dispatch/technicians/{created.json()['id']}/"
    updated = api.patch(url, {"daily_capacity": 3, "version": 1}, format="json")
    stale = api.patch(url, {"daily_capacity": 8, "version": 1}, format="json")
    missing = api.patch(url, {"daily_capacity": 8}, format="json")

    assert updated.status_code == 200
    assert updated.json()["daily_capacity"] == 3
    assert stale.status_code == 409
    assert missing.status_code == 400
    assert api.get(url).json()["daily_capacity"] == 3


def test_dispatcher_may_not_create_technicians(org_tree: OrgTree, dispatcher, make_user) -> None:
    person = make_user(org_tree.service_centre, Role.TECHNICIAN)
    response = api_for(dispatcher).post(
        "/api/dispatch/technicians/",
        {"user": person.pk, "home_centre": org_tree.service_centre.pk},
        format="json",
    )
    assert response.status_code == 403


def test_suggestions_rank_the_technicians(day: Day) -> None:
    order = day.call(site="xuhui")

    with freeze_time(at(8)):
        response = api_for(day.dispatcher).get(
            "/api/dispatch/technicians/suggestions/",
            {"work_order": str(order.pk), "day": MONDAY.isoformat()},
        )

    assert response.status_code == 200, response.json()
    rows = response.json()
    assert [row["name"] for row in rows] == ["王建军", "李明"]
    assert rows[0]["eligible"] is True
    assert rows[0]["late_minutes"] == 0
    assert rows[1]["eligible"] is False
    assert rows[1]["reasons"][0].startswith("cannot repair")
    bad = api_for(day.dispatcher).get("/api/dispatch/technicians/suggestions/", {"work_order": "x"})
    assert bad.status_code == 400
    gone = api_for(day.dispatcher).get(
        "/api/dispatch/technicians/suggestions/", {"work_order": 999_999}
    )
    assert gone.status_code == 404


def test_plan_requested_read_and_accepted(day: Day) -> None:
    order = day.call(site="xuhui")
    api = api_for(day.dispatcher)

    with freeze_time(at(7, 45)):
        created = api.post(
            "/api/dispatch/plans/",
            {"organisation": day.org_tree.service_centre.pk, "day": MONDAY.isoformat()},
            format="json",
        )
        assert created.status_code == 201, created.json()
        services.solve_plan(plan_id=created.json()["id"])
    url = f"/api/dispatch/plans/{created.json()['id']}/"
    plan = api.get(url).json()
    assert plan["status"] == PlanStatus.PROPOSED
    assert plan["assignments"][0]["technician"] == day.wang.user.pk

    stale = api.post(f"{url}accept/", {"version": plan["version"] - 1}, format="json")
    with freeze_time(at(7, 50)):
        accepted = api.post(f"{url}accept/", {"version": plan["version"]}, format="json")

    assert stale.status_code == 409
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == PlanStatus.ACCEPTED
    assert accepted.json()["assignments"][0]["status"] == "accepted"
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.DISPATCHED


def test_plan_requests_are_checked(day: Day, org_tree: OrgTree) -> None:
    api = api_for(day.dispatcher)
    past = api.post(
        "/api/dispatch/plans/",
        {"organisation": day.org_tree.service_centre.pk, "day": "2020-01-01"},
        format="json",
    )
    foreign = api.post(
        "/api/dispatch/plans/",
        {"organisation": org_tree.provider.pk, "day": MONDAY.isoformat()},
        format="json",
    )
    technician = api_for(day.wang.user).post(
        "/api/dispatch/plans/",
        {"organisation": day.org_tree.service_centre.pk, "day": MONDAY.isoformat()},
        format="json",
    )

    assert past.status_code == 400
    assert past.json()["code"] == "invalid"
    assert foreign.status_code == 400
    assert technician.status_code == 403
    assert not Plan.objects.exists()


def test_plan_of_another_organisation_is_404(day: Day, org_tree: OrgTree, make_user) -> None:
    plan = services.request_plan(
        by=day.dispatcher, organisation=org_tree.service_centre, day=MONDAY
    )
    stranger = api_for(make_user(org_tree.provider, Role.DISPATCHER))

    assert stranger.get(f"/api/dispatch/plans/{plan.pk}/").status_code == 404
    discard = stranger.post(
        f"/api/dispatch/plans/{plan.pk}/discard/", {"version": 1}, format="json"
    )
    assert discard.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.QUEUED


def test_technician_reports_positions(day: Day) -> None:
    api = api_for(day.wang.user)

    created = api.post(
        "/api/dispatch/positions/",
        {"latitude": "31.188400", "longitude": "121.436500", "accuracy_m": 15},
        format="json",
    )
    off = api.post("/api/dispatch/positions/", {"latitude": "95", "longitude": "0"}, format="json")
    clerk = api_for(day.dispatcher).post(
        "/api/dispatch/positions/", {"latitude": "31", "longitude": "121"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert off.status_code == 400
    assert clerk.status_code == 403
    assert TechnicianPosition.objects.count() == 1
    day.wang.refresh_from_db()
    assert day.wang.last_position_at is not None
