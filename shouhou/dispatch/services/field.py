"""The technician's day on the phone: accept, depart, arrive and complete a job through the
work-order services, recording when and where (the browser's GPS position, when it gives one)
and how far the trip was, for the field analytics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import record_audit
from shouhou.core.models import Organisation, User
from shouhou.dispatch.errors import DispatchError, DispatchErrorCode
from shouhou.dispatch.models import (
    DistanceSource,
    FieldVisit,
    PositionEvent,
    TechnicianPosition,
    TechnicianProfile,
)
from shouhou.dispatch.permissions import DispatchPermission
from shouhou.dispatch.selectors import settings_for
from shouhou.dispatch.travel import Point, provider_for
from shouhou.tickets import services as work_orders
from shouhou.tickets.models import WorkOrder

COORDINATE = Decimal("0.000001")


@dataclass(frozen=True)
class Position:
    """Where the phone says it is."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None = None

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise DispatchError(_("The position is not on Earth."), field="latitude")

    @property
    def point(self) -> Point:
        return Point(float(self.latitude), float(self.longitude))


def _store_position(
    *,
    technician: User,
    organisation: Organisation,
    position: Position,
    event: str,
    work_order: WorkOrder | None,
    at: datetime.datetime,
) -> TechnicianPosition:
    row = TechnicianPosition.objects.create(
        technician=technician,
        organisation=organisation,
        at=at,
        latitude=position.latitude.quantize(COORDINATE),
        longitude=position.longitude.quantize(COORDINATE),
        accuracy_m=position.accuracy_m,
        event=event,
        work_order=work_order,
    )
    # The last known position is bookkeeping, not an edit of the profile: no version bump.
    TechnicianProfile.objects.filter(
        Q(last_position_at__isnull=True) | Q(last_position_at__lte=at), user=technician
    ).update(last_latitude=row.latitude, last_longitude=row.longitude, last_position_at=at)
    return row


@transaction.atomic
def record_position(
    *,
    by: User,
    position: Position,
    at: datetime.datetime | None = None,
    work_order: WorkOrder | None = None,
) -> TechnicianPosition:
    """A position the technician's phone reports (the manager follows the route with them)."""
    if not by.has_perm(DispatchPermission.REPORT_POSITION) or by.organisation is None:
        raise DispatchError(
            _("Only technicians report their position."), code=DispatchErrorCode.NOT_ALLOWED
        )
    moment = at or timezone.now()
    row = _store_position(
        technician=by,
        organisation=by.organisation,
        position=position,
        event=PositionEvent.PING,
        work_order=work_order,
        at=moment,
    )
    record_audit(
        actor=by,
        action="technician_position.recorded",
        instance=row,
        changes={"latitude": [None, str(row.latitude)], "longitude": [None, str(row.longitude)]},
        organisation=row.organisation,
    )
    return row


