"""Travel times and distances between points, from a pluggable provider.

- `GreatCircleProvider` (the default): the straight-line distance × a detour factor, at the
  speed of the zones at both ends (urban / suburban), all configuration rows.
- `OsrmProvider`: any server that answers OSRM's table service
  (`GET /table/v1/driving/{lon,lat;…}?annotations=duration,distance`), asked in blocks so that
  no request exceeds the server's table size; a pair it cannot route falls back to the great
  circle.
- `FallbackProvider`: the first provider, or the second when the first fails, noting it.

No Django models here: `provider_for(settings)` builds a provider from a DispatchSettings row."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from shouhou.dispatch.optimiser import great_circle_metres

DEFAULT_ZONE = "urban"


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    zone: str = DEFAULT_ZONE


@dataclass(frozen=True)
class TravelMatrix:
    durations: np.ndarray[Any, np.dtype[np.int64]]  # seconds
    distances: np.ndarray[Any, np.dtype[np.int64]]  # metres
    source: str
    note: str = ""


class TravelError(Exception):
    """The provider could not answer (server down, bad answer)."""


class TravelProvider(Protocol):
    name: str

    def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...


class GreatCircleProvider:
    """Straight line × detour factor; time at the mean speed of the two ends' zones."""

    name = "great_circle"

    def __init__(self, *, detour_factor: float, speeds_kmh: Mapping[str, float]) -> None:
        if detour_factor < 1 or not speeds_kmh or min(speeds_kmh.values()) <= 0:
            raise ValueError("detour factor ≥ 1 and positive speeds needed")
        self.detour_factor = detour_factor
        self.speeds_kmh = dict(speeds_kmh)
        self.default_speed = min(self.speeds_kmh.values())

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        if not points:
            empty = np.zeros((0, 0), dtype=np.int64)
            return TravelMatrix(empty, empty, self.name)
        metres = (
            great_circle_metres([p.latitude for p in points], [p.longitude for p in points])
            * self.detour_factor
        )
        speeds = np.array(
            [self.speeds_kmh.get(p.zone, self.default_speed) for p in points], dtype=np.float64
        )
        metres_per_second = (speeds[:, None] + speeds[None, :]) / 2 / 3.6
        seconds = metres / metres_per_second
        return TravelMatrix(
            np.rint(seconds).astype(np.int64), np.rint(metres).astype(np.int64), self.name
        )

    def between(self, origin: Point, destination: Point) -> tuple[int, int]:
        """(seconds, metres) from one point to another."""
        table = self.matrix([origin, destination])
        return int(table.durations[0, 1]), int(table.distances[0, 1])


class OsrmProvider:
    """An OSRM-compatible table service. `max_locations` bounds the coordinates per request
    (OSRM's default --max-table-size is 100)."""

    name = "osrm"

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 10.0,
        profile: str = "driving",
        max_locations: int = 100,
        fallback: GreatCircleProvider | None = None,
    ) -> None:
        parsed = urllib.parse.urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("the routing server's address must be an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.profile = profile
        self.block = max(1, max_locations // 2)
        self.fallback = fallback

    def _table(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> tuple[list[list[float | None]], list[list[float | None]]]:
        coordinates = ";".join(
            f"{point.longitude:.6f},{point.latitude:.6f}" for point in (*origins, *destinations)
        )
        query = urllib.parse.urlencode(
            {
                "sources": ";".join(str(i) for i in range(len(origins))),
                "destinations": ";".join(str(len(origins) + i) for i in range(len(destinations))),
                "annotations": "duration,distance",
            }
        )
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - http(s) checked above
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as failed:
            raise TravelError(f"routing server: {failed}") from failed
        if not isinstance(answer, dict) or answer.get("code") != "Ok":
            message = answer.get("message", "") if isinstance(answer, dict) else ""
            raise TravelError(f"routing server answered {message or 'an error'}")
        durations, distances = answer.get("durations"), answer.get("distances")
        if not isinstance(durations, list) or not isinstance(distances, list):
            raise TravelError("routing server's answer has no durations and distances")
        if len(durations) != len(origins) or any(
            len(row) != len(destinations) for row in durations
        ):
            raise TravelError("routing server's table has the wrong size")
        return durations, distances

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        size = len(points)
        durations = np.zeros((size, size), dtype=np.int64)
        distances = np.zeros((size, size), dtype=np.int64)
        unroutable = np.zeros((size, size), dtype=bool)
        for row in range(0, size, self.block):
            for column in range(0, size, self.block):
                origins = points[row : row + self.block]
                targets = points[column : column + self.block]
                seconds, metres = self._table(origins, targets)
                for i in range(len(origins)):
                    for j in range(len(targets)):
                        duration, distance = seconds[i][j], metres[i][j]
                        if duration is None or distance is None:
                            unroutable[row + i, column + j] = True
                            continue
                        durations[row + i, column + j] = math.ceil(float(duration))
                        distances[row + i, column + j] = math.ceil(float(distance))
        note = ""
        if unroutable.any() and self.fallback is not None:
            estimate = self.fallback.matrix(points)
            durations[unroutable] = estimate.durations[unroutable]
            distances[unroutable] = estimate.distances[unroutable]
            note = "unroutable pairs estimated"
        np.fill_diagonal(durations, 0)
        np.fill_diagonal(distances, 0)
        return TravelMatrix(durations, distances, self.name, note)


class FallbackProvider:
    """Ask `primary`; when it fails, answer from `fallback` and say so in the matrix's note."""

    def __init__(self, primary: OsrmProvider, fallback: GreatCircleProvider) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        try:
            return self.primary.matrix(points)
        except TravelError as failed:
            estimate = self.fallback.matrix(points)
            return TravelMatrix(
                estimate.durations, estimate.distances, self.fallback.name, note=str(failed)
            )


def great_circle_for(settings: Any) -> GreatCircleProvider:
    return GreatCircleProvider(
        detour_factor=float(settings.detour_factor),
        speeds_kmh={
            "urban": float(settings.urban_speed_kmh),
            "suburban": float(settings.suburban_speed_kmh),
        },
    )


def provider_for(settings: Any) -> TravelProvider:
    """The provider a DispatchSettings row asks for; an OSRM server falls back to the great
    circle when it does not answer."""
    estimate = great_circle_for(settings)
    if settings.travel_provider == "osrm" and settings.osrm_url:
        return FallbackProvider(
            OsrmProvider(
                base_url=settings.osrm_url,
                timeout=settings.osrm_timeout_seconds,
                fallback=estimate,
            ),
            estimate,
        )
    return estimate
