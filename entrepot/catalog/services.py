"""Writes of listings: create, update, publish, suspend. Keyword-only, typed, atomic.

Input is assumed valid in shape (forms and the API validate); the rules China sets
before a listing may be published are checked here, by `listing_publish`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from entrepot.audit.services import audit_record
from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.domain.money import Money
from entrepot.search.services import index_products
from entrepot.sellers.models import Seller


class ListingNotAllowed(Exception):
    """The action is not allowed for this seller or listing; the message says why."""


class ListingNotReady(Exception):
    """A listing cannot be published yet; `problems` lists what is missing."""

    def __init__(self, problems: list) -> None:
        super().__init__(f"{len(problems)} problem(s) block publishing")
        self.problems = problems


@dataclass(frozen=True)
class VariantInput:
    sku: str
    name_en: str
    price_amount: Decimal
    name_zh: str = ""
    weight_grams: int | None = None  # defaults to the listing's weight
    stock: int | None = None  # units in the seller's own warehouse; None leaves it as is


@dataclass(frozen=True)
class ListingInput:
    category: Category
    title_en: str
    variants: tuple[VariantInput, ...]
    title_zh: str = ""
    description_en: str = ""
    description_zh: str = ""
    brand: str = ""
    hs_code: str = ""
    origin_country: str = ""
    weight_grams: int = 0
    net_content_value: Decimal | None = None
    net_content_unit: str = ""
    extra: dict = field(default_factory=dict)


def _price(seller: Seller, amount: Decimal) -> Decimal:
    return Money(amount, seller.currency).rounded().amount


def _apply(product: Product, seller: Seller, data: ListingInput) -> None:
    product.category = data.category
    product.title_en = data.title_en.strip()
    product.title_zh = data.title_zh.strip()
    product.description_en = data.description_en.strip()
    product.description_zh = data.description_zh.strip()
    product.brand = data.brand.strip() or seller.business_name
    product.hs_code = data.hs_code.replace(".", "").replace(" ", "")
    product.origin_country = (data.origin_country or seller.country).upper()
    product.weight_grams = data.weight_grams
    product.net_content_value = data.net_content_value
    product.net_content_unit = data.net_content_unit
    product.currency = seller.currency
    product.price_amount = min(_price(seller, v.price_amount) for v in data.variants)


def _sync_variants(product: Product, seller: Seller, data: ListingInput) -> None:
    from entrepot.logistics.services import stock_set, warehouse_own_ensure

    existing = {v.sku: v for v in product.variants.all()}
    own = warehouse_own_ensure(seller=seller)
    for position, item in enumerate(data.variants):
        variant = existing.pop(item.sku, None) or ProductVariant(product=product, sku=item.sku)
        variant.name_en = item.name_en.strip()
        variant.name_zh = item.name_zh.strip()
        variant.price_amount = _price(seller, item.price_amount)
        variant.currency = seller.currency
        variant.weight_grams = item.weight_grams or data.weight_grams
        variant.position = position
        variant.save()
        if item.stock is not None:
            stock_set(variant=variant, warehouse=own, quantity=item.stock)
    for gone in existing.values():
        # variants may be referenced by past orders: they are emptied, not deleted
        for stock in gone.stocks.all():
            stock_set(variant=gone, warehouse=stock.warehouse, quantity=0)


def _translation_status(data: ListingInput) -> str:
    return "reviewed" if data.title_zh.strip() else "missing"


def _draft_missing_chinese(product: Product) -> None:
    """Pre-fill missing Chinese from the translation memory (or MT) once committed, so a
    slow translation service never holds the listing's transaction open."""
    if product.title_zh and product.description_zh:
        return

    def draft() -> None:
        from entrepot.translation.services import translation_draft

        translation_draft(product=Product.objects.get(pk=product.pk))

    transaction.on_commit(draft)


@transaction.atomic
def listing_create(*, seller: Seller, data: ListingInput) -> Product:
    """A new draft listing with its variants and own-warehouse stock."""
    if not data.variants:
        raise ValueError("a listing needs at least one variant")
    product = Product(seller=seller, status=Product.Status.DRAFT)
    _apply(product, seller, data)
    product.translation_status = _translation_status(data)
    product.save()
    _sync_variants(product, seller, data)
    _draft_missing_chinese(product)
    audit_record(action="listing.create", target=product, details=_audited(product))
    return product


def _audited(product: Product) -> dict:
    return {"seller": product.seller_id, "status": product.status, "title": product.title_en}


@transaction.atomic
def listing_update(*, product: Product, data: ListingInput) -> Product:
    """Replace a listing's content; variants are matched by SKU."""
    if not data.variants:
        raise ValueError("a listing needs at least one variant")
    seller = product.seller
    chinese_changed = (data.title_zh.strip(), data.description_zh.strip()) != (
        product.title_zh,
        product.description_zh,
    )
    _apply(product, seller, data)
    if chinese_changed or not product.title_zh:
        # the seller typed the Chinese text: that is the truth, no longer a draft
        product.translation_status = _translation_status(data)
    product.save()
    _sync_variants(product, seller, data)
    index_products(ids=[product.pk])
    _draft_missing_chinese(product)
    audit_record(action="listing.update", target=product, details=_audited(product))
    return product


@transaction.atomic
def listing_publish(*, product: Product) -> Product:
    """Publish, if the seller is approved and nothing China requires is missing."""
    from entrepot.catalog.listing_check import listing_problems_for

    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    if not product.seller.is_approved:
        raise ListingNotAllowed(
            "your business is not verified yet: listings can be published once the "
            "marketplace has approved it"
        )
    if product.status == Product.Status.SUSPENDED:
        raise ListingNotAllowed("this listing was suspended by the marketplace")
    blocking = [p for p in listing_problems_for(product) if p.blocking]
    if blocking:
        raise ListingNotReady(blocking)
    product.status = Product.Status.PUBLISHED
    product.save(update_fields=["status", "updated_at"])
    index_products(ids=[product.pk])
    audit_record(action="listing.publish", target=product, details=_audited(product))
    return product


_BACK_TO_DRAFT = {Product.Status.PUBLISHED: "listing.unpublish",
                  Product.Status.SUSPENDED: "listing.reinstate"}  # fmt: skip


def _back_to_draft(product: Product, *, from_status: str) -> Product:
    if product.status == from_status:
        product.status = Product.Status.DRAFT
        product.save(update_fields=["status", "updated_at"])
        index_products(ids=[product.pk])
        audit_record(action=_BACK_TO_DRAFT.get(from_status, "listing.draft"), target=product,
                     details={"from": from_status, "to": product.status})  # fmt: skip
    return product


@transaction.atomic
def listing_unpublish(*, product: Product) -> Product:
    return _back_to_draft(product, from_status=Product.Status.PUBLISHED)


@transaction.atomic
def listing_reinstate(*, product: Product) -> Product:
    """Operator action: lift a suspension; the seller publishes again after fixing it."""
    return _back_to_draft(product, from_status=Product.Status.SUSPENDED)


@transaction.atomic
def listing_suspend(*, product: Product, reason: str) -> Product:
    """Operator action: take a listing off the storefront."""
    if not reason.strip():
        raise ValueError("say why the listing is suspended: the seller sees the reason")
    product.status = Product.Status.SUSPENDED
    product.moderation_note = reason.strip()
    product.save(update_fields=["status", "moderation_note", "updated_at"])
    index_products(ids=[product.pk])
    audit_record(action="listing.suspend", target=product, details={"reason": reason.strip()})
    return product
