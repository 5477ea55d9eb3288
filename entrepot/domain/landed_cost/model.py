"""Plain values in and out of the landed-cost engine.

Amounts are `Money`; rates are Decimal fractions (0.13 for 13%). A `QuoteRequest`
is assumed valid in shape (the API validates it); rule violations and missing
rates come back inside the `Quote` as `QuoteError`s, never as exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from entrepot.domain.money import Money

# error codes (machine-readable; messages are for people)
CN_CBEC_ORDER_LIMIT = "CN_CBEC_ORDER_LIMIT"
CN_CBEC_ANNUAL_LIMIT = "CN_CBEC_ANNUAL_LIMIT"
CN_CBEC_NOT_ON_POSITIVE_LIST = "CN_CBEC_NOT_ON_POSITIVE_LIST"
CN_CBEC_BONDED_ONLY = "CN_CBEC_BONDED_ONLY"
CN_CBEC_WEIGHT_CAP = "CN_CBEC_WEIGHT_CAP"
UNKNOWN_RATE = "UNKNOWN_RATE"
INVALID_INPUT = "INVALID_INPUT"
NO_RULE_PACK = "NO_RULE_PACK"


@dataclass(frozen=True, slots=True)
class NetContent:
    value: Decimal
    unit: str  # "ml", "g" or "piece"


@dataclass(frozen=True, slots=True)
class RateOverride:
    """Rates that replace the classification tables for one item (fractions)."""

    duty: Decimal | None = None
    vat: Decimal | None = None
    consumption: Decimal | None = None


@dataclass(frozen=True, slots=True)
class QuoteItem:
    sku: str
    description: str
    hs_code: str  # digits only, 6 to 10
    origin: str  # ISO 3166 alpha-2
    unit_price: Money
    quantity: int
    unit_weight_kg: Decimal
    net_content: NetContent | None = None
    rates: RateOverride | None = None


@dataclass(frozen=True, slots=True)
class FxRate:
    source: str  # currency code
    target: str
    rate: Decimal


@dataclass(frozen=True)
class QuoteRequest:
    destination: str
    currency: str
    items: tuple[QuoteItem, ...]
    shipping: Money
    insurance: Money
    as_of: date
    mode: str | None = None  # "9610" direct mail or "1210" bonded, China only
    buyer_year_to_date: Money | None = None
    fx_overrides: tuple[FxRate, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteError:
    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    code: str
    en: str
    zh_hans: str


@dataclass(frozen=True, slots=True)
class FxUsed:
    source: str
    target: str
    rate: Decimal
    origin: str  # "override" or "ECB reference rate of YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class LineQuote:
    sku: str
    goods: Money
    customs_value: Money
    duty: Money
    vat: Money
    consumption_tax: Money

    @property
    def total_tax(self) -> Money:
        return self.duty + self.vat + self.consumption_tax


@dataclass(frozen=True, slots=True)
class Totals:
    goods: Money
    shipping: Money
    insurance: Money
    duty: Money
    vat: Money
    consumption_tax: Money
    fees: Money

    @property
    def taxes_and_duties(self) -> Money:
        return self.duty + self.vat + self.consumption_tax

    @property
    def grand_total(self) -> Money:
        return self.goods + self.shipping + self.insurance + self.taxes_and_duties + self.fees


@dataclass(frozen=True)
class Quote:
    destination: str
    currency: str
    rule: str
    allowed: bool
    calculable: bool
    fx: tuple[FxUsed, ...]
    lines: tuple[LineQuote, ...]
    totals: Totals
    notes: tuple[Note, ...] = ()
    errors: tuple[QuoteError, ...] = field(default=())
