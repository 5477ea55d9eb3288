"""The request and response bodies of the seller API (ninja Schemas) and their checks."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from entrepot.catalog.bulk.validation import _countries as countries

AMOUNT = re.compile(r"\d{1,12}(\.\d{1,4})?")
NET_CONTENT = re.compile(r"\d{1,9}(\.\d{1,3})?")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
COUNTRY = re.compile(r"[A-Z]{2}")
MAX_UNITS = 10_000_000


# --- input --------------------------------------------------------------------------------


def _decimal_string(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f'must be a decimal string such as "19.99", not {type(value).__name__}')
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store a NUL character in text: refuse it here, not with a 500
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters (\\x00)")
        return value


class NetContentIn(Strict):
    value: str = Field(description='decimal string above 0, e.g. "50" or "0.5"')
    unit: Literal["ml", "g", "piece"]

    _value_is_text = field_validator("value", mode="before")(_decimal_string)

    @field_validator("value")
    @classmethod
    def _positive(cls, value: str) -> str:
        if not NET_CONTENT.fullmatch(value) or Decimal(value) <= 0:
            raise ValueError(
                f"net content {value!r} must be a decimal string above 0 with at most "
                '3 decimals, e.g. "50"'
            )
        return value


class VariantIn(Strict):
    sku: str = Field(
        description="unique across the marketplace: letters, digits, '.', '_', '-' (max 64)"
    )
    name_en: str = Field(min_length=1, max_length=100, description="option, e.g. 60 softgels")
    name_zh: str = Field("", max_length=100)
    price: str = Field(description='in your currency, decimal string above 0, e.g. "19.99"')
    stock: int | None = Field(
        None,
        ge=0,
        le=MAX_UNITS,
        strict=True,
        description="units in your own warehouse; omit to leave the stock as it is",
    )

    _price_is_text = field_validator("price", mode="before")(_decimal_string)
    _name_en = field_validator("name_en")(_not_blank)

    @field_validator("sku")
    @classmethod
    def _sku(cls, value: str) -> str:
        if not SKU.fullmatch(value):
            raise ValueError(
                f"SKU {value!r} may use letters, digits, '.', '_' and '-' only, start with "
                "a letter or digit, and have at most 64 characters"
            )
        return value

    @field_validator("price")
    @classmethod
    def _price(cls, value: str) -> str:
        if not AMOUNT.fullmatch(value) or Decimal(value) <= 0:
            raise ValueError(
                f"price {value!r} must be a decimal string above 0 with at most 4 decimals, "
                'e.g. "19.99"'
            )
        return value


class ListingIn(Strict):
    category: str = Field(
        min_length=1, max_length=60, description="category slug (GET /api/catalog/categories)"
    )
    title_en: str = Field(min_length=1, max_length=200)
    title_zh: str = Field("", max_length=200, description="required by China to publish")
    description_en: str = Field("", max_length=20_000)
    description_zh: str = Field("", max_length=20_000)
    brand: str = Field("", max_length=100, description="defaults to your business name")
    hs_code: str = Field("", max_length=20, description="tariff number, 8 digits for China")
    origin_country: str = Field("", description="ISO 3166 alpha-2; default yours")
    weight_grams: int = Field(ge=1, le=1_000_000, strict=True, description="shipping weight")
    net_content: NetContentIn | None = Field(None, description="required for cosmetics (3304)")
    variants: list[VariantIn] = Field(min_length=1, max_length=100)

    _title_en = field_validator("title_en")(_not_blank)

    @field_validator("hs_code")
    @classmethod
    def _hs_code(cls, value: str) -> str:
        digits = value.replace(".", "").replace(" ", "")
        if digits and not (digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 10):
            raise ValueError(
                f"HS code {value!r} must have 6 to 10 digits (China needs 8), e.g. 21069090"
            )
        return digits

    @field_validator("origin_country")
    @classmethod
    def _origin(cls, value: str) -> str:
        if value and not (COUNTRY.fullmatch(value) and value in countries()):
            raise ValueError(
                f"origin_country {value!r} must be an ISO 3166 alpha-2 code in capitals, e.g. US"
            )
        return value

    @field_validator("variants")
    @classmethod
    def _distinct_skus(cls, variants: list[VariantIn]) -> list[VariantIn]:
        seen: set[str] = set()
        for variant in variants:
            if variant.sku in seen:
                raise ValueError(f"SKU {variant.sku!r} appears twice: each variant needs its own")
            seen.add(variant.sku)
        return variants


class ListingFilters(Schema):
    status: Literal["draft", "published", "suspended"] | None = None
    before: int | None = Field(None, ge=1, description="keyset cursor from `next_before`")
    limit: int = Field(50, ge=1, le=100)


class PageFilters(Schema):
    before: int | None = Field(None, ge=1, description="keyset cursor from `next_before`")
    limit: int = Field(50, ge=1, le=100)


class StockIn(Strict):
    warehouse_id: int | None = Field(
        None, ge=1, strict=True, description="default: your own warehouse"
    )
    quantity: int = Field(ge=0, le=MAX_UNITS, strict=True)


# --- output -------------------------------------------------------------------------------


class DetailOut(Schema):
    detail: str


class ErrorOut(Schema):
    code: str
    field: str | None = None
    message: str


class ProblemsOut(Schema):
    detail: str
    errors: list[ErrorOut]


class ProblemOut(Schema):
    code: str
    field: str
    blocking: bool = Field(description="true: publishing is refused until it is fixed")
    message: str


class NetContentOut(Schema):
    value: str
    unit: str


class WarehouseStockOut(Schema):
    warehouse_id: int
    warehouse: str
    mode: str = Field(description="9610 direct mail (own warehouse) or 1210 bonded")
    quantity: int


class VariantOut(Schema):
    sku: str
    name_en: str
    name_zh: str
    price: str
    stock: int = Field(description="total over all warehouses")
    stocks: list[WarehouseStockOut]


class VariantSummaryOut(Schema):
    sku: str
    name_en: str
    price: str
    stock: int


class ListingSummaryOut(Schema):
    id: int
    status: str
    translation_status: str
    category: str
    title_en: str
    title_zh: str
    currency: str
    price: str = Field(description="the lowest variant price")
    updated_at: str
    variants: list[VariantSummaryOut]


class ListingOut(Schema):
    id: int
    status: str = Field(description="draft, published or suspended")
    translation_status: str = Field(description="missing, machine or reviewed")
    moderation_note: str
    category: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    brand: str
    hs_code: str
    origin_country: str
    weight_grams: int
    net_content: NetContentOut | None
    currency: str
    price: str = Field(description="the lowest variant price")
    created_at: str
    updated_at: str
    variants: list[VariantOut]
    problems: list[ProblemOut] = Field(description="what China requires that is missing")


class ListingPage(Schema):
    items: list[ListingSummaryOut]
    next_before: int | None = Field(description="pass as `before` for the next page")


class StockOut(Schema):
    sku: str
    warehouse_id: int
    quantity: int
    total: int = Field(description="the variant's units over all warehouses")


class OrderLineOut(Schema):
    sku: str
    title_en: str
    quantity: int
    unit_price: str
    line_total: str


class OrderOut(Schema):
    id: int
    number: str
    status: str
    currency: str
    goods: str
    shipping: str
    tax: str = Field(description="import taxes")
    total: str
    destination_country: str
    placed_at: str
    paid_at: str | None
    completed_at: str | None
    lines: list[OrderLineOut]


class OrderPage(Schema):
    items: list[OrderOut]
    next_before: int | None


class WarehouseOut(Schema):
    id: int
    kind: str = Field(description="seller (your own) or bonded (in China, shared)")
    mode: str
    name: str
    name_zh: str
    country: str
    city: str
    delivery_days_min: int
    delivery_days_max: int
