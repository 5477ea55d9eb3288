"""Seller API under /api/v1/seller/: for sellers' own systems (shop software, ERPs).

Every request carries a seller's token (`Authorization: Bearer ep_...`, created in seller
central) and sees only that seller's listings, stock, orders and warehouses: another
seller's listing id answers 404, exactly like an id that does not exist.

This module validates and turns refusals into 4xx answers; the writes are the catalogue,
logistics and sellerapi services. Every write (POST, PUT) accepts an `Idempotency-Key`:
see `_write`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field, field_validator

from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.catalog.services import (
    ListingInput,
    ListingNotAllowed,
    ListingNotReady,
    VariantInput,
    listing_create,
    listing_publish,
    listing_unpublish,
    listing_update,
)
from entrepot.domain.money import Money
from entrepot.logistics.models import Stock, Warehouse
from entrepot.logistics.services import (
    bonded_warehouses_ensure,
    stock_set,
    warehouse_own_ensure,
    warehouse_usable_by,
)
from entrepot.orders.models import Order, OrderLine
from entrepot.sellerapi import services
from entrepot.sellerapi.models import IdempotencyRecord
from entrepot.sellers.models import Seller

TOKENS_PAGE = "/seller/api-tokens/"
INVALID_INPUT = "INVALID_INPUT"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
SKU_TAKEN = "SKU_TAKEN"
NOT_ALLOWED = "NOT_ALLOWED"
JSON = "application/json; charset=utf-8"

IDEMPOTENCY_KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{1,100}")
AMOUNT = re.compile(r"\d{1,12}(\.\d{1,4})?")
NET_CONTENT = re.compile(r"\d{1,9}(\.\d{1,3})?")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
COUNTRY = re.compile(r"[A-Z]{2}")
MAX_UNITS = 10_000_000
# the product rules name form fields; the API names them as its body does
_API_FIELD = {"net_content_value": "net_content"}


class SellerToken(HttpBearer):
    """`Authorization: Bearer ep_...`: a token a seller created in seller central."""

    def __call__(self, request: HttpRequest) -> Seller | None:
        header = request.headers.get(self.header, "")
        scheme, _space, raw = header.strip().partition(" ")
        if not header.strip():
            raise AuthenticationError(
                message="send your API token in the header `Authorization: Bearer ep_...`; "
                f"create one in seller central at {TOKENS_PAGE}"
            )
        if scheme.lower() != self.openapi_scheme or not raw.strip():
            raise AuthenticationError(
                message="the Authorization header must be `Bearer ` followed by your API "
                f"token (ep_...); create one in seller central at {TOKENS_PAGE}"
            )
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Seller:
        seller = services.token_authenticate(token)
        if seller is None:
            raise AuthenticationError(
                message="this API token is unknown or was revoked; create a new one in "
                f"seller central at {TOKENS_PAGE}"
            )
        return seller


router = Router(tags=["seller API"], auth=SellerToken())


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
        if value and not COUNTRY.fullmatch(value):
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


# --- helpers ------------------------------------------------------------------------------


class ApiProblem(Exception):
    """A refusal inside a write: rendered as `{detail, errors}` after the rollback."""

    def __init__(self, status: int, errors: list[dict], detail: str | None = None) -> None:
        self.status = status
        self.errors = errors
        self.detail = detail or "; ".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors
        )
        super().__init__(self.detail)


def _problem(status: int, code: str, field: str | None, message: str) -> ApiProblem:
    return ApiProblem(status, [{"code": code, "field": field, "message": message}])


def _money(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency).rounded().amount)


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _json(status: int, content: str) -> HttpResponse:
    return HttpResponse(content, status=status, content_type=JSON)


def _render(status: int, data: dict) -> tuple[str, HttpResponse]:
    content = json.dumps(data, cls=NinjaJSONEncoder)
    return content, _json(status, content)


def _problem_response(problem: ApiProblem) -> HttpResponse:
    return _render(problem.status, {"detail": problem.detail, "errors": problem.errors})[1]


def _own_listing(seller: Seller, listing_id: int) -> Product:
    product = Product.objects.filter(seller=seller, pk=listing_id).first()
    if product is None:
        # the same answer for another seller's listing and for none: ids reveal nothing
        raise HttpError(404, f"no listing #{listing_id} among yours")
    return product


IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="1-100 characters of A-Z a-z 0-9 _ - : . ; a repeat with the same key and "
    "body returns the first answer (header `Idempotent-Replayed: true`) and does nothing",
)


def _stored(seller: Seller, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(seller=seller, key=key).first()


def _replay(request: HttpRequest, record: IdempotencyRecord, body_hash: str) -> HttpResponse:
    if (record.method, record.path, record.request_hash) != (
        request.method,
        request.path,
        body_hash,
    ):
        return _problem_response(
            _problem(
                422,
                IDEMPOTENCY_KEY_REUSED,
                "Idempotency-Key",
                f"Idempotency-Key {record.key!r} was already used for {record.method} "
                f"{record.path} with another body; a repeat must send the same request "
                "byte for byte, a different request needs a new key",
            )
        )
    response = _json(record.status_code, record.response_body)
    response["Idempotent-Replayed"] = "true"
    return response


def _write(
    request: HttpRequest, key: str | None, run: Callable[[], tuple[int, dict]]
) -> HttpResponse:
    """Run a write once per `Idempotency-Key`.

    Without a key, `run` runs. With one, the first successful answer is stored in the
    write's own transaction and replayed for every repeat with the same method, path and
    body; a refused request (4xx) is not stored: it changed nothing and may be retried.
    """
    seller: Seller = request.auth
    body_hash = hashlib.sha256(request.body).hexdigest()
    if key is not None:
        if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
            return _problem_response(
                _problem(
                    422,
                    INVALID_INPUT,
                    "Idempotency-Key",
                    "Idempotency-Key must be 1 to 100 characters of letters, digits and "
                    "_ - : . (a UUID will do)",
                )
            )
        record = _stored(seller, key)
        if record is not None:
            return _replay(request, record, body_hash)
    try:
        with transaction.atomic():
            status, data = run()
            content, response = _render(status, data)
            if key is not None and 200 <= status < 300:
                services.idempotency_record_create(
                    seller=seller,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_hash=body_hash,
                    status_code=status,
                    response_body=content,
                )
    except ApiProblem as problem:
        return _problem_response(problem)
    except IntegrityError:
        # a concurrent request with the same key committed first: this write was undone
        record = _stored(seller, key) if key is not None else None
        if record is None:
            raise
        return _replay(request, record, body_hash)
    return response


def _dump(schema: type[Schema], data: dict) -> dict:
    return schema.model_validate(data).model_dump()


def _problems(product: Product) -> list[dict]:
    from entrepot.catalog.listing_check import listing_problems_for, problem_message

    return [
        {
            "code": p.code,
            "field": _API_FIELD.get(p.field, p.field),
            "blocking": p.blocking,
            "message": problem_message(p),
        }
        for p in listing_problems_for(product)
    ]


def _listing_out(listing_id: int) -> dict:
    stocks = Stock.objects.select_related("warehouse").order_by("warehouse_id")
    variants = ProductVariant.objects.prefetch_related(Prefetch("stocks", queryset=stocks))
    product = (
        Product.objects.select_related("category")
        .prefetch_related(Prefetch("variants", queryset=variants))
        .get(pk=listing_id)
    )
    net_content = None
    if product.net_content_value is not None:
        net_content = {
            "value": format(product.net_content_value.normalize(), "f"),
            "unit": product.net_content_unit,
        }
    return _dump(
        ListingOut,
        {
            "id": product.id,
            "status": product.status,
            "translation_status": product.translation_status,
            "moderation_note": product.moderation_note,
            "category": product.category.slug,
            "title_en": product.title_en,
            "title_zh": product.title_zh,
            "description_en": product.description_en,
            "description_zh": product.description_zh,
            "brand": product.brand,
            "hs_code": product.hs_code,
            "origin_country": product.origin_country,
            "weight_grams": product.weight_grams,
            "net_content": net_content,
            "currency": product.currency,
            "price": _money(product.price_amount, product.currency),
            "created_at": _when(product.created_at),
            "updated_at": _when(product.updated_at),
            "variants": [
                {
                    "sku": v.sku,
                    "name_en": v.name_en,
                    "name_zh": v.name_zh,
                    "price": _money(v.price_amount, v.currency),
                    "stock": v.stock,
                    "stocks": [
                        {
                            "warehouse_id": s.warehouse_id,
                            "warehouse": s.warehouse.name,
                            "mode": s.warehouse.mode,
                            "quantity": s.quantity,
                        }
                        for s in v.stocks.all()
                    ],
                }
                for v in product.variants.all()
            ],
            "problems": _problems(product),
        },
    )


def _listing_input(seller: Seller, body: ListingIn, *, product: Product | None) -> ListingInput:
    """The service's input, after the checks that need the database (422 / 409 otherwise)."""
    category = Category.objects.filter(slug=body.category).first()
    if category is None:
        raise _problem(
            422,
            INVALID_INPUT,
            "category",
            f"no category with slug {body.category!r}; GET /api/catalog/categories lists them",
        )
    errors = []
    for i, variant in enumerate(body.variants):
        if Money(Decimal(variant.price), seller.currency).rounded().amount <= 0:
            errors.append(
                {
                    "code": INVALID_INPUT,
                    "field": f"variants[{i}].price",
                    "message": f"price {variant.price} is 0 once rounded to the minor unit of "
                    f"{seller.currency}, your currency; it must be above 0",
                }
            )
    if errors:
        raise ApiProblem(422, errors)
    _check_skus(seller, body, product=product)
    net = body.net_content
    return ListingInput(
        category=category,
        title_en=body.title_en,
        title_zh=body.title_zh,
        description_en=body.description_en,
        description_zh=body.description_zh,
        brand=body.brand,
        hs_code=body.hs_code,
        origin_country=body.origin_country,
        weight_grams=body.weight_grams,
        net_content_value=Decimal(net.value) if net else None,
        net_content_unit=net.unit if net else "",
        variants=tuple(
            VariantInput(
                sku=v.sku,
                name_en=v.name_en,
                name_zh=v.name_zh,
                price_amount=Decimal(v.price),
                stock=v.stock,
            )
            for v in body.variants
        ),
    )


