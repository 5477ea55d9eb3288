"""Tariff-number lookups: the longest matching prefix of an HS code decides."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal


def by_prefix(table: Mapping[str, Decimal], hs_code: str) -> Decimal | None:
    """The value of the longest key of `table` that `hs_code` starts with ("" = default)."""
    for length in range(len(hs_code), -1, -1):
        value = table.get(hs_code[:length])
        if value is not None:
            return value
    return None


def matches(prefixes: tuple[str, ...], hs_code: str) -> bool:
    return hs_code.startswith(prefixes)


def percent(rate: Decimal) -> str:
    """0.091 -> '9.1', 0.13 -> '13'."""
    text = f"{(rate * 100).quantize(Decimal('0.01')).normalize():f}"
    return text
