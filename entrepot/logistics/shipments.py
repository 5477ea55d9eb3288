"""Writes of shipments: booking the waybill, shipping, tracking events, the 120-hour rule
and the buyer's confirmation of receipt.

Order transitions go through entrepot.orders.services only: shipping is "ship",
the delivered node (or the buyer's word) is "deliver", and confirmation is
`order_confirm_receipt`, which releases the escrow. None of this runs inside the
checkout or payment transactions: booking happens when the customs sweep declares a
paid order, the rest on the seller's, the carrier's and the buyer's actions.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.domain import tracking
from entrepot.logistics import conf
from entrepot.logistics.carriers import CarrierEvent, ShipmentView, carrier_for
from entrepot.logistics.models import Parcel, Shipment, TrackingEvent, Warehouse
from entrepot.orders.models import Order, OrderLine
from entrepot.orders.services import order_confirm_receipt, order_transition

logger = logging.getLogger(__name__)
BATCH = 1000
BUYER_CONFIRMED = "buyer-confirmed"  # source_id suffix of the buyer's own word
NODES_ONLY = TrackingEvent.objects.only("shipment", "node")


class ShipRefused(ValueError):
    """The shipment cannot ship (yet); the message says why and what to do."""


class ConfirmRefused(ValueError):
    """The buyer cannot confirm receipt of this order in its state."""


def _net_weight_kg(lines) -> Decimal:
    grams = sum(line.variant.weight_grams * line.quantity for line in lines)
    return (Decimal(grams) / 1000).quantize(Decimal("0.0001"))


def _new_shipment(order: Order, lines: list, *, carrier, now: datetime) -> tuple[Shipment, Decimal]:
    """An unsaved shipment of `order` and the net weight of its goods. Mode 1210 when every
    line is reserved in a bonded warehouse, else 9610 (direct mail)."""
    bonded = bool(lines) and all(
        line.warehouse is not None and line.warehouse.kind == Warehouse.Kind.BONDED
        for line in lines
    )
    warehouse = next((line.warehouse for line in lines if line.warehouse is not None), None)
    shipment = Shipment(
        order=order, warehouse=warehouse, mode="1210" if bonded else "9610", carrier=carrier.code,
        waybill_no=carrier.waybill_number(order.number), booked_at=now,
        ship_by=tracking.ship_by(order.paid_at or now, hours=conf.ship_within_hours()),
    )  # fmt: skip
    return shipment, _net_weight_kg(lines)


def _parcel(shipment: Shipment, net: Decimal) -> Parcel:
    return Parcel(shipment=shipment, number=1, net_weight_kg=net,
                  gross_weight_kg=net + conf.packing_kg_per_parcel())  # fmt: skip


# China's cross-border retail import declares every order before it ships; an order to
# anywhere else ships once paid (its import formalities are the carrier's, at the border)
DECLARED_DESTINATIONS = frozenset({"CN"})


def ready_to_ship(order: Order) -> str:
    """The order state in which the seller may hand the parcel over."""
    if order.destination_country in DECLARED_DESTINATIONS:
        return Order.Status.CLEARED
    return Order.Status.PAID


def shipments_book_undeclared(*, now: datetime | None = None, limit: int = 500) -> int:
    """Book a shipment for paid orders that need no customs declaration (outside China),
    so the seller sees them to ship; the customs sweep books China's."""
    orders = list(
        Order.objects.filter(status=Order.Status.PAID, shipment__isnull=True)
        .exclude(destination_country__in=DECLARED_DESTINATIONS)
        .order_by("id")[:limit]
    )
    if orders:
        shipments_book(orders=orders, now=now)
    return len(orders)


def shipment_book(*, order: Order, now: datetime | None = None, carrier: str = "") -> Shipment:
    """The order's shipment, booked with a waybill number on first call (then returned as
    it is): one parcel, its weight the goods' plus packing."""
    existing = Shipment.objects.filter(order=order).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    lines = list(order.lines.select_related("variant", "warehouse"))
    draft, net = _new_shipment(order, lines, carrier=carrier_for(carrier or conf.default_carrier()),
                               now=now)  # fmt: skip
    with transaction.atomic():
        fields = {f.attname: getattr(draft, f.attname) for f in Shipment._meta.concrete_fields
                  if f.attname not in ("id", "order_id")}  # fmt: skip
        shipment, created = Shipment.objects.get_or_create(order=order, defaults=fields)
        if created:
            _parcel(shipment, net).save()
    return shipment


