"""Document numbers: per-type patterns, per-period counters, distinct under concurrency."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shouhou.core.errors import ShouhouError
from shouhou.core.models import NumberingRule
from shouhou.core.numbering import next_number

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_complaint_numbers_restart_each_month() -> None:
    november = datetime.datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI)
    december = datetime.datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)

    first = next_number(document_type="complaint", at=november)
    second = next_number(document_type="complaint", at=november)
    in_december = next_number(document_type="complaint", at=december)

    assert (first, second, in_december) == ("2611-0001", "2611-0002", "2612-0001")


@pytest.mark.django_db
def test_period_is_taken_in_local_time() -> None:
    # 16:30 UTC on Nov 30 is already Dec 1 in Shanghai.
    moment = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
    assert next_number(document_type="complaint", at=moment) == "2612-0001"


@pytest.mark.django_db
def test_customer_numbers_never_restart() -> None:
    assert next_number(document_type="customer") == "C000001"
    assert next_number(document_type="customer") == "C000002"


@pytest.mark.django_db
def test_unknown_document_type_is_refused() -> None:
    with pytest.raises(ShouhouError, match="No numbering rule"):
        next_number(document_type="nonsense")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pattern", ["{period}-{serial.__class__}", "{period}", "{secret}-{serial}", "{serial:>5}"]
)
def test_pattern_with_unknown_placeholders_is_invalid(pattern: str) -> None:
    rule = NumberingRule(document_type="x", pattern=pattern, period_format="%y")
    with pytest.raises(ValidationError):
        rule.full_clean()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_requests_get_fifty_consecutive_numbers() -> None:
    """On PostgreSQL (and SQLite in WAL mode) concurrent callers never share a number."""
    workers = 50
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    at = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)

    def take() -> None:
        try:
            barrier.wait()
            number = next_number(document_type="complaint", at=at)
            with lock:
                numbers.append(number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"2611-{serial:04d}" for serial in range(1, workers + 1)]
