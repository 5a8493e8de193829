"""The feedback reports as Excel workbooks (openpyxl): a title, a header row in the user's
language, one row per line, a bold totals row, columns wide enough for Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shouhou.feedback.reports import FollowUpMonthReport, SatisfactionReport, TechnicianScores

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="D9E2EC")
TOTAL_FILL = PatternFill("solid", fgColor="F0F4F8")
THIN = Side(style="thin", color="9AA5B1")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 8, 60


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell_value(value: Any) -> Any:
    """Numbers stay numbers in Excel (Decimal as float with its two places)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


class _Sheet:
    def __init__(self, sheet: Worksheet, title: str, subtitle: str) -> None:
        self.sheet = sheet
        self.widths: dict[int, int] = {}
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([subtitle])
        sheet.append([])

    def header(self, labels: Sequence[Any]) -> None:
        self.row(labels, fill=HEADER_FILL, bold=True)

    def row(
        self, values: Sequence[Any], *, fill: PatternFill | None = None, bold: bool = False
    ) -> None:
        values = [_cell_value(value) for value in values]
        self.sheet.append(values)
        number = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=number, column=column)
            cell.border = GRID
            if fill is not None:
                cell.fill = fill
            if bold:
                cell.font = Font(bold=True)
            if isinstance(value, float):
                cell.number_format = "0.00"
            self.widths[column] = max(self.widths.get(column, 0), _width(value))

    def blank(self, title: str = "") -> None:
        self.sheet.append([])
        if title:
            self.sheet.append([title])
            self.sheet.cell(row=self.sheet.max_row, column=1).font = Font(bold=True)

    def finish(self) -> None:
        for column, width in self.widths.items():
            letter = get_column_letter(column)
            self.sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def _worksheet(workbook: Workbook) -> Worksheet:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # noqa: S101 - a new workbook has one worksheet
    return sheet


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "report"}.xlsx"'
    return response


def technician_scores_xlsx(report: TechnicianScores) -> bytes:
    workbook = Workbook()
    sheet = _Sheet(_worksheet(workbook), _("Technicians' survey scores"), f"{report.month:%Y-%m}")
    sheet.header(
        [
            _("technician"),
            _("organisation"),
            _("Invitations"),
            _("Answers"),
            _("Response rate (%)"),
            *[column.label for column in report.columns],
            _("Flagged"),
        ]
    )
    for row in [*report.rows, report.total]:
        sheet.row(
            [
                row.label,
                row.organisation,
                row.invitations,
                row.answers,
                row.response_rate,
                *row.values(report.columns),
                row.flagged,
            ],
            fill=TOTAL_FILL if row is report.total else None,
            bold=row is report.total,
        )
    sheet.finish()
    return _save(workbook)


def satisfaction_xlsx(report: SatisfactionReport) -> bytes:
    workbook = Workbook()
    sheet = _Sheet(
        _worksheet(workbook),
        _("Customer satisfaction"),
        f"{report.month:%Y-%m} · {report.dimension_label}",
    )
    sheet.header(
        [
            report.dimension_label,
            _("Invitations"),
            _("Answers"),
            _("Response rate (%)"),
            *[column.label for column in report.columns],
            _("Satisfied (%)"),
        ]
    )
    for row in [*report.rows, report.total]:
        sheet.row(
            [
                row.label,
                row.invitations,
                row.answers,
                row.response_rate,
                *row.counts(report.columns),
                row.satisfied_share,
            ],
            fill=TOTAL_FILL if row is report.total else None,
            bold=row is report.total,
        )
    sheet.finish()
    return _save(workbook)


def follow_up_report_xlsx(report: FollowUpMonthReport) -> bytes:
    workbook = Workbook()
    sheet = _Sheet(
        _worksheet(workbook),
        _("Monthly follow-up report"),
        f"{report.organisation} · {report.month:%Y-%m} · {_('due on')} {report.due_on:%Y-%m-%d}",
    )
    sheet.header(
        [
            _("kind"),
            _("Planned"),
            _("Done"),
            _("Done in time"),
            _("Refused"),
            _("Not reached"),
            _("Cancelled"),
            _("Open"),
            _("Overdue"),
        ]
    )
    for row in report.kinds:
        sheet.row(
            [
                row.label,
                row.planned,
                row.done,
                row.done_in_time,
                row.refused,
                row.unreachable,
                row.cancelled,
                row.open,
                row.overdue,
            ]
        )
    sheet.blank(_("Coverage of the follow-up rule"))
    sheet.header(
        [
            _("kind"),
            _("Customers"),
            _("Events"),
            _("Followed up"),
            _("Share (%)"),
            _("Required (%)"),
        ]
    )
    for coverage in report.coverage:
        sheet.row(
            [
                coverage.label,
                _("Target customers") if coverage.is_target else _("Other customers"),
                coverage.events,
                coverage.followed_up,
                coverage.share,
                coverage.required,
            ]
        )
    sheet.blank(_("Calls"))
    sheet.header(
        [_("Calls"), _("Reached"), _("Not reached"), _("Refused"), _("Complaints"), _("New needs")]
    )
    sheet.row(
        [
            report.calls.get("total", 0),
            report.calls.get("reached", 0),
            report.calls.get("not_reached", 0),
            report.calls.get("refused", 0),
            report.complaints,
            report.new_needs,
        ]
    )
    sheet.header([label for label, _count in report.evaluations])
    sheet.row([count for _label, count in report.evaluations])
    sheet.blank(_("Customers lost, by customer class and reason"))
    sheet.header(
        [_("Customer class"), *[reason.label for reason in report.loss_reasons], _("Total")]
    )
    for loss in report.losses:
        sheet.row(
            [
                loss.customer_class,
                *[loss.counts.get(reason.pk, 0) for reason in report.loss_reasons],
                loss.total,
            ]
        )
    sheet.finish()
    return _save(workbook)
