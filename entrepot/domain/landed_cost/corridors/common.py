"""Pieces shared by the destination-VAT corridors (EU, UK, US, AU, CA)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax
from entrepot.domain.landed_cost.basket import DeclaredLine
from entrepot.domain.landed_cost.classification import by_prefix
from entrepot.domain.money import Money


def duty_rate(
    line: DeclaredLine,
    index: int,
    table: Mapping[str, Decimal],
    destination: str,
    errors: list[m.QuoteError],
) -> Decimal:
    """The item's duty override, else the tariff table; records UNKNOWN_RATE when neither."""
    override = line.item.rates
    if override is not None and override.duty is not None:
        return override.duty
    rate = by_prefix(table, line.item.hs_code)
    if rate is None:
        errors.append(
            m.QuoteError(
                m.UNKNOWN_RATE,
                f"{line.item.sku}: no duty rate for tariff number {line.item.hs_code} into "
                f"{destination} in the sample tariff; pass rates.duty",
                f"items[{index}].rates.duty",
            )
        )
        return Decimal(0)
    return rate


def vat_override(line: DeclaredLine) -> Decimal | None:
    override = line.item.rates
    return override.vat if override is not None else None


def import_tax(*, duty_base: Money, vat_base: Money, duty: Decimal, vat: Decimal) -> LineTax:
    """Duty on `duty_base`; VAT (or GST) on `vat_base` plus that duty. Rounded each."""
    duty_amount = (duty_base * duty).rounded()
    return LineTax(
        duty=duty_amount,
        vat=((vat_base + duty_amount) * vat).rounded(),
        consumption=Money.zero(duty_base.currency),
    )


def at_border_note(currency_name: str) -> m.Note:
    return m.Note(
        "COLLECTED_AT_BORDER",
        f"Duty and import tax are collected on delivery ({currency_name}); shown here in advance",
        f"关税和进口税在派送时征收（{currency_name}），此处预先列出",
    )
