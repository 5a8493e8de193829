"""Follow-up sampling (000 第五篇 二): target customers 100 %, the others at least 30 %, drawn
reproducibly from the rule's seed, decided once per event."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from shouhou.feedback import sampling, services
from shouhou.feedback.models import (
    FollowUp,
    FollowUpKind,
    FollowUpRule,
    SamplingDecision,
    Selection,
)
from shouhou.feedback.reports import follow_up_month_report
from tests.feedback.factories import closed_work_order, customer_of

ZONE = timezone.get_default_timezone()
MONTH_END = datetime.datetime(2026, 3, 31, 23, 0, tzinfo=ZONE)


@given(
    percent=st.integers(min_value=1, max_value=99),
    draws=st.lists(st.floats(min_value=0, max_value=1, exclude_max=True), max_size=200),
)
def test_every_prefix_holds_the_share_and_at_most_one_more(
    percent: int, draws: list[float]
) -> None:
    selected = 0
    for sequence, draw in enumerate(draws):
        selected += sampling.is_selected(
            percent=percent, sequence=sequence, selected_before=selected, draw=draw
        )
        needed = sampling.required(percent=percent, decided=sequence + 1)
        assert needed <= selected <= needed + 1


def test_all_or_nothing_shares() -> None:
    assert sampling.is_selected(percent=100, sequence=5, selected_before=9, draw=0.99)
    assert not sampling.is_selected(percent=0, sequence=0, selected_before=0, draw=0.0)


def test_draws_are_the_same_on_every_run_and_differ_by_seed() -> None:
    one = sampling.draw(
        seed=1, rule_id=3, period="2026-03", organisation_id=2, key="repair:work_order:7"
    )
    again = sampling.draw(
        seed=1, rule_id=3, period="2026-03", organisation_id=2, key="repair:work_order:7"
    )
    other = sampling.draw(
        seed=2, rule_id=3, period="2026-03", organisation_id=2, key="repair:work_order:7"
    )

    assert one == again
    assert one != other
    assert 0 <= one < 1


def test_required_rounds_up() -> None:
    assert [sampling.required(percent=30, decided=n) for n in (0, 1, 3, 4, 10, 11)] == [
        0,
        1,
        1,
        2,
        3,
        4,
    ]


@pytest.fixture
def march(dispatcher, technician, org_tree):  # noqa: ANN001, ANN201
    """March 2026 at the service centre: 10 repairs for target customers, 40 for the others,
    closed over the month."""
    targets = [customer_of(org_tree.service_centre, is_target=True) for _ in range(2)]
    others = [customer_of(org_tree.service_centre) for _ in range(4)]
    orders = []
    for index in range(50):
        customer = targets[index % 2] if index < 10 else others[index % 4]
        at = datetime.datetime(2026, 3, 1 + index % 28, 9 + index % 8, 15, tzinfo=ZONE)
        orders.append(
            closed_work_order(
                dispatcher=dispatcher, technician=technician, customer=customer, at=at
            )
        )
    return orders


def selected_orders() -> set[int]:
    return set(
        SamplingDecision.objects.filter(is_selected=True).values_list("work_order_id", flat=True)
    )


def forget_decisions() -> None:
    FollowUp.objects.all().delete()
    SamplingDecision.objects.all().delete()


@pytest.mark.django_db
def test_a_month_follows_up_every_target_and_at_least_30_percent_of_the_rest(
    march, org_tree, hq_admin
) -> None:
    # when the job runs after the month (twice)
    with freeze_time(MONTH_END):
        created = services.create_follow_ups()
        again = services.create_follow_ups()

    # then every event was decided once; all 10 target repairs and 12 or 13 of the 40 others
    assert again == 0
    decisions = SamplingDecision.objects.filter(kind=FollowUpKind.REPAIR, period="2026-03")
    assert decisions.count() == 50
    assert decisions.filter(is_target=True, is_selected=True).count() == 10
    others = decisions.filter(is_target=False, is_selected=True).count()
    assert 12 <= others <= 13
    assert created == FollowUp.objects.count() == 10 + others
    assert FollowUp.objects.filter(selection=Selection.TARGET).count() == 10
    # and the month's report shows the coverage against the rule
    report = follow_up_month_report(
        user=hq_admin, organisation=org_tree.service_centre, month=datetime.date(2026, 3, 1)
    )
    coverage = {(row.kind, row.is_target): row for row in report.coverage}
    target, other = coverage[("repair", True)], coverage[("repair", False)]
    assert (target.events, target.followed_up, target.required, target.meets_rule) == (
        10,
        10,
        100,
        True,
    )
    assert (other.events, other.followed_up, other.required, other.meets_rule) == (
        40,
        others,
        30,
        True,
    )


@pytest.mark.django_db
def test_the_same_seed_draws_the_same_sample_however_often_the_job_ran(march) -> None:
    # given the sample drawn by one run after the month
    with freeze_time(MONTH_END):
        services.create_follow_ups()
    once = selected_orders()

    # when it is drawn again by a run after each day of the month
    forget_decisions()
    for day in range(1, 32):
        with freeze_time(datetime.datetime(2026, 3, day, 23, 30, tzinfo=ZONE)):
            services.create_follow_ups()
    daily = selected_orders()

    # and again once more from scratch
    forget_decisions()
    with freeze_time(MONTH_END):
        services.create_follow_ups()

    # then the three samples are the same
    assert once == daily == selected_orders()


@pytest.mark.django_db
def test_another_seed_draws_another_sample(march) -> None:
    with freeze_time(MONTH_END):
        services.create_follow_ups()
    first = selected_orders()
    forget_decisions()
    FollowUpRule.objects.filter(kind=FollowUpKind.REPAIR).update(sample_seed=2)

    with freeze_time(MONTH_END):
        services.create_follow_ups()

    assert selected_orders() != first
    assert len(selected_orders()) >= 10 + 12


@pytest.mark.django_db
def test_a_rule_of_the_organisation_wins_over_the_default(march, org_tree) -> None:
    default = FollowUpRule.objects.get(kind=FollowUpKind.REPAIR, organisation=None)
    FollowUpRule.objects.create(
        kind=FollowUpKind.REPAIR,
        organisation=org_tree.service_centre,
        starts_after=default.starts_after,
        due_within=default.due_within,
        sample_percent=100,
    )

    with freeze_time(MONTH_END):
        services.create_follow_ups()

    assert FollowUp.objects.count() == 50


@pytest.mark.django_db
def test_a_switched_off_rule_creates_nothing(march) -> None:
    FollowUpRule.objects.filter(kind=FollowUpKind.REPAIR).update(is_active=False)

    with freeze_time(MONTH_END):
        assert services.create_follow_ups() == 0

    assert not SamplingDecision.objects.exists()


@pytest.mark.django_db
def test_the_repair_call_window_is_two_days_to_a_week(dispatcher, technician, org_tree) -> None:
    closed_at = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=ZONE)
    customer = customer_of(org_tree.service_centre, is_target=True)
    order = closed_work_order(
        dispatcher=dispatcher, technician=technician, customer=customer, at=closed_at
    )

    with freeze_time(closed_at + datetime.timedelta(hours=1)):
        services.create_follow_ups()

    follow_up = FollowUp.objects.get()
    assert (follow_up.work_order, follow_up.kind) == (order, FollowUpKind.REPAIR)
    assert follow_up.event_at == order.closed_at
    assert follow_up.start_at == follow_up.event_at + datetime.timedelta(days=2)
    assert follow_up.due_at == follow_up.event_at + datetime.timedelta(days=7)
    assert follow_up.next_attempt_at == follow_up.start_at
    assert follow_up.phone == order.contact_phone


@pytest.mark.django_db
def test_an_installation_is_called_within_24_hours(org_tree) -> None:
    from tests.assets.factories import EquipmentFactory

    customer = customer_of(org_tree.service_centre, is_target=True)
    unit = EquipmentFactory.create(customer=customer, installed_on=datetime.date(2026, 3, 10))

    with freeze_time(datetime.datetime(2026, 3, 10, 18, 0, tzinfo=ZONE)):
        services.create_follow_ups()
        services.create_follow_ups()

    follow_up = FollowUp.objects.get()
    assert (follow_up.kind, follow_up.equipment) == (FollowUpKind.INSTALLATION, unit)
    assert follow_up.event_at == datetime.datetime(2026, 3, 11, 0, 0, tzinfo=ZONE)
    assert follow_up.due_at == datetime.datetime(2026, 3, 12, 0, 0, tzinfo=ZONE)
    assert follow_up.handling_organisation == org_tree.service_centre
