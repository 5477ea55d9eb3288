"""Writes of the bonded-warehouse flow (1210): stock sent ahead, picked after clearance.

A seller sends an inbound consignment to a bonded warehouse in China; when the
warehouse receives it, the units become sellable stock and an inbound movement is
recorded. Checkout reserves units from that stock at once (orders.checkout); after
customs clear the order, the warehouse picks it (a pick movement) and ships it with
the booked carrier. Every physical move is one StockMovement row, recorded once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from entrepot.catalog.models import ProductVariant
from entrepot.logistics.models import (
    ConsignmentLine,
    InboundConsignment,
    Shipment,
    StockMovement,
    Warehouse,
)
from entrepot.logistics.services import stock_adjust
from entrepot.logistics.shipments import ShipRefused, shipment_ship
from entrepot.orders.models import Order
from entrepot.sellers.models import Seller


class ConsignmentRefused(ValueError):
    """The consignment cannot be sent as asked; the message says why."""


@transaction.atomic
def consignment_send(
    *, seller: Seller, warehouse: Warehouse, lines: list[tuple[ProductVariant, int]],
    reference: str = "",
) -> InboundConsignment:  # fmt: skip
    """Announce stock the seller ships to a bonded warehouse."""
    if warehouse.kind != Warehouse.Kind.BONDED:
        raise ConsignmentRefused(f"{warehouse.name} is not a bonded warehouse")
    if not lines or any(quantity < 1 for _v, quantity in lines):
        raise ConsignmentRefused("a consignment needs at least one line of one unit or more")
    foreign = [v.sku for v, _q in lines if v.product.seller_id != seller.pk]
    if foreign:
        raise ConsignmentRefused(f"not your products: {', '.join(foreign)}")
    consignment = InboundConsignment.objects.create(
        seller=seller, warehouse=warehouse, reference=reference.strip()[:60]
    )
    ConsignmentLine.objects.bulk_create(
        ConsignmentLine(consignment=consignment, variant=variant, quantity=quantity)
        for variant, quantity in lines
    )
    return consignment


@transaction.atomic
def consignment_receive(
    *, consignment: InboundConsignment, actor: str, now: datetime | None = None
) -> InboundConsignment:
    """The warehouse has the goods: they become sellable stock, with one inbound movement
    per line. Receiving twice changes nothing."""
    consignment = InboundConsignment.objects.select_for_update().get(pk=consignment.pk)
    if consignment.status == InboundConsignment.Status.RECEIVED:
        return consignment
    reference = f"consignment:{consignment.pk}"
    for line in consignment.lines.select_related("variant"):
        _movement, created = StockMovement.objects.get_or_create(
            kind=StockMovement.Kind.INBOUND, reference=reference, variant=line.variant,
            warehouse=consignment.warehouse, defaults={"quantity": line.quantity},
        )  # fmt: skip
        if created:
            stock_adjust(variant=line.variant, warehouse=consignment.warehouse,
                         delta=line.quantity)  # fmt: skip
    consignment.status = InboundConsignment.Status.RECEIVED
    consignment.received_at = now or timezone.now()
    consignment.received_by = actor[:150]
    consignment.save(update_fields=["status", "received_at", "received_by"])
    return consignment


def order_pick(*, order: Order) -> int:
    """Record the pick of the order's bonded lines (units were reserved at checkout, so
    sellable stock does not move again); the number of movements recorded now."""
    recorded = 0
    for line in order.lines.select_related("warehouse", "variant"):
        if line.warehouse is None or line.warehouse.kind != Warehouse.Kind.BONDED:
            continue
        _movement, created = StockMovement.objects.get_or_create(
            kind=StockMovement.Kind.PICK, reference=f"order:{order.number}", variant=line.variant,
            warehouse=line.warehouse, defaults={"quantity": -line.quantity},
        )  # fmt: skip
        recorded += created
    return recorded


def bonded_orders_dispatch(*, now: datetime | None = None) -> int:
    """Pick and ship every cleared order of a bonded warehouse; the number shipped."""
    now = now or timezone.now()
    due = Shipment.objects.filter(
        mode="1210", status=Shipment.Status.BOOKED, order__status=Order.Status.CLEARED
    ).select_related("order", "warehouse")[:1000]
    shipped = 0
    for shipment in due:
        name = shipment.warehouse.name if shipment.warehouse else "bonded warehouse"
        try:
            with transaction.atomic():
                order_pick(order=shipment.order)
                shipment_ship(shipment=shipment, actor=f"warehouse:{name}"[:150], now=now)
        except ShipRefused:  # shipped by another worker meanwhile
            continue
        shipped += 1
    return shipped
