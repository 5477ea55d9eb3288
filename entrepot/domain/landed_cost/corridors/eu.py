"""EU: the Import One-Stop Shop (IOSS) up to 150 EUR, ordinary import above it.

IOSS (since 2021-07-01): goods of an intrinsic value (excluding transport and
insurance) up to 150 EUR pay the destination member state's VAT at checkout, on the
price including delivery. From 2026-07-01 (to 2028-07-01, extendable) a flat duty of
3 EUR applies per distinct tariff subheading (HS 6) in such a parcel. Above 150 EUR:
customs duty on the customs value (CIF) and import VAT on value + duty, at the border.
Sources: agenciatributaria.gob.es IOSS manual; regfollower.com (flat duty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.classification import matches, percent
from entrepot.domain.landed_cost.corridors.common import (
    at_border_note,
    duty_rate,
    import_tax,
    vat_override,
)
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.money import Money

EUR = "EUR"


@dataclass(frozen=True)
class EuPack:
    effective_from: date
    effective_to: date | None
    vat_standard: Mapping[str, Decimal]
    vat_books: Mapping[str, Decimal]  # reduced rates for printed books (sample of states)
    duty: Mapping[str, Decimal]  # third-country duty by HS prefix (illustrative sample)
    ioss_limit: Decimal = Decimal(150)
    flat_duty_per_subheading: Decimal | None = None
    book_prefixes: tuple[str, ...] = ("4901", "4903")
    rule_ioss: str = "EU_IOSS"
    rule_import: str = "EU_IMPORT"
    members: frozenset[str] = field(default_factory=frozenset)


def _vat(pack: EuPack, destination: str, hs_code: str) -> Decimal:
    if matches(pack.book_prefixes, hs_code) and destination in pack.vat_books:
        return pack.vat_books[destination]
    return pack.vat_standard[destination]


def quote(request: m.QuoteRequest, pack: EuPack, fx: QuoteFx) -> m.Quote:
    lines, _shipping, _insurance = declare(request, fx, EUR)
    errors: list[m.QuoteError] = []
    notes: list[m.Note] = []
    intrinsic = sum((line.goods for line in lines), Money.zero(EUR))
    taxes: list[LineTax] = []
    dest = request.destination
    if intrinsic.amount <= pack.ioss_limit:
        rule = pack.rule_ioss
        seen_subheadings: set[str] = set()
        for line in lines:
            vat = vat_override(line)
            vat = vat if vat is not None else _vat(pack, dest, line.item.hs_code)
            duty = Money.zero(EUR)
            subheading = line.item.hs_code[:6]
            if pack.flat_duty_per_subheading is not None and subheading not in seen_subheadings:
                seen_subheadings.add(subheading)
                duty = Money(pack.flat_duty_per_subheading, EUR)
            # UNCONFIRMED whether VAT is due on the flat duty: not charged here
            taxes.append(LineTax(duty, (line.customs_value * vat).rounded(), Money.zero(EUR)))
        rate = percent(pack.vat_standard[dest])
        notes.append(
            m.Note(
                "EU_IOSS_VAT_INCLUDED",
                f"Import VAT of {dest} ({rate}% standard rate) included, paid at checkout (IOSS)",
                f"已含{dest}进口增值税（标准税率 {rate}%），结算时缴纳（IOSS）",
            )
        )
        if pack.flat_duty_per_subheading is not None:
            notes.append(
                m.Note(
                    "EU_FLAT_DUTY",
                    f"EU flat duty of {pack.flat_duty_per_subheading} EUR per tariff subheading",
                    f"欧盟按税则子目每项征收 {pack.flat_duty_per_subheading} 欧元定额关税",
                )
            )
    else:
        rule = pack.rule_import
        for i, line in enumerate(lines):
            duty = duty_rate(line, i, pack.duty, dest, errors)
            vat = vat_override(line)
            vat = vat if vat is not None else _vat(pack, dest, line.item.hs_code)
            value = line.customs_value
            taxes.append(import_tax(duty_base=value, vat_base=value, duty=duty, vat=vat))
        notes.append(at_border_note("EUR"))
    return assemble(request, fx, rule, lines, taxes, notes, errors)
