"""The daily reports as Excel workbooks (openpyxl): a title, a header row in the user's language,
one row per line, a bold totals row, and columns wide enough for their Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shouhou.tickets.reports import (
    DirectorDailyReport,
    TechnicianDailyReport,
    minutes_to_hours,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOURS_FORMAT = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="D9E2EC")
TOTAL_FILL = PatternFill("solid", fgColor="F0F4F8")
THIN = Side(style="thin", color="9AA5B1")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 8, 60


def display_width(value: Any) -> int:
    """Columns Excel needs for `value`: Chinese (wide) characters take two."""
    text = f"{value:.2f}" if isinstance(value, float) else str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class _Sheet:
    """Writes a titled table and remembers how wide each column must be."""

    def __init__(self, workbook: Workbook, sheet: Worksheet, title: str, subtitle: str) -> None:
        self.workbook = workbook
        self.sheet = sheet
        self.widths: dict[int, int] = {}
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([subtitle])
        sheet.append([])

    def header(self, labels: Sequence[str | Promise]) -> None:
        self.row([str(label) for label in labels], fill=HEADER_FILL, bold=True)
        if self.sheet.freeze_panes is None:
            self.sheet.freeze_panes = f"A{self.sheet.max_row + 1}"

    def row(
        self,
        values: Sequence[Any],
        *,
        fill: PatternFill | None = None,
        bold: bool = False,
        hours_columns: Sequence[int] = (),
    ) -> None:
        self.sheet.append(list(values))
        number = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=number, column=column)
            cell.border = GRID
            if fill is not None:
                cell.fill = fill
            if bold:
                cell.font = Font(bold=True)
            if column in hours_columns:
                cell.number_format = HOURS_FORMAT
            if isinstance(value, str):
                cell.alignment = Alignment(vertical="top", wrap_text=len(value) > MAX_WIDTH)
            self.widths[column] = max(self.widths.get(column, 0), display_width(value))

    def blank(self) -> None:
        self.sheet.append([])

    def finish(self) -> bytes:
        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, width + 2)
            )
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _new_sheet(name: str, title: str, subtitle: str) -> _Sheet:
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # a new workbook always has one sheet
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = name[:31]
    return _Sheet(workbook, sheet, title, subtitle)


def technician_report_xlsx(report: TechnicianDailyReport) -> bytes:
    """The lines of the technician's day, then the minutes and hours per category."""
    title = _("Technician daily report")
    sheet = _new_sheet(
        title,
        title,
        f"{report.technician} · {report.technician.organisation or ''} · {report.day:%Y-%m-%d}",
    )
    sheet.header(
        [_("Work order"), _("Customer"), _("Category"), _("Minutes"), _("Hours"), _("Work done")]
    )
    for line in report.lines:
        sheet.row(
            [
                line.work_order.number,
                line.work_order.customer.name,
                line.get_category_display(),
                line.minutes,
                float(minutes_to_hours(line.minutes)),
                line.description,
            ],
            hours_columns=[5],
        )
    totals = report.totals
    sheet.row(
        [_("Total"), "", "", totals.total_minutes, float(totals.total_hours), ""],
        fill=TOTAL_FILL,
        bold=True,
        hours_columns=[5],
    )
    sheet.blank()
    sheet.header([_("Category"), _("Minutes"), _("Hours")])
    for cell in totals.cells:
        sheet.row([str(cell.category.label), cell.minutes, float(cell.hours)], hours_columns=[3])
    sheet.row(
        [_("Total"), totals.total_minutes, float(totals.total_hours)],
        fill=TOTAL_FILL,
        bold=True,
        hours_columns=[3],
    )
    return sheet.finish()


def director_report_xlsx(report: DirectorDailyReport) -> bytes:
    """One row per technician: work orders, minutes per category, total minutes and hours."""
    title = _("Service director daily report")
    sheet = _new_sheet(title, title, f"{report.organisation} · {report.day:%Y-%m-%d}")
    categories = [cell.category for cell in report.totals.cells]
    sheet.header(
        [
            _("Technician"),
            _("Organisation"),
            _("Work orders"),
            *[str(category.label) for category in categories],
            _("Total minutes"),
            _("Total hours"),
        ]
    )
    hours_column = 4 + len(categories) + 1
    for row in report.rows:
        sheet.row(
            [
                str(row.technician),
                str(row.technician.organisation or ""),
                row.totals.work_orders,
                *[cell.minutes for cell in row.totals.cells],
                row.totals.total_minutes,
                float(row.totals.total_hours),
            ],
            hours_columns=[hours_column],
        )
    totals = report.totals
    sheet.row(
        [
            _("Total"),
            "",
            totals.work_orders,
            *[cell.minutes for cell in totals.cells],
            totals.total_minutes,
            float(totals.total_hours),
        ],
        fill=TOTAL_FILL,
        bold=True,
        hours_columns=[hours_column],
    )
    return sheet.finish()
