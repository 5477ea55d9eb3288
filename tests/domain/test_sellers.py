from datetime import date
from decimal import Decimal

from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money
from entrepot.domain.sellers import is_small_business

RATES = RateTable(date(2026, 10, 30), {"USD": Decimal("1.1172")})


def test_fewer_than_50_people_and_up_to_10m_eur_is_small():
    assert is_small_business(employees=49, revenue=Money("10000000", "EUR"), rates=RATES)


def test_50_people_is_not_small():
    assert not is_small_business(employees=50, revenue=None, rates=RATES)


def test_revenue_is_converted_to_euro():
    # 11.2M USD = 10.02M EUR: over the line
    assert not is_small_business(employees=10, revenue=Money("11200000", "USD"), rates=RATES)
    assert is_small_business(employees=10, revenue=Money("11100000", "USD"), rates=RATES)


def test_unknown_revenue_is_judged_on_headcount():
    assert is_small_business(employees=3, revenue=None, rates=None)
