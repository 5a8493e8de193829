"""Billing services: fee schedule versions, quotes and the customer's decision, discounts above
a role's limit, deposits, on-site collection and the handover, invoices, and the reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shouhou.billing import rules, selectors, services
from shouhou.billing.errors import BillingError, BillingErrorCode
from shouhou.billing.models import (
    AdjustmentStatus,
    DecisionChannel,
    FeeSchedule,
    InvoiceStatus,
    LabourBasis,
    PaymentKind,
    PaymentMethod,
    QuoteStatus,
)
from shouhou.billing.workflow import (
    ADJUSTMENT_ACTIONS,
    INVOICE_ACTIONS,
    QUOTE_ACTIONS,
    apply_adjustment_action,
    apply_invoice_action,
    apply_quote_action,
)
from shouhou.core.models import AuditEntry, Role
from shouhou.notify.models import Notification
from shouhou.parts import services as parts_services
from shouhou.parts.errors import PartsError
from shouhou.tickets import services as ticket_services
from tests.billing.factories import accepted_quote, resolve_on_site
from tests.parts.factories import PartFactory, stock

pytestmark = pytest.mark.django_db
D = Decimal


# --- fee schedules ----------------------------------------------------------------------------


def test_the_seeded_company_schedule_applies_to_everyone(order) -> None:
    schedule = rules.schedule_of(order)
    assert schedule is not None
    assert (schedule.organisation, schedule.hourly_rate) == (None, D("120.00"))


def test_nearest_organisation_and_latest_version_win(org_tree, hq_admin) -> None:
    today = timezone.localdate()
    centre = services.create_fee_schedule(
        by=hq_admin,
        call_out={"urban": D("60"), "suburban": D("90")},
        name="上海标准",
        organisation=org_tree.service_centre,
        effective_from=today,
        labour_basis=LabourBasis.HOURLY,
        hourly_rate=D("150.00"),
    )
    later = services.create_fee_schedule(
        by=hq_admin,
        call_out={"urban": D("70"), "suburban": D("90")},
        name="上海2027",
        organisation=org_tree.service_centre,
        effective_from=today + datetime.timedelta(days=30),
        labour_basis=LabourBasis.HOURLY,
        hourly_rate=D("160.00"),
    )

    assert rules.schedule_for(organisation=org_tree.service_centre, on=today) == centre
    assert (
        rules.schedule_for(organisation=org_tree.service_centre, on=today + datetime.timedelta(31))
        == later
    )
    bank_schedule = rules.schedule_for(organisation=org_tree.bank, on=today)
    assert bank_schedule is not None
    assert bank_schedule.organisation is None
    assert (
        rules.schedule_for(organisation=org_tree.service_centre, on=datetime.date(2019, 1, 1))
        is None
    )


def test_a_schedule_in_effect_is_never_changed(hq_admin) -> None:
    schedule = FeeSchedule.objects.get(organisation=None)

    with pytest.raises(BillingError):
        services.update_fee_schedule(
            schedule=schedule, by=hq_admin, expected_version=schedule.version, hourly_rate=D("1")
        )
    with pytest.raises(BillingError) as refused:
        services.create_fee_schedule(
            by=hq_admin,
            call_out={"urban": D("1"), "suburban": D("1")},
            name="补录",
            effective_from=timezone.localdate() - datetime.timedelta(days=1),
            labour_basis=LabourBasis.HOURLY,
        )
    assert refused.value.field == "effective_from"

    future = services.create_fee_schedule(
        by=hq_admin,
        call_out={"urban": D("1"), "suburban": D("1")},
        jobs=[("fix", "维修", D("99"))],
        name="明年",
        effective_from=timezone.localdate() + datetime.timedelta(days=10),
        labour_basis=LabourBasis.JOB_TYPE,
    )
    future = services.update_fee_schedule(
        schedule=future, by=hq_admin, expected_version=future.version, hourly_rate=D("130.00")
    )
    assert future.hourly_rate == D("130.00")
    assert list(future.jobs.values_list("code", flat=True)) == ["FIX"]


# --- quotes -----------------------------------------------------------------------------------


def test_quote_from_draft_to_the_customers_acceptance_on_the_link(
    paid_order, part, dispatcher
) -> None:
    quote = services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=75)
    quote = services.plan_quote_part(
        quote=quote, by=dispatcher, expected_version=quote.version, part=part, quantity=2
    )
    # 90 min × 120/h = 180; urban call-out 50; parts 2 × 280 = 560
    assert quote.total_amount == D("790.00")
    assert [line.kind for line in quote.lines.all()] == ["labour", "call_out", "part"]

    quote = services.send_quote(quote=quote, by=dispatcher, expected_version=quote.version)
    assert quote.status == QuoteStatus.SENT
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(BillingError):
        services.plan_quote_part(
            quote=quote, by=dispatcher, expected_version=quote.version, part=part, quantity=1
        )

    token = services.quote_token(quote)
    assert services.quote_id_from_token(token) == quote.pk
    assert services.quote_id_from_token(token + "x") is None
    quote = services.decide_quote(
        quote=quote, accepted=True, by=None, expected_version=quote.version, customer_name="王先生"
    )

    assert (quote.status, quote.decision_channel, quote.customer_name) == (
        QuoteStatus.ACCEPTED,
        DecisionChannel.PORTAL,
        "王先生",
    )
    assert rules.accepted_quote(paid_order) == quote
    assert AuditEntry.objects.filter(action="work_order.quote_accepted").exists()
    assert Notification.objects.filter(template_code="quote_decided").exists()


def test_declined_quote_keeps_the_repair_blocked(paid_order, dispatcher) -> None:
    quote = services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=60)
    quote = services.send_quote(quote=quote, by=dispatcher, expected_version=quote.version)

    with pytest.raises(BillingError):
        services.decide_quote(
            quote=quote, accepted=False, by=dispatcher, expected_version=quote.version
        )
    quote = services.decide_quote(
        quote=quote,
        accepted=False,
        by=dispatcher,
        expected_version=quote.version,
        customer_name="王先生",
        reason="太贵",
    )

    assert (quote.status, quote.decline_reason) == (QuoteStatus.DECLINED, "太贵")
    with pytest.raises(BillingError):
        rules.ensure_repair_may_proceed(paid_order)


def test_expired_quote_cannot_be_accepted_and_expiry_is_idempotent(paid_order, dispatcher) -> None:
    quote = services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=60)
    quote = services.send_quote(quote=quote, by=dispatcher, expected_version=quote.version)

    later = timezone.now() + datetime.timedelta(days=8)
    with freeze_time(later):
        with pytest.raises(BillingError) as refused:
            services.decide_quote(
                quote=quote,
                accepted=True,
                by=None,
                expected_version=quote.version,
                customer_name="王",
            )
        assert "expired" in str(refused.value.message)
        assert services.expire_quotes() == 1
        assert services.expire_quotes() == 0
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


def test_a_new_quote_withdraws_the_open_one(paid_order, dispatcher) -> None:
    first = services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=60)
    second = services.prepare_quote(work_order=paid_order, by=dispatcher, labour_minutes=90)

    first.refresh_from_db()
    assert (first.status, second.status) == (QuoteStatus.WITHDRAWN, QuoteStatus.DRAFT)


def test_nothing_charged_needs_no_quote(order, part, dispatcher) -> None:
    quote = services.prepare_quote(work_order=order, by=dispatcher, labour_minutes=60)
    quote = services.plan_quote_part(
        quote=quote, by=dispatcher, expected_version=quote.version, part=part, quantity=1
    )
    with pytest.raises(BillingError):
        services.send_quote(quote=quote, by=dispatcher, expected_version=quote.version)


def test_quote_for_an_expensive_part_asks_a_deposit_before_it_is_prepared(
    central, van, paid_order, dispatcher, technician
) -> None:
    controller = PartFactory.create(code="CTRL-9", sale_price=D("2400.00"), unit_cost=D("1500"))
    stock(central, controller, 1, by=dispatcher)
    quote = accepted_quote(paid_order, by=dispatcher, parts=[(controller, 1)])
    assert quote.deposit_amount == D("1200.00")

    request = parts_services.submit_parts_request(
        by=technician, source=central, lines=[(controller, 1)], work_order=paid_order
    )
    with pytest.raises(PartsError) as refused:
        parts_services.approve_parts_request(
            request=request, by=dispatcher, expected_version=request.version
        )
    assert "1200.00" in str(refused.value.message)

    services.record_payment(
        by=dispatcher,
        work_order=paid_order,
        kind=PaymentKind.DEPOSIT,
        method=PaymentMethod.TRANSFER,
        amount=D("1200.00"),
    )
    approved = parts_services.approve_parts_request(
        request=request, by=dispatcher, expected_version=request.version
    )
    assert approved.status == "approved"


# --- discounts --------------------------------------------------------------------------------


def _charged_order(paid_order, van, part, dispatcher, technician):  # noqa: ANN001, ANN202
    """A paid order with a quote accepted, the part fitted and an hour of labour: 510 yuan."""
    stock(van, part, 1, by=dispatcher)
    accepted_quote(paid_order, by=dispatcher, parts=[(part, 1)])
    paid_order.refresh_from_db()
    ticket_services.add_part_line(
        work_order=paid_order, by=technician, expected_version=paid_order.version, part=part
    )
    paid_order.refresh_from_db()
    ticket_services.add_labour_line(
        work_order=paid_order,
        by=technician,
        expected_version=paid_order.version,
        technician=technician,
        worked_on=timezone.localdate(),
        minutes=60,
    )
    paid_order.refresh_from_db()
    sheet = rules.charge_sheet_for(paid_order)
    assert sheet is not None
    assert sheet.due_amount == D("450.00")  # 120 labour + 50 call-out + 280 part
    return paid_order


def test_discount_above_the_requesters_limit_waits_for_approval(
    paid_order, van, part, dispatcher, technician, supervisor
) -> None:
    order = _charged_order(paid_order, van, part, dispatcher, technician)

    # when the technician asks for 50 yuan off
    adjustment = services.request_adjustment(
        work_order=order, by=technician, kind="discount", amount=D("50"), reason="老客户"
    )

    # then it is not applied until the manager approves
    assert adjustment.status == AdjustmentStatus.REQUESTED
    assert rules.charge_sheet_for(order).due_amount == D("450.00")  # type: ignore[union-attr]
    assert Notification.objects.filter(
        template_code="adjustment_requested", recipient=supervisor
    ).exists()
    with pytest.raises(BillingError):
        services.decide_adjustment(
            adjustment=adjustment, by=dispatcher, expected_version=adjustment.version, approve=True
        )
    services.decide_adjustment(
        adjustment=adjustment, by=supervisor, expected_version=adjustment.version, approve=True
    )
    assert rules.charge_sheet_for(order).due_amount == D("400.00")  # type: ignore[union-attr]


def test_manager_grants_within_the_limit_at_once_and_not_beyond(
    paid_order, van, part, dispatcher, technician, supervisor, org_tree, make_user
) -> None:
    order = _charged_order(paid_order, van, part, dispatcher, technician)
    from shouhou.billing.models import ApprovalLimit

    ApprovalLimit.objects.filter(role=Role.SERVICE_MANAGER).update(max_amount=D("100.00"))

    own = services.request_adjustment(
        work_order=order, by=supervisor, kind="discount", amount=D("100.00"), reason="抹零"
    )
    assert own.status == AdjustmentStatus.APPROVED

    big = services.request_adjustment(
        work_order=order, by=technician, kind="waiver", reason="重大投诉补偿"
    )
    assert big.amount == D("350.00")
    with pytest.raises(BillingError) as refused:
        services.decide_adjustment(
            adjustment=big, by=supervisor, expected_version=big.version, approve=True
        )
    assert refused.value.code == BillingErrorCode.ABOVE_LIMIT
    admin = make_user(org_tree.hq, Role.ADMIN)
    services.decide_adjustment(adjustment=big, by=admin, expected_version=big.version, approve=True)
    assert rules.charge_sheet_for(order).due_amount == D("0.00")  # type: ignore[union-attr]


def test_discount_cannot_exceed_the_charges_and_rejection_needs_a_reason(
    paid_order, van, part, dispatcher, technician, supervisor
) -> None:
    order = _charged_order(paid_order, van, part, dispatcher, technician)

    with pytest.raises(BillingError):
        services.request_adjustment(
            work_order=order, by=technician, kind="discount", amount=D("450.01"), reason="x"
        )
    adjustment = services.request_adjustment(
        work_order=order, by=technician, kind="discount", amount=D("10"), reason="x"
    )
    with pytest.raises(BillingError):
        services.decide_adjustment(
            adjustment=adjustment, by=supervisor, expected_version=adjustment.version, approve=False
        )
    rejected = services.decide_adjustment(
        adjustment=adjustment,
        by=supervisor,
        expected_version=adjustment.version,
        approve=False,
        note="不符合规定",
    )
    assert rejected.status == AdjustmentStatus.REJECTED


# --- payments, handover, invoices -------------------------------------------------------------


def test_on_site_cash_is_limited_and_held_until_handed_over(
    paid_order, van, part, dispatcher, technician, accountant
) -> None:
    order = _charged_order(paid_order, van, part, dispatcher, technician)
    services.request_adjustment(
        work_order=order, by=technician, kind="discount", amount=D("0.01"), reason="x"
    )

    # cash above the on-site limit is refused: invoice it
    with pytest.raises(BillingError) as refused:
        services.record_payment(
            by=technician,
            work_order=order,
            method=PaymentMethod.CASH,
            amount=D("450.00") + D("100"),
            collected_on_site=True,
        )
    assert refused.value.field == "amount"

    # a small payment on site is held by the technician
    payment = services.record_payment(
        by=technician,
        work_order=order,
        method=PaymentMethod.CASH,
        amount=D("300.00"),
        collected_on_site=True,
    )
    assert payment.is_held_by_technician
    held = selectors.money_held_by_technicians(user=accountant)
    assert [(row.technician, row.cash_amount) for row in held] == [(technician, D("300.00"))]
    with pytest.raises(BillingError):
        services.record_payment(
            by=technician, work_order=order, method=PaymentMethod.CASH, amount=D("150.01")
        )

    # the technician may not receive their own handover; the accountant does
    with pytest.raises(BillingError):
        services.hand_over_cash(technician=technician, payments=[payment], by=technician)
    handover = services.hand_over_cash(technician=technician, payments=[payment], by=accountant)
    assert handover.total_amount == D("300.00")
    assert selectors.money_held_by_technicians(user=accountant) == []
    with pytest.raises(BillingError):
        services.hand_over_cash(technician=technician, payments=[payment], by=accountant)


def test_invoice_after_the_repair_with_tax_per_line_and_payments_applied(
    paid_order, van, part, dispatcher, technician, accountant
) -> None:
    order = _charged_order(paid_order, van, part, dispatcher, technician)
    with pytest.raises(BillingError):
        services.issue_invoice(work_order=order, by=accountant)
    order = resolve_on_site(order, technician=technician)
    services.record_payment(
        by=technician,
        work_order=order,
        method=PaymentMethod.CASH,
        amount=D("100.00"),
        collected_on_site=True,
    )

    invoice = services.issue_invoice(work_order=order, by=accountant, buyer_tax_number="91310000x")

    lines = list(invoice.lines.order_by("id"))
    assert [line.amount for line in lines] == [D("120.00"), D("50.00"), D("280.00")]
    assert [line.tax_amount for line in lines] == [D("13.81"), D("5.75"), D("32.21")]
    assert invoice.total_amount == D("450.00")
    assert invoice.net_amount + invoice.tax_amount == invoice.total_amount
    assert (invoice.paid_amount, invoice.status, invoice.buyer_tax_number) == (
        D("100.00"),
        InvoiceStatus.ISSUED,
        "91310000X",
    )
    assert invoice.number.startswith("FP")
    with pytest.raises(BillingError):
        services.issue_invoice(work_order=order, by=accountant)

    services.record_payment(
        by=accountant, invoice=invoice, method=PaymentMethod.TRANSFER, amount=D("350.00")
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_amount) == (InvoiceStatus.PAID, D("0.00"))
    with pytest.raises(BillingError):
        services.record_payment(
            by=accountant, invoice=invoice, method=PaymentMethod.TRANSFER, amount=D("0.01")
        )


def test_voided_invoice_gives_its_payments_back_to_the_work_order(
    paid_order, van, part, dispatcher, technician, accountant
) -> None:
    order = resolve_on_site(
        _charged_order(paid_order, van, part, dispatcher, technician), technician=technician
    )
    services.record_payment(
        by=accountant, work_order=order, method=PaymentMethod.TRANSFER, amount=D("50.00")
    )
    invoice = services.issue_invoice(work_order=order, by=accountant)

    with pytest.raises(BillingError):
        services.void_invoice(
            invoice=invoice, by=accountant, expected_version=invoice.version, reason=""
        )
    voided = services.void_invoice(
        invoice=invoice, by=accountant, expected_version=invoice.version, reason="抬头错误"
    )
    assert (voided.status, voided.paid_amount) == (InvoiceStatus.VOID, D("0.00"))
    again = services.issue_invoice(work_order=order, by=accountant, buyer_name="正确抬头")
    assert again.paid_amount == D("50.00")
    assert again.number != invoice.number


def test_receivables_ageing_buckets(
    paid_order, van, part, dispatcher, technician, accountant
) -> None:
    order = resolve_on_site(
        _charged_order(paid_order, van, part, dispatcher, technician), technician=technician
    )
    invoice = services.issue_invoice(work_order=order, by=accountant)

    on_time = selectors.receivables_ageing(user=accountant, on=invoice.due_on)
    late = selectors.receivables_ageing(
        user=accountant, on=invoice.due_on + datetime.timedelta(days=45)
    )

    assert on_time.rows[0].buckets[0] == D("450.00")
    assert late.headings[2] == "31–60 days"
    assert late.rows[0].buckets == [D("0")] * 2 + [D("450.00")] + [D("0")] * 2
    assert late.total.total == D("450.00")


def test_revenue_report_counts_invoices_contracts_and_money(
    paid_order, van, part, dispatcher, technician, accountant
) -> None:
    order = resolve_on_site(
        _charged_order(paid_order, van, part, dispatcher, technician), technician=technician
    )
    services.issue_invoice(work_order=order, by=accountant)
    services.record_payment(
        by=accountant, work_order=order, method=PaymentMethod.TRANSFER, amount=D("200.00")
    )
    today = timezone.localdate()

    rows = selectors.revenue_report(user=accountant, start=today.replace(day=1), end=today)

    assert [(row.paid_service, row.collected) for row in rows] == [(D("450.00"), D("200.00"))]


# --- the lifecycles as data -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "apply", "model", "key"),
    [
        (QUOTE_ACTIONS, apply_quote_action, "Quote", "quote"),
        (ADJUSTMENT_ACTIONS, apply_adjustment_action, "Adjustment", "adjustment"),
        (INVOICE_ACTIONS, apply_invoice_action, "Invoice", "invoice"),
    ],
)
def test_every_transition_of_every_table(table, apply, model, key, hq_admin) -> None:  # noqa: ANN001
    from shouhou.billing import models

    record_class = getattr(models, model)
    statuses = [value for value, _label in record_class._meta.get_field("status").choices]
    for action in table.values():
        for status in statuses:
            record = record_class(status=status)
            if status in action.sources:
                apply(**{key: record, "action_name": action.name, "by": hq_admin})
                assert record.status == action.target
            else:
                with pytest.raises(BillingError) as refused:
                    apply(**{key: record, "action_name": action.name, "by": hq_admin})
                assert refused.value.code == BillingErrorCode.INVALID_TRANSITION
                assert record.status == status
