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


# --- shipments and tracking --------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    node: str
    label: str
    at: object  # an aware datetime
    location: str
    description: str  # the carrier's own words
    note: str = ""  # ours, when the node did not come from a carrier


def _note(source_id: str) -> str:
    from django.utils.translation import gettext

    from entrepot.logistics.carriers import ASSUMED_DELIVERED
    from entrepot.logistics.shipments import BUYER_CONFIRMED

    if source_id.endswith(ASSUMED_DELIVERED):
        return gettext("Counted as delivered: the seller's own carrier reports no tracking.")
    if source_id.endswith(BUYER_CONFIRMED):
        return gettext("You confirmed receipt.")
    return ""


@dataclass(frozen=True)
class Tracking:
    shipment: object | None  # the Shipment, or None before the waybill is booked
    timeline: list[TimelineEntry]
    can_confirm: bool  # the buyer may confirm receipt now


def tracking_of(order) -> Tracking:
    """The parcel's journey as the buyer sees it: one entry per node, in route order."""
    from entrepot.domain import tracking
    from entrepot.logistics.models import Shipment, TrackingEvent

    try:
        shipment = order.shipment  # no query when the caller select_related it
    except Shipment.DoesNotExist:
        shipment = None
    can_confirm = order.status in ("shipped", "delivered")
    if shipment is None:
        return Tracking(None, [], can_confirm)
    rows = list(TrackingEvent.objects.filter(shipment=shipment))
    notes = {(e.node, e.occurred_at): _note(e.source_id) for e in rows}
    events = [tracking.NodeEvent(e.node, e.occurred_at, e.location, e.description) for e in rows]
    labels = dict(TrackingEvent.Node.choices)
    entries = [
        TimelineEntry(e.node, str(labels.get(e.node, e.node)), e.at, e.location, e.description,
                      notes.get((e.node, e.at), ""))  # fmt: skip
        for e in tracking.timeline(events, shipment.mode)
    ]
    return Tracking(shipment, entries, can_confirm)


@dataclass(frozen=True)
class SellerShipping:
    to_ship: list  # cleared direct-mail shipments the seller must hand over
    waiting: list  # paid orders still with customs (with their declarations)
    on_the_way: list  # shipped, not delivered yet
    overdue: list  # flagged: not shipped within the window
    bonded: list  # orders a bonded warehouse ships for the seller


def seller_shipping(seller) -> SellerShipping:
    """A seller's shipments by what the seller has to do about them (own orders only)."""
    from entrepot.logistics.models import Shipment

    mine = (
        Shipment.objects.filter(order__seller=seller)
        .select_related("order", "order__declaration")
        .order_by("ship_by", "id")
    )
    open_orders = ("paid", "declared", "cleared")
    booked = list(mine.filter(status=Shipment.Status.BOOKED, order__status__in=open_orders)[:300])
    direct = [s for s in booked if s.mode == "9610"]
    from entrepot.logistics.shipments import ready_to_ship

    return SellerShipping(
        to_ship=[s for s in direct if s.order.status == ready_to_ship(s.order)],
        waiting=[s for s in direct if s.order.status != ready_to_ship(s.order)],
        on_the_way=list(mine.filter(status=Shipment.Status.SHIPPED).order_by("-shipped_at")[:100]),
        overdue=[s for s in direct if s.overdue_at is not None],
        bonded=[s for s in booked if s.mode == "1210"],
    )


def seller_shipment(seller, number: str):
    """The seller's shipment of order `number`, with its order, lines and parcels; another
    seller's order is DoesNotExist, exactly like one that does not exist."""
    from entrepot.logistics.models import Shipment

    return (
        Shipment.objects.select_related("order__checkout", "warehouse")
        .prefetch_related("parcels", "order__lines__variant")
        .get(order__number=number, order__seller=seller)
    )


@dataclass(frozen=True)
class BondedRow:
    warehouse: Warehouse
    variant: object
    available: int  # sellable (Stock.quantity)
    on_hand: int  # physically there: the sum of movements


def bonded_stock() -> list[BondedRow]:
    """Per bonded warehouse and variant: sellable units and units on the shelf (movements)."""
    from django.db.models import Sum

    from entrepot.logistics.models import StockMovement

    moved = {
        (row["warehouse_id"], row["variant_id"]): row["n"]
        for row in StockMovement.objects.filter(warehouse__kind=Warehouse.Kind.BONDED)
        .values("warehouse_id", "variant_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    }
    stocks = (
        Stock.objects.filter(warehouse__kind=Warehouse.Kind.BONDED)
        .select_related("warehouse", "variant__product")
        .order_by("warehouse_id", "variant_id")[:500]
    )
    rows = [
        BondedRow(s.warehouse, s.variant, s.quantity, moved.get((s.warehouse_id, s.variant_id), 0))
        for s in stocks
    ]
    return rows
