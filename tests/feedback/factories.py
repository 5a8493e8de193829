"""Work orders closed through the work-order services, invited and answered through the feedback
services: what production writes, step by step."""

from __future__ import annotations

import datetime
from typing import Any

from freezegun import freeze_time

from shouhou.core.models import User
from shouhou.customers.models import Customer
from shouhou.feedback import services
from shouhou.feedback.models import AnswerChannel, SurveyAnswer, SurveyInvitation
from shouhou.tickets import services as tickets
from shouhou.tickets.models import ResolutionMode, WorkOrder
from tests.assets.factories import EquipmentFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import WorkOrderFactory

GOOD = {"attitude": 4, "skill": 4, "arrival": 3, "promise": 4, "overall": 3}


def customer_of(organisation: Any, **kwargs: Any) -> Customer:
    return CustomerFactory.create(organisation=organisation, **kwargs)


def closed_work_order(
    *,
    dispatcher: User,
    technician: User | None,
    customer: Customer,
    contact_phone: str = "13912345678",
    at: datetime.datetime | None = None,
) -> WorkOrder:
    """A phone fix, dispatched to `technician`, resolved and closed (at `at` if given)."""

    def play() -> WorkOrder:
        order = WorkOrderFactory.create(
            by=dispatcher,
            customer=customer,
            equipment=EquipmentFactory.create(customer=customer),
            contact_phone=contact_phone,
            resolution_mode=ResolutionMode.PHONE,
        )
        if technician is not None:
            order = tickets.dispatch_work_order(
                work_order=order, technician=technician, by=dispatcher, expected_version=None
            )
        order = tickets.resolve_work_order(
            work_order=order, by=dispatcher, expected_version=None, work_done="电话指导后恢复"
        )
        return tickets.close_work_order(work_order=order, by=dispatcher, expected_version=None)

    if at is None:
        return play()
    with freeze_time(at):
        return play()


def invited(
    *,
    dispatcher: User,
    technician: User | None,
    customer: Customer,
    at: datetime.datetime | None = None,
    **kwargs: Any,
) -> SurveyInvitation:
    """A closed work order and its invitation (both at `at` if given)."""
    order = closed_work_order(
        dispatcher=dispatcher, technician=technician, customer=customer, at=at, **kwargs
    )
    if at is None:
        invitation = services.invite_after_close(work_order=order, by=dispatcher)
    else:
        with freeze_time(at):
            invitation = services.invite_after_close(work_order=order, by=dispatcher)
    assert invitation is not None
    return invitation


def answered(
    invitation: SurveyInvitation,
    values: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> SurveyAnswer:
    """The customer's answer through the link (at `at` if given)."""

    def submit() -> SurveyAnswer:
        return services.submit_survey_answer(
            invitation=invitation, values=values or GOOD, channel=AnswerChannel.LINK, by=None
        )

    if at is None:
        return submit()
    with freeze_time(at):
        return submit()
