"""Canada (since 2020-07-01), courier shipments.

From the US or Mexico (CUSMA): up to 40 CAD nothing; 40.01 to 150 CAD taxes only;
over 150 CAD duty and taxes. From elsewhere (and by mail): up to 20 CAD nothing,
above it duty and taxes. Taxes here are the 5% GST on value for duty (the goods)
plus duty; provincial HST/PST is not modelled (the request carries no province).
Goods from the US/MX are assumed to qualify as CUSMA-originating (0% duty).
Source: CBSA CN 20-18.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.corridors.common import (
    at_border_note,
    duty_rate,
    import_tax,
    vat_override,
)
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.money import Money

CAD = "CAD"


@dataclass(frozen=True)
class CaPack:
    effective_from: date
    effective_to: date | None
    duty: Mapping[str, Decimal]  # MFN rates by prefix (illustrative sample)
    cusma_origins: tuple[str, ...] = ("US", "MX")
    cusma_nothing_up_to: Decimal = Decimal(40)
    cusma_taxes_only_up_to: Decimal = Decimal(150)
    other_nothing_up_to: Decimal = Decimal(20)
    gst: Decimal = Decimal("0.05")


def quote(request: m.QuoteRequest, pack: CaPack, fx: QuoteFx) -> m.Quote:
    lines, _shipping, _insurance = declare(request, fx, CAD)
    errors: list[m.QuoteError] = []
    goods = sum((line.goods for line in lines), Money.zero(CAD))
    cusma = all(line.item.origin in pack.cusma_origins for line in lines)
    if (
        cusma
        and goods.amount <= pack.cusma_nothing_up_to
        or (not cusma and goods.amount <= pack.other_nothing_up_to)
    ):
        zero = Money.zero(CAD)
        taxes = [LineTax(zero, zero, zero) for _ in lines]
        rule = "CA_LOW_VALUE"
        notes = [m.Note("CA_LOW_VALUE", "Low value: no duty or tax", "低价值货物：免征关税和税费")]
        return assemble(request, fx, rule, lines, taxes, notes, errors)
    taxes_only = cusma and goods.amount <= pack.cusma_taxes_only_up_to
    taxes = []
    for i, line in enumerate(lines):
        gst = vat_override(line)
        gst = pack.gst if gst is None else gst
        if taxes_only or line.item.origin in pack.cusma_origins:
            duty = Decimal(0)
        else:
            duty = duty_rate(line, i, pack.duty, "CA", errors)
        taxes.append(import_tax(duty_base=line.goods, vat_base=line.goods, duty=duty, vat=gst))
    rule = "CA_TAXES_ONLY" if taxes_only else "CA_DUTY_AND_TAXES"
    return assemble(request, fx, rule, lines, taxes, [at_border_note("CAD")], errors)
