"""What happens when a checkout is paid: its orders become paid and the money is held.

`checkout_paid` is the payments app's success handler (ENTREPOT_PAYMENT_SUCCEEDED_HANDLER).
The payments app calls it once per payment, inside the transaction that marks the
payment succeeded, so orders, ledger and payment commit together or not at all.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from entrepot.buyers.models import BuyerIdentity
from entrepot.domain.money import Money
from entrepot.ledger.services import Capture, post_payments_captured
from entrepot.orders.models import Checkout, Order
from entrepot.orders.services import orders_transition
from entrepot.payments.models import Payment
from entrepot.payments.services import payment_create

logger = logging.getLogger(__name__)
REFERENCE_PREFIX = "checkout:"


def checkout_reference(checkout: Checkout) -> str:
    return f"{REFERENCE_PREFIX}{checkout.pk}"


def checkout_pay(checkout: Checkout) -> Payment:
    """Register the payment of `checkout`'s locked total with the wallet, in the verified
    buyer's name (the wallet reports who paid; customs compare it with the buyer).
    The caller checked that the quote is still good; send the buyer to `payer_url`."""
    buyer = checkout.buyer
    identity = getattr(buyer, "identity", None)
    return payment_create(
        reference=checkout_reference(checkout),
        amount=Money(checkout.total_amount, checkout.currency),
        payer_name=identity.name if identity else buyer.display_name,
        payer_id_fingerprint=identity.id_number_fingerprint if identity else "",
    )


def _payer_is_buyer(payment, orders: list[Order]) -> bool:
    """The payer's ID (as the wallet reports it) is the verified buyer's, when both are
    known; a buyer without a verified identity (outside China) has nothing to match.
    The buyer's fingerprint came with the orders (`verified_fingerprint`)."""
    paid_with = getattr(payment, "payer_id_fingerprint", "")
    verified = orders[0].verified_fingerprint if orders else None
    return not paid_with or verified is None or paid_with == verified


def _checkout_orders_locked() -> str:
    """The checkout's orders, locked (on SQLite the write transaction is the lock), each
    with its buyer's verified ID fingerprint (None without one). A raw query, still
    converted by the ORM: every payment runs it, and compiling the ORM's version and the
    identity's query cost more than running them."""
    lock = " FOR UPDATE OF o" if connection.features.has_select_for_update else ""
    return (
        f"SELECT o.*, i.id_number_fingerprint AS verified_fingerprint"
        f" FROM {Order._meta.db_table} o LEFT JOIN {BuyerIdentity._meta.db_table} i"
        f" ON i.buyer_id = o.buyer_id WHERE o.checkout_id = %s ORDER BY o.id{lock}"
    )


@transaction.atomic(savepoint=False)  # the payment's own transaction, when there is one
def checkout_paid(*, payment) -> list[Order]:
    """Mark the checkout's placed orders paid and post each one's capture to the ledger.

    A payment for orders already released (the quote expired first) pays nothing: it is
    logged for a refund rather than reviving orders whose stock went back on sale.
    All the orders of the payment move together, in a constant number of queries.
    """
    if not payment.reference.startswith(REFERENCE_PREFIX):
        return []
    checkout_id = int(payment.reference.removeprefix(REFERENCE_PREFIX))
    payable = []
    orders = list(Order.objects.raw(_checkout_orders_locked(), [checkout_id]))
    mismatch = not _payer_is_buyer(payment, orders)
    for order in orders:
        if order.status != Order.Status.PLACED:
            logger.warning(
                "payment %s arrived for order %s in state %s: refund needed",
                payment.pk, order.number, order.status,
            )  # fmt: skip
            continue
        payable.append(order)
    if not payable:
        if not orders:
            logger.error("payment %s names checkout %s, which has no orders: refund needed",
                         payment.pk, checkout_id)  # fmt: skip
        return []
    note = "payer differs from the verified buyer: customs authentication needed"
    paid = orders_transition(
        orders=payable, event="pay", actor=f"payment:{payment.gateway}",
        note=note if mismatch else "", locked=True,
    )  # fmt: skip
    if mismatch:
        Order.objects.filter(pk__in=[o.pk for o in paid]).update(payer_mismatch=True)
    post_payments_captured([
        Capture(order_number=order.number, seller_id=order.seller_id,
                order_total=Money(order.total_amount, order.currency),
                tax_withheld=Money(order.tax_amount, order.currency))
        for order in paid
    ])  # fmt: skip
    return paid
