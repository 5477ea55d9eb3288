"""Orders paid through the SANDBOX wallet (so refunds can go back through it), declared
and released by the simulated port, shipped and delivered."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from entrepot.customs.models import Declaration
from entrepot.domain.money import Money
from entrepot.orders.checkout import CartLine, checkout_place
from entrepot.orders.models import Order
from entrepot.orders.payment_flow import checkout_paid, checkout_reference
from entrepot.orders.services import order_transition
from entrepot.payments.models import Payment, SandboxCharge
from entrepot.payments.services import payment_create
from tests import factories
from tests.customs.helpers import ADDRESS, cn_buyer, variant


def sandbox_paid_order(*, seller=None, buyer=None, quantity: int = 1, price: str = "19.99",
                       now=None) -> Order:  # fmt: skip
    seller = seller or factories.seller(verification_status="approved")
    buyer = buyer or cn_buyer()
    item = variant(seller, price=price)
    now = now or timezone.now()
    checkout = checkout_place(buyer=buyer, lines=[CartLine(item.id, quantity)], now=now,
                              address=ADDRESS)  # fmt: skip
    identity = buyer.identity
    payment = payment_create(
        reference=checkout_reference(checkout),
        amount=Money(checkout.total_amount, "CNY"),
        payer_name=identity.name,
    )
    SandboxCharge.objects.filter(payment=payment).update(status="paid", transaction_id="SBX1")
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.SUCCEEDED, paid_at=now, gateway_transaction_id="SBX1",
        payer_id_fingerprint=identity.id_number_fingerprint,
    )  # fmt: skip
    payment.refresh_from_db()
    with transaction.atomic():
        checkout_paid(payment=payment)
    return checkout.orders.get()


def delivered_cbec_order(**kwargs) -> Order:
    """Paid, declared and released by customs (simulated port), shipped and delivered."""
    from entrepot.customs.services import declarations_sweep, receipts_collect

    order = sandbox_paid_order(**kwargs)
    declarations_sweep()
    receipts_collect()
    order.refresh_from_db()
    assert order.status == "cleared", order.status
    order = order_transition(order=order, event="ship")
    return order_transition(order=order, event="deliver")


def release_time(order: Order):
    return Declaration.objects.get(order=order).cleared_at


def days_after_release(order: Order, days: float):
    return release_time(order) + timedelta(days=days)
