"""Dispatch services on the real database: technician profiles, shifts from the calendar and
their own rows, day plans (request, solve in the background, accept per technician or whole,
discard, re-plan keeping started jobs), the phone's field steps with positions and distances,
suggestions with reasons, and the duration estimates from the history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from shouhou.core.errors import ConflictError
from shouhou.core.models import AuditEntry, Role
from shouhou.dispatch import services
from shouhou.dispatch.errors import DispatchError
from shouhou.dispatch.models import (
    AssignmentStatus,
    DispatchSettings,
    DistanceSource,
    DurationEstimate,
    FieldVisit,
    Plan,
    PlanStatus,
    PositionEvent,
    TechnicianPosition,
    TechnicianProfile,
)
from shouhou.dispatch.planning import DayPlanner, day_queues, suggest
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import WorkOrderStatus
from tests.conftest import OrgTree
from tests.core.factories import UserFactory
from tests.dispatch.conftest import MONDAY, SHANGHAI, Day, at
from tests.dispatch.factories import XUHUI, technician_with_profile

pytestmark = pytest.mark.django_db


def solved(day: Day, when: datetime.datetime, plan_day: datetime.date = MONDAY) -> Plan:
    """Request and solve a plan at `when` (the worker's job run in place)."""
    with freeze_time(when):
        plan = services.request_plan(
            by=day.dispatcher, organisation=day.org_tree.service_centre, day=plan_day
        )
        result = services.solve_plan(plan_id=plan.pk)
    assert result is not None
    return result


# --- technicians ----------------------------------------------------------------------------


def test_profile_needs_a_technician(org_tree: OrgTree, make_user, supervisor) -> None:
    clerk = make_user(org_tree.service_centre, Role.DISPATCHER)

    with pytest.raises(DispatchError) as refused:
        services.create_technician_profile(
            by=supervisor, user=clerk, home_centre=org_tree.service_centre
        )

    assert refused.value.field == "user"
    assert not TechnicianProfile.objects.exists()


def test_profile_is_audited_and_refuses_a_stale_edit(org_tree: OrgTree, supervisor) -> None:
    profile = technician_with_profile(org_tree.service_centre)

    updated = services.update_technician_profile(
        profile=profile, by=supervisor, expected_version=profile.version, daily_capacity=4
    )
    with pytest.raises(ConflictError):
        services.update_technician_profile(
            profile=profile, by=supervisor, expected_version=profile.version, daily_capacity=9
        )

    updated.refresh_from_db()
    assert updated.daily_capacity == 4
    entry = AuditEntry.objects.get(action="technician_profile.updated")
    assert entry.changes == {"daily_capacity": [None, 4]}


def test_dispatcher_may_not_change_profiles(org_tree: OrgTree, dispatcher) -> None:
    profile = technician_with_profile(org_tree.service_centre)

    with pytest.raises(DispatchError) as refused:
        services.update_technician_profile(
            profile=profile, by=dispatcher, expected_version=profile.version, daily_capacity=2
        )

    assert refused.value.code == "not_allowed"


def test_duplicate_skill_is_refused(day: Day) -> None:
    with pytest.raises(DispatchError):
        services.add_skill(profile=day.wang, by=None, product_type=day.atm.product_type)
    assert day.wang.skills.count() == 1


def test_shift_comes_from_the_calendar_unless_the_technician_has_one(day: Day) -> None:
    planner = DayPlanner(organisation=day.org_tree.service_centre, day=MONDAY, now=at(7))
    sunday = DayPlanner(
        organisation=day.org_tree.service_centre,
        day=MONDAY - datetime.timedelta(days=1),
        now=at(7),
    )
    services.set_shift(
        profile=day.li,
        by=day.dispatcher,
        day=MONDAY,
        starts_at=datetime.time(12),
        ends_at=datetime.time(20),
    )
    services.set_shift(profile=day.wang, by=day.dispatcher, day=MONDAY + datetime.timedelta(days=1))

    assert sunday.shift(day.wang) is None
    wang = planner.technician_day(planner.profiles().get(pk=day.wang.pk))
    li = planner.technician_day(planner.profiles().get(pk=day.li.pk))
    assert (wang.shift_start, wang.shift_end) == (at(8, 30), at(17, 30))
    assert (li.shift_start, li.shift_end) == (at(12), at(20))
    tuesday = DayPlanner(
        organisation=day.org_tree.service_centre, day=MONDAY + datetime.timedelta(days=1), now=at(7)
    )
    off = tuesday.technician_day(tuesday.profiles().get(pk=day.wang.pk))
    assert not off.is_available
    assert off.unavailable == "not working on this day"


def test_shift_needs_both_times_or_none(day: Day) -> None:
    with pytest.raises(DispatchError):
        services.set_shift(
            profile=day.wang, by=day.dispatcher, day=MONDAY, starts_at=datetime.time(9)
        )
    with pytest.raises(DispatchError):
        services.set_shift(
            profile=day.wang,
            by=day.dispatcher,
            day=MONDAY,
            starts_at=datetime.time(9),
            ends_at=datetime.time(8),
        )
    assert not day.wang.shifts.exists()


# --- plans ----------------------------------------------------------------------------------


def test_plan_is_queued_and_its_solving_enqueued_after_commit(
    day: Day, django_capture_on_commit_callbacks, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    order = day.call()

    with django_capture_on_commit_callbacks(execute=True):
        plan = services.request_plan(
            by=day.dispatcher, organisation=day.org_tree.service_centre, day=MONDAY
        )
        assert Plan.objects.get(pk=plan.pk).status == PlanStatus.QUEUED

    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert plan.progress == 100
    row = plan.assignments.get()
    assert (row.work_order, row.technician) == (order, day.wang.user)
    assert AuditEntry.objects.filter(action="plan.requested", object_id=str(plan.pk)).exists()
    assert AuditEntry.objects.filter(action="plan.proposed", object_id=str(plan.pk)).exists()


def test_plan_for_a_past_day_or_twice_at_once_is_refused(day: Day) -> None:
    with pytest.raises(DispatchError):
        services.request_plan(
            by=day.dispatcher,
            organisation=day.org_tree.service_centre,
            day=MONDAY - datetime.timedelta(days=1),
        )
    services.request_plan(by=day.dispatcher, organisation=day.org_tree.service_centre, day=MONDAY)
    with pytest.raises(DispatchError):
        services.request_plan(
            by=day.dispatcher, organisation=day.org_tree.service_centre, day=MONDAY
        )
    assert Plan.objects.count() == 1


def test_technician_may_not_plan(day: Day) -> None:
    with pytest.raises(DispatchError) as refused:
        services.request_plan(
            by=day.wang.user, organisation=day.org_tree.service_centre, day=MONDAY
        )
    assert refused.value.code == "not_allowed"


def test_plan_respects_skills_and_reports_what_cannot_be_planned(day: Day) -> None:
    # given ATM calls (Wang's skill), an air-con call (Li's) and a call at a site off the map
    atm_orders = [day.call(site="xuhui"), day.call(site="pudong")]
    aircon = day.call(site="jiading", model=day.aircon)
    lost = day.call(site="nowhere")

    plan = solved(day, at(7, 45))

    rows = {row.work_order_id: row for row in plan.assignments.all()}
    assert {rows[o.pk].technician for o in atm_orders} == {day.wang.user}
    assert rows[aircon.pk].technician == day.li.user
    assert rows[lost.pk].technician is None
    assert rows[lost.pk].reason == "the site has no position on the map"
    assert plan.unassigned_count == 1
    assert plan.late_count == 0
    assert plan.status == PlanStatus.PROPOSED
    assert sorted(rows[o.pk].sequence for o in atm_orders) == [1, 2]
    for order in atm_orders:
        row = rows[order.pk]
        assert row.arrival_at is not None
        assert row.due_at == at(16)
        assert at(7, 45) < row.arrival_at <= at(16)


def test_solving_twice_changes_nothing(day: Day) -> None:
    day.call()
    plan = solved(day, at(7, 45))
    rows = list(plan.assignments.values_list("pk", flat=True))

    assert services.solve_plan(plan_id=plan.pk) is None

    assert list(plan.assignments.values_list("pk", flat=True)) == rows


def test_accepting_the_whole_plan_dispatches_every_order(day: Day) -> None:
    orders = [day.call(site="xuhui"), day.call(site="jiading", model=day.aircon)]
    plan = solved(day, at(7, 45))

    with freeze_time(at(7, 50)):
        accepted = services.accept_plan(plan=plan, by=day.dispatcher, expected_version=plan.version)

    assert accepted.status == PlanStatus.ACCEPTED
    for order in orders:
        order.refresh_from_db()
        assert order.status == WorkOrderStatus.DISPATCHED
    assert {o.technician for o in orders} == {day.wang.user, day.li.user}
    assert set(plan.assignments.values_list("status", flat=True)) == {AssignmentStatus.ACCEPTED}


def test_accepting_one_route_keeps_the_plan_open_and_skips_changed_orders(day: Day) -> None:
    first = day.call(site="xuhui")
    second = day.call(site="pudong")
    aircon = day.call(site="jiading", model=day.aircon)
    plan = solved(day, at(7, 45))
    # someone gives one of Wang's planned orders to Li by hand after the plan was made
    work_orders.dispatch_work_order(
        work_order=second, technician=day.li.user, by=day.dispatcher, expected_version=None
    )

    route = services.accept_plan(
        plan=plan, by=day.dispatcher, expected_version=plan.version, technician=day.wang.user
    )

    assert route.status == PlanStatus.PROPOSED
    rows = {row.work_order_id: row for row in plan.assignments.all()}
    assert rows[first.pk].status == AssignmentStatus.ACCEPTED
    assert rows[second.pk].status == AssignmentStatus.SKIPPED
    assert "Someone else changed" in rows[second.pk].note
    assert rows[aircon.pk].status == AssignmentStatus.PROPOSED
    second.refresh_from_db()
    assert second.technician == day.li.user
    aircon.refresh_from_db()
    assert aircon.status == WorkOrderStatus.REGISTERED

    done = services.accept_plan(
        plan=route, by=day.dispatcher, expected_version=route.version, technician=day.li.user
    )
    assert done.status == PlanStatus.ACCEPTED


def test_stale_plan_version_is_refused(day: Day) -> None:
    day.call()
    plan = solved(day, at(7, 45))

    with pytest.raises(ConflictError):
        services.accept_plan(plan=plan, by=day.dispatcher, expected_version=plan.version - 1)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


def test_discarded_plan_cannot_be_accepted(day: Day) -> None:
    order = day.call()
    plan = solved(day, at(7, 45))

    discarded = services.discard_plan(plan=plan, by=day.dispatcher, expected_version=plan.version)
    with pytest.raises(DispatchError):
        services.accept_plan(plan=discarded, by=day.dispatcher, expected_version=discarded.version)

    order.refresh_from_db()
    assert order.status == WorkOrderStatus.REGISTERED
    assert set(plan.assignments.values_list("status", flat=True)) == {AssignmentStatus.DISCARDED}


def test_replanning_the_rest_of_the_day_keeps_started_jobs(day: Day) -> None:
    # given Wang on his way to a Jiading job, and a new urgent call in Xuhui at 10:00
    far = day.call(site="jiading")
    technician = day.wang.user
    with freeze_time(at(8, 40)):
        work_orders.dispatch_work_order(
            work_order=far, technician=technician, by=day.dispatcher, expected_version=None
        )
        services.accept_job(work_order=far, by=technician, expected_version=None)
        services.depart_for_job(work_order=far, by=technician, expected_version=None)
    with freeze_time(at(10)):
        urgent = day.call(site="xuhui")

    # when the dispatcher re-plans the rest of the day
    plan = solved(day, at(10, 5))

    # then the started job stays first on Wang's route; nothing is planned before now
    assert plan.is_replan
    rows = {row.work_order_id: row for row in plan.assignments.all()}
    assert rows[far.pk].technician == technician
    assert rows[far.pk].sequence == 1
    assert rows[far.pk].is_fixed
    assert rows[urgent.pk].technician == technician
    assert rows[urgent.pk].sequence == 2
    assert all(row.arrival_at and row.arrival_at >= at(10, 5) for row in rows.values())


def test_failed_plan_says_why(day: Day, monkeypatch) -> None:
    day.call()

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("no depots")

    monkeypatch.setattr("shouhou.dispatch.services.plans.plan_day", broken)
    plan = solved(day, at(7, 45))

    assert plan.status == PlanStatus.FAILED
    assert "no depots" in plan.message


# --- suggestions ----------------------------------------------------------------------------


def test_suggestions_rank_who_may_take_it_with_reasons(day: Day, org_tree: OrgTree) -> None:
    order = day.call(site="xuhui")
    technician_with_profile(
        org_tree.service_centre, name="赵师傅", home_latitude=XUHUI[0], home_longitude=XUHUI[1]
    )
    full = technician_with_profile(org_tree.service_centre, name="钱师傅", daily_capacity=1)
    busy = day.call(site="pudong")
    work_orders.dispatch_work_order(
        work_order=busy, technician=full.user, by=day.dispatcher, expected_version=None
    )

    with freeze_time(at(7, 45)):
        planner = DayPlanner(organisation=org_tree.service_centre, day=MONDAY)
        technicians = [planner.technician_day(p) for p in planner.profiles()]
        ranked = suggest(planner, order, technicians=technicians, queues=day_queues(planner))

    names = [str(s.technician.user) for s in ranked]
    assert names[:2] == ["赵师傅", "王建军"]  # Zhao lives next door; Wang drives from Minhang
    assert [s.eligible for s in ranked] == [True, True, False, False]
    zhao, wang = ranked[0], ranked[1]
    assert zhao.travel_minutes < wang.travel_minutes
    assert any("before the due time" in reason for reason in zhao.reasons)
    assert any("any product" in reason for reason in zhao.reasons)
    assert any("certified" in reason or "repairs" in reason for reason in wang.reasons)
    refusals = {str(s.technician.user): s.reasons[0] for s in ranked[2:]}
    assert refusals["李明"].startswith("cannot repair")
    assert refusals["钱师傅"] == "full: 1 of 1 jobs"


# --- the phone's field steps -----------------------------------------------------------------


def test_field_steps_record_times_positions_and_distances(day: Day) -> None:
    order = day.call(site="xuhui")
    technician = day.wang.user
    work_orders.dispatch_work_order(
        work_order=order, technician=technician, by=day.dispatcher, expected_version=None
    )
    home = services.Position(Decimal("31.112800"), Decimal("121.381600"), accuracy_m=12)
    there = services.Position(Decimal("31.188400"), Decimal("121.436500"), accuracy_m=8)

    with freeze_time(at(8, 35)):
        services.accept_job(work_order=order, by=technician, expected_version=None)
    with freeze_time(at(8, 40)):
        services.depart_for_job(
            work_order=order, by=technician, expected_version=None, position=home
        )
    with freeze_time(at(9, 20)):
        services.arrive_at_job(
            work_order=order, by=technician, expected_version=None, position=there
        )
    with freeze_time(at(10, 30)):
        services.complete_job(
            work_order=order,
            by=technician,
            expected_version=None,
            work_done="更换电源板",
            position=there,
        )

    order.refresh_from_db()
    assert order.status == WorkOrderStatus.RESOLVED
    visit = FieldVisit.objects.get()
    assert (visit.departed_at, visit.arrived_at, visit.completed_at) == (
        at(8, 40),
        at(9, 20),
        at(10, 30),
    )
    assert visit.distance_source == DistanceSource.POSITIONS
    # 10.0 km in a straight line, × 1.3 detour
    assert visit.outbound_distance_m is not None
    assert 12_500 < visit.outbound_distance_m < 13_500
    assert visit.return_distance_m == visit.outbound_distance_m
    assert visit.on_day == MONDAY
    events = list(TechnicianPosition.objects.order_by("at").values_list("event", flat=True))
    assert events == [PositionEvent.DEPART, PositionEvent.ARRIVE, PositionEvent.COMPLETE]
    day.wang.refresh_from_db()
    assert day.wang.last_position_at == at(10, 30)
    assert day.wang.last_latitude == Decimal("31.188400")


def test_dispatcher_recording_for_the_technician_sends_no_position(day: Day) -> None:
    order = day.call(site="xuhui")
    work_orders.dispatch_work_order(
        work_order=order, technician=day.wang.user, by=day.dispatcher, expected_version=None
    )
    services.accept_job(work_order=order, by=day.wang.user, expected_version=None)
    office = services.Position(Decimal("31.2"), Decimal("121.4"))

    services.depart_for_job(
        work_order=order, by=day.dispatcher, expected_version=None, position=office
    )
    services.arrive_at_job(work_order=order, by=day.dispatcher, expected_version=None)

    visit = FieldVisit.objects.get()
    assert visit.technician == day.wang.user
    assert visit.departed_latitude is None
    # from the home base to the site's address
    assert visit.distance_source == DistanceSource.SITES
    assert visit.outbound_distance_m
    assert not TechnicianPosition.objects.exists()


def test_position_off_the_earth_is_refused() -> None:
    with pytest.raises(DispatchError):
        services.Position(Decimal("91"), Decimal("0"))


def test_only_technicians_report_positions(day: Day) -> None:
    where = services.Position(Decimal("31.2"), Decimal("121.4"))
    with pytest.raises(DispatchError):
        services.record_position(by=day.dispatcher, position=where)
    row = services.record_position(by=day.wang.user, position=where)
    assert row.organisation == day.wang.user.organisation


# --- duration estimates ----------------------------------------------------------------------


def test_estimates_come_from_the_history_with_fallbacks(day: Day) -> None:
    DispatchSettings.objects.filter(is_default=True).update(min_history_samples=2)
    for minutes in (40, 60, 80):
        order = day.call(site="xuhui", symptom="出钞口卡钞，交易中断")
        work_orders.dispatch_work_order(
            work_order=order, technician=day.wang.user, by=day.dispatcher, expected_version=None
        )
        with freeze_time(at(9)):
            services.accept_job(work_order=order, by=day.wang.user, expected_version=None)
            services.depart_for_job(work_order=order, by=day.wang.user, expected_version=None)
            services.arrive_at_job(work_order=order, by=day.wang.user, expected_version=None)
        with freeze_time(at(9) + datetime.timedelta(minutes=minutes)):
            services.complete_job(
                work_order=order, by=day.wang.user, expected_version=None, work_done="清理"
            )

    with freeze_time(at(18)):
        count = services.recompute_duration_estimates()
        again = services.recompute_duration_estimates()

    assert count == again == 3  # (model, jam), (model), (jam)
    assert set(DurationEstimate.objects.values_list("minutes", flat=True)) == {60}
    planner = DayPlanner(organisation=day.org_tree.service_centre, day=MONDAY, now=at(18))
    jam = planner.durations.estimate(product_model_id=day.atm.pk, symptom="卡钞")
    other_fault = planner.durations.estimate(product_model_id=day.atm.pk, symptom="屏幕闪烁")
    other_model = planner.durations.estimate(product_model_id=day.aircon.pk, symptom="卡纸")
    unknown = planner.durations.estimate(product_model_id=None, symptom="不知道")
    assert (jam.minutes, jam.source) == (60, "model_and_fault")
    assert (other_fault.minutes, other_fault.source) == (60, "model")
    assert (other_model.minutes, other_model.source) == (60, "fault")
    assert (unknown.minutes, unknown.source) == (90, "default")


def test_other_organisations_technicians_are_not_in_the_plan(day: Day, org_tree: OrgTree) -> None:
    stranger = UserFactory.create(organisation=org_tree.provider, role=Role.TECHNICIAN)
    services.create_technician_profile(by=None, user=stranger, home_centre=org_tree.provider)
    day.call(site="xuhui")

    plan = solved(day, at(7, 45))

    assert not plan.assignments.filter(technician=stranger).exists()
    assert plan.technician_count == 2
    assert SHANGHAI.key == "Asia/Shanghai"


def test_abandoned_plan_does_not_block_a_new_one(day: Day) -> None:
    # given a plan no worker ever picked up
    first = services.request_plan(
        by=day.dispatcher, organisation=day.org_tree.service_centre, day=MONDAY
    )

    # when the dispatcher asks again half an hour later
    with freeze_time(at(8)):
        assert first.looks_abandoned
        second = services.request_plan(
            by=day.dispatcher, organisation=day.org_tree.service_centre, day=MONDAY
        )

    # then the new plan is queued
    assert second.pk != first.pk
    assert Plan.objects.filter(status=PlanStatus.QUEUED).count() == 2
