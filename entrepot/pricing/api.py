"""`POST /api/v1/landed-cost`: the landed-cost quote over HTTP.

This module validates (shape, currencies, decimal strings, HS codes) and turns
domain refusals into 4xx answers; the arithmetic lives in entrepot.domain.
Amounts are decimal strings everywhere: JSON numbers are refused for money.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field, field_validator

from entrepot.config.api_shapes import Strict
from entrepot.domain.exceptions import RateMissing, UnknownCurrency
from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.policies import NoRulePack
from entrepot.domain.money import Money, check_currency
from entrepot.pricing.landed_cost import landed_cost_quote

router = Router(tags=["landed cost"])

AMOUNT = r"^\d{1,12}(\.\d{1,4})?$"
RATE = r"^(0(\.\d{1,6})?|1(\.0{1,6})?)$"
POSITIVE = r"^\d{1,9}(\.\d{1,6})?$"


def _currency(value: str) -> str:
    try:
        return check_currency(value)
    except UnknownCurrency as exc:
        raise ValueError(str(exc)) from None


def _decimal_string(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f'must be a decimal string such as "19.99", not {type(value).__name__}')
    return value


class MoneyIn(Strict):
    amount: str = Field(pattern=AMOUNT, description='decimal string, e.g. "19.99"')
    currency: str = Field(description="ISO 4217 code")

    _amount_is_text = field_validator("amount", mode="before")(_decimal_string)
    _known_currency = field_validator("currency")(_currency)

    def money(self) -> Money:
        return Money(self.amount, self.currency)


class NetContentIn(Strict):
    value: str = Field(pattern=POSITIVE)
    unit: Literal["ml", "g", "piece"]

    _value_is_text = field_validator("value", mode="before")(_decimal_string)


class RatesIn(Strict):
    duty: str | None = Field(None, pattern=RATE, description='fraction, e.g. "0.10" for 10%')
    vat: str | None = Field(None, pattern=RATE)
    consumption: str | None = Field(None, pattern=RATE)


class ItemIn(Strict):
    sku: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=300)
    hs_code: str = Field(description="6 to 10 digits; dots and spaces are ignored")
    origin: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")
    unit_price: MoneyIn
    quantity: int = Field(ge=1, le=100_000, strict=True)
    unit_weight_kg: str = Field(pattern=POSITIVE)
    net_content: NetContentIn | None = None
    rates: RatesIn | None = None

    _weight_is_text = field_validator("unit_weight_kg", mode="before")(_decimal_string)

    @field_validator("hs_code")
    @classmethod
    def _hs_code(cls, value: str) -> str:
        digits = value.replace(".", "").replace(" ", "")
        if not digits.isdigit() or not 6 <= len(digits) <= 10:
            raise ValueError(f"HS code {value!r} must have 6 to 10 digits, e.g. 33049900")
        return digits


class FxIn(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str = Field(alias="from")
    to: str
    rate: str = Field(pattern=POSITIVE)

    _known = field_validator("source", "to")(_currency)

    @field_validator("rate")
    @classmethod
    def _positive(cls, value: str) -> str:
        if Decimal(value) <= 0:
            raise ValueError("rate must be greater than zero")
        return value


class LandedCostIn(Strict):
    destination: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")
    currency: str = Field(description="currency of the quote, ISO 4217")
    mode: Literal["9610", "1210"] | None = Field(None, description="China: direct mail or bonded")
    as_of: date | None = Field(None, description="date of rules and rates (default today, UTC)")
    buyer_year_to_date: MoneyIn | None = Field(None, description="spent this year through CBEC")
    fx_rates: list[FxIn] = Field(default_factory=list, max_length=50)
    shipping: MoneyIn | None = None
    insurance: MoneyIn | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=100)

    _known_currency = field_validator("currency")(_currency)

    def to_domain(self) -> m.QuoteRequest:
        zero = Money.zero(self.currency)
        return m.QuoteRequest(
            destination=self.destination,
            currency=self.currency,
            items=tuple(
                m.QuoteItem(
                    sku=i.sku,
                    description=i.description,
                    hs_code=i.hs_code,
                    origin=i.origin,
                    unit_price=i.unit_price.money(),
                    quantity=i.quantity,
                    unit_weight_kg=Decimal(i.unit_weight_kg),
                    net_content=(
                        m.NetContent(Decimal(i.net_content.value), i.net_content.unit)
                        if i.net_content
                        else None
                    ),
                    rates=(
                        m.RateOverride(
                            *(
                                Decimal(r) if r is not None else None
                                for r in (i.rates.duty, i.rates.vat, i.rates.consumption)
                            )
                        )
                        if i.rates
                        else None
                    ),
                )
                for i in self.items
            ),
            shipping=self.shipping.money() if self.shipping else zero,
            insurance=self.insurance.money() if self.insurance else zero,
            as_of=self.as_of or timezone.now().date(),
            mode=self.mode,
            buyer_year_to_date=self.buyer_year_to_date.money() if self.buyer_year_to_date else None,
            fx_overrides=tuple(m.FxRate(f.source, f.to, Decimal(f.rate)) for f in self.fx_rates),
        )


class FxOut(Schema):
    model_config = ConfigDict(populate_by_name=True)
    source: str = Field(serialization_alias="from")
    to: str
    rate: str
    origin: str


class LineOut(Schema):
    sku: str
    goods: str
    customs_value: str
    duty: str
    vat: str
    consumption_tax: str
    total_tax: str


class TotalsOut(Schema):
    goods: str
    shipping: str
    insurance: str
    duty: str
    vat: str
    consumption_tax: str
    fees: str
    taxes_and_duties: str
    grand_total: str


class NoteOut(Schema):
    code: str
    en: str
    zh_hans: str = Field(serialization_alias="zh-Hans")


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class LandedCostOut(Schema):
    destination: str
    currency: str
    rule: str
    allowed: bool
    calculable: bool
    fx: list[FxOut]
    lines: list[LineOut]
    totals: TotalsOut
    notes: list[NoteOut]
    errors: list[ErrorOut]


class ProblemOut(Schema):
    detail: str
    errors: list[ErrorOut]


def _s(money: Money) -> str:
    return str(money.rounded().amount)


def _rate(rate: Decimal) -> str:
    return str(rate.quantize(Decimal("0.0000000001")).normalize())


def quote_out(q: m.Quote) -> dict:
    t = q.totals
    return {
        "destination": q.destination,
        "currency": q.currency,
        "rule": q.rule,
        "allowed": q.allowed,
        "calculable": q.calculable,
        "fx": [
            {"source": f.source, "to": f.target, "rate": _rate(f.rate), "origin": f.origin}
            for f in q.fx
        ],
        "lines": [
            {
                "sku": x.sku,
                "goods": _s(x.goods),
                "customs_value": _s(x.customs_value),
                "duty": _s(x.duty),
                "vat": _s(x.vat),
                "consumption_tax": _s(x.consumption_tax),
                "total_tax": _s(x.total_tax),
            }
            for x in q.lines
        ],
        "totals": {
            name: _s(getattr(t, name))
            for name in (
                "goods",
                "shipping",
                "insurance",
                "duty",
                "vat",
                "consumption_tax",
                "fees",
                "taxes_and_duties",
                "grand_total",
            )
        },  # fmt: skip
        "notes": [{"code": n.code, "en": n.en, "zh_hans": n.zh_hans} for n in q.notes],
        "errors": [{"code": e.code, "message": e.message, "field": e.field} for e in q.errors],
    }


def _problem(code: str, message: str, field: str | None) -> dict:
    return {"detail": message, "errors": [{"code": code, "message": message, "field": field}]}


@router.post(
    "/landed-cost",
    response={200: LandedCostOut, 422: ProblemOut},
    by_alias=True,
    summary="Landed cost of a basket: duties, import taxes and limits for the destination",
)
def landed_cost(request, body: LandedCostIn):
    """Quote a basket delivered to `destination`, in `currency`.

    200 with `allowed: false` and `errors` when the rules refuse the order (limits,
    positive list); 200 with `calculable: false` when a tariff rate is missing (pass
    it in `items[].rates`); 422 for malformed input, an unsupported destination or
    a missing exchange rate (pass it in `fx_rates`).
    """
    try:
        result = landed_cost_quote(body.to_domain())
    except NoRulePack as exc:
        return Status(422, _problem(m.INVALID_INPUT, str(exc), "destination"))
    except RateMissing as exc:
        return Status(422, _problem(m.UNKNOWN_RATE, str(exc), "fx_rates"))
    return Status(200, quote_out(result))
