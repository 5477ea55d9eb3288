"""Exchange rates for one quote: a locked set of overrides first, then the rate table.

Every rate actually used is recorded, so the quote can say which rates it applied
and a later checkout can lock exactly those.
"""

from __future__ import annotations

from decimal import Decimal

from entrepot.domain.exceptions import RateMissing
from entrepot.domain.fx import RateTable
from entrepot.domain.landed_cost.model import FxRate, FxUsed
from entrepot.domain.money import Money, check_currency


class QuoteFx:
    def __init__(self, table: RateTable | None, overrides: tuple[FxRate, ...] = ()) -> None:
        self.table = table
        self.overrides = {(o.source, o.target): o.rate for o in overrides}
        self.used: dict[tuple[str, str], FxUsed] = {}

    def rate(self, source: str, target: str) -> Decimal:
        if source == target:
            return Decimal(1)
        key = (source, target)
        if key in self.overrides:
            return self._record(source, target, self.overrides[key], "override")
        if (target, source) in self.overrides:
            return self._record(source, target, 1 / self.overrides[(target, source)], "override")
        if self.table is None:
            raise RateMissing(f"no exchange rate from {source} to {target}: pass it in fx_rates")
        rate = self.table.rate(source, target)
        return self._record(
            source, target, rate, f"ECB reference rate of {self.table.as_of.isoformat()}"
        )

    def _record(self, source: str, target: str, rate: Decimal, origin: str) -> Decimal:
        self.used.setdefault((source, target), FxUsed(source, target, rate, origin))
        return rate

    def convert(self, money: Money, target: str) -> Money:
        """`money` in `target`, rounded half-up to the target's minor unit."""
        if money.currency == target:
            return money.rounded()
        check_currency(target)
        return Money._of(money.amount * self.rate(money.currency, target), target).rounded()
