"""How long a job takes on site: recognise the fault type from the symptom, then look up the
history's typical duration for the product model and fault type, else for the product model,
else for the fault type, else the configured default."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from shouhou.dispatch.models import DispatchSettings, DurationEstimate, FaultType
from shouhou.tickets.models import ResolutionMode, WorkOrder

# A repair that took longer than this on site is an outlier (the technician went home, came back
# the next day): it does not enter the estimates.
LONGEST_REPAIR = datetime.timedelta(hours=12)


def classify(symptom: str, fault_types: Iterable[FaultType]) -> FaultType | None:
    """The first fault type (by rank) one of whose keywords the symptom contains."""
    text = symptom.lower()
    for fault_type in fault_types:
        if any(word.lower() in text for word in fault_type.keyword_list):
            return fault_type
    return None


@dataclass(frozen=True)
class Estimate:
    minutes: int
    source: str  # "model_and_fault", "model", "fault", "default"
    fault_type: FaultType | None


@dataclass
class DurationTable:
    """The estimates in memory, for a planning run (two queries)."""

    fault_types: list[FaultType]
    by_pair: dict[tuple[int | None, int | None], int]
    default_minutes: int

    @classmethod
    def load(cls, settings: DispatchSettings) -> DurationTable:
        pairs = {
            (row.product_model_id, row.fault_type_id): row.minutes
            for row in DurationEstimate.objects.all()
        }
        return cls(
            fault_types=list(FaultType.objects.all()),
            by_pair=pairs,
            default_minutes=settings.default_service_minutes,
        )

    def estimate(self, *, product_model_id: int | None, symptom: str) -> Estimate:
        fault_type = classify(symptom, self.fault_types)
        fault_id = fault_type.pk if fault_type is not None else None
        candidates: list[tuple[tuple[int | None, int | None], str]] = []
        if product_model_id is not None and fault_id is not None:
            candidates.append(((product_model_id, fault_id), "model_and_fault"))
        if product_model_id is not None:
            candidates.append(((product_model_id, None), "model"))
        if fault_id is not None:
            candidates.append(((None, fault_id), "fault"))
        for key, source in candidates:
            minutes = self.by_pair.get(key)
            if minutes is not None:
                return Estimate(minutes, source, fault_type)
        return Estimate(self.default_minutes, "default", fault_type)


def repairs_in_history(*, since: datetime.datetime) -> list[tuple[int | None, str, float]]:
    """(product model, symptom, minutes on site) of the on-site repairs resolved since `since`."""
    rows = (
        WorkOrder.objects.filter(
            Q(resolved_at__gte=since),
            arrived_at__isnull=False,
            resolved_at__isnull=False,
            resolution_mode=ResolutionMode.ON_SITE,
        )
        .values_list("product_model_id", "symptom", "arrived_at", "resolved_at")
        .iterator(chunk_size=2000)
    )
    found: list[tuple[int | None, str, float]] = []
    for model_id, symptom, arrived, resolved in rows:
        if arrived is None or resolved is None:
            continue
        taken = resolved - arrived
        if datetime.timedelta(0) < taken <= LONGEST_REPAIR:
            found.append((model_id, symptom, taken.total_seconds() / 60))
    return found


def compute_estimates(
    *, settings: DispatchSettings, now: datetime.datetime | None = None
) -> list[DurationEstimate]:
    """The median time on site per (model, fault), model and fault with enough repairs."""
    now = now or timezone.now()
    fault_types = list(FaultType.objects.all())
    groups: dict[tuple[int | None, int | None], list[float]] = defaultdict(list)
    for model_id, symptom, minutes in repairs_in_history(
        since=now - datetime.timedelta(days=settings.history_days)
    ):
        fault_type = classify(symptom, fault_types)
        fault_id = fault_type.pk if fault_type is not None else None
        if model_id is not None:
            groups[(model_id, None)].append(minutes)
            if fault_id is not None:
                groups[(model_id, fault_id)].append(minutes)
        if fault_id is not None:
            groups[(None, fault_id)].append(minutes)
    return [
        DurationEstimate(
            product_model_id=model_id,
            fault_type_id=fault_id,
            minutes=max(1, round(statistics.median(values))),
            samples=len(values),
            computed_at=now,
        )
        for (model_id, fault_id), values in sorted(
            groups.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 0)
        )
        if len(values) >= settings.min_history_samples
    ]
