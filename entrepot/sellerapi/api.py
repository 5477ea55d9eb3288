"""Seller API under /api/v1/seller/: for sellers' own systems (shop software, ERPs).

Every request carries a seller's token (`Authorization: Bearer ep_...`, created in seller
central) and sees only that seller's listings, stock, orders and warehouses: another
seller's listing id answers 404, exactly like an id that does not exist.

This module validates and turns refusals into 4xx answers; the writes are the catalogue,
logistics and sellerapi services. Every write (POST, PUT) accepts an `Idempotency-Key`:
see `idempotency.write`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

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
from entrepot.logistics.models import Warehouse
from entrepot.logistics.services import (
    bonded_warehouses_ensure,
    stock_set,
    warehouse_own_ensure,
    warehouse_usable_by,
)
from entrepot.orders.models import Order, OrderLine
from entrepot.sellerapi import services
from entrepot.sellerapi.idempotency import IDEMPOTENCY_KEY, write
from entrepot.sellerapi.idempotency import stored as _stored
from entrepot.sellerapi.presenters import (
    API_FIELD,
    INVALID_INPUT,
    NOT_ALLOWED,
    SKU_TAKEN,
    ApiProblem,
    dump,
    listing_out,
    money,
    refusal,
    when,
)
from entrepot.sellerapi.schemas import (
    DetailOut,
    ListingFilters,
    ListingIn,
    ListingOut,
    ListingPage,
    OrderPage,
    PageFilters,
    ProblemsOut,
    StockIn,
    StockOut,
    WarehouseOut,
)
from entrepot.sellers.models import Seller

TOKENS_PAGE = "/seller/api-tokens/"


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


def _own_listing(seller: Seller, listing_id: int) -> Product:
    product = Product.objects.filter(seller=seller, pk=listing_id).first()
    if product is None:
        # the same answer for another seller's listing and for none: ids reveal nothing
        raise HttpError(404, f"no listing #{listing_id} among yours")
    return product


def _listing_input(seller: Seller, body: ListingIn, *, product: Product | None) -> ListingInput:
    """The service's input, after the checks that need the database (422 / 409 otherwise)."""
    category = Category.objects.filter(slug=body.category).first()
    if category is None:
        raise refusal(
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


def _write(
    request: HttpRequest, key: str | None, run: Callable[[], tuple[int, dict]]
) -> HttpResponse:
    """`idempotency.write` with the record lookup this module knows as `_stored`, looked
    up on every call (a test stands in for it to play a concurrent twin request)."""
    return write(request, key, run, lookup=_stored)


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
            "price": money(p.price_amount, p.currency),
            "updated_at": when(p.updated_at),
            "variants": [
                {
                    "sku": v.sku,
                    "name_en": v.name_en,
                    "price": money(v.price_amount, v.currency),
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
        return 201, listing_out(product.pk)

    return _write(request, idempotency_key, run)


@router.get(
    "/listings/{listing_id}",
    response={200: ListingOut, 401: DetailOut, 404: DetailOut},
    summary="One listing, its stock per warehouse and what blocks publishing",
)
def get_listing(request, listing_id: int):
    return listing_out(_own_listing(request.auth, listing_id).pk)


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
        return 200, listing_out(product.pk)

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
            raise refusal(403, NOT_ALLOWED, None, str(exc)) from None
        except ListingNotReady as exc:
            from entrepot.catalog.listing_check import problem_message

            errors = [
                {
                    "code": p.code,
                    "field": API_FIELD.get(p.field, p.field),
                    "message": problem_message(p),
                }
                for p in exc.problems
            ]
            detail = f"listing #{product.pk} cannot be published yet, {len(errors)} problem(s) "
            detail += "to fix: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            raise ApiProblem(409, errors, detail) from None
        return 200, listing_out(product.pk)

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
        return 200, listing_out(product.pk)

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
        return 200, dump(
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
            "goods": money(o.goods_amount, o.currency),
            "shipping": money(o.shipping_amount, o.currency),
            "tax": money(o.tax_amount, o.currency),
            "total": money(o.total_amount, o.currency),
            "destination_country": o.destination_country,
            "placed_at": when(o.placed_at),
            "paid_at": when(o.paid_at),
            "completed_at": when(o.completed_at),
            "lines": [
                {
                    "sku": line.variant.sku,
                    "title_en": line.title_en,
                    "quantity": line.quantity,
                    "unit_price": money(line.unit_price_amount, line.currency),
                    "line_total": money(line.line_total_amount, line.currency),
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