def shipments_book(*, orders: list[Order], now: datetime | None = None) -> dict[int, Shipment]:
    """`shipment_book` for many orders in a constant number of queries (the customs sweep):
    order id -> shipment. All-or-nothing; if another worker booked one of them meanwhile,
    the caller falls back to booking one by one."""
    now = now or timezone.now()
    booked = {s.order_id: s for s in Shipment.objects.filter(order__in=orders)}
    todo = [order for order in orders if order.pk not in booked]
    lines: dict[int, list] = {order.pk: [] for order in todo}
    for line in OrderLine.objects.filter(order__in=todo).select_related("variant", "warehouse"):
        lines[line.order_id].append(line)
    carrier = carrier_for(conf.default_carrier())
    drafts = [_new_shipment(order, lines[order.pk], carrier=carrier, now=now) for order in todo]
    with transaction.atomic():
        created = Shipment.objects.bulk_create([shipment for shipment, _net in drafts])
        if any(shipment.pk is None for shipment in created):  # a database returning no ids
            ids = dict(Shipment.objects.filter(order__in=todo).values_list("order_id", "id"))
            for shipment in created:
                shipment.pk = ids[shipment.order_id]
        Parcel.objects.bulk_create(_parcel(shipment, net) for shipment, net in drafts)
    booked.update((shipment.order_id, shipment) for shipment, _net in drafts)
    return booked


@transaction.atomic
def parcel_weight_correct(*, shipment: Shipment, gross_weight_kg: Decimal) -> Parcel:
    """Set the weighed gross weight of the shipment's (first) parcel, e.g. after customs
    disputed the declared one."""
    parcel = shipment.parcels.select_for_update().order_by("number").first()
    if gross_weight_kg < parcel.net_weight_kg:
        raise ValueError(
            f"gross weight {gross_weight_kg} kg is below the goods' net weight "
            f"{parcel.net_weight_kg} kg"
        )
    parcel.gross_weight_kg = gross_weight_kg
    parcel.save(update_fields=["gross_weight_kg"])
    return parcel


@transaction.atomic
def shipment_ship(
    *, shipment: Shipment, actor: str, carrier: str = "", tracking_no: str = "",
    now: datetime | None = None,
) -> Shipment:  # fmt: skip
    """Hand the parcel over: with the booked carrier, or the seller's own (`carrier=
    "manual"` with the tracking number the seller typed). The order becomes shipped."""
    now = now or timezone.now()
    shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
    if shipment.status != Shipment.Status.BOOKED:
        raise ShipRefused(_("This order has already been shipped."))
    if shipment.order.status != ready_to_ship(shipment.order):
        raise ShipRefused(_("Customs have not cleared this order yet: ship it once it is "
                            "cleared. Its customs status is on this page."))  # fmt: skip
    chosen = carrier_for(carrier or shipment.carrier)
    tracking_no = tracking_no.strip()
    if chosen.code == "manual" and not tracking_no:
        raise ShipRefused(_("Type the tracking number your carrier gave you."))
    shipment.carrier = chosen.code
    shipment.tracking_no = tracking_no or shipment.waybill_no
    shipment.status = Shipment.Status.SHIPPED
    shipment.shipped_at = now
    shipment.shipped_by = actor[:150]
    shipment.save(update_fields=["carrier", "tracking_no", "status", "shipped_at", "shipped_by"])
    where = shipment.warehouse.name_zh or shipment.warehouse.name if shipment.warehouse else ""
    TrackingEvent.objects.get_or_create(
        shipment=shipment, source_id=f"{shipment.waybill_no}:{tracking.DISPATCHED}",
        defaults={"node": tracking.DISPATCHED, "occurred_at": now, "location": where[:120],
                  "description": ""},
    )  # fmt: skip
    order_transition(order=shipment.order, event="ship", actor=actor,
                     note=f"{chosen.name} {shipment.tracking_no}")  # fmt: skip
    return shipment


def _deliver(shipment: Shipment, *, at: datetime, actor: str) -> None:
    locked = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
    if locked.status == Shipment.Status.DELIVERED:
        return
    locked.status = Shipment.Status.DELIVERED
    locked.delivered_at = at
    locked.save(update_fields=["status", "delivered_at"])
    if locked.order.status == Order.Status.SHIPPED:
        order_transition(order=locked.order, event="deliver", actor=actor)


