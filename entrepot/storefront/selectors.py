"""Storefront reads: catalogue rows with what they cost delivered to China."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import translation

from entrepot.catalog import selectors as catalog
from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.catalog.selectors import Page, cards_query
from entrepot.domain.fx import RateTable
from entrepot.domain.landed_cost.model import Quote
from entrepot.domain.money import Money
from entrepot.pricing.landed_cost import QuoteContext, cn_direct_mail_quote
from entrepot.sellers.models import Seller
from entrepot.storefront.facets import Filters, apply, published_in

CNY = "CNY"


@dataclass(frozen=True)
class Landed:
    """A price as the buyer sees it: landed (taxes and shipping in) when the rules allow."""

    goods: Money  # converted to CNY
    quote: Quote | None

    @property
    def usable(self) -> bool:
        return self.quote is not None and self.quote.allowed and self.quote.calculable

    @property
    def display(self) -> Money:
        return self.quote.totals.grand_total if self.usable else self.goods

    @property
    def tax_note(self) -> str:
        """The quote's first note in the active language."""
        notes = self.quote.notes if self.quote else ()
        if not notes:
            return ""
        chinese = (translation.get_language() or "").startswith("zh")
        return notes[0].zh_hans if chinese else notes[0].en


def landed(context: QuoteContext, *, sku: str, product: Product, price: Money) -> Landed:
    quote = cn_direct_mail_quote(
        context, sku=sku, hs_code=product.hs_code, origin=product.origin_country, price=price,
        weight_grams=product.weight_grams,
    )  # fmt: skip
    goods = quote.totals.goods if quote else context.rates.convert(price, CNY)
    return Landed(goods=goods, quote=quote)


@dataclass(frozen=True)
class ProductCard:
    product: Product
    price: Money  # in the seller's currency
    landed: Landed


def product_cards(products: list[Product], *, context: QuoteContext) -> list[ProductCard]:
    return [
        ProductCard(p, p.price, landed(context, sku=str(p.id), product=p, price=p.price))
        for p in products
    ]


# --- cached reads shared by every page ----------------------------------------------------

CATEGORIES_SECONDS = 300
FEATURED_SECONDS = 600
FEATURED_PER_COUNTRY = 4
FEATURED_COUNTRIES = 8


def categories() -> list[Category]:
    """The category list every page's navigation shows (cached: it changes rarely)."""
    return cache.get_or_set("storefront:categories", catalog.category_list, CATEGORIES_SECONDS)


def catalogue_version() -> str:
    """The time of the newest change to any product: one step down product_updated_idx.

    Catalogue writes go through `save()` (auto_now), so a new, edited, published or
    withdrawn listing moves it. Stock, seller and category edits do not: what depends on
    them is cached with a short lifetime as well.
    """
    newest = Product.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return newest.isoformat() if newest else ""


def product_version(product_id: int) -> tuple | None:
    """What a product page is made of, cheaply (one query): its last edit, its units in
    stock and its number of options. None when the product is not for sale."""
    # plain SQL: every product page asks this first, even when the page itself comes from
    # the cache, and the ORM spent longer building this query than SQLite running it
    product, variant = Product._meta.db_table, ProductVariant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.updated_at, SUM(v.stock), COUNT(v.id) FROM {product} p "
            f"LEFT JOIN {variant} v ON v.product_id = p.id "
            "WHERE p.id = %s AND p.status = %s GROUP BY p.id, p.updated_at",
            [product_id, Product.Status.PUBLISHED],
        )
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def category_cards_query(
    *, category: Category, filters: Filters, rates: RateTable, before: int | None, limit: int
) -> QuerySet[Product]:
    """Card rows of `category` that pass `filters`, newest first (also for EXPLAIN checks)."""
    return cards_query(apply(published_in(category), filters, rates), before=before, limit=limit)


def category_page(
    *, category: Category, filters: Filters, rates: RateTable, before: int | None, limit: int
) -> Page:
    """A keyset page of product cards of `category` that pass `filters` (newest first)."""
    rows = list(
        category_cards_query(
            category=category, filters=filters, rates=rates, before=before, limit=limit + 1
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_before=rows[-1].id if has_more else None)


@dataclass(frozen=True)
class ShopCard:
    """A seller as the home page features it (no reviews exist yet: no rating)."""

    id: int
    slug: str
    business_name: str
    country: str
    city: str
    is_small_business: bool


def featured_sellers() -> list[tuple[str, list[ShopCard]]]:
    """(country, sellers) pairs: up to FEATURED_PER_COUNTRY approved sellers with
    something for sale per country, small businesses first, then the newest. Cached."""
    return cache.get_or_set("storefront:featured-sellers", _featured_sellers, FEATURED_SECONDS)


def _featured_sellers() -> list[tuple[str, list[ShopCard]]]:
    selling = Product.objects.filter(seller=OuterRef("pk"), status=Product.Status.PUBLISHED)
    rows = (
        Seller.objects.filter(verification_status="approved")
        .filter(Exists(selling))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("country")],
                order_by=[F("is_small_business").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=FEATURED_PER_COUNTRY)
        .order_by("country", "rank")
        .values_list("id", "slug", "business_name", "country", "city", "is_small_business")
    )
    by_country: dict[str, list[ShopCard]] = {}
    for row in rows:
        card = ShopCard(*row)
        by_country.setdefault(card.country, []).append(card)
    ranked = sorted(by_country.items(), key=lambda item: (-len(item[1]), item[0]))
    return ranked[:FEATURED_COUNTRIES]
