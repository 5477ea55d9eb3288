"""Reads of orders."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Sum

from entrepot.orders.models import Order

# money sits in escrow from payment until release on receipt (or a refund)
IN_ESCROW = (
    Order.Status.PAID, Order.Status.DECLARED, Order.Status.CLEARED, Order.Status.SHIPPED,
    Order.Status.DELIVERED,
)  # fmt: skip


def escrow_expected() -> dict[str, Decimal]:
    """Per currency, the goods and shipping of orders paid and not yet released: what the
    ledger's escrow account must hold (`ledger_check(expected_escrow=...)`)."""
    rows = (
        Order.objects.filter(status__in=IN_ESCROW)
        .values("currency")
        .annotate(held=Sum(F("total_amount") - F("tax_amount")))
    )
    return {row["currency"]: row["held"] for row in rows}