@transaction.atomic
def tracking_event_record(*, shipment: Shipment, event: CarrierEvent, actor: str = "") -> bool:
    """Record a carrier's event once (a repeat is ignored: False); the delivered node
    delivers the shipment and the order."""
    _row, created = TrackingEvent.objects.get_or_create(
        shipment=shipment, source_id=event.source_id[:100],
        defaults={"node": event.node, "occurred_at": event.at, "location": event.location[:120],
                  "description": event.description[:300]},
    )  # fmt: skip
    if created and event.node == tracking.DELIVERED:
        _deliver(shipment, at=event.at, actor=actor or f"carrier:{shipment.carrier}")
    return created


def carrier_events_poll(*, now: datetime | None = None) -> int:
    """Ask each carrier for the news of its shipments on their way; the number of new
    events recorded."""
    now = now or timezone.now()
    shipments = (
        Shipment.objects.filter(status=Shipment.Status.SHIPPED)
        .select_related("order__seller", "warehouse")
        .prefetch_related(Prefetch("events", queryset=NODES_ONLY))
        .order_by("shipped_at")[:BATCH]
    )
    recorded = 0
    for shipment in shipments:
        carrier = carrier_for(shipment.carrier)
        seller = shipment.order.seller
        origin = shipment.warehouse.name_zh if shipment.mode == "1210" and shipment.warehouse else (
            f"{seller.city} {seller.country}".strip()
        )  # fmt: skip
        view = ShipmentView(
            waybill_no=shipment.waybill_no, mode=shipment.mode, shipped_at=shipment.shipped_at,
            reached=frozenset(e.node for e in shipment.events.all()), origin=origin,
        )  # fmt: skip
        for event in carrier.events(view, now=now):
            recorded += tracking_event_record(shipment=shipment, event=event)
    return recorded


def shipments_flag_overdue(*, now: datetime | None = None) -> int:
    """Flag direct-mail orders not shipped within ENTREPOT_SHIP_WITHIN_HOURS of payment and
    e-mail their sellers once; the number flagged."""
    now = now or timezone.now()
    due = Shipment.objects.filter(
        status=Shipment.Status.BOOKED, mode="9610", overdue_at=None, ship_by__lt=now,
        order__status__in=(Order.Status.PAID, Order.Status.DECLARED, Order.Status.CLEARED),
    ).select_related("order__seller__user")[:BATCH]  # fmt: skip
    flagged = 0
    hours = conf.ship_within_hours()
    for shipment in due:
        if not Shipment.objects.filter(pk=shipment.pk, overdue_at=None).update(
            overdue_at=now, reminded_at=now
        ):
            continue  # flagged meanwhile by another worker
        flagged += 1
        _remind(shipment, hours)
    return flagged


def _remind(shipment: Shipment, hours: int) -> None:
    seller = shipment.order.seller
    to = seller.contact_email or seller.user.email
    if not to:
        return
    send_mail(
        subject=_("Order %(number)s is not shipped after %(hours)s hours")
        % {"number": shipment.order.number, "hours": hours},
        message=_(
            "Order %(number)s was paid more than %(hours)s hours ago and has not shipped. "
            "Buyers are promised shipping within %(hours)s hours: ship it now in Seller "
            "central, Shipping, or tell the buyer why it is late."
        ) % {"number": shipment.order.number, "hours": hours},
        from_email=None, recipient_list=[to], fail_silently=True,
    )  # fmt: skip


@transaction.atomic
def order_receipt_confirm(*, order: Order, actor: str, now: datetime | None = None) -> Order:
    """The buyer has the goods: a shipped order is delivered by the buyer's word, then the
    order completes and its escrow is released to the seller (`order_confirm_receipt`)."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == Order.Status.SHIPPED:
        shipment = Shipment.objects.filter(order=order).first()
        if shipment is not None:
            tracking_event_record(
                shipment=shipment, actor=actor,
                event=CarrierEvent(tracking.DELIVERED, now, "", "",
                                   f"{shipment.waybill_no}:{BUYER_CONFIRMED}"),
            )  # fmt: skip
        order.refresh_from_db()
        if order.status == Order.Status.SHIPPED:  # no shipment row: deliver by the buyer's word
            order = order_transition(order=order, event="deliver", actor=actor)
    if order.status != Order.Status.DELIVERED:
        raise ConfirmRefused(
            _("Only an order on its way or delivered can be confirmed; this one is %(status)s.")
            % {"status": order.get_status_display()}
        )
    return order_confirm_receipt(order=order, actor=actor)