def _check_skus(seller: Seller, body: ListingIn, *, product: Product | None) -> None:
    """SKUs are unique across the marketplace: refuse those another listing holds."""
    position = {v.sku: i for i, v in enumerate(body.variants)}
    taken = ProductVariant.objects.filter(sku__in=list(position)).select_related("product")
    if product is not None:
        taken = taken.exclude(product=product)
    errors = []
    for variant in sorted(taken, key=lambda v: position[v.sku]):
        if variant.product.seller_id == seller.id:
            message = (
                f"SKU {variant.sku!r} belongs to your listing #{variant.product_id}; a SKU "
                "can be in one listing only: use another SKU"
            )
        else:
            message = (
                f"SKU {variant.sku!r} is already used by another seller; SKUs are unique "
                f"across the marketplace: prefix yours, e.g. {seller.slug}-{variant.sku}"
            )
        errors.append(
            {
                "code": SKU_TAKEN,
                "field": f"variants[{position[variant.sku]}].sku",
                "message": message,
            }
        )
    if errors:
        raise ApiProblem(409, errors)


def _save_listing(seller: Seller, body: ListingIn, *, product: Product | None) -> Product:
    data = _listing_input(seller, body, product=product)
    try:
        if product is None:
            return listing_create(seller=seller, data=data)
        return listing_update(product=product, data=data)
    except IntegrityError:
        # another request took one of these SKUs between the check and the write
        _check_skus(seller, body, product=product)
        raise


