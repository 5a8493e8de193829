"""Document numbers from per-type patterns and per-period counters.

The counter is incremented by one UPDATE ... RETURNING, which takes the row's write lock on both
SQLite and PostgreSQL, so concurrent callers get distinct, consecutive numbers."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import ShouhouError
from shouhou.core.models import NumberingRule, NumberSequence


def next_number(*, document_type: str, at: datetime.datetime | None = None) -> str:
    """The next number for `document_type`, its counter restarting with each period."""
    try:
        rule = NumberingRule.objects.get(document_type=document_type)
    except NumberingRule.DoesNotExist as missing:
        raise ShouhouError(
            _("No numbering rule for document type %(type)s.") % {"type": document_type}
        ) from missing
    moment = timezone.localtime(at or timezone.now())
    period = moment.strftime(rule.period_format) if rule.period_format else ""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with transaction.atomic():
        NumberSequence.objects.bulk_create(
            [NumberSequence(document_type=document_type, period=period, last_value=0)],
            ignore_conflicts=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608 - table name is ours
                "WHERE document_type = %s AND period = %s RETURNING last_value",
                [document_type, period],
            )
            (serial,) = cursor.fetchone()
    return rule.pattern.format(period=period, serial=serial)
