"""Writes of orders: state transitions through the domain state machine, with events."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from entrepot.audit.services import audit_record, audit_records
from entrepot.config.plain_sql import placeholders, update_where
from entrepot.domain.order_states import next_state
from entrepot.orders.models import Order, OrderEvent
from entrepot.reviews.services import seller_stats_on_order_event

SYSTEM = "system"


@transaction.atomic
def order_transition(*, order: Order, event: str, actor: str = SYSTEM, note: str = "") -> Order:
    """Apply `event` to the order (locked), record it, and return the fresh order.

    Raises IllegalTransition with what is allowed when the event does not fit the state.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    target = next_state(locked.status, event)
    fields = ["status"]
    if event == "pay":
        locked.paid_at = timezone.now()
        locked.reserved_until = None
        fields += ["paid_at", "reserved_until"]
    if event == "complete":
        locked.completed_at = timezone.now()
        fields.append("completed_at")
    events_from = locked.status
    OrderEvent.objects.create(
        order=locked, event=event, from_status=locked.status, to_status=target,
        actor=actor[:150], note=note[:300],
    )  # fmt: skip
    locked.status = target
    locked.save(update_fields=fields)
    seller_stats_on_order_event(orders=[locked], event=event)
    audit_record(action=f"order.{event}", target=locked, actor=actor,
                 details={"from": events_from, "to": target, "note": note})  # fmt: skip
    return locked


class ConcurrentChange(Exception):
    """An order moved between being read under lock and being written: roll back."""


def _move(orders: list[Order], status: str, changes: dict) -> int:
    """UPDATE the orders still in `status` with `changes`; how many moved. Plain SQL: on
    the payment's path the ORM spent more time building this one statement than the
    database spent running it."""
    ids = [o.pk for o in orders]
    return update_where(Order, changes, f"id IN ({placeholders(ids)}) AND status = %s",
                        [*ids, status])  # fmt: skip


@transaction.atomic(savepoint=False)
def orders_transition(
    *, orders: list[Order], event: str, actor: str = SYSTEM, note: str = "", locked: bool = False
) -> list[Order]:
    """`order_transition` for several orders (one payment's), in three queries whatever
    their number: lock and read, one conditional update per starting state, one insert of
    the events. Raises IllegalTransition when the event does not fit an order's state.

    `locked=True`: the caller read `orders` with select_for_update in this transaction
    already; they are used as they are. The conditional update still refuses an order
    whose state moved since (ConcurrentChange), so a stale read cannot slip through."""
    if not locked:
        ids = [order.pk for order in orders]
        orders = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    now = timezone.now()
    extra = {"pay": {"paid_at": now, "reserved_until": None}, "complete": {"completed_at": now}}
    by_state: dict[str, list[Order]] = {}
    for order in orders:
        by_state.setdefault(order.status, []).append(order)
    events = []
    for status, group in by_state.items():
        target = next_state(status, event)
        changes = {"status": target, **extra.get(event, {})}
        moved = _move(group, status, changes)
        if moved != len(group):
            raise ConcurrentChange(f"orders changed while {event!r} was applied to them")
        for order in group:
            events.append(OrderEvent(
                order=order, event=event, from_status=status, to_status=target,
                actor=actor[:150], note=note[:300],
            ))  # fmt: skip
            for field, value in changes.items():
                setattr(order, field, value)
    OrderEvent.objects.bulk_create(events)
    seller_stats_on_order_event(orders=orders, event=event)
    audit_records(action=f"order.{event}", actor=actor, items=[
        (e.order, {"from": e.from_status, "to": e.to_status, "note": note}) for e in events
    ])  # fmt: skip
    return orders


def reservations_release_expired(*, now=None) -> int:
    """Cancel placed orders whose quote expired unpaid and put their units back.

    Each order in its own transaction, re-checked under its row lock, so a payment that
    lands at the same moment wins or loses cleanly: never both paid and released.
    """
    from entrepot.logistics.services import stock_adjust

    now = now or timezone.now()
    released = 0
    expired = Order.objects.filter(status=Order.Status.PLACED, reserved_until__lt=now)
    for order_id in expired.values_list("id", flat=True)[:1000]:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.status != Order.Status.PLACED:
                continue
            for line in order.lines.select_related("variant", "warehouse"):
                if line.warehouse is not None:
                    stock_adjust(variant=line.variant, warehouse=line.warehouse,
                                 delta=line.quantity)  # fmt: skip
            order_transition(order=order, event="cancel", note="quote expired unpaid")
            released += 1
    return released


@transaction.atomic
def order_confirm_receipt(*, order: Order, actor: str = SYSTEM) -> Order:
    """The buyer has the goods (or the confirmation window passed): complete the order and
    release its escrow to the seller, less the commission of its category."""
    from entrepot.domain.money import Money
    from entrepot.ledger.services import post_escrow_released

    order = order_transition(order=order, event="complete", actor=actor)
    # what partial refunds before release (entrepot.aftersales) took out is not released
    held = order.total_amount - order.tax_amount - order.refunded_goods_amount
    if held <= 0:
        return order
    first_line = order.lines.select_related("product").first()
    post_escrow_released(
        order_number=order.number,
        seller_id=order.seller_id,
        amount=Money(held, order.currency),
        on=timezone.now().date(),
        category_id=first_line.product.category_id if first_line else None,
    )
    return order


def orders_auto_confirm(*, now=None) -> int:
    """Confirm receipt of orders delivered longer ago than the window (default 14 days)."""
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    days = getattr(settings, "ENTREPOT_AUTO_CONFIRM_DAYS", 14)
    due = (
        Order.objects.filter(
            status=Order.Status.DELIVERED,
            events__event="deliver",
            events__created_at__lt=now - timedelta(days=days),
        )
        .values_list("id", flat=True)
        .distinct()[:1000]
    )
    confirmed = 0
    for order_id in due:
        order = Order.objects.get(pk=order_id)
        if order.status == Order.Status.DELIVERED:
            order_confirm_receipt(order=order, actor=f"{SYSTEM}:auto-confirm")
            confirmed += 1
    return confirmed
