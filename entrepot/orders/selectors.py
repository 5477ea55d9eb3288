"""Reads of orders."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, Sum

from entrepot.orders.models import Order

# money sits in escrow from payment until release on receipt (or a refund)
IN_ESCROW = (
    Order.Status.PAID, Order.Status.DECLARED, Order.Status.CLEARED, Order.Status.SHIPPED,
    Order.Status.DELIVERED,
)  # fmt: skip


def escrow_expected() -> dict[str, Decimal]:
    """Per currency, the goods and shipping of orders paid and not yet released: what the
    ledger's escrow account must hold (`ledger_check(expected_escrow=...)`).

    Payments are taken in CNY only, so only CNY orders pass through escrow; seeded demo
    orders in other currencies are history the payment flow never saw.
    """
    # a delivered order returned before release still holds its money until the refund;
    # refunds before release (entrepot.aftersales) took their goods and shipping out
    unreleased = Q(status__in=IN_ESCROW) | Q(status=Order.Status.RETURNED, completed_at=None)
    rows = (
        Order.objects.filter(unreleased, currency="CNY")
        .values("currency")
        .annotate(
            held=Sum(
                F("total_amount")
                - F("tax_amount")
                - F("refunded_amount")
                + F("refunded_tax_amount")
            )
        )
    )
    return {row["currency"]: row["held"] for row in rows}