def _visit(order: WorkOrder, technician: User) -> FieldVisit:
    """The technician's trip to the order that is not finished yet, or a new one."""
    visit = (
        FieldVisit.objects.select_for_update()
        .filter(work_order=order, technician=technician, completed_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if visit is None:
        visit = FieldVisit(
            work_order=order,
            technician=technician,
            organisation=order.handling_organisation,
            dispatched_at=order.dispatched_at,
            on_day=timezone.localdate(),
        )
    return visit


def _own_position(by: User, order: WorkOrder, position: Position | None) -> Position | None:
    """A position counts only from the assigned technician's own phone."""
    return position if position is not None and order.technician_id == by.pk else None


def _site_point(order: WorkOrder) -> Point | None:
    site = order.site
    if site is None or site.latitude is None or site.longitude is None:
        return None
    return Point(float(site.latitude), float(site.longitude), order.zone)


def _home_point(technician: User) -> Point | None:
    profile = TechnicianProfile.objects.filter(user=technician).first()
    if profile is None or profile.home_latitude is None or profile.home_longitude is None:
        return None
    return Point(float(profile.home_latitude), float(profile.home_longitude))


def _previous_stop(visit: FieldVisit, order: WorkOrder) -> Point | None:
    """Where the technician set off from when the phone gave no position: the place of their
    previous job that day, else their home base."""
    earlier = (
        FieldVisit.objects.filter(
            technician=visit.technician, on_day=visit.on_day, completed_at__isnull=False
        )
        .exclude(pk=visit.pk)
        .select_related("work_order__site")
        .order_by("-completed_at")
        .first()
    )
    if earlier is not None:
        if earlier.completed_latitude is not None and earlier.completed_longitude is not None:
            return Point(float(earlier.completed_latitude), float(earlier.completed_longitude))
        site = _site_point(earlier.work_order)
        if site is not None:
            return site
    return _home_point(visit.technician)


def _metres(order: WorkOrder, origin: Point, destination: Point) -> int:
    provider = provider_for(settings_for(order.handling_organisation))
    return int(provider.matrix([origin, destination]).distances[0, 1])


def _audit_visit(by: User, visit: FieldVisit, action: str, changes: dict[str, object]) -> None:
    record_audit(
        actor=by,
        action=f"field_visit.{action}",
        instance=visit,
        changes={name: [None, value] for name, value in changes.items() if value is not None},
        organisation=visit.organisation,
    )


@transaction.atomic
def accept_job(*, work_order: WorkOrder, by: User, expected_version: int | None) -> WorkOrder:
    """The technician takes the job (接单)."""
    return work_orders.accept_work_order(
        work_order=work_order, by=by, expected_version=expected_version
    )


@transaction.atomic
def depart_for_job(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    position: Position | None = None,
) -> WorkOrder:
    """The technician sets off (出发): the moment and, from their phone, the place."""
    current = work_orders.depart_work_order(
        work_order=work_order, by=by, expected_version=expected_version
    )
    technician = current.technician or by
    visit = _visit(current, technician)
    visit.departed_at = current.departed_at
    visit.on_day = timezone.localdate(current.departed_at)
    own = _own_position(by, current, position)
    if own is not None:
        visit.departed_latitude = own.latitude.quantize(COORDINATE)
        visit.departed_longitude = own.longitude.quantize(COORDINATE)
        _store_position(
            technician=technician,
            organisation=current.handling_organisation,
            position=own,
            event=PositionEvent.DEPART,
            work_order=current,
            at=current.departed_at or timezone.now(),
        )
    visit.save()
    _audit_visit(
        by,
        visit,
        "departed",
        {"departed_at": str(visit.departed_at), "departed_latitude": own and str(own.latitude)},
    )
    return current


@transaction.atomic
def arrive_at_job(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    position: Position | None = None,
) -> WorkOrder:
    """The technician is on site (抵达): the moment, the place, and how far the trip was."""
    current = work_orders.arrive_work_order(
        work_order=work_order, by=by, expected_version=expected_version
    )
    technician = current.technician or by
    visit = _visit(current, technician)
    visit.arrived_at = current.arrived_at
    if visit.departed_at is None:
        visit.departed_at = current.departed_at
    visit.on_day = timezone.localdate(current.arrived_at)
    own = _own_position(by, current, position)
    if own is not None:
        visit.arrived_latitude = own.latitude.quantize(COORDINATE)
        visit.arrived_longitude = own.longitude.quantize(COORDINATE)
        _store_position(
            technician=technician,
            organisation=current.handling_organisation,
            position=own,
            event=PositionEvent.ARRIVE,
            work_order=current,
            at=current.arrived_at or timezone.now(),
        )
    departed = (
        Point(float(visit.departed_latitude), float(visit.departed_longitude))
        if visit.departed_latitude is not None and visit.departed_longitude is not None
        else None
    )
    origin = departed or _previous_stop(visit, current)
    destination = own.point if own is not None else _site_point(current)
    if origin is not None and destination is not None:
        visit.outbound_distance_m = _metres(current, origin, destination)
        visit.distance_source = (
            DistanceSource.POSITIONS
            if departed is not None and own is not None
            else DistanceSource.SITES
        )
    visit.save()
    _audit_visit(
        by,
        visit,
        "arrived",
        {"arrived_at": str(visit.arrived_at), "outbound_distance_m": visit.outbound_distance_m},
    )
    return current


@transaction.atomic
def complete_job(
    *,
    work_order: WorkOrder,
    by: User,
    expected_version: int | None,
    work_done: str,
    position: Position | None = None,
) -> WorkOrder:
    """The repair is done (修复): the work order is resolved; the customer signs next."""
    current = work_orders.resolve_work_order(
        work_order=work_order, by=by, expected_version=expected_version, work_done=work_done
    )
    technician = current.technician or by
    visit = _visit(current, technician)
    visit.completed_at = current.resolved_at
    if visit.arrived_at is None:
        visit.arrived_at = current.arrived_at
    visit.on_day = timezone.localdate(visit.arrived_at or current.resolved_at)
    own = _own_position(by, current, position)
    if own is not None:
        visit.completed_latitude = own.latitude.quantize(COORDINATE)
        visit.completed_longitude = own.longitude.quantize(COORDINATE)
        _store_position(
            technician=technician,
            organisation=current.handling_organisation,
            position=own,
            event=PositionEvent.COMPLETE,
            work_order=current,
            at=current.resolved_at or timezone.now(),
        )
    here = own.point if own is not None else _site_point(current)
    home = _home_point(technician)
    if here is not None and home is not None:
        visit.return_distance_m = _metres(current, here, home)
    visit.save()
    _audit_visit(
        by,
        visit,
        "completed",
        {"completed_at": str(visit.completed_at), "return_distance_m": visit.return_distance_m},
    )
    return current
