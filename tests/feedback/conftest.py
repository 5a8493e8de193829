from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.customers import services as customers
from shouhou.customers.models import Customer
from shouhou.feedback.models import SurveyInvitation
from tests.feedback.factories import customer_of, invited


@pytest.fixture(autouse=True)
def _public_address(settings) -> None:  # noqa: ANN001
    settings.PUBLIC_BASE_URL = "http://testserver"
    # Load the URL configuration (and what it imports) before a test freezes the clock.
    reverse("feedback:invitation-list")


@pytest.fixture(autouse=True)
def _no_rate_limit_carry_over() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def customer(org_tree) -> Customer:  # noqa: ANN001
    """A customer of the service centre whose caller has an email on file."""
    found = customer_of(org_tree.service_centre, name="宏达机电", email="office@hongda.example")
    customers.create_contact(
        by=None, customer=found, name="王先生", phone="13912345678", email="wang@hongda.example"
    )
    return found


@pytest.fixture
def invitation(dispatcher, technician, customer) -> SurveyInvitation:  # noqa: ANN001
    return invited(dispatcher=dispatcher, technician=technician, customer=customer)
