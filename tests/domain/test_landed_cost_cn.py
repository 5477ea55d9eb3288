"""CN-CBEC: the worked examples of cross-border-rules.md §1, to the fen, and the limits."""

from decimal import Decimal

import pytest

from entrepot.domain.landed_cost.policies import quote
from entrepot.domain.money import Money
from tests.domain.landed_cost_helpers import POSITIVE_LIST, RATES, item, request


def q(*items, **kwargs):
    return quote(request(*items, **kwargs), rates=RATES, positive_list=POSITIVE_LIST)


def codes(result):
    return [e.code for e in result.errors]


def test_worked_example_high_end_lipstick():
    # 1,000 CNY high-end lipstick: CT 15%, VAT 13%, both at 70%
    result = q(item("1000", hs="33041000", net=("3.5", "g")))
    line = result.lines[0]
    assert line.consumption_tax == Money("123.53", "CNY")
    assert line.vat == Money("107.06", "CNY")
    assert line.total_tax == Money("230.59", "CNY")
    assert result.rule == "CN_CBEC" and result.allowed
    assert result.notes[0].en == "Cross-border tax 23.06% included"


def test_worked_example_general_good_pays_9_1_percent():
    result = q(item("1000"))
    assert result.lines[0].vat == Money("91.00", "CNY")
    assert result.lines[0].consumption_tax == Money("0", "CNY")
    assert result.totals.taxes_and_duties == Money("91.00", "CNY")
    assert result.notes[0].zh_hans == "已含跨境综合税 9.1%"


def test_worked_example_book_pays_6_3_percent():
    result = q(item("1000", hs="49019900"))
    assert result.totals.vat == Money("63.00", "CNY")


def test_worked_example_single_item_over_the_limit_pays_full_tax():
    # single 6,000 CNY item, only item, 10% MFN duty (illustrative)
    result = q(item("6000", hs="61091000", duty="0.10"))
    line = result.lines[0]
    assert line.duty == Money("600.00", "CNY")
    assert line.vat == Money("858.00", "CNY")
    assert line.total_tax == Money("1458.00", "CNY")
    assert result.allowed
    assert "CN_CBEC_SINGLE_ITEM_FULL_TAX" in [n.code for n in result.notes]


def test_two_items_over_the_limit_are_refused_with_the_limit_named():
    result = q(item("2600", sku="A"), item("2400.01", sku="B"))
    assert codes(result) == ["CN_CBEC_ORDER_LIMIT"]
    assert not result.allowed
    assert "5,000.00 CNY per order" in result.errors[0].message


@pytest.mark.parametrize(
    ("total", "allowed"), [("4999.99", True), ("5000.00", True), ("5000.01", False)]
)
def test_order_limit_boundary_to_the_fen(total, allowed):
    result = q(item(total, qty=1, sku="A"), item("0.00", sku="B"))
    assert result.allowed is allowed


def test_one_item_with_quantity_two_is_not_a_single_item():
    result = q(item("2500.01", qty=2))
    assert codes(result) == ["CN_CBEC_ORDER_LIMIT"]


@pytest.mark.parametrize(
    ("ytd", "allowed"), [("25000.00", True), ("24999.99", True), ("25000.01", False)]
)
def test_annual_limit_boundary_to_the_fen(ytd, allowed):
    result = q(item("1000"), ytd=ytd)
    assert result.allowed is allowed


def test_annual_limit_message_shows_what_is_left():
    result = q(item("1000"), ytd="25500")
    assert codes(result) == ["CN_CBEC_ANNUAL_LIMIT"]
    assert result.errors[0].message.startswith(
        "annual cross-border quota exceeded: 500.00 CNY left of 26,000.00 CNY for 2026"
    )
    assert result.errors[0].field == "buyer_year_to_date"


def test_freight_and_insurance_are_part_of_the_dutiable_value():
    result = q(item("1000"), shipping="60", insurance="10")
    assert result.lines[0].customs_value == Money("1070.00", "CNY")
    assert result.totals.vat == Money("97.37", "CNY")  # 1070 x 9.1% = 97.37
    assert result.totals.grand_total == Money("1167.37", "CNY")


def test_freight_counts_toward_the_order_limit():
    assert codes(q(item("2500", qty=2), shipping="0.01")) == ["CN_CBEC_ORDER_LIMIT"]


def test_cosmetics_below_the_high_end_threshold_pay_no_consumption_tax():
    # 90 CNY for 10 ml = 9 CNY/ml < 10 CNY/ml
    result = q(item("90", hs="33049900", net=("10", "ml")))
    assert result.lines[0].consumption_tax == Money("0", "CNY")
    high = q(item("100", hs="33049900", net=("10", "ml")))
    assert high.lines[0].consumption_tax > Money("0", "CNY")


def test_cosmetics_by_the_piece_use_the_15_cny_threshold():
    assert q(item("14.99", hs="33049900", net=("1", "piece"))).totals.consumption_tax.amount == 0
    assert q(item("15.00", hs="33049900", net=("1", "piece"))).totals.consumption_tax.amount > 0


def test_cosmetics_without_net_content_are_taxed_as_high_end_with_a_note():
    result = q(item("50", hs="33049900"))
    assert result.totals.consumption_tax.amount > 0
    assert "CN_COSMETICS_ASSUMED_HIGH_END" in [n.code for n in result.notes]


def test_goods_not_on_the_positive_list_are_refused():
    result = q(item("100", hs="85171300"))
    assert codes(result) == ["CN_CBEC_NOT_ON_POSITIVE_LIST"]
    assert result.errors[0].field == "items[0].hs_code"


def test_bonded_only_lines_need_mode_1210():
    assert codes(q(item("100", hs="04021000"))) == ["CN_CBEC_BONDED_ONLY"]
    assert q(item("100", hs="04021000"), mode="1210").allowed


def test_per_person_weight_caps_apply():
    assert codes(q(item("10", hs="17019910", kg="1", qty=3))) == ["CN_CBEC_WEIGHT_CAP"]
    assert q(item("10", hs="17019910", kg="1", qty=2)).allowed


def test_six_digit_codes_cannot_be_checked_against_the_list():
    result = q(item("100", hs="210690"))
    assert result.errors[0].code == "INVALID_INPUT" and "8-digit" in result.errors[0].message


def test_prices_in_usd_are_converted_at_the_rate_table_and_the_rate_is_reported():
    result = q(item("19.99", "USD"))
    assert result.lines[0].goods == Money("132.99", "CNY")
    assert result.lines[0].vat == Money("12.10", "CNY")  # 132.99 x 9.1% = 12.1021
    used = {(f.source, f.target): f for f in result.fx}
    assert used[("USD", "CNY")].rate == Decimal("7.4326") / Decimal("1.1172")


def test_before_2019_the_old_2000_cny_limit_applies():
    from datetime import date

    result = q(item("1500", sku="A"), item("600", sku="B"), as_of=date(2018, 6, 1))
    assert codes(result) == ["CN_CBEC_ORDER_LIMIT"]
    assert "2,000.00 CNY" in result.errors[0].message
