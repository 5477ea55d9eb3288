"""Reads about where stock is and what that promises the buyer."""

from __future__ import annotations

from dataclasses import dataclass

from entrepot.catalog.models import Product
from entrepot.logistics.models import Stock, Warehouse


@dataclass(frozen=True)
class DeliveryPromise:
    low: int
    high: int
    bonded: bool

    @property
    def mode(self) -> str:
        return "1210" if self.bonded else "9610"


def delivery_promise(product: Product) -> DeliveryPromise | None:
    """The fastest promise among warehouses holding stock of the product (one query).

    Stock in a bonded warehouse in China arrives in days; otherwise direct mail.
    None when nothing is in stock anywhere.
    """
    rows = (
        Stock.objects.filter(variant__product=product, quantity__gt=0)
        .values_list(
            "warehouse__kind", "warehouse__delivery_days_min", "warehouse__delivery_days_max"
        )
        .distinct()
    )
    best = None
    for kind, low, high in rows:
        candidate = DeliveryPromise(low, high, kind == Warehouse.Kind.BONDED)
        if best is None or (candidate.high, candidate.low) < (best.high, best.low):
            best = candidate
    return best
