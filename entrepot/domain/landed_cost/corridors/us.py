"""United States: duty on every shipment since the de minimis suspension.

The 800 USD de minimis was suspended for goods from China and Hong Kong from
2025-05-02 and for all countries from 2025-08-29 (EO 14324; statutory repeal
2027-07-01). Duty is the HTS rate on the transaction value of the goods (the US
values imports excluding international freight and insurance). No federal VAT.
Additional tariffs (Section 301, IEEPA) are not modelled: pass rates.duty.
Sources: CBP notice FR 2025-16802.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.corridors.common import at_border_note, duty_rate
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.money import Money

USD = "USD"


@dataclass(frozen=True)
class UsPack:
    effective_from: date
    effective_to: date | None
    duty: Mapping[str, Decimal]  # HTS general rates by prefix (illustrative sample)
    de_minimis: Decimal | None = None
    de_minimis_suspended_origins: tuple[str, ...] = ()
    suspended_from: date | None = None
    rule: str = "US_DUTY"


def quote(request: m.QuoteRequest, pack: UsPack, fx: QuoteFx) -> m.Quote:
    lines, _shipping, _insurance = declare(request, fx, USD)
    errors: list[m.QuoteError] = []
    goods = sum((line.goods for line in lines), Money.zero(USD))
    suspended = (
        pack.suspended_from is not None
        and request.as_of >= pack.suspended_from
        and any(line.item.origin in pack.de_minimis_suspended_origins for line in lines)
    )
    if pack.de_minimis is not None and goods.amount <= pack.de_minimis and not suspended:
        zero = Money.zero(USD)
        taxes = [LineTax(zero, zero, zero) for _ in lines]
        rule = "US_DE_MINIMIS"
        notes = [
            m.Note(
                "US_DE_MINIMIS",
                f"Under the {pack.de_minimis} USD de minimis: no duty",
                f"低于 {pack.de_minimis} 美元免税额：免征关税",
            )
        ]
    else:
        taxes = []
        for i, line in enumerate(lines):
            rate = duty_rate(line, i, pack.duty, "US", errors)
            taxes.append(LineTax((line.goods * rate).rounded(), Money.zero(USD), Money.zero(USD)))
        rule, notes = pack.rule, [at_border_note("USD")]
    return assemble(request, fx, rule, lines, taxes, notes, errors)
