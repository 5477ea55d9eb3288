"""China cross-border e-commerce (CBEC) retail import: the tax within the limits.

Within the per-order (5,000 CNY) and annual (26,000 CNY) limits the tariff is 0% and
import VAT and consumption tax are charged at 70% of the normal amount:

    composite rate = (consumption tax rate + VAT rate) / (1 - consumption tax rate) x 70%
    tax            = dutiable value x composite rate, rounded half-up to the fen

Source: Cai Guan Shui [2016] No. 18 and [2018] No. 49 (see shared/domain/cross-border-rules.md).
The full corridor rule packs, with effective dates, build on this.
"""

from __future__ import annotations

from decimal import Decimal

from entrepot.domain.money import Money

CBEC_REDUCTION = Decimal("0.7")


def composite_rate(
    *,
    vat_rate: Decimal,
    consumption_tax_rate: Decimal = Decimal(0),
    reduction: Decimal = CBEC_REDUCTION,
) -> Decimal:
    """The CBEC composite tax rate (exact, unrounded)."""
    if not (Decimal(0) <= consumption_tax_rate < Decimal(1)):
        raise ValueError(f"consumption tax rate must be in [0, 1), got {consumption_tax_rate}")
    if vat_rate < 0:
        raise ValueError(f"VAT rate must not be negative, got {vat_rate}")
    return (consumption_tax_rate + vat_rate) / (Decimal(1) - consumption_tax_rate) * reduction


def cbec_tax(
    dutiable_value: Money, *, vat_rate: Decimal, consumption_tax_rate: Decimal = Decimal(0)
) -> Money:
    """Cross-border tax on `dutiable_value` (goods + freight + insurance), rounded to the fen."""
    rate = composite_rate(vat_rate=vat_rate, consumption_tax_rate=consumption_tax_rate)
    return (dutiable_value * rate).rounded()
