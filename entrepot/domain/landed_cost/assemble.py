"""From taxes per line in the declaration currency to a `Quote` in the quote currency.

Rounding points: each tax component of each line is rounded in the declaration
currency by the corridor; here each line amount is converted and rounded once to
the quote currency, and every total is the sum of its lines, so totals always equal
the sum of the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from entrepot.domain.landed_cost.basket import DeclaredLine
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.landed_cost.model import (
    LineQuote,
    Note,
    Quote,
    QuoteError,
    QuoteRequest,
    Totals,
)
from entrepot.domain.money import Money


@dataclass(frozen=True, slots=True)
class LineTax:
    duty: Money
    vat: Money
    consumption: Money


def zero_tax(currency: str) -> LineTax:
    zero = Money.zero(currency)
    return LineTax(zero, zero, zero)


def assemble(
    request: QuoteRequest,
    fx: QuoteFx,
    rule: str,
    lines: list[DeclaredLine],
    taxes: list[LineTax],
    notes: list[Note],
    errors: list[QuoteError],
    *,
    not_allowed: frozenset[str] | set[str] = frozenset(),
) -> Quote:
    """The quote in the request's currency; errors with codes in `not_allowed` refuse it."""
    q = request.currency
    out = []
    for line, tax in zip(lines, taxes, strict=True):
        out.append(
            LineQuote(
                sku=line.item.sku,
                goods=fx.convert(line.item.unit_price * line.item.quantity, q),
                customs_value=fx.convert(line.customs_value, q),
                duty=fx.convert(tax.duty, q),
                vat=fx.convert(tax.vat, q),
                consumption_tax=fx.convert(tax.consumption, q),
            )
        )
    zero = Money.zero(q)
    totals = Totals(
        goods=sum((line.goods for line in out), zero),
        shipping=fx.convert(request.shipping, q),
        insurance=fx.convert(request.insurance, q),
        duty=sum((line.duty for line in out), zero),
        vat=sum((line.vat for line in out), zero),
        consumption_tax=sum((line.consumption_tax for line in out), zero),
        fees=zero,
    )
    codes = {e.code for e in errors}
    return Quote(
        destination=request.destination,
        currency=q,
        rule=rule,
        allowed=not (codes & not_allowed),
        calculable="UNKNOWN_RATE" not in codes,
        fx=tuple(fx.used.values()),
        lines=tuple(out),
        totals=totals,
        notes=tuple(notes),
        errors=tuple(errors),
    )
