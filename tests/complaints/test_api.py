"""The complaint REST API: registering, the flow through one transitions endpoint, approval
limits (403), optimistic locking (409), bad input (400, nothing changed), scoping (404), the
decision, sanctions and the revisit, bounded queries, and a clean OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shouhou.complaints import services
from shouhou.complaints.api import TRANSITIONS
from shouhou.complaints.models import ComplaintCase, ComplaintStatus, Penalty
from shouhou.complaints.workflow import ACTIONS
from shouhou.core.models import AuditEntry, Role, User
from tests.complaints.factories import ComplaintFactory, DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus
URL = "/api/complaints/"


def client_for(user: User) -> APIClient:
    api = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def transitions(case: ComplaintCase) -> str:
    return f"{URL}{case.pk}/transitions/"


def snapshot(case: ComplaintCase) -> tuple[Any, ...]:
    case = ComplaintCase.objects.get(pk=case.pk)
    return (
        case.status,
        case.version,
        case.handler_id,
        case.remedy_amount,
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="complaint.").count(),
    )


@pytest.fixture
def department(org_tree, people):  # noqa: ANN001, ANN201
    department = DepartmentFactory.create(organisation=org_tree.service_centre, name="服务部")
    StaffProfileFactory.create(person=people.officer, department=department)
    return department


def test_every_action_has_a_transition() -> None:
    assert set(TRANSITIONS) == set(ACTIONS)


def test_registering_and_reading_a_complaint(people, customer, technician) -> None:  # noqa: ANN001
    api = client_for(people.agent)
    response = api.post(
        URL,
        {
            "customer": customer.pk,
            "complaint_type": "service_attitude",
            "description": "技术员态度差",
            "staff_involved": [technician.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "api"
    assert body["status"] == "registered"
    assert body["staff_involved"] == [technician.pk]
    assert body["number"].count("-") == 1
    listed = api.get(URL).json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]
    assert api.get(f"{URL}{body['id']}/").json()["available_actions"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"customer": "x", "complaint_type": "other", "description": "a"},
        {"complaint_type": "no_such_type", "description": "a"},
        {"complaint_type": "other", "description": ""},
        {"complaint_type": "other", "description": "a", "severity": "apocalyptic"},
        {"complaint_type": "other", "description": "a", "colour": "red"},
        {"complaint_type": "other", "description": "a", "registered_at": "2999-01-01T00:00:00Z"},
        {"complaint_type": "other", "description": "a", "staff_involved": [999999]},
    ],
)
def test_bad_registrations_get_400_and_create_nothing(people, customer, payload) -> None:  # noqa: ANN001
    body = (
        {"customer": customer.pk, **payload} if "customer" not in payload and payload else payload
    )
    response = client_for(people.agent).post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert not ComplaintCase.objects.exists()


def test_the_flow_through_transitions(people, case, department) -> None:  # noqa: ANN001
    director, officer = client_for(people.director), client_for(people.officer)

    def step(api: APIClient, action: str, **parameters: Any) -> dict[str, Any]:
        version = ComplaintCase.objects.get(pk=case.pk).version
        response = api.post(
            transitions(case), {"action": action, "version": version, **parameters}, format="json"
        )
        assert response.status_code == 200, (action, response.json())
        return response.json()

    step(director, "assign_handler", handler=people.officer.pk)
    step(officer, "start_investigation")
    step(officer, "record_findings", cause="迟到", responsible_department=department.pk)
    step(officer, "propose_remedy", remedy_kind="refund", remedy_amount="300.00")
    step(officer, "approve_remedy")
    step(officer, "inform_customer", reply_channel="letter", summary="退款300元")
    body = step(officer, "customer_accepts", reply="接受")
    assert body["status"] == "closed"
    assert body["revisit"]["due_at"]
    assert body["remedy_amount"] == "300.00"


def test_approving_beyond_the_limit_is_403_and_changes_nothing(people, case, department) -> None:  # noqa: ANN001
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    case = services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="x",
        responsible_department=department,
    )
    case = services.propose_remedy(
        case=case,
        by=people.officer,
        expected_version=None,
        remedy_kind="refund",
        remedy_amount="900",
    )
    before = snapshot(case)
    response = client_for(people.officer).post(
        transitions(case), {"action": "approve_remedy", "version": case.version}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert snapshot(case) == before


def test_an_illegal_transition_is_400_and_names_the_state(people, case) -> None:  # noqa: ANN001
    response = client_for(people.director).post(
        transitions(case), {"action": "customer_accepts", "version": case.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    assert "Registered" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": "teleport", "version": 1},
        {"action": "assign_handler"},
        {"action": "assign_handler", "version": 1, "handler": "x"},
        {"action": "withdraw_complaint", "version": 1, "reason": ""},
        {"action": "withdraw_complaint", "version": 1, "reason": "x", "extra": 1},
        {"action": "propose_remedy", "version": 1, "remedy_kind": "refund", "remedy_amount": "-1"},
        [1, 2],
    ],
)
def test_malformed_transitions_get_400_and_change_nothing(people, case, body) -> None:  # noqa: ANN001
    before = snapshot(case)
    response = client_for(people.director).post(transitions(case), body, format="json")
    assert response.status_code == 400, response.json()
    assert snapshot(case) == before


def test_a_stale_version_is_409(people, case) -> None:  # noqa: ANN001
    read = case.version
    services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    before = snapshot(case)
    response = client_for(people.director).post(
        transitions(case),
        {"action": "assign_handler", "version": read, "handler": people.director.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(case) == before
    patch = client_for(people.director).patch(
        f"{URL}{case.pk}/", {"staff_involved": [], "version": read}, format="json"
    )
    assert patch.status_code == 409


def test_another_organisations_case_is_404(people, case, org_tree, make_user) -> None:  # noqa: ANN001
    api = client_for(make_user(org_tree.other_client, Role.ADMIN))
    assert api.get(f"{URL}{case.pk}/").status_code == 404
    response = api.post(
        transitions(case),
        {"action": "withdraw_complaint", "version": 1, "reason": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert api.get(URL).json()["results"] == []
    assert client_for(people.director).get(f"{URL}abc/").status_code == 404


def test_roles_without_the_permission_get_403(case, technician) -> None:  # noqa: ANN001
    api = client_for(technician)
    assert api.get(URL).status_code == 403
    assert api.post(URL, {}, format="json").status_code == 403


def test_anonymous_requests_get_401(case) -> None:  # noqa: ANN001
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_decision_sanction_and_revisit(people, case, department) -> None:  # noqa: ANN001
    case = services.assign_handler(
        case=case, by=people.director, expected_version=None, handler=people.officer
    )
    case = services.start_investigation(case=case, by=people.officer, expected_version=None)
    case = services.record_findings(
        case=case,
        by=people.officer,
        expected_version=None,
        cause="x",
        responsible_department=department,
    )
    case = services.propose_remedy(
        case=case, by=people.officer, expected_version=None, remedy_kind="apology", remedy_amount=0
    )
    api = client_for(people.director)
    bad = api.post(
        f"{URL}{case.pk}/decision/",
        {"version": case.version, "loss_amount": "100", "shares": [{"share_percent": "100"}]},
        format="json",
    )
    assert bad.status_code == 400
    response = api.post(
        f"{URL}{case.pk}/decision/",
        {
            "version": case.version,
            "loss_amount": "1200.00",
            "shares": [{"department": department.pk, "share_percent": "100"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["shares"] == [
        {
            "department": department.pk,
            "person": None,
            "share_percent": "100.00",
            "amount": "1200.00",
        }
    ]
    response = api.post(
        f"{URL}{case.pk}/sanctions/",
        {
            "version": response.json()["version"],
            "person": people.officer.pk,
            "kind": "minor_demerit",
            "units": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Penalty.objects.filter(kind="minor_demerit").get().amount == Decimal("1600.00")
    # no revisit before closure; and only those who revisit may record one
    revisit = {"version": 1, "outcome": "satisfied"}
    followup = client_for(people.followup)
    assert followup.post(f"{URL}{case.pk}/revisit/", revisit, format="json").status_code == 400
    agent = client_for(people.agent)
    assert agent.post(f"{URL}{case.pk}/revisit/", revisit, format="json").status_code == 403


def test_the_list_takes_a_bounded_number_of_queries(
    people, customer, department, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    for _index in range(6):
        ComplaintFactory.create(by=people.agent, customer=customer)
    api = client_for(people.director)
    with django_assert_max_num_queries(14):
        response = api.get(URL)
    assert len(response.json()["results"]) == 6
    with django_assert_max_num_queries(14):
        assert api.get(f"{URL}{ComplaintCase.objects.first().pk}/").status_code == 200  # type: ignore[union-attr]


def test_filters(people, customer) -> None:  # noqa: ANN001
    general = ComplaintFactory.create(by=people.agent, customer=customer)
    major = ComplaintFactory.create(by=people.agent, customer=customer, severity="major")
    api = client_for(people.director)
    assert [r["id"] for r in api.get(URL, {"severity": "major"}).json()["results"]] == [major.pk]
    assert [r["id"] for r in api.get(URL, {"overdue": "false"}).json()["results"]] == [
        major.pk,
        general.pk,
    ]
    assert api.get(URL, {"status": "nonsense"}).status_code == 400
    assert api.get(URL, {"customer": "0"}).status_code == 400
