"""The units of a variant in the seller's own warehouse, as import and export see them."""

from __future__ import annotations

from entrepot.catalog.models import ProductVariant
from entrepot.sellers.models import Seller


def own_warehouse_id(seller: Seller) -> int | None:
    from entrepot.logistics.models import Warehouse

    return (
        seller.warehouses.filter(kind=Warehouse.Kind.SELLER)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def own_stock(variant: ProductVariant, own_id: int | None) -> int:
    """Units of `variant` in the seller's own warehouse. A variant with no stock rows
    at all (listed before warehouses existed) keeps its whole stock there."""
    stocks = list(variant.stocks.all())
    if not stocks:
        return variant.stock
    return sum(s.quantity for s in stocks if s.warehouse_id == own_id)
