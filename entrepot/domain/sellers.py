"""Who counts as a small business.

Entrepôt uses the EU definition of a small enterprise for every seller, wherever it
is: fewer than 50 people and an annual turnover of at most 10 million EUR
(Commission Recommendation 2003/361/EC). Revenue in other currencies is converted at
the reference rate; an unknown revenue is judged on headcount alone.
"""

from __future__ import annotations

from decimal import Decimal

from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money

SMALL_MAX_EMPLOYEES = 50  # exclusive
SMALL_MAX_TURNOVER_EUR = Decimal(10_000_000)


def is_small_business(*, employees: int, revenue: Money | None, rates: RateTable | None) -> bool:
    """True for fewer than 50 people and at most 10 million EUR a year."""
    if employees >= SMALL_MAX_EMPLOYEES:
        return False
    if revenue is None or rates is None:
        return True
    return rates.convert(revenue, "EUR").amount <= SMALL_MAX_TURNOVER_EUR
