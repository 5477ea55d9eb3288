"""Writes of orders: state transitions through the domain state machine, with events."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from entrepot.domain.order_states import next_state
from entrepot.orders.models import Order, OrderEvent

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
    OrderEvent.objects.create(
        order=locked, event=event, from_status=locked.status, to_status=target,
        actor=actor[:150], note=note[:300],
    )  # fmt: skip
    locked.status = target
    locked.save(update_fields=fields)
    return locked
