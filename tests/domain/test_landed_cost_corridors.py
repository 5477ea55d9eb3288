"""Hand-computed cases per corridor, each citing the rule it checks.

Rules: shared/domain/cross-border-rules.md §2. Rates of 2026-10-30 (units per EUR):
USD 1.1172, GBP 0.8338, AUD 1.5904, CAD 1.5606. Duty rates come from the item's
`rates` where the sample tariff is not the point of the test.
"""

from datetime import date

import pytest

from entrepot.domain.landed_cost.policies import NoRulePack, quote, select_policy
from entrepot.domain.money import Money
from tests.domain.landed_cost_helpers import RATES, item, request


def q(*items, **kwargs):
    return quote(request(*items, **kwargs), rates=RATES)


# --- EU: IOSS up to 150 EUR intrinsic value, flat duty from 2026-07-01 ------------


def test_eu_ioss_germany_charges_19_percent_on_goods_and_delivery():
    # IOSS: VAT at the member state's rate on the price including delivery
    result = q(item("100", "EUR"), destination="DE", currency="EUR", shipping="10",
               as_of=date(2026, 3, 1))  # fmt: skip
    assert result.rule == "EU_IOSS"
    assert result.totals.vat == Money("20.90", "EUR")  # 110 x 19%
    assert result.totals.duty == Money("0", "EUR")  # duty relief before 2026-07-01


def test_eu_flat_duty_is_3_eur_per_distinct_subheading_from_2026_07_01():
    # 2026-07-01..2028-07-01: 3 EUR per distinct tariff subheading in a parcel under 150 EUR
    result = q(
        item("40", "EUR", hs="61091000", sku="A"), item("30", "EUR", hs="61091000", sku="B"),
        item("20", "EUR", hs="33049900", sku="C"), destination="FR", currency="EUR",
    )  # fmt: skip
    assert result.totals.duty == Money("6.00", "EUR")  # two subheadings: 610910, 330499
    assert result.totals.vat == Money("18.00", "EUR")  # 90 x 20%


def test_eu_over_150_eur_is_an_ordinary_import_with_duty_and_vat_on_value_plus_duty():
    # > 150 EUR intrinsic value: no IOSS; duty on CIF value, import VAT on value + duty
    result = q(item("200", "EUR", hs="61091000"), destination="IT", currency="EUR", shipping="20")
    assert result.rule == "EU_IMPORT"
    assert result.totals.duty == Money("26.40", "EUR")  # 220 x 12%
    assert result.totals.vat == Money("54.21", "EUR")  # (220 + 26.40) x 22% = 54.208


def test_eu_intrinsic_value_excludes_transport():
    # 150 EUR of goods with 30 EUR shipping stays under IOSS
    result = q(item("150", "EUR"), destination="NL", currency="EUR", shipping="30")
    assert result.rule == "EU_IOSS"


def test_eu_reduced_book_rate_in_germany():
    result = q(item("20", "EUR", hs="49019900"), destination="DE", currency="EUR")
    assert result.totals.vat == Money("1.40", "EUR")  # 7%


# --- UK: 135 GBP, VAT at the point of sale ----------------------------------------


def test_uk_point_of_sale_vat_20_percent_no_duty():
    result = q(item("50", "GBP", hs="61091000"), destination="GB", currency="GBP", shipping="5")
    assert result.rule == "UK_POINT_OF_SALE_VAT"
    assert result.totals.vat == Money("11.00", "GBP")  # 55 x 20%
    assert result.totals.duty == Money("0", "GBP")


def test_uk_over_135_gbp_duty_and_import_vat():
    result = q(item("200", "GBP", hs="61091000"), destination="GB", currency="GBP")
    assert result.rule == "UK_IMPORT"
    assert result.totals.duty == Money("24.00", "GBP")  # 12%
    assert result.totals.vat == Money("44.80", "GBP")  # (200 + 24) x 20%


def test_uk_books_are_zero_rated():
    result = q(item("12.99", "GBP", hs="49019900"), destination="GB", currency="GBP")
    assert result.totals.vat == Money("0", "GBP")


def test_uk_threshold_is_inclusive_at_135_gbp():
    assert q(item("135.00", "GBP"), destination="GB", currency="GBP").rule == "UK_POINT_OF_SALE_VAT"
    assert q(item("135.01", "GBP", duty="0"), destination="GB", currency="GBP").rule == "UK_IMPORT"


# --- US: no de minimis since 2025-08-29 ---------------------------------------------


def test_us_duty_on_a_small_parcel_since_2025_08_29():
    result = q(item("20", "USD", hs="61091000", origin="DE"), destination="US", currency="USD",
               shipping="15")  # fmt: skip
    assert result.rule == "US_DUTY"
    assert result.totals.duty == Money("3.30", "USD")  # 20 x 16.5%, freight not dutiable


