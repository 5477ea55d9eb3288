"""Writes of warehouses and stock."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Sum

from entrepot.catalog.models import ProductVariant
from entrepot.logistics.models import Stock, Warehouse
from entrepot.sellers.models import Seller

# Bonded zones that hold stock sellers sent ahead (1210); delivery in days inside China.
BONDED_WAREHOUSES = (
    ("Ningbo Bonded Zone", "宁波保税区", "Ningbo"),
    ("Hangzhou Xiasha Bonded Zone", "杭州下沙保税区", "Hangzhou"),
    ("Guangzhou Nansha Bonded Zone", "广州南沙保税区", "Guangzhou"),
)


def warehouse_own_ensure(*, seller: Seller) -> Warehouse:
    """The seller's own warehouse (direct mail, 9610), created on first use."""
    warehouse = seller.warehouses.filter(kind=Warehouse.Kind.SELLER).order_by("id").first()
    if warehouse is None:
        warehouse = Warehouse.objects.create(
            kind=Warehouse.Kind.SELLER, seller=seller, name=f"{seller.business_name} warehouse",
            country=seller.country, city=seller.city, delivery_days_min=7, delivery_days_max=14,
        )  # fmt: skip
    return warehouse


def bonded_warehouses_ensure() -> list[Warehouse]:
    warehouses = []
    for name, name_zh, city in BONDED_WAREHOUSES:
        warehouse, _created = Warehouse.objects.get_or_create(
            kind=Warehouse.Kind.BONDED, name=name,
            defaults={"name_zh": name_zh, "country": "CN", "city": city,
                      "delivery_days_min": 2, "delivery_days_max": 4},
        )  # fmt: skip
        warehouses.append(warehouse)
    return warehouses


def warehouse_usable_by(warehouse: Warehouse, seller: Seller) -> bool:
    return warehouse.kind == Warehouse.Kind.BONDED or warehouse.seller_id == seller.id


@transaction.atomic
def stock_set(*, variant: ProductVariant, warehouse: Warehouse, quantity: int) -> Stock:
    """Set the units of `variant` in `warehouse`; the variant's total follows in the same
    transaction, so listings never show stock that no warehouse holds."""
    if quantity < 0:
        raise ValueError(f"stock must be zero or more, got {quantity}")
    stock, _created = Stock.objects.update_or_create(
        variant=variant, warehouse=warehouse, defaults={"quantity": quantity}
    )
    total = Stock.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"] or 0
    ProductVariant.objects.filter(pk=variant.pk).update(stock=total)
    variant.stock = total
    return stock


@transaction.atomic
def stock_adjust(*, variant: ProductVariant, warehouse: Warehouse, delta: int) -> bool:
    """Add `delta` units (negative to take); refuses to go below zero. Conditional update:
    two concurrent takers of the last unit cannot both succeed."""
    Stock.objects.get_or_create(variant=variant, warehouse=warehouse)
    changed = Stock.objects.filter(
        variant=variant, warehouse=warehouse, quantity__gte=max(0, -delta)
    ).update(quantity=F("quantity") + delta)
    if not changed:
        return False
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") + delta)
    return True
