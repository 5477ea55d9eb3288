"""Australia (since 2018-07-01): 10% GST at the point of sale on goods of a customs
value up to 1,000 AUD, no duty; above it, duty on the customs value (FOB) and GST on
the value of the taxable importation (customs value + duty + transport + insurance)
at the border. Source: ATO GST on low value imported goods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.corridors.common import at_border_note, duty_rate, vat_override
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.money import Money

AUD = "AUD"


@dataclass(frozen=True)
class AuPack:
    effective_from: date
    effective_to: date | None
    duty: Mapping[str, Decimal]  # illustrative sample; most goods 5% or free
    threshold: Decimal = Decimal(1000)
    gst: Decimal = Decimal("0.10")


def quote(request: m.QuoteRequest, pack: AuPack, fx: QuoteFx) -> m.Quote:
    lines, _shipping, _insurance = declare(request, fx, AUD)
    errors: list[m.QuoteError] = []
    goods = sum((line.goods for line in lines), Money.zero(AUD))
    below = goods.amount <= pack.threshold
    taxes = []
    for i, line in enumerate(lines):
        gst = vat_override(line)
        gst = pack.gst if gst is None else gst
        duty = Money.zero(AUD)
        if not below:
            duty = (line.goods * duty_rate(line, i, pack.duty, "AU", errors)).rounded()
        taxes.append(LineTax(duty, ((line.customs_value + duty) * gst).rounded(), Money.zero(AUD)))
    if below:
        rule = "AU_GST_POINT_OF_SALE"
        notes = [
            m.Note(
                "AU_GST_INCLUDED",
                "Australian GST (10%) included",
                "已含澳大利亚商品及服务税（10%）",
            )
        ]
    else:
        rule, notes = "AU_IMPORT", [at_border_note("AUD")]
    return assemble(request, fx, rule, lines, taxes, notes, errors)
