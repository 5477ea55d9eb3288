"""The worked examples of shared/domain/cross-border-rules.md, section 1."""

from decimal import Decimal

import pytest

from entrepot.domain.cbec import cbec_tax, composite_rate
from entrepot.domain.money import Money


def test_high_end_lipstick_pays_consumption_tax_and_vat_at_70_percent():
    tax = cbec_tax(
        Money(1000, "CNY"), vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal("0.15")
    )
    assert tax == Money("230.59", "CNY")


def test_general_good_pays_9_1_percent():
    assert cbec_tax(Money(1000, "CNY"), vat_rate=Decimal("0.13")) == Money("91.00", "CNY")
    assert composite_rate(vat_rate=Decimal("0.13")) == Decimal("0.091")


def test_book_pays_6_3_percent():
    assert cbec_tax(Money(1000, "CNY"), vat_rate=Decimal("0.09")) == Money("63.00", "CNY")


def test_small_amounts_are_not_waived():
    assert cbec_tax(Money("10.00", "CNY"), vat_rate=Decimal("0.13")) == Money("0.91", "CNY")


def test_consumption_tax_rate_of_one_or_more_is_refused():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        composite_rate(vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal(1))
