"""The printed documents of a work order, rendered from Django templates with WeasyPrint: the
service voucher (服务凭证) the customer signs, and the carry-in receipt (客户商品领取收据) handed
over when goods go to the workshop.

Each function takes a work order the caller already fetched through a scoped selector, reads its
lines and paperwork through the order's relations, and returns the PDF's bytes. Fonts are
embedded (Noto Sans CJK SC from Debian's fonts-noto-cjk, chosen by CSS font-family), so the PDF
reads the same on any machine. Nothing is fetched from the network: images travel as data URIs."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from shouhou.billing.rules import printed_charges
from shouhou.tickets.errors import TicketError
from shouhou.tickets.models import (
    CarryInReceipt,
    LabourLine,
    PartLine,
    ServiceVoucher,
    WorkOrder,
)

PDF_CONTENT_TYPE = "application/pdf"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabourTotal:
    minutes: int

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.2f}"


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template_name, {**context, "printed_at": timezone.localtime()})
    # Documents embed what they show (data: URLs): rendering never makes the server fetch a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def _voucher_of(work_order: WorkOrder) -> ServiceVoucher | None:
    try:
        return work_order.voucher
    except ServiceVoucher.DoesNotExist:
        return None


def _receipt_of(work_order: WorkOrder) -> CarryInReceipt | None:
    try:
        return work_order.receipt
    except CarryInReceipt.DoesNotExist:
        return None


def _png_data_url(voucher: ServiceVoucher) -> str:
    """The stored signature inline; empty when the file is gone from storage (the voucher then
    still prints the signer and the time)."""
    try:
        with voucher.signature.open("rb") as stored:
            encoded = base64.b64encode(stored.read()).decode("ascii")
    except OSError:
        logger.warning("Signature image of voucher %s is missing", voucher.number)
        return ""
    return f"data:image/png;base64,{encoded}"


def voucher_number(work_order: WorkOrder) -> str:
    """The voucher's own number once signed; before that the work order's."""
    voucher = _voucher_of(work_order)
    return voucher.number if voucher is not None else work_order.number


def receipt_number(work_order: WorkOrder) -> str:
    receipt = _receipt_of(work_order)
    if receipt is None:
        raise TicketError(_("This work order has no carry-in receipt."))
    return receipt.number


def work_order_lines(work_order: WorkOrder) -> dict[str, Any]:
    """Parts, labour and the labour total of an order, as the voucher and the signing page show
    them."""
    labour = list(LabourLine.objects.filter(work_order=work_order).select_related("technician"))
    return {
        "parts": list(PartLine.objects.filter(work_order=work_order)),
        "labour": labour,
        "labour_total": LabourTotal(minutes=sum(line.minutes for line in labour)),
        "work_done": work_done_text(work_order, labour),
    }


def work_done_text(work_order: WorkOrder, labour: list[LabourLine]) -> str:
    """What was done: the resolution's text, or for a workshop repair (resolved by returning
    the goods, with no text of its own) what the repair card's labour lines say."""
    if work_order.work_done:
        return work_order.work_done
    descriptions = dict.fromkeys(line.description for line in labour if line.description)
    return "\n".join(descriptions)


def voucher_pdf(*, work_order: WorkOrder) -> bytes:
    """The service voucher: what was wrong, what was done, parts and labour, a box for the
    charges and the customer's signature (the stored image once signed, empty before)."""
    voucher = _voucher_of(work_order)
    context = {
        "work_order": work_order,
        "voucher": voucher,
        "number": voucher_number(work_order),
        "signature_url": _png_data_url(voucher) if voucher is not None else "",
        "issuer": work_order.handling_organisation,
        "charges": printed_charges(work_order),
        **work_order_lines(work_order),
    }
    return render_pdf("tickets/pdf/voucher.html", context)


def receipt_pdf(*, work_order: WorkOrder) -> bytes:
    """The customer's goods receipt, marked void once the goods went back and it was collected."""
    receipt = _receipt_of(work_order)
    if receipt is None:
        raise TicketError(_("This work order has no carry-in receipt."))
    context = {
        "work_order": work_order,
        "receipt": receipt,
        "movements": list(receipt.movements.select_related("by")),
        "issuer": work_order.handling_organisation,
    }
    return render_pdf("tickets/pdf/receipt.html", context)
