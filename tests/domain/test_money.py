from decimal import Decimal

import pytest

from entrepot.domain.exceptions import CurrencyMismatch, InvalidAmount, UnknownCurrency
from entrepot.domain.money import Money, minor_units


def test_amounts_are_coerced_to_decimal_from_strings_and_ints():
    assert Money("12.30", "CNY").amount == Decimal("12.30")
    assert Money(5, "USD").amount == Decimal(5)


def test_floats_are_refused_because_binary_fractions_lose_cents():
    with pytest.raises(InvalidAmount, match="float"):
        Money(0.1, "USD")


def test_not_a_number_is_refused_with_the_value_in_the_message():
    with pytest.raises(InvalidAmount, match="'abc'"):
        Money("abc", "USD")
    with pytest.raises(InvalidAmount, match="finite"):
        Money("NaN", "USD")


def test_unknown_currency_names_what_is_allowed():
    with pytest.raises(UnknownCurrency, match="ISO 4217"):
        Money(1, "XXY")


def test_adding_two_currencies_is_refused():
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        Money(1, "CNY") + Money(1, "USD")


def test_same_currency_arithmetic_and_sum():
    total = sum([Money("1.10", "EUR"), Money("2.20", "EUR")])
    assert total == Money("3.30", "EUR")
    assert Money(10, "EUR") - Money("0.01", "EUR") == Money("9.99", "EUR")
    assert Money("2.50", "EUR") * 3 == Money("7.50", "EUR")


@pytest.mark.parametrize(
    ("currency", "places"), [("CNY", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3)]
)
def test_minor_units_follow_iso_4217(currency, places):
    assert minor_units(currency) == places


def test_rounding_is_half_up_to_the_minor_unit_whatever_the_context():
    assert Money("0.125", "CNY").rounded() == Money("0.13", "CNY")
    assert Money("0.135", "CNY").rounded() == Money("0.14", "CNY")  # not banker's rounding
    assert Money("1234.5", "JPY").rounded() == Money("1235", "JPY")
    assert Money("1.0005", "KWD").rounded().amount == Decimal("1.001")


def test_formatting_in_chinese_and_english():
    assert Money("1234.5", "CNY").format("zh_Hans_CN") == "¥1,234.50"
    assert Money("1234.5", "USD").format("en") == "$1,234.50"
    assert Money("1234.5", "JPY").format("en") == "¥1,235"


def test_money_is_immutable_even_on_the_fast_arithmetic_path():
    import dataclasses

    total = Money("1.00", "CNY") + Money("2.00", "CNY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        total.amount = Decimal(5)
    assert total == Money("3.00", "CNY") and hash(total) == hash(Money("3.00", "CNY"))
