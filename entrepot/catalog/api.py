"""Catalogue API: read-only, public, money as decimal strings."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from entrepot.catalog import selectors
from entrepot.domain.money import Money
from entrepot.pricing.selectors import current_rate_table

router = Router(tags=["catalog"])


class MoneyOut(Schema):
    amount: str = Field(description="decimal string, rounded to the currency's minor unit")
    currency: str

    @staticmethod
    def of(money: Money) -> MoneyOut:
        rounded = money.rounded()
        return MoneyOut(amount=str(rounded.amount), currency=rounded.currency)


class CategoryOut(Schema):
    slug: str
    name_en: str
    name_zh: str


class SellerRef(Schema):
    slug: str
    business_name: str
    country: str


class ProductSummary(Schema):
    id: int
    title_en: str
    title_zh: str
    brand: str
    origin_country: str
    seller: SellerRef
    price: MoneyOut
    display_price: MoneyOut


class ProductPage(Schema):
    items: list[ProductSummary]
    next_before: int | None = Field(description="pass as `before` for the next page")


class VariantOut(Schema):
    sku: str
    name_en: str
    name_zh: str
    price: MoneyOut
    display_price: MoneyOut
    in_stock: bool


class ProductDetail(ProductSummary):
    category: CategoryOut
    description_en: str
    description_zh: str
    hs_code: str
    weight_grams: int
    variants: list[VariantOut]


class ProductFilters(Schema):
    category: str | None = Field(None, description="category slug")
    before: int | None = Field(None, ge=1, description="keyset cursor from `next_before`")
    limit: int = Field(24, ge=1, le=100)


class ErrorOut(Schema):
    detail: str


def _summary(product, rates, currency) -> dict:
    price = product.price
    return {
        "id": product.id,
        "title_en": product.title_en,
        "title_zh": product.title_zh,
        "brand": product.brand,
        "origin_country": product.origin_country,
        "seller": product.seller,
        "price": MoneyOut.of(price),
        "display_price": MoneyOut.of(rates.convert(price, currency)),
    }


@router.get("/categories", response=list[CategoryOut])
def list_categories(request):
    return selectors.category_list()


@router.get("/products", response={200: ProductPage, 404: ErrorOut})
def list_products(request, filters: Query[ProductFilters]):
    category = None
    if filters.category:
        category = next((c for c in selectors.category_list() if c.slug == filters.category), None)
        if category is None:
            raise HttpError(404, f"no category with slug {filters.category!r}")
    page = selectors.published_products(
        category=category, before=filters.before, limit=filters.limit
    )
    rates, currency = current_rate_table(), settings.ENTREPOT_DISPLAY_CURRENCY
    return {
        "items": [_summary(p, rates, currency) for p in page.items],
        "next_before": page.next_before,
    }


@router.get("/products/{product_id}", response={200: ProductDetail, 404: ErrorOut})
def get_product(request, product_id: int):
    try:
        product = selectors.published_product(product_id)
    except Http404:
        raise HttpError(404, f"no product #{product_id} for sale") from None
    rates, currency = current_rate_table(), settings.ENTREPOT_DISPLAY_CURRENCY
    variants = []
    for v in product.variants.all():
        price = v.price
        variants.append(
            {
                "sku": v.sku,
                "name_en": v.name_en,
                "name_zh": v.name_zh,
                "price": MoneyOut.of(price),
                "display_price": MoneyOut.of(rates.convert(price, currency)),
                "in_stock": v.stock > 0,
            }
        )
    return {
        **_summary(product, rates, currency),
        "category": product.category,
        "description_en": product.description_en,
        "description_zh": product.description_zh,
        "hs_code": product.hs_code,
        "weight_grams": product.weight_grams,
        "variants": variants,
    }
