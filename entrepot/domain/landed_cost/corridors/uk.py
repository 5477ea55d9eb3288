"""UK (since 2021-01-01): up to 135 GBP the marketplace charges VAT at the point of
sale and no duty is collected; above it, duty and import VAT at the border.
Printed books are zero-rated. Source: gov.uk policy paper on overseas goods VAT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.classification import matches
from entrepot.domain.landed_cost.corridors.common import (
    at_border_note,
    duty_rate,
    import_tax,
    vat_override,
)
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.money import Money

GBP = "GBP"


@dataclass(frozen=True)
class UkPack:
    effective_from: date
    effective_to: date | None
    duty: Mapping[str, Decimal]  # UK Global Tariff by HS prefix (illustrative sample)
    threshold: Decimal = Decimal(135)
    vat_standard: Decimal = Decimal("0.20")
    zero_rated_prefixes: tuple[str, ...] = ("4901", "4903")
    rule_point_of_sale: str = "UK_POINT_OF_SALE_VAT"
    rule_import: str = "UK_IMPORT"


def quote(request: m.QuoteRequest, pack: UkPack, fx: QuoteFx) -> m.Quote:
    lines, _shipping, _insurance = declare(request, fx, GBP)
    errors: list[m.QuoteError] = []
    intrinsic = sum((line.goods for line in lines), Money.zero(GBP))
    taxes: list[LineTax] = []
    below = intrinsic.amount <= pack.threshold
    for i, line in enumerate(lines):
        vat = vat_override(line)
        if vat is None:
            zero = matches(pack.zero_rated_prefixes, line.item.hs_code)
            vat = Decimal(0) if zero else pack.vat_standard
        value = line.customs_value
        duty = Decimal(0) if below else duty_rate(line, i, pack.duty, "GB", errors)
        taxes.append(import_tax(duty_base=value, vat_base=value, duty=duty, vat=vat))
    if below:
        rule = pack.rule_point_of_sale
        notes = [
            m.Note(
                "UK_VAT_INCLUDED",
                "UK VAT included, charged by the marketplace at the point of sale",
                "已含英国增值税，由平台在销售时代收",
            )
        ]
    else:
        rule, notes = pack.rule_import, [at_border_note("GBP")]
    return assemble(request, fx, rule, lines, taxes, notes, errors)
