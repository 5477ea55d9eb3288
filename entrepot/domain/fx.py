"""Exchange-rate tables and conversion through the euro.

Rates follow the ECB reference convention: each rate is the number of units of a
currency per 1 EUR. A cross rate X->Y is rate[Y] / rate[X]. Conversion keeps the
exact quotient and rounds once, to the target currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from entrepot.domain.exceptions import RateMissing
from entrepot.domain.money import Money, check_currency, to_decimal


@dataclass(frozen=True)
class RateTable:
    """Units of each currency per 1 EUR, as published for `as_of`."""

    as_of: date
    per_eur: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rates = {"EUR": Decimal(1)}
        for currency, rate in self.per_eur.items():
            check_currency(currency)
            value = to_decimal(rate)
            if value <= 0:
                raise ValueError(f"rate for {currency} must be positive, got {value}")
            rates[currency] = value
        object.__setattr__(self, "per_eur", rates)

    def currencies(self) -> frozenset[str]:
        return frozenset(self.per_eur)

    def _per_eur(self, currency: str) -> Decimal:
        try:
            return self.per_eur[currency]
        except KeyError:
            known = ", ".join(sorted(self.per_eur))
            raise RateMissing(
                f"no exchange rate for {currency} on {self.as_of.isoformat()}; "
                f"rates exist for {known}"
            ) from None

    def rate(self, source: str, target: str) -> Decimal:
        """Units of `target` for one unit of `source` (cross rate through EUR)."""
        if source == target:
            return Decimal(1)
        return self._per_eur(target) / self._per_eur(source)

    def convert(self, money: Money, target: str) -> Money:
        """`money` in `target`, rounded half-up to the target's minor unit."""
        check_currency(target)
        return Money(money.amount * self.rate(money.currency, target), target).rounded()
