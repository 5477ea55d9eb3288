"""Reads of the catalogue for pages and the API.

Listing reads fetch only the columns a product card shows (no descriptions) and
page by keyset (`before` = the last id seen), so a page costs the same at 1M
products as at 1k.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from entrepot.catalog.models import Category, Product, ProductImage
from entrepot.sellers.models import Seller

CARD_FIELDS = (
    "id",
    "title_en",
    "title_zh",
    "brand",
    "origin_country",
    "hs_code",
    "weight_grams",
    "price_amount",
    "currency",
    "translation_status",
    "category_id",
    "seller__id",
    "seller__slug",
    "seller__business_name",
    "seller__country",
)


@dataclass(frozen=True)
class Page:
    items: list
    next_before: int | None


# a card shows one picture: prefetch only the first of each product (one query a page)
FIRST_IMAGE = Prefetch(
    "images",
    queryset=ProductImage.objects.order_by("position", "id").only("product_id", "thumb", "alt_en")[
        :1
    ],
    to_attr="card_images",
)


def category_list() -> list[Category]:
    return list(Category.objects.all())


def _published() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.PUBLISHED)


def cards_query(queryset: QuerySet[Product], *, before: int | None, limit: int) -> QuerySet:
    """Card rows of `queryset`, newest first, keyset-paged below `before`."""
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    return (
        queryset.select_related("seller")
        .only(*CARD_FIELDS)
        .prefetch_related(FIRST_IMAGE)
        .order_by("-id")[:limit]
    )


def _keyset_page(queryset: QuerySet[Product], *, before: int | None, limit: int) -> Page:
    rows = list(cards_query(queryset, before=before, limit=limit + 1))
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_before=rows[-1].id if has_more else None)


def _published_in(*, category: Category | None, seller: Seller | None) -> QuerySet[Product]:
    queryset = _published()
    if category is not None:
        queryset = queryset.filter(category=category)
    if seller is not None:
        queryset = queryset.filter(seller=seller)
    return queryset


def published_cards_query(
    *, category: Category | None = None, seller: Seller | None = None, limit: int = 24
) -> QuerySet[Product]:
    """The storefront's listing query (card columns, newest first), for EXPLAIN checks."""
    return cards_query(_published_in(category=category, seller=seller), before=None, limit=limit)


def published_products(
    *,
    category: Category | None = None,
    seller: Seller | None = None,
    before: int | None = None,
    limit: int = 24,
) -> Page:
    queryset = _published_in(category=category, seller=seller)
    return _keyset_page(queryset, before=before, limit=limit)


def published_product(product_id: int) -> Product:
    """A published product with its seller, category and variants (3 queries), or 404."""
    return get_object_or_404(
        _published().select_related("seller", "category").prefetch_related("variants", "images"),
        pk=product_id,
    )


def seller_products(*, seller: Seller, before: int | None = None, limit: int = 50) -> Page:
    """All of one seller's products, whatever their status (seller central)."""
    queryset = Product.objects.filter(seller=seller)
    return _keyset_page(queryset, before=before, limit=limit)


def seller_product(*, seller: Seller, product_id: int) -> Product:
    """One of `seller`'s own products; 404 for anybody else's, so ids reveal nothing."""
    return get_object_or_404(
        Product.objects.select_related("category").prefetch_related("variants"),
        pk=product_id,
        seller=seller,
    )