# --- endpoints ----------------------------------------------------------------------------

READ = {401: DetailOut, 422: ProblemsOut}
WRITE = {401: DetailOut, 404: DetailOut, 409: ProblemsOut, 422: ProblemsOut}


@router.get("/listings", response={200: ListingPage, **READ}, summary="Your listings")
def list_listings(request, filters: Query[ListingFilters]):
    """Your listings of every status, newest first; `next_before` pages on."""
    queryset = Product.objects.filter(seller=request.auth)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.before:
        queryset = queryset.filter(id__lt=filters.before)
    rows = list(
        queryset.select_related("category")
        .prefetch_related("variants")
        .order_by("-id")[: filters.limit + 1]
    )
    more, rows = len(rows) > filters.limit, rows[: filters.limit]
    items = [
        {
            "id": p.id,
            "status": p.status,
            "translation_status": p.translation_status,
            "category": p.category.slug,
            "title_en": p.title_en,
            "title_zh": p.title_zh,
            "currency": p.currency,
            "price": _money(p.price_amount, p.currency),
            "updated_at": _when(p.updated_at),
            "variants": [
                {
                    "sku": v.sku,
                    "name_en": v.name_en,
                    "price": _money(v.price_amount, v.currency),
                    "stock": v.stock,
                }
                for v in p.variants.all()
            ],
        }
        for p in rows
    ]
    return {"items": items, "next_before": rows[-1].id if more else None}