def test_us_de_minimis_applied_before_the_suspension():
    result = q(item("20", "USD", hs="61091000", origin="DE"), destination="US", currency="USD",
               as_of=date(2025, 6, 1))  # fmt: skip
    assert result.rule == "US_DE_MINIMIS"
    assert result.totals.duty == Money("0", "USD")


def test_us_de_minimis_was_suspended_for_china_from_2025_05_02():
    result = q(item("20", "USD", hs="61091000", origin="CN"), destination="US", currency="USD",
               as_of=date(2025, 6, 1))  # fmt: skip
    assert result.rule == "US_DUTY"
    assert result.totals.duty == Money("3.30", "USD")


def test_us_unknown_tariff_line_is_not_calculable_and_says_which_field():
    result = q(item("20", "USD", hs="85171300", origin="DE"), destination="US", currency="USD")
    assert not result.calculable
    assert result.errors[0].code == "UNKNOWN_RATE"
    assert result.errors[0].field == "items[0].rates.duty"


# --- AU: 10% GST at the point of sale up to 1,000 AUD -------------------------------


def test_au_gst_10_percent_on_goods_and_delivery():
    result = q(item("100", "AUD"), destination="AU", currency="AUD", shipping="20")
    assert result.rule == "AU_GST_POINT_OF_SALE"
    assert result.totals.vat == Money("12.00", "AUD")


def test_au_over_1000_aud_duty_5_percent_and_gst_on_the_value_of_the_taxable_importation():
    result = q(item("1200", "AUD"), destination="AU", currency="AUD", shipping="50")
    assert result.rule == "AU_IMPORT"
    assert result.totals.duty == Money("60.00", "AUD")
    assert result.totals.vat == Money("131.00", "AUD")  # (1200 + 50 + 60) x 10%


def test_au_threshold_is_inclusive_at_1000_aud():
    assert q(item("1000", "AUD"), destination="AU", currency="AUD").rule == "AU_GST_POINT_OF_SALE"


# --- CA: 40 / 150 CAD for US and MX origin, 20 CAD otherwise -------------------------


def test_ca_from_the_us_up_to_40_cad_nothing():
    result = q(item("40", "CAD", origin="US"), destination="CA", currency="CAD")
    assert result.rule == "CA_LOW_VALUE" and result.totals.taxes_and_duties.amount == 0


def test_ca_from_the_us_up_to_150_cad_taxes_only():
    result = q(item("100", "CAD", origin="US", hs="61091000"), destination="CA", currency="CAD")
    assert result.rule == "CA_TAXES_ONLY"
    assert result.totals.duty == Money("0", "CAD")
    assert result.totals.vat == Money("5.00", "CAD")


def test_ca_from_germany_over_20_cad_duty_and_taxes():
    result = q(item("100", "CAD", origin="DE", hs="61091000"), destination="CA", currency="CAD")
    assert result.rule == "CA_DUTY_AND_TAXES"
    assert result.totals.duty == Money("18.00", "CAD")
    assert result.totals.vat == Money("5.90", "CAD")  # (100 + 18) x 5%


def test_ca_from_the_us_over_150_cad_cusma_goods_pay_no_duty():
    result = q(item("200", "CAD", origin="US", hs="61091000"), destination="CA", currency="CAD")
    assert result.rule == "CA_DUTY_AND_TAXES"
    assert result.totals.duty == Money("0", "CAD")
    assert result.totals.vat == Money("10.00", "CAD")


# --- selection ----------------------------------------------------------------------


def test_quote_in_another_currency_converts_each_line():
    # 100 USD T-shirt to Germany, quoted in EUR: 100 / 1.1172 = 89.51 EUR
    result = q(item("100", "USD", hs="61091000"), destination="DE", currency="EUR",
               as_of=date(2026, 3, 1))  # fmt: skip
    assert result.totals.goods == Money("89.51", "EUR")
    assert result.totals.vat == Money("17.01", "EUR")  # 89.51 x 19%


def test_domestic_sales_pay_no_import_tax():
    result = q(item("100", "USD", origin="US"), destination="US", currency="USD")
    assert result.rule == "DOMESTIC" and result.totals.taxes_and_duties.amount == 0


def test_unsupported_destination_names_the_supported_ones():
    with pytest.raises(NoRulePack, match="supported: .*CN.*US"):
        select_policy(origin="US", destination="BR", mode=None, on=date(2026, 1, 1))


def test_rule_pack_is_chosen_by_date():
    assert select_policy(origin="US", destination="CN", mode=None,
                         on=date(2018, 12, 31)).pack.order_limit == 2000  # fmt: skip
    assert select_policy(origin="US", destination="CN", mode=None,
                         on=date(2019, 1, 1)).pack.order_limit == 5000  # fmt: skip
