"""The demo data of the dispatch app: every technician has a profile, the month's visits are
recorded with positions and distances, the estimates are computed, and the same seed gives the
same rows."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from shouhou.core.models import Role, User
from shouhou.dispatch.models import (
    DurationEstimate,
    FieldVisit,
    TechnicianPosition,
    TechnicianProfile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path


def digest() -> str:
    rows = [
        *TechnicianProfile.objects.order_by("user__username").values_list(
            "user__username", "home_latitude", "home_longitude", "certification_level"
        ),
        *FieldVisit.objects.order_by("work_order__number").values_list(
            "work_order__number", "departed_latitude", "outbound_distance_m", "on_day"
        ),
        *TechnicianPosition.objects.order_by("at", "latitude").values_list("at", "latitude"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_demo_has_dispatch_profiles_visits_and_estimates() -> None:
    fingerprints = []
    for _run in range(2):
        with transaction.atomic():
            call_command("seed_demo", size="small", seed=4, work_orders=60, stdout=StringIO())
            fingerprints.append(digest())
            technicians = User.objects.filter(role=Role.TECHNICIAN).count()
            assert TechnicianProfile.objects.count() == technicians
            assert not TechnicianProfile.objects.filter(home_latitude=None).exists()
            visits = FieldVisit.objects.all()
            assert visits.exists()
            assert (
                visits.filter(outbound_distance_m__gt=0).count()
                == visits.exclude(arrived_at=None).count()
            )
            assert TechnicianPosition.objects.count() >= visits.count()
            assert DurationEstimate.objects.exists()
            transaction.set_rollback(True)

    assert fingerprints[0] == fingerprints[1]
