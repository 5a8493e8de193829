"""Downloads: invoices for an external tax system (one row per invoice line, .xlsx or .csv) and
the money reports in Excel."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shouhou.billing.models import Invoice, InvoiceLine
from shouhou.billing.selectors import AgeingReport, CostReport, RevenueRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def tax_export_headings() -> list[str]:
    return [
        _("invoice number"),
        _("issued on"),
        _("status"),
        _("seller"),
        _("buyer"),
        _("buyer's tax number"),
        _("line"),
        _("description"),
        _("quantity"),
        _("unit price incl. tax"),
        _("amount before tax"),
        _("tax rate (%)"),
        _("tax"),
        _("amount incl. tax"),
        _("work order"),
    ]


def _tax_rows(invoices: QuerySet[Invoice]) -> Iterator[list[Any]]:
    lines = (
        InvoiceLine.objects.filter(invoice__in=invoices.values("pk"))
        .select_related("invoice", "invoice__organisation", "invoice__work_order")
        .order_by("invoice__number", "id")
    )
    number = ""
    position = 0
    for line in lines.iterator(chunk_size=CHUNK):
        invoice = line.invoice
        position = position + 1 if invoice.number == number else 1
        number = invoice.number
        yield [
            invoice.number,
            timezone.localtime(invoice.issued_at).date().isoformat(),
            invoice.get_status_display(),
            str(invoice.organisation),
            invoice.buyer_name,
            invoice.buyer_tax_number,
            position,
            line.description,
            line.quantity,
            line.unit_price,
            line.net_amount,
            invoice.tax_rate_percent,
            line.tax_amount,
            line.amount,
            invoice.work_order.number if invoice.work_order else "",
        ]


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


class _Echo:
    def write(self, value: str) -> str:
        return value


def tax_export_csv(invoices: QuerySet[Invoice]) -> StreamingHttpResponse:
    """Invoice lines as CSV (UTF-8 with BOM, so that Excel reads Chinese)."""
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow(tax_export_headings())
        for row in _tax_rows(invoices):
            yield writer.writerow([str(value) for value in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-tax-{_stamp()}.csv"'
    return response


def _bold_last_row(sheet: Any) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _response(workbook: Workbook, name: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _sheet(workbook: Workbook, title: str) -> Any:
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = title[:31]
    return sheet


def tax_export_xlsx(invoices: QuerySet[Invoice]) -> HttpResponse:
    workbook = Workbook()
    sheet = _sheet(workbook, _("Invoices"))
    sheet.append(tax_export_headings())
    _bold_last_row(sheet)
    for row in _tax_rows(invoices):
        sheet.append(row)
    for column in ("J", "K", "M", "N"):
        for cell in sheet[column][1:]:
            cell.number_format = "0.00"
    return _response(workbook, f"invoices-tax-{_stamp()}")


def ageing_workbook(report: AgeingReport) -> HttpResponse:
    workbook = Workbook()
    sheet = _sheet(workbook, _("Receivables ageing"))
    sheet.append([_("Receivables ageing"), report.on.isoformat()])
    sheet.append([])
    sheet.append([_("customer"), _("invoices"), *report.headings, _("Total")])
    _bold_last_row(sheet)
    for row in report.rows:
        sheet.append([row.label, row.invoices, *row.buckets, row.total])
    sheet.append([_("Total"), report.total.invoices, *report.total.buckets, report.total.total])
    _bold_last_row(sheet)
    return _response(workbook, f"receivables-ageing-{report.on:%Y%m%d}")


def revenue_workbook(
    rows: list[RevenueRow], *, start: datetime.date, end: datetime.date
) -> HttpResponse:
    workbook = Workbook()
    sheet = _sheet(workbook, _("Revenue"))
    sheet.append([_("Revenue from service"), f"{start.isoformat()} – {end.isoformat()}"])
    sheet.append([])
    sheet.append(
        [
            _("month"),
            _("paid service (A)"),
            _("other charged service"),
            _("contracts signed"),
            _("Total"),
            _("money received"),
        ]
    )
    _bold_last_row(sheet)
    for row in rows:
        sheet.append(
            [
                row.month.strftime("%Y-%m"),
                row.paid_service,
                row.other_service,
                row.contracts,
                row.total,
                row.collected,
            ]
        )
    return _response(workbook, f"revenue-{start:%Y%m%d}-{end:%Y%m%d}")


def _money_columns(sheet: Any, columns: str, *, from_row: int) -> None:
    for column in columns:
        for cell in sheet[column][from_row - 1 :]:
            cell.number_format = "0.00"


def cost_workbook(report: CostReport) -> HttpResponse:
    """Two sheets: the costs by region and month with their total, then every work order."""
    workbook = Workbook()
    period = f"{report.start.isoformat()} – {report.end.isoformat()}"
    sheet = _sheet(workbook, _("By region"))
    sheet.append([_("Service cost"), period])
    sheet.append([_("labour cost per hour (yuan)"), report.labour_cost_per_hour])
    sheet.append([])
    sheet.append(
        [
            _("month"),
            _("region"),
            _("work orders"),
            _("parts cost (yuan)"),
            _("labour hours"),
            _("labour cost (yuan)"),
            _("total cost (yuan)"),
            _("charged (yuan)"),
            _("margin (yuan)"),
        ]
    )
    _bold_last_row(sheet)
    first = sheet.max_row + 1
    for row in report.regions:
        sheet.append(
            [
                row.month.strftime("%Y-%m"),
                row.region or _("No region"),
                row.work_orders,
                row.parts_cost,
                row.labour_hours,
                row.labour_cost,
                row.total_cost,
                row.charged,
                row.margin,
            ]
        )
    total = report.total
    sheet.append(
        [
            _("Total"),
            "",
            total.work_orders,
            total.parts_cost,
            total.labour_hours,
            total.labour_cost,
            total.total_cost,
            total.charged,
            total.margin,
        ]
    )
    _bold_last_row(sheet)
    _money_columns(sheet, "DEFGHI", from_row=first)

    orders = workbook.create_sheet(_("By work order")[:31])
    orders.append(
        [
            _("work order"),
            _("done on"),
            _("region"),
            _("service category"),
            _("parts cost (yuan)"),
            _("labour hours"),
            _("labour cost (yuan)"),
            _("total cost (yuan)"),
            _("charged (yuan)"),
            _("margin (yuan)"),
        ]
    )
    _bold_last_row(orders)
    for cost in report.work_orders:
        orders.append(
            [
                cost.number,
                cost.done_on.isoformat(),
                cost.region or _("No region"),
                cost.category_label,
                cost.parts_cost,
                cost.labour_hours,
                cost.labour_cost,
                cost.total_cost,
                cost.charged,
                cost.margin,
            ]
        )
    _money_columns(orders, "EFGHIJ", from_row=2)
    return _response(workbook, f"service-cost-{report.start:%Y%m%d}-{report.end:%Y%m%d}")
