"""Exporting a seller's listings as CSV in the import format, streamed a page at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch

from entrepot.catalog.bulk.columns import COLUMNS
from entrepot.catalog.bulk.stock import own_stock, own_warehouse_id
from entrepot.catalog.models import Product, ProductVariant
from entrepot.domain.money import Money
from entrepot.sellers.models import Seller


def _csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def catalog_export_rows(*, seller: Seller) -> Iterator[str]:
    """The seller's listings as CSV lines in the import format, header first: one
    row per variant, `product_ref` the listing's number (`listing-17`)."""
    yield _csv_line(COLUMNS)
    own_id = own_warehouse_id(seller)
    last = 0
    while True:
        page = list(
            Product.objects.filter(seller=seller, id__gt=last)
            .select_related("category")
            .prefetch_related(
                Prefetch("variants", queryset=ProductVariant.objects.prefetch_related("stocks"))
            )
            .order_by("id")[:500]
        )
        if not page:
            return
        for product in page:
            for variant in product.variants.all():
                price = Money(variant.price_amount, variant.currency).rounded().amount
                yield _csv_line(
                    (
                        f"listing-{product.id}",
                        variant.sku,
                        product.category.slug,
                        product.title_en,
                        product.title_zh,
                        product.description_en,
                        product.description_zh,
                        product.brand,
                        product.hs_code,
                        product.origin_country,
                        variant.weight_grams,
                        _decimal_text(product.net_content_value),
                        product.net_content_unit,
                        variant.name_en,
                        variant.name_zh,
                        format(price, "f"),
                        own_stock(variant, own_id),
                    )
                )
        last = page[-1].id


def catalog_export(*, seller: Seller) -> str:
    """The seller's listings as one CSV text in the import format (see catalog_export_rows)."""
    return "".join(catalog_export_rows(seller=seller))
