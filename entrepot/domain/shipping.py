"""Shipping estimates before a carrier quotes: the sample direct-mail (9610) rate card.

35 CNY for the first 500 g and 18 CNY for each further 500 g or part of it, door to
door from the seller's country to mainland China. A sample tariff, clearly not a
carrier's: it stands in until the logistics integration quotes real rates.
"""

from __future__ import annotations

from decimal import Decimal

from entrepot.domain.money import Money

FIRST_STEP_CNY = Decimal(35)
NEXT_STEP_CNY = Decimal(18)
STEP_GRAMS = 500


def direct_mail_estimate(weight_grams: int) -> Money:
    """Estimated direct-mail shipping to China for a parcel of `weight_grams`."""
    if weight_grams < 0:
        raise ValueError(f"weight must not be negative, got {weight_grams} g")
    extra_steps = max(0, (weight_grams - 1) // STEP_GRAMS)
    return Money(FIRST_STEP_CNY + NEXT_STEP_CNY * extra_steps, "CNY")
