"""What happens when a checkout is paid: its orders become paid and the money is held.

`checkout_paid` is the payments app's success handler (ENTREPOT_PAYMENT_SUCCEEDED_HANDLER).
The payments app calls it once per payment, inside the transaction that marks the
payment succeeded, so orders, ledger and payment commit together or not at all.
"""

from __future__ import annotations

import logging

from entrepot.domain.money import Money
from entrepot.ledger.services import post_payment_captured
from entrepot.orders.models import Checkout, Order
from entrepot.orders.services import order_transition

logger = logging.getLogger(__name__)
REFERENCE_PREFIX = "checkout:"


def checkout_reference(checkout: Checkout) -> str:
    return f"{REFERENCE_PREFIX}{checkout.pk}"


def _payer_is_buyer(payment, checkout: Checkout) -> bool:
    """The payer's ID (as the wallet reports it) is the verified buyer's, when both are
    known; a buyer without a verified identity (outside China) has nothing to match."""
    identity = getattr(checkout.buyer, "identity", None)
    paid_with = getattr(payment, "payer_id_fingerprint", "")
    if identity is None or not paid_with:
        return True
    return paid_with == identity.id_number_fingerprint


def checkout_paid(*, payment) -> list[Order]:
    """Mark the checkout's placed orders paid and post each one's capture to the ledger.

    A payment for orders already released (the quote expired first) pays nothing: it is
    logged for a refund rather than reviving orders whose stock went back on sale.
    """
    if not payment.reference.startswith(REFERENCE_PREFIX):
        return []
    checkout_id = int(payment.reference.removeprefix(REFERENCE_PREFIX))
    checkout = Checkout.objects.select_related("buyer").get(pk=checkout_id)
    mismatch = not _payer_is_buyer(payment, checkout)
    paid = []
    for order in Order.objects.filter(checkout_id=checkout_id).order_by("id"):
        if order.status != Order.Status.PLACED:
            logger.warning(
                "payment %s arrived for order %s in state %s: refund needed",
                payment.pk, order.number, order.status,
            )  # fmt: skip
            continue
        note = "payer differs from the verified buyer: customs authentication needed"
        order = order_transition(
            order=order, event="pay", actor=f"payment:{payment.gateway}",
            note=note if mismatch else "",
        )  # fmt: skip
        if mismatch:
            Order.objects.filter(pk=order.pk).update(payer_mismatch=True)
        post_payment_captured(
            order_number=order.number,
            seller_id=order.seller_id,
            order_total=Money(order.total_amount, order.currency),
            tax_withheld=Money(order.tax_amount, order.currency),
        )
        paid.append(order)
    return paid
