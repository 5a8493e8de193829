"""Travel providers: the great circle × detour ÷ zone speed, and an OSRM-compatible server (a
real HTTP server on 127.0.0.1 speaking OSRM's /table API) asked in blocks, with unroutable pairs
and a dead server falling back to the great circle."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shouhou.dispatch.travel import (
    FallbackProvider,
    GreatCircleProvider,
    OsrmProvider,
    Point,
    TravelError,
)
from tests.servers import free_port

XUHUI = Point(31.1884, 121.4365)
PUDONG = Point(31.2215, 121.5447)
JIADING = Point(31.3747, 121.2655, "suburban")
ESTIMATE = GreatCircleProvider(detour_factor=1.3, speeds_kmh={"urban": 25, "suburban": 40})


@dataclass
class OsrmServer:
    """Answers /table/v1/driving/{lon,lat;…}?sources=…&destinations=… with a duration of 10 s
    and a distance of 100 m per hundredth of a degree of latitude between the points (plus
    0.4, to see the rounding up); a pair listed in `unroutable` gets null, like OSRM for points
    it cannot snap."""

    port: int
    requests: list[str] = field(default_factory=list)
    unroutable: set[tuple[str, str]] = field(default_factory=set)
    fail: bool = False


def _handler(state: OsrmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state.requests.append(self.path)
            parsed = urllib.parse.urlsplit(self.path)
            if state.fail or not parsed.path.startswith("/table/v1/driving/"):
                self._answer(400, {"code": "InvalidUrl", "message": "nope"})
                return
            coordinates = parsed.path.removeprefix("/table/v1/driving/").split(";")
            query = urllib.parse.parse_qs(parsed.query)
            sources = [int(i) for i in query["sources"][0].split(";")]
            destinations = [int(i) for i in query["destinations"][0].split(";")]
            durations: list[list[Any]] = []
            distances: list[list[Any]] = []
            for i in sources:
                durations.append([])
                distances.append([])
                for j in destinations:
                    pair = (coordinates[i], coordinates[j])
                    if pair in state.unroutable:
                        durations[-1].append(None)
                        distances[-1].append(None)
                        continue
                    latitudes = [float(c.split(",")[1]) for c in (coordinates[i], coordinates[j])]
                    gap = round(abs(latitudes[0] - latitudes[1]) * 100)
                    durations[-1].append(10.0 * gap + 0.4)
                    distances[-1].append(100.0 * gap + 0.4)
            self._answer(200, {"code": "Ok", "durations": durations, "distances": distances})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            return None

    return Handler


@pytest.fixture
def osrm() -> Iterator[OsrmServer]:
    state = OsrmServer(port=free_port())
    server = ThreadingHTTPServer(("127.0.0.1", state.port), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def test_great_circle_uses_detour_and_zone_speeds() -> None:
    table = ESTIMATE.matrix([XUHUI, PUDONG, JIADING])

    # Xuhui → Pudong: 11.0 km straight, 14.3 km by road, at 25 km/h
    assert 14_000 < table.distances[0, 1] < 14_600
    assert table.durations[0, 1] == pytest.approx(table.distances[0, 1] / (25 / 3.6), abs=1)
    # Into the suburbs at the mean of 25 and 40 km/h
    assert table.durations[0, 2] == pytest.approx(table.distances[0, 2] / (32.5 / 3.6), abs=1)
    assert (table.distances == table.distances.T).all()
    assert table.source == "great_circle"


def test_osrm_table_is_read_in_blocks(osrm: OsrmServer) -> None:
    points = [Point(31.0 + i / 100, 121.0) for i in range(5)]
    provider = OsrmProvider(base_url=f"http://127.0.0.1:{osrm.port}", max_locations=4)

    table = provider.matrix(points)

    # blocks of two points: 3 × 3 requests
    assert len(osrm.requests) == 9
    assert table.durations[0, 4] == 41  # ceil(10 × 4 + 0.4)
    assert table.distances[4, 1] == 301
    assert table.durations[2, 2] == 0
    assert table.source == "osrm"
    assert "annotations=duration%2Cdistance" in osrm.requests[0]


def test_unroutable_pairs_are_estimated(osrm: OsrmServer) -> None:
    points = [XUHUI, PUDONG]
    osrm.unroutable.add(("121.436500,31.188400", "121.544700,31.221500"))
    provider = OsrmProvider(base_url=f"http://127.0.0.1:{osrm.port}", fallback=ESTIMATE)

    table = provider.matrix(points)

    assert table.durations[1, 0] == 31  # 3 hundredths of a degree apart
    assert table.distances[0, 1] == ESTIMATE.matrix(points).distances[0, 1]
    assert table.note == "unroutable pairs estimated"


def test_dead_server_falls_back_to_the_great_circle(osrm: OsrmServer) -> None:
    osrm.fail = True
    primary = OsrmProvider(base_url=f"http://127.0.0.1:{osrm.port}", timeout=2)
    provider = FallbackProvider(primary, ESTIMATE)

    with pytest.raises(TravelError):
        primary.matrix([XUHUI, PUDONG])
    table = provider.matrix([XUHUI, PUDONG])

    assert table.source == "great_circle"
    assert "routing server" in table.note
    closed = OsrmProvider(base_url=f"http://127.0.0.1:{osrm.port + 1}", timeout=1)
    with pytest.raises(TravelError):
        closed.matrix([XUHUI, PUDONG])


def test_only_http_addresses_are_accepted() -> None:
    with pytest.raises(ValueError, match="http"):
        OsrmProvider(base_url="file:///etc/passwd")
