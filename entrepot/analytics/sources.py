"""Reads of orders, their events and sellers, as the snapshots `facts` works on.

A constant number of queries per batch, whatever its size: one for the orders (with
their seller and buyer), one for their lines.
"""

from __future__ import annotations

from collections import defaultdict

from entrepot.analytics.facts import OrderFacts, OrderLineFacts, SellerFacts
from entrepot.orders.models import Order, OrderEvent, OrderLine
from entrepot.sellers.models import Seller

# the events that change a rollup; the others (declare, ship...) only move the watermark
COUNTED_EVENTS = ("place", "pay", "complete", "refund")

_ORDER_FIELDS = (
    "id", "buyer_id", "seller_id", "origin_country", "destination_country", "currency",
    "total_amount", "tax_amount", "placed_at", "paid_at", "completed_at", "status",
    "seller__country", "seller__is_small_business", "buyer__country", "buyer__province",
)  # fmt: skip


def order_facts(order_ids) -> dict[int, OrderFacts]:
    """Snapshots of the orders with these ids (missing ids are left out)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    lines: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(order_id__in=ids)
        .order_by("order_id", "id")
        .values_list("order_id", "product_id", "product__category_id", "quantity",
                     "line_total_amount")  # fmt: skip
    )
    for order_id, product_id, category_id, quantity, total in rows:
        lines[order_id].append((product_id, category_id, quantity, total))
    facts = {}
    for row in Order.objects.filter(id__in=ids).values_list(*_ORDER_FIELDS):
        (pk, buyer, seller, origin, destination, currency, total, tax, placed, paid,
         completed, status, seller_country, small, buyer_country, province) = row  # fmt: skip
        own = lines.get(pk, [])
        facts[pk] = OrderFacts(
            id=pk, buyer_id=buyer, seller_id=seller, origin=origin, destination=destination,
            currency=currency, total=total, tax=tax, placed_at=placed, paid_at=paid,
            completed_at=completed, status=status, seller_country=seller_country,
            small_business=small, buyer_country=buyer_country, province=province or "",
            category_id=(own[0][1] or 0) if own else 0,
            lines=tuple(OrderLineFacts(p, q, t) for p, _c, q, t in own),
        )  # fmt: skip
    return facts


def events_after(watermark: int, *, limit: int) -> list[tuple]:
    """(id, order_id, event, created_at) of the next events, in id order."""
    return list(
        OrderEvent.objects.filter(id__gt=watermark)
        .order_by("id")
        .values_list("id", "order_id", "event", "created_at")[:limit]
    )


def events_with_ids(ids) -> list[tuple]:
    if not ids:
        return []
    return list(
        OrderEvent.objects.filter(id__in=list(ids))
        .order_by("id")
        .values_list("id", "order_id", "event", "created_at")
    )


def refund_times(order_ids) -> dict[int, object]:
    """When each of these orders was refunded, by its refund event."""
    rows = (
        OrderEvent.objects.filter(order_id__in=list(order_ids), event="refund")
        .order_by("id")
        .values_list("order_id", "created_at")
    )
    return dict(rows)


def _seller(row) -> SellerFacts:
    pk, country, small, joined = row
    return SellerFacts(id=pk, country=country, small_business=small, joined_at=joined)


_SELLER_FIELDS = ("id", "country", "is_small_business", "created_at")


def sellers_after(watermark: int, *, limit: int) -> list[SellerFacts]:
    rows = Seller.objects.filter(id__gt=watermark).order_by("id").values_list(*_SELLER_FIELDS)
    return [_seller(row) for row in rows[:limit]]


def sellers_with_ids(ids) -> list[SellerFacts]:
    if not ids:
        return []
    rows = Seller.objects.filter(id__in=list(ids)).order_by("id").values_list(*_SELLER_FIELDS)
    return [_seller(row) for row in rows]