@router.post("/listings", response={201: ListingOut, **WRITE}, summary="Create a listing (a draft)")
def create_listing(request, body: ListingIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """A new draft with its variants; `stock` goes to your own warehouse. 409 when a SKU
    is already used (SKUs are unique across the marketplace)."""

    def run():
        product = _save_listing(request.auth, body, product=None)
        return 201, _listing_out(product.pk)

    return _write(request, idempotency_key, run)


@router.get(
    "/listings/{listing_id}",
    response={200: ListingOut, 401: DetailOut, 404: DetailOut},
    summary="One listing, its stock per warehouse and what blocks publishing",
)
def get_listing(request, listing_id: int):
    return _listing_out(_own_listing(request.auth, listing_id).pk)


@router.put(
    "/listings/{listing_id}", response={200: ListingOut, **WRITE}, summary="Replace a listing"
)
def update_listing(
    request, listing_id: int, body: ListingIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """Full update, same body as create. Variants are matched by SKU; a variant left out
    keeps its SKU but its stock is set to 0 everywhere (past orders may refer to it)."""

    def run():
        product = _own_listing(request.auth, listing_id)
        _save_listing(request.auth, body, product=product)
        return 200, _listing_out(product.pk)

    return _write(request, idempotency_key, run)


@router.post(
    "/listings/{listing_id}/publish",
    response={200: ListingOut, 403: ProblemsOut, **WRITE},
    summary="Publish a listing to buyers in China",
)
def publish_listing(request, listing_id: int, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """409 lists what China requires that is missing; 403 while your business is not
    approved by the marketplace, or when the listing was suspended."""

    def run():
        product = _own_listing(request.auth, listing_id)
        try:
            listing_publish(product=product)
        except ListingNotAllowed as exc:
            raise _problem(403, NOT_ALLOWED, None, str(exc)) from None
        except ListingNotReady as exc:
            from entrepot.catalog.listing_check import problem_message

            errors = [
                {
                    "code": p.code,
                    "field": _API_FIELD.get(p.field, p.field),
                    "message": problem_message(p),
                }
                for p in exc.problems
            ]
            detail = f"listing #{product.pk} cannot be published yet, {len(errors)} problem(s) "
            detail += "to fix: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            raise ApiProblem(409, errors, detail) from None
        return 200, _listing_out(product.pk)

    return _write(request, idempotency_key, run)


@router.post(
    "/listings/{listing_id}/unpublish",
    response={200: ListingOut, **WRITE},
    summary="Take a listing off the storefront (back to draft)",
)
def unpublish_listing(request, listing_id: int, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        product = _own_listing(request.auth, listing_id)
        listing_unpublish(product=product)
        return 200, _listing_out(product.pk)

    return _write(request, idempotency_key, run)


@router.put(
    "/listings/{listing_id}/variants/{sku}/stock",
    response={200: StockOut, **WRITE},
    summary="Set the units of a variant in one warehouse",
)
def set_stock(
    request,
    listing_id: int,
    sku: str,
    body: StockIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    """`warehouse_id` defaults to your own warehouse; bonded warehouses are allowed
    (GET /api/v1/seller/warehouses). `total` is the variant's units over all warehouses."""
    seller: Seller = request.auth

    def run():
        product = _own_listing(seller, listing_id)
        variant = product.variants.filter(sku=sku).first()
        if variant is None:
            raise HttpError(404, f"listing #{listing_id} has no variant with SKU {sku!r}")
        if body.warehouse_id is None:
            warehouse = warehouse_own_ensure(seller=seller)
        else:
            warehouse = Warehouse.objects.filter(pk=body.warehouse_id).first()
            if warehouse is None or not warehouse_usable_by(warehouse, seller):
                raise HttpError(
                    404,
                    f"no warehouse #{body.warehouse_id} among yours and the bonded ones; "
                    "GET /api/v1/seller/warehouses lists them",
                )
        stock = stock_set(variant=variant, warehouse=warehouse, quantity=body.quantity)
        return 200, _dump(
            StockOut,
            {
                "sku": variant.sku,
                "warehouse_id": warehouse.pk,
                "quantity": stock.quantity,
                "total": variant.stock,
            },
        )

    return _write(request, idempotency_key, run)


@router.get("/orders", response={200: OrderPage, **READ}, summary="Your orders (read-only)")
def list_orders(request, filters: Query[PageFilters]):
    """Your orders, newest first; amounts in the currency the buyer paid."""
    lines = OrderLine.objects.select_related("variant").order_by("id")
    queryset = Order.objects.filter(seller=request.auth)
    if filters.before:
        queryset = queryset.filter(id__lt=filters.before)
    rows = list(
        queryset.prefetch_related(Prefetch("lines", queryset=lines)).order_by("-id")[
            : filters.limit + 1
        ]
    )
    more, rows = len(rows) > filters.limit, rows[: filters.limit]
    items = [
        {
            "id": o.id,
            "number": o.number,
            "status": o.status,
            "currency": o.currency,
            "goods": _money(o.goods_amount, o.currency),
            "shipping": _money(o.shipping_amount, o.currency),
            "tax": _money(o.tax_amount, o.currency),
            "total": _money(o.total_amount, o.currency),
            "destination_country": o.destination_country,
            "placed_at": _when(o.placed_at),
            "paid_at": _when(o.paid_at),
            "completed_at": _when(o.completed_at),
            "lines": [
                {
                    "sku": line.variant.sku,
                    "title_en": line.title_en,
                    "quantity": line.quantity,
                    "unit_price": _money(line.unit_price_amount, line.currency),
                    "line_total": _money(line.line_total_amount, line.currency),
                }
                for line in o.lines.all()
            ],
        }
        for o in rows
    ]
    return {"items": items, "next_before": rows[-1].id if more else None}


@router.get(
    "/warehouses",
    response={200: list[WarehouseOut], 401: DetailOut},
    summary="Warehouses you can stock: your own and the bonded ones in China",
)
def list_warehouses(request):
    usable = Q(seller=request.auth) | Q(kind=Warehouse.Kind.BONDED)
    if not Warehouse.objects.filter(kind=Warehouse.Kind.BONDED).exists():
        bonded_warehouses_ensure()
    return [
        {
            "id": w.id,
            "kind": w.kind,
            "mode": w.mode,
            "name": w.name,
            "name_zh": w.name_zh,
            "country": w.country,
            "city": w.city,
            "delivery_days_min": w.delivery_days_min,
            "delivery_days_max": w.delivery_days_max,
        }
        for w in Warehouse.objects.filter(usable).order_by("-kind", "id")
    ]
