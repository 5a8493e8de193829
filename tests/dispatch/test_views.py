"""Dispatch pages: the board (bounded queries, lanes and cards, assign by click or drag, refusals
that change nothing), suggestions, plans (progress, routes, decisions), technicians, the
technician's phone pages and the field-work report; another organisation's records are 404."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from shouhou.core.models import Role
from shouhou.dispatch import services
from shouhou.dispatch.models import FieldVisit, Plan, PlanStatus, TechnicianProfile
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import WorkOrder, WorkOrderStatus
from tests.conftest import OrgTree
from tests.customers.factories import CustomerFactory, SiteFactory
from tests.dispatch.conftest import MONDAY, Day, at
from tests.dispatch.factories import technician_with_profile
from tests.tickets.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
BOARD = reverse("dispatch:board")


def board_url(day: Day, **extra: object) -> str:
    query = {"centre": day.org_tree.service_centre.pk, "day": MONDAY.isoformat(), **extra}
    return BOARD + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def test_board_shows_cards_and_lanes_in_bounded_queries(
    client: Client, day: Day, org_tree: OrgTree, django_assert_max_num_queries
) -> None:
    # given unassigned calls and a dispatched one
    waiting = [day.call(site="xuhui"), day.call(site="pudong", priority="urgent")]
    queued = day.call(site="jiading")
    work_orders.dispatch_work_order(
        work_order=queued, technician=day.wang.user, by=day.dispatcher, expected_version=None
    )
    for index in range(6):
        technician_with_profile(org_tree.service_centre, name=f"技术员{index}")
    client.force_login(day.dispatcher)

    # when the dispatcher opens the board
    with freeze_time(at(9)), django_assert_max_num_queries(40):
        response = client.get(board_url(day))

    # then the waiting calls are cards, the dispatched one a block on Wang's line
    assert response.status_code == 200
    page = response.content.decode()
    for order in waiting:
        assert f'data-work-order="{order.pk}"' in page
    assert page.count('class="card ') == 2
    assert f'data-technician="{day.wang.user.pk}"' in page
    lanes = response.context["board"].lanes
    wang = next(lane for lane in lanes if lane.lane.technician.user == day.wang.user)
    assert [b.block.work_order for b in wang.blocks] == [queued]
    assert "Plan the day automatically" not in page  # it is the same day: re-plan
    assert "Re-plan the rest of the day" in page


def test_board_of_another_centre_is_not_offered(
    client: Client, day: Day, org_tree: OrgTree
) -> None:
    client.force_login(day.dispatcher)
    response = client.get(BOARD + f"?centre={org_tree.provider.pk}")
    # an unknown choice falls back to the dispatcher's own centre
    assert response.status_code == 200
    assert response.context["board"].centre == org_tree.service_centre


def test_technician_cannot_open_the_board(client: Client, day: Day) -> None:
    client.force_login(day.wang.user)
    assert client.get(BOARD).status_code == 403


def test_suggestions_fragment_ranks_with_reasons(client: Client, day: Day) -> None:
    order = day.call(site="xuhui")
    client.force_login(day.dispatcher)

    with freeze_time(at(8)):
        response = client.get(
            reverse("dispatch:suggest", args=[order.pk])
            + f"?centre={day.org_tree.service_centre.pk}&day={MONDAY.isoformat()}"
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("王建军") < page.index("李明")
    assert "cannot repair" in page
    assert "Assign to 王建军" in page


def test_suggestions_for_another_organisations_order_are_404(
    client: Client, day: Day, org_tree: OrgTree
) -> None:
    other = WorkOrderFactory.create(
        equipment__customer=CustomerFactory.create(organisation=org_tree.other_client)
    )
    client.force_login(day.dispatcher)
    response = client.get(reverse("dispatch:suggest", args=[other.pk]))
    assert response.status_code == 404


def test_dropping_a_card_on_a_lane_dispatches_it(client: Client, day: Day) -> None:
    order = day.call(site="xuhui")
    client.force_login(day.dispatcher)

    response = client.post(
        reverse("dispatch:assign"),
        {"work_order": order.pk, "technician": day.wang.user.pk, "version": order.version},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 204
    order.refresh_from_db()
    assert (order.status, order.technician) == (WorkOrderStatus.DISPATCHED, day.wang.user)


def test_refused_drop_says_why_and_changes_nothing(client: Client, day: Day) -> None:
    order = day.call(site="xuhui")
    client.force_login(day.dispatcher)

    stale = client.post(
        reverse("dispatch:assign"),
        {"work_order": order.pk, "technician": day.wang.user.pk, "version": order.version + 5},
        headers={"X-Requested-With": "fetch"},
    )
    nobody = client.post(
        reverse("dispatch:assign"),
        {"work_order": order.pk, "technician": day.dispatcher.pk, "version": order.version},
        headers={"X-Requested-With": "fetch"},
    )
    garbage = client.post(reverse("dispatch:assign"), {"work_order": "x"})

    assert stale.status_code == 400
    assert "Someone else changed" in stale.content.decode()
    assert nobody.status_code == 400
    assert garbage.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.REGISTERED


def test_assign_button_goes_back_to_the_board(client: Client, day: Day) -> None:
    order = day.call(site="xuhui")
    client.force_login(day.dispatcher)
    back = board_url(day)

    response = client.post(
        reverse("dispatch:assign"),
        {
            "work_order": order.pk,
            "technician": day.wang.user.pk,
            "version": order.version,
            "back": back,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == back


def test_plan_page_shows_progress_then_routes_and_accepts(
    client: Client, day: Day, django_assert_max_num_queries
) -> None:
    orders = [day.call(site="xuhui"), day.call(site="jiading", model=day.aircon)]
    client.force_login(day.dispatcher)
    with freeze_time(at(7, 45)):
        response = client.post(
            reverse("dispatch:plan-request"),
            {"centre": day.org_tree.service_centre.pk, "day": MONDAY.isoformat()},
        )
    plan = Plan.objects.get()
    assert response["Location"] == plan.get_absolute_url()

    waiting = client.get(plan.get_absolute_url(), headers={"HX-Request": "true"})
    assert waiting.status_code == 200
    assert 'hx-trigger="every 1s"' in waiting.content.decode()

    with freeze_time(at(7, 46)):
        services.solve_plan(plan_id=plan.pk)
    done = client.get(plan.get_absolute_url(), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"

    with django_assert_max_num_queries(25):
        page = client.get(plan.get_absolute_url())
    text = page.content.decode()
    assert "王建军" in text
    assert "李明" in text
    assert "Accept 王建军&#x27;s route" in text or "Accept 王建军's route" in text

    plan.refresh_from_db()
    with freeze_time(at(7, 50)):
        client.post(
            reverse("dispatch:plan-accept", args=[plan.pk]),
            {"version": plan.version, "technician": day.li.user.pk},
        )
    orders[1].refresh_from_db()
    assert orders[1].technician == day.li.user
    orders[0].refresh_from_db()
    assert orders[0].status == WorkOrderStatus.REGISTERED
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED

    client.post(reverse("dispatch:plan-discard", args=[plan.pk]), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DISCARDED


def test_plan_of_another_organisation_is_404(
    client: Client, day: Day, org_tree: OrgTree, make_user
) -> None:
    plan = services.request_plan(
        by=day.dispatcher, organisation=org_tree.service_centre, day=MONDAY
    )
    stranger = make_user(org_tree.provider, Role.DISPATCHER)
    client.force_login(stranger)
    assert client.get(plan.get_absolute_url()).status_code == 404
    response = client.post(reverse("dispatch:plan-accept", args=[plan.pk]), {"version": 1})
    assert response.status_code == 404


# --- technicians ----------------------------------------------------------------------------


def test_technician_pages(
    client: Client, day: Day, supervisor, django_assert_max_num_queries
) -> None:
    client.force_login(supervisor)
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("dispatch:technician-list"))
    assert "王建军" in listing.content.decode()
    with django_assert_max_num_queries(25):
        detail = client.get(day.wang.get_absolute_url())
    assert detail.status_code == 200
    assert "自动柜员机" in detail.content.decode()

    # add a brand skill, a region, a day off
    client.post(
        reverse("dispatch:technician-add-skill", args=[day.wang.pk]), {"brand": day.aircon.brand_id}
    )
    client.post(
        reverse("dispatch:technician-add-shift", args=[day.wang.pk]),
        {"day": "2026-11-24", "note": "年假"},
    )
    day.wang.refresh_from_db()
    assert day.wang.skills.count() == 2
    assert day.wang.shifts.get().is_day_off

    # a refused form changes nothing and says why
    response = client.post(
        reverse("dispatch:technician-add-shift", args=[day.wang.pk]),
        {"day": "2026-11-25", "starts_at": "18:00", "ends_at": "09:00"},
        follow=True,
    )
    assert "The shift must end after it starts." in response.content.decode()
    assert day.wang.shifts.count() == 1


def test_technician_profile_created_through_the_form(
    client: Client, org_tree: OrgTree, supervisor, make_user
) -> None:
    person = make_user(org_tree.service_centre, Role.TECHNICIAN, name="孙师傅")
    client.force_login(supervisor)

    response = client.post(
        reverse("dispatch:technician-create"),
        {
            "user": person.pk,
            "home_centre": org_tree.service_centre.pk,
            "certification_level": "intermediate",
            "home_latitude": "31.2",
            "home_longitude": "121.4",
            "daily_capacity": "5",
            "is_active": "on",
        },
    )

    profile = TechnicianProfile.objects.get(user=person)
    assert response["Location"] == profile.get_absolute_url()
    assert profile.daily_capacity == 5


def test_technician_of_another_organisation_is_404(
    client: Client, day: Day, org_tree: OrgTree, make_user
) -> None:
    stranger = make_user(org_tree.provider, Role.SERVICE_MANAGER)
    client.force_login(stranger)
    assert client.get(day.wang.get_absolute_url()).status_code == 404


# --- the phone ------------------------------------------------------------------------------


def _dispatched(day: Day, site: str = "xuhui") -> WorkOrder:
    order = day.call(site=site)
    return work_orders.dispatch_work_order(
        work_order=order, technician=day.wang.user, by=day.dispatcher, expected_version=None
    )


def test_my_day_lists_my_jobs_with_map_links(client: Client, day: Day) -> None:
    mine = _dispatched(day)
    someone_elses = day.call(site="pudong")
    client.force_login(day.wang.user)

    response = client.get(reverse("dispatch:my-day"))

    page = response.content.decode()
    assert f'data-job="{mine.pk}"' in page
    assert f'data-job="{someone_elses.pk}"' not in page
    job = client.get(reverse("dispatch:job", args=[mine.pk]))
    text = job.content.decode()
    assert "https://uri.amap.com/marker?position=121.436500,31.188400" in text
    assert "geo:31.188400,121.436500" in text


def test_phone_steps_with_the_browsers_position(client: Client, day: Day) -> None:
    order = _dispatched(day)
    client.force_login(day.wang.user)
    step = lambda action, **data: client.post(  # noqa: E731
        reverse("dispatch:job-step", args=[order.pk, action]),
        {"version": _version(order), **data},
    )

    assert step("accept").status_code == 302
    assert (
        step("depart", latitude="31.112800", longitude="121.381600", accuracy="9.5").status_code
        == 302
    )
    assert step("arrive", latitude="31.188400", longitude="121.436500").status_code == 302
    bad = step("complete", work_done="")
    assert bad.status_code == 400
    assert step("complete", work_done="更换读卡器").status_code == 302

    order.refresh_from_db()
    assert order.status == WorkOrderStatus.RESOLVED
    visit = FieldVisit.objects.get()
    assert visit.departed_latitude == Decimal("31.112800")
    assert visit.arrived_longitude == Decimal("121.436500")
    job = client.get(reverse("dispatch:job", args=[order.pk]))
    assert reverse("ticket_documents:sign", args=[order.pk]) in job.content.decode()


def _version(order: WorkOrder) -> int:
    order.refresh_from_db()
    return order.version


def test_out_of_date_step_is_refused(client: Client, day: Day) -> None:
    order = _dispatched(day)
    client.force_login(day.wang.user)

    response = client.post(
        reverse("dispatch:job-step", args=[order.pk, "arrive"]),
        {"version": _version(order)},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.DISPATCHED


def test_another_technicians_job_is_404(client: Client, day: Day) -> None:
    order = _dispatched(day)
    client.force_login(day.li.user)
    assert client.get(reverse("dispatch:job", args=[order.pk])).status_code == 404
    response = client.post(
        reverse("dispatch:job-step", args=[order.pk, "accept"]),
        {"version": 1},
    )
    assert response.status_code == 404


def test_labour_and_part_from_the_phone(client: Client, day: Day) -> None:
    order = _dispatched(day)
    client.force_login(day.wang.user)

    client.post(
        reverse("dispatch:job-labour", args=[order.pk]),
        {"version": _version(order), "minutes": "45"},
    )
    client.post(
        reverse("dispatch:job-part", args=[order.pk]),
        {"version": _version(order), "part_name": "读卡器磁头", "quantity": "1"},
    )
    refused = client.post(
        reverse("dispatch:job-labour", args=[order.pk]),
        {"version": _version(order), "minutes": "0"},
    )

    assert refused.status_code == 400
    assert list(order.labour.values_list("minutes", flat=True)) == [45]
    assert list(order.parts.values_list("part_name", flat=True)) == ["读卡器磁头"]


# --- the report -----------------------------------------------------------------------------


def test_field_report_adds_up_the_visits(client: Client, day: Day, supervisor) -> None:
    order = day.call(site="xuhui")
    with freeze_time(at(8, 30)):
        work_orders.dispatch_work_order(
            work_order=order, technician=day.wang.user, by=day.dispatcher, expected_version=None
        )
    with freeze_time(at(8, 40)):
        services.accept_job(work_order=order, by=day.wang.user, expected_version=None)
        services.depart_for_job(work_order=order, by=day.wang.user, expected_version=None)
    with freeze_time(at(9, 20)):
        services.arrive_at_job(work_order=order, by=day.wang.user, expected_version=None)
    with freeze_time(at(10, 20)):
        services.complete_job(
            work_order=order, by=day.wang.user, expected_version=None, work_done="ok"
        )
    client.force_login(supervisor)

    response = client.get(
        reverse("dispatch:report")
        + f"?centre={day.org_tree.service_centre.pk}&date_from=2026-11-01&date_to=2026-11-30"
    )

    report = response.context["report"]
    row = report.rows[0]
    assert row.label == "王建军"
    assert row.visits == 1
    assert row.departure.mean == pytest.approx(10)
    assert row.travel.mean == pytest.approx(40)
    assert row.repair.mean == pytest.approx(60)
    assert row.distance.total > 20  # there and back, km
    assert row.overloaded_days == []
    assert report.total.visits == 1


def test_report_refuses_backwards_dates(client: Client, day: Day, supervisor) -> None:
    client.force_login(supervisor)
    response = client.get(reverse("dispatch:report") + "?date_from=2026-11-30&date_to=2026-11-01")
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "The end date is before the start date." in response.content.decode()


def test_site_without_position_still_shows_on_the_board(client: Client, day: Day) -> None:
    SiteFactory.create(customer=day.sites["xuhui"].customer)
    lost = day.call(site="nowhere")
    client.force_login(day.dispatcher)
    with freeze_time(at(9)):
        page = client.get(board_url(day)).content.decode()
    assert f'data-work-order="{lost.pk}"' in page
    assert datetime.date(2026, 11, 23) == MONDAY


def test_workshop_repair_continues_on_the_work_orders_page(client: Client, day: Day) -> None:
    order = day.call(site="xuhui", resolution_mode="carry_in")
    work_orders.dispatch_work_order(
        work_order=order, technician=day.wang.user, by=day.dispatcher, expected_version=None
    )
    for step in (services.accept_job, services.depart_for_job, services.arrive_at_job):
        step(work_order=order, by=day.wang.user, expected_version=None)
    client.force_login(day.wang.user)

    page = client.get(reverse("dispatch:job", args=[order.pk])).content.decode()
    refused = client.post(
        reverse("dispatch:job-step", args=[order.pk, "complete"]),
        {"version": _version(order), "work_done": "x"},
    )

    assert "Complete the repair" not in page
    assert (
        "Continue on the work order&#x27;s page" in page
        or "Continue on the work order's page" in page
    )
    assert refused.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.ON_SITE
