"""Excel downloads of the parts reports (openpyxl)."""

from __future__ import annotations

import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shouhou.parts.selectors import UsageReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(workbook: Workbook, *, name: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def usage_workbook(
    report: UsageReport, *, start: datetime.date, end: datetime.date
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("Parts used")[:31]
    sheet.append(
        [_("Parts used in and out of warranty"), f"{start.isoformat()} – {end.isoformat()}"]
    )
    sheet.append([_("Parts requests"), report.requests])
    sheet.append([])
    headings = [
        _("month"),
        _("region"),
        _("in warranty: parts"),
        _("in warranty: cost (yuan)"),
        _("out of warranty: parts"),
        _("out of warranty: cost (yuan)"),
        _("parts"),
        _("cost (yuan)"),
    ]
    sheet.append(headings)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append(
            [
                row.month.strftime("%Y-%m"),
                row.region or _("No region"),
                row.in_warranty.quantity,
                row.in_warranty.cost,
                row.out_of_warranty.quantity,
                row.out_of_warranty.cost,
                row.total.quantity,
                row.total.cost,
            ]
        )
    total = report.total
    sheet.append(
        [
            _("Total"),
            "",
            total.in_warranty.quantity,
            total.in_warranty.cost,
            total.out_of_warranty.quantity,
            total.out_of_warranty.cost,
            total.total.quantity,
            total.total.cost,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in ("D", "F", "H"):
        for cell in sheet[column]:
            cell.number_format = "#,##0.00"
    return workbook_response(workbook, name=f"parts-usage-{start:%Y%m%d}-{end:%Y%m%d}")
