"""Orders as the services make them (with their events), on any day, for analytics tests."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

from entrepot.analytics import sets
from entrepot.analytics.models import (
    Activity,
    CategorySales,
    NewSellers,
    ProductSales,
    Sales,
    SellerProvinceSales,
)
from entrepot.orders.models import Order, OrderEvent, OrderLine
from entrepot.orders.services import order_transition

_numbers = itertools.count(1)
DAY0 = datetime(2025, 1, 1, 12, tzinfo=UTC)

# the events that take an order from paid to completed, and from paid to refunded
TO_COMPLETED = ("declare", "clear", "ship", "deliver", "complete")


@contextmanager
def clock(at: datetime):
    """Services and auto_now fields see `at` as the time."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def place(*, buyer, seller, product, at: datetime, quantity: int = 1, total: str = "100.00",
          tax: str = "9.10", currency: str = "CNY", origin: str | None = None,
          extra_products=()) -> Order:  # fmt: skip
    """A placed order of `quantity` units (plus one unit of each extra product) with its
    'place' event, as checkout writes them."""
    total_amount, tax_amount = Decimal(total), Decimal(tax)
    order = Order.objects.create(
        number=f"AN{next(_numbers):08d}", buyer=buyer, seller=seller,
        origin_country=origin or product.origin_country, destination_country=buyer.country,
        currency=currency, goods_amount=total_amount - tax_amount, shipping_amount=0,
        tax_amount=tax_amount, total_amount=total_amount, placed_at=at,
    )  # fmt: skip
    goods = total_amount - tax_amount
    items = [(product, quantity), *((p, 1) for p in extra_products)]
    share = (goods / len(items)).quantize(Decimal("0.01"))
    for position, (item, units) in enumerate(items):
        line_total = goods - share * (len(items) - 1) if position == 0 else share
        OrderLine.objects.create(
            order=order, product=item, variant=item.variants.first(), title_en=item.title_en,
            quantity=units, unit_price_amount=line_total / units, line_total_amount=line_total,
            currency=currency,
        )  # fmt: skip
    with clock(at):
        OrderEvent.objects.create(order=order, event="place", to_status="placed", actor="test")
    return order


def move(order: Order, event: str, at: datetime) -> Order:
    with clock(at):
        return order_transition(order=order, event=event, actor="test")


def rollup_snapshot() -> dict:
    """Every rollup row as plain values (sets decoded), keyed by its key: comparable."""
    snapshot = {}
    for model in (Sales, CategorySales, ProductSales, NewSellers):
        snapshot[model.__name__] = {
            tuple(getattr(r, k) for k in model.KEY): tuple(getattr(r, s) for s in model.SUMS)
            for r in model.objects.all()
        }
    snapshot["Activity"] = {
        tuple(getattr(r, k) for k in Activity.KEY): (
            sorted(sets.buyers_load(r.buyers)), sorted(sets.sellers_load(r.sellers).items())
        )
        for r in Activity.objects.all()
    }
    snapshot["SellerProvinceSales"] = {
        tuple(getattr(r, k) for k in SellerProvinceSales.KEY): (
            r.orders, r.units, r.gmv_cny, sorted(sets.buyers_load(r.buyers))
        )
        for r in SellerProvinceSales.objects.all()
    }
    return snapshot
