"""When GMV reaches a target at the current growth rate (pure Python, no Django).

Assumption, shown with the answer: GMV keeps growing year on year at the rate of the
last 365 days over the 365 before: annual GMV after t years is
GMV(last 365 days) x (1 + growth)^t. No seasonality, no saturation: a rough horizon, not a forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Projection:
    """`reached_on` is None when the target is not reached at this rate (no growth)."""

    annual: Decimal
    annual_before: Decimal
    target: Decimal
    growth_rate: Decimal | None
    years: Decimal | None
    reached_on: date | None

    @property
    def growth_percent(self) -> Decimal | None:
        if self.growth_rate is None:
            return None
        return (self.growth_rate * 100).quantize(Decimal("0.1"))

    @property
    def already_reached(self) -> bool:
        return self.annual >= self.target


def project(*, annual: Decimal, annual_before: Decimal, target: Decimal, as_of: date) -> Projection:
    """The day annual GMV reaches `target` if it keeps growing as it did last year.

    `annual` is the GMV of the 365 days to `as_of`, `annual_before` of the 365 before.
    Years to go: ln(target / annual) / ln(1 + growth). None when there is no growth or
    no previous year to measure it against.
    """
    growth = None
    if annual_before > 0:
        growth = ((annual - annual_before) / annual_before).quantize(Decimal("0.0001"))
    if annual >= target:
        return Projection(annual, annual_before, target, growth, Decimal(0), as_of)
    if growth is None or growth <= 0 or annual <= 0:
        return Projection(annual, annual_before, target, growth, None, None)
    # logarithms are display arithmetic on a ratio, not money: floats are fine here
    years = math.log(float(target / annual)) / math.log1p(float(growth))
    if years > 200:
        return Projection(annual, annual_before, target, growth, None, None)
    reached = as_of + timedelta(days=round(years * 365.25))
    return Projection(
        annual, annual_before, target, growth, Decimal(str(round(years, 1))), reached
    )
