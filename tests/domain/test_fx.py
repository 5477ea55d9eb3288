from datetime import date
from decimal import Decimal

import pytest

from entrepot.domain.exceptions import RateMissing
from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money

# ECB reference rates of 2026-10-30 (units per 1 EUR)
TABLE = RateTable(
    as_of=date(2026, 10, 30),
    per_eur={"USD": Decimal("1.1172"), "CNY": Decimal("7.4326"), "JPY": Decimal("175.68")},
)


def test_cross_rate_goes_through_the_euro():
    assert TABLE.rate("USD", "CNY") == Decimal("7.4326") / Decimal("1.1172")


def test_converting_usd_to_cny_rounds_once_to_the_fen():
    # 19.99 x 7.4326 / 1.1172 = 132.9895... -> 132.99
    assert TABLE.convert(Money("19.99", "USD"), "CNY") == Money("132.99", "CNY")


def test_converting_to_yen_rounds_to_whole_yen():
    assert TABLE.convert(Money("10.00", "EUR"), "JPY") == Money("1757", "JPY")


def test_same_currency_is_unchanged():
    assert TABLE.convert(Money("5.00", "USD"), "USD") == Money("5.00", "USD")


def test_missing_rate_names_the_currency_and_what_exists():
    with pytest.raises(RateMissing, match="no exchange rate for GBP.*CNY, EUR, JPY, USD"):
        TABLE.convert(Money(1, "GBP"), "CNY")


def test_non_positive_rate_is_refused():
    with pytest.raises(ValueError, match="positive"):
        RateTable(as_of=date(2026, 1, 1), per_eur={"USD": Decimal(0)})
