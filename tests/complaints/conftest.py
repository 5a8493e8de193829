"""Fixtures of the complaint tests: the people of a service centre who take part in the flow,
a customer of the centre, and a registered complaint."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shouhou.core.models import Role, User
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory


@pytest.fixture(autouse=True)
def _english_and_quiet(settings) -> None:  # noqa: ANN001
    settings.LANGUAGE_CODE = "en"


@dataclass
class People:
    agent: User  # registers complaints (call centre)
    director: User  # service director: assigns, handles, approves up to 5,000 yuan
    officer: User  # quality / complaints officer: handles, approves up to 500 yuan
    deputy: User  # deputy general manager (admin role): reviews major cases, no limit
    followup: User  # follow-up agent: revisits
    accountant: User


@pytest.fixture
def people(org_tree, make_user) -> People:  # noqa: ANN001
    centre = org_tree.service_centre
    return People(
        agent=make_user(centre, Role.AGENT, name="刘婷"),
        director=make_user(centre, Role.SERVICE_MANAGER, name="李主任"),
        officer=make_user(centre, Role.QUALITY_OFFICER, name="吴品管"),
        deputy=make_user(org_tree.hq, Role.ADMIN, name="周副总"),
        followup=make_user(centre, Role.FOLLOWUP_AGENT, name="孙回访"),
        accountant=make_user(org_tree.hq, Role.ACCOUNTANT, name="赵会计"),
    )


@pytest.fixture
def customer(org_tree):  # noqa: ANN001, ANN201
    return CustomerFactory.create(organisation=org_tree.service_centre, name="宏达机电有限公司")


@pytest.fixture
def case(people, customer):  # noqa: ANN001, ANN201
    return ComplaintFactory.create(by=people.agent, customer=customer)
