"""The basket in the declaration currency, freight and insurance allocated by value.

Rounding points: each line's goods value and the shipping and insurance totals are
rounded once to the declaration currency's minor unit; the allocation then splits
shipping and insurance by largest remainder, so the shares add up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.landed_cost.model import QuoteItem, QuoteRequest
from entrepot.domain.money import Money, minor_units


@dataclass(frozen=True, slots=True)
class DeclaredLine:
    item: QuoteItem
    goods: Money  # in the declaration currency
    freight: Money
    insurance: Money
    customs_value: Money  # goods + freight + insurance


def allocate(total: Money, weights: list[Decimal]) -> list[Money]:
    """Split `total` in proportion to `weights`, exact to the minor unit (largest remainder)."""
    if not total.amount:
        return [total] * len(weights)
    unit = Decimal(1).scaleb(-minor_units(total.currency))
    units = (total.amount / unit).to_integral_value()
    weight_sum = sum(weights)
    if not weights:
        return []
    if weight_sum == 0:
        weights, weight_sum = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [units * w / weight_sum for w in weights]
    floors = [e.to_integral_value(rounding=ROUND_FLOOR) for e in exact]
    left = int(units - sum(floors))
    by_remainder = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Money(f * unit, total.currency) for f in floors]


def declare(
    request: QuoteRequest, fx: QuoteFx, currency: str
) -> tuple[list[DeclaredLine], Money, Money]:
    """Lines in `currency` with their shares of freight and insurance; also the two totals."""
    goods = [fx.convert(item.unit_price * item.quantity, currency) for item in request.items]
    shipping = fx.convert(request.shipping, currency)
    insurance = fx.convert(request.insurance, currency)
    weights = [g.amount for g in goods]
    freights = allocate(shipping, weights)
    insurances = allocate(insurance, weights)
    lines = [
        DeclaredLine(item, g, f, i, g + f + i)
        for item, g, f, i in zip(request.items, goods, freights, insurances, strict=True)
    ]
    return lines, shipping, insurance
