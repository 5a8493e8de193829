"""The charge calculation (pure): each category, the human-damage rule, labour by the hour and by
job type, call-out and distance fees, discounts, deposits and tax, exact to the fen; and
properties over random work orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.billing.charges import (
    ChargeFacts,
    Kind,
    PartUse,
    Payer,
    Rates,
    SheetWarning,
    billable_minutes,
    calculate_charges,
    is_charged_to_customer,
    money,
    required_deposit,
    split_tax,
)

D = Decimal
RATES = Rates(
    labour_basis="hourly",
    hourly_rate=D("120.00"),
    labour_increment_minutes=30,
    minimum_labour_minutes=60,
    job_types={"MODULE": ("模块更换", D("150.00"))},
    call_out_by_zone={"urban": D("50.00"), "suburban": D("80.00")},
    distance_rate_per_km=D("2.00"),
    free_distance_km=D("20.0"),
)
BOARD = PartUse("PWR-01", "电源板", 1, D("280.00"), D("150.00"), is_warranty_covered=True)
BELT = PartUse("BELT", "皮带", 2, D("12.50"), D("5.00"), is_warranty_covered=False)


def facts(**changes: object) -> ChargeFacts:
    base: dict[str, object] = {
        "category": "A",
        "is_in_warranty": False,
        "is_human_damage": False,
        "contract_covers_parts": False,
        "labour_minutes": 75,
        "job_type": "",
        "zone": "suburban",
        "distance_km": D("32.5"),
        "is_call_out_charged": True,
        "parts": (BOARD, BELT),
    }
    base.update(changes)
    return ChargeFacts(**base)  # type: ignore[arg-type]


def by_kind(sheet, kind: Kind) -> list:  # noqa: ANN001
    return [line for line in sheet.lines if line.kind == kind]


def test_paid_service_charges_everything_to_the_customer() -> None:
    sheet = calculate_charges(facts(), RATES)

    # 75 min → 90 min billed = 180.00; suburban call-out 80.00; 12.5 km × 2.00 = 25.00;
    # parts 280.00 + 2 × 12.50 = 25.00
    assert [(line.kind, line.amount) for line in sheet.lines] == [
        (Kind.LABOUR, D("180.00")),
        (Kind.CALL_OUT, D("80.00")),
        (Kind.DISTANCE, D("25.00")),
        (Kind.PART, D("280.00")),
        (Kind.PART, D("25.00")),
    ]
    assert {line.payer for line in sheet.lines} == {Payer.CUSTOMER}
    assert sheet.customer_amount == sheet.due_amount == D("590.00")
    assert sheet.covered_amount == D("0.00")
    assert sheet.parts_cost == D("160.00")


def test_free_service_in_warranty_charges_only_uncovered_parts() -> None:
    sheet = calculate_charges(facts(category="C", is_in_warranty=True), RATES)

    assert sheet.due_amount == D("25.00")
    assert [line.code for line in sheet.customer_lines] == ["BELT"]
    assert sheet.covered_amount == D("565.00")
    assert {line.payer for line in sheet.lines if line.code != "BELT"} == {Payer.WARRANTY}


def test_human_damage_is_charged_even_in_warranty() -> None:
    sheet = calculate_charges(facts(category="C", is_in_warranty=True, is_human_damage=True), RATES)

    assert sheet.due_amount == D("590.00")
    assert sheet.covered_amount == D("0.00")


def test_human_damage_is_charged_under_a_contract_too() -> None:
    sheet = calculate_charges(
        facts(category="B", contract_covers_parts=True, is_human_damage=True), RATES
    )
    assert sheet.due_amount == D("590.00")


def test_contract_covers_service_and_full_service_covers_parts() -> None:
    maintenance = calculate_charges(facts(category="B"), RATES)
    full = calculate_charges(facts(category="B", contract_covers_parts=True), RATES)
    in_warranty = calculate_charges(facts(category="B", is_in_warranty=True), RATES)

    # a maintenance contract: labour, call-out and travel covered, parts charged
    assert maintenance.due_amount == D("305.00")
    assert {line.payer for line in maintenance.lines if line.kind != Kind.PART} == {Payer.CONTRACT}
    # a full-service contract covers the parts as well
    assert full.due_amount == D("0.00")
    # in warranty the warranty covers the covered part; the consumable is charged
    assert in_warranty.due_amount == D("25.00")


def test_administrative_work_is_never_charged() -> None:
    sheet = calculate_charges(facts(category="D", is_human_damage=True), RATES)
    assert sheet.due_amount == D("0.00")
    assert {line.payer for line in sheet.lines} == {Payer.INTERNAL}
    assert not is_charged_to_customer(category="D", is_human_damage=True)


@pytest.mark.parametrize(
    ("category", "human_damage", "charged"),
    [
        ("A", False, True),
        ("B", False, False),
        ("C", False, False),
        ("D", False, False),
        ("B", True, True),
        ("C", True, True),
    ],
)
def test_who_needs_a_quote(category: str, human_damage: bool, charged: bool) -> None:
    assert is_charged_to_customer(category=category, is_human_damage=human_damage) is charged


@pytest.mark.parametrize(
    ("minutes", "billed"), [(0, 0), (1, 60), (60, 60), (61, 90), (90, 90), (91, 120), (600, 600)]
)
def test_labour_is_billed_per_started_half_hour_with_a_minimum(minutes: int, billed: int) -> None:
    assert billable_minutes(minutes, RATES) == billed


def test_labour_by_job_type() -> None:
    rates = Rates(**{**RATES.__dict__, "labour_basis": "job_type"})

    chosen = calculate_charges(facts(job_type="MODULE", parts=()), rates)
    missing = calculate_charges(facts(job_type="", parts=()), rates)
    unknown = calculate_charges(facts(job_type="NOPE", parts=()), rates)

    assert by_kind(chosen, Kind.LABOUR)[0].amount == D("150.00")
    assert by_kind(chosen, Kind.LABOUR)[0].description == "模块更换"
    assert not by_kind(missing, Kind.LABOUR)
    assert missing.warnings == (SheetWarning.NO_JOB_TYPE,)
    assert unknown.warnings == (SheetWarning.UNKNOWN_JOB_TYPE,)


def test_no_call_out_and_distance_within_the_free_distance() -> None:
    sheet = calculate_charges(
        facts(is_call_out_charged=False, distance_km=D("20.0"), parts=()), RATES
    )
    assert [line.kind for line in sheet.lines] == [Kind.LABOUR]


def test_unpriced_free_text_part_is_flagged_not_charged() -> None:
    sheet = calculate_charges(facts(parts=(PartUse("", "保险丝", 1, None),)), RATES)
    assert by_kind(sheet, Kind.PART)[0].amount == D("0.00")
    assert SheetWarning.UNPRICED_PART in sheet.warnings


def test_discounts_apply_to_the_customer_and_are_capped() -> None:
    discounted = calculate_charges(facts(discounts=(D("90.00"), D("0.50"))), RATES)
    capped = calculate_charges(
        facts(category="C", is_in_warranty=True, discounts=(D("30"),)), RATES
    )

    assert discounted.discount_amount == D("90.50")
    assert discounted.due_amount == D("499.50")
    assert capped.due_amount == D("0.00")
    assert capped.discount_amount == D("25.00")
    assert SheetWarning.DISCOUNT_CAPPED in capped.warnings


def test_amounts_round_half_up_to_the_fen() -> None:
    rates = Rates(**{**RATES.__dict__, "hourly_rate": D("100.01"), "minimum_labour_minutes": 0})
    sheet = calculate_charges(
        facts(labour_minutes=30, parts=(), is_call_out_charged=False, distance_km=D("0")), rates
    )
    # 100.01 / 2 = 50.005 → 50.01 (half up, not banker's 50.00)
    assert by_kind(sheet, Kind.LABOUR)[0].amount == D("50.01")
    assert money(D("0.125")) == D("0.13")
    assert money(D("2.675")) == D("2.68")


def test_deposit_is_at_least_half_of_the_expensive_parts() -> None:
    parts = [
        PartUse("CTRL", "控制器", 1, D("1999.99")),
        PartUse("BELT", "皮带", 3, D("12.50")),
    ]
    assert required_deposit(parts, threshold=D("1000"), percent=D("50")) == D("1000.00")
    assert required_deposit(parts[1:], threshold=D("1000"), percent=D("50")) == D("0.00")
    assert required_deposit(parts, threshold=D("0"), percent=D("50")) == D("0.00")


def test_tax_is_split_out_of_the_gross_per_line() -> None:
    split = split_tax(D("100.00"), rate_percent=D("13"))
    assert (split.net, split.tax) == (D("88.50"), D("11.50"))
    assert split.net + split.tax == D("100.00")


# --- properties -------------------------------------------------------------------------------

MONEY = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
PARTS = st.lists(
    st.builds(
        PartUse,
        code=st.text(alphabet="ABC123", min_size=1, max_size=5),
        name=st.just("件"),
        quantity=st.integers(min_value=1, max_value=50),
        unit_price=st.one_of(st.none(), MONEY),
        unit_cost=MONEY,
        is_warranty_covered=st.booleans(),
    ),
    max_size=6,
)
FACTS = st.builds(
    ChargeFacts,
    category=st.sampled_from(["A", "B", "C", "D"]),
    is_in_warranty=st.booleans(),
    is_human_damage=st.booleans(),
    contract_covers_parts=st.booleans(),
    labour_minutes=st.integers(min_value=0, max_value=6000),
    job_type=st.sampled_from(["", "MODULE", "OTHER"]),
    zone=st.sampled_from(["urban", "suburban", "elsewhere"]),
    distance_km=st.decimals(min_value=0, max_value=2000, places=1, allow_nan=False),
    is_call_out_charged=st.booleans(),
    parts=PARTS,
    discounts=st.lists(MONEY, max_size=3),
)
RATE_SETS = st.builds(
    Rates,
    labour_basis=st.sampled_from(["hourly", "job_type"]),
    hourly_rate=MONEY,
    labour_increment_minutes=st.integers(min_value=1, max_value=120),
    minimum_labour_minutes=st.integers(min_value=0, max_value=240),
    job_types=st.just({"MODULE": ("模块", D("150.00"))}),
    call_out_by_zone=st.fixed_dictionaries({"urban": MONEY, "suburban": MONEY}),
    distance_rate_per_km=MONEY,
    free_distance_km=st.decimals(min_value=0, max_value=100, places=1, allow_nan=False),
)


@given(facts=FACTS, rates=RATE_SETS)
def test_sheet_is_exact_to_the_fen_and_consistent(facts: ChargeFacts, rates: Rates) -> None:
    sheet = calculate_charges(facts, rates)

    for line in sheet.lines:
        assert line.amount == line.amount.quantize(D("0.01"))
        if line.kind != Kind.ADJUSTMENT:
            assert line.amount >= 0
    assert sheet.customer_amount + sheet.covered_amount == sheet.gross_amount
    assert D("0.00") <= sheet.due_amount <= sheet.customer_amount
    assert sheet.discount_amount <= sum(facts.discounts, D("0"))
    assert sheet.due_amount == sum(line.amount for line in sheet.customer_lines)


@given(facts=FACTS, rates=RATE_SETS)
def test_who_pays_follows_the_category_and_human_damage(facts: ChargeFacts, rates: Rates) -> None:
    sheet = calculate_charges(facts, rates)
    payers = {line.payer for line in sheet.lines if line.kind != Kind.ADJUSTMENT}

    if facts.category == "D":
        assert payers <= {Payer.INTERNAL}
        assert sheet.due_amount == 0
    elif facts.is_human_damage or facts.category == "A":
        assert payers <= {Payer.CUSTOMER}
        assert sheet.covered_amount == 0
    else:
        # Only parts outside warranty and contract are charged: never labour or travel.
        charged = {line.kind for line in sheet.customer_lines if line.kind != Kind.ADJUSTMENT}
        assert charged <= {Kind.PART}
        if facts.category == "B" and facts.contract_covers_parts:
            assert sheet.customer_amount == 0


@given(facts=FACTS, rates=RATE_SETS, extra=st.integers(min_value=1, max_value=10))
def test_more_labour_never_costs_less(facts: ChargeFacts, rates: Rates, extra: int) -> None:
    more = ChargeFacts(**{**facts.__dict__, "labour_minutes": facts.labour_minutes + extra})
    assert (
        calculate_charges(more, rates).gross_amount >= calculate_charges(facts, rates).gross_amount
    )


@given(gross=MONEY, rate=st.decimals(min_value=0, max_value=30, places=2, allow_nan=False))
def test_tax_split_adds_up(gross: Decimal, rate: Decimal) -> None:
    split = split_tax(gross, rate_percent=rate)
    assert split.net + split.tax == gross
    assert split.tax == split.tax.quantize(D("0.01"))
    assert D("0") <= split.tax <= gross
