"""Reads of returns, refunds and disputes for the buyer, seller and back-office pages.

Every list is one or two queries whatever its length (select_related / prefetch); the
views pass the owner (buyer or seller) so nobody reads another's cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Prefetch, QuerySet, Value

from entrepot.aftersales.models import Dispute, Refund, ReturnRequest
from entrepot.orders.models import Order

LIST_LIMIT = 100


def buyer_returns(buyer) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(order__buyer=buyer).select_related("order")[:LIST_LIMIT]


def buyer_disputes(buyer) -> QuerySet[Dispute]:
    return Dispute.objects.filter(order__buyer=buyer).select_related("order")[:LIST_LIMIT]


def seller_returns(seller) -> QuerySet[ReturnRequest]:
    return (
        ReturnRequest.objects.filter(order__seller=seller)
        .select_related("order", "order__buyer")
        .order_by("-requested_at", "-id")[:LIST_LIMIT]
    )


def seller_disputes(seller) -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(order__seller=seller)
        .select_related("order", "order__buyer")
        .order_by("-opened_at", "-id")[:LIST_LIMIT]
    )


def operator_disputes(*, status: str = "") -> QuerySet[Dispute]:
    disputes = Dispute.objects.select_related("order", "order__seller", "order__buyer")
    if status:
        disputes = disputes.filter(status=status)
    return disputes.order_by("-opened_at", "-id")[:LIST_LIMIT]


def operator_returns() -> QuerySet[ReturnRequest]:
    """Returns the goods of which are on their way back or waiting for a decision."""
    return (
        ReturnRequest.objects.filter(status__in=ReturnRequest.OPEN)
        .select_related("order", "order__seller")
        .order_by("goods_due_by", "id")[:LIST_LIMIT]
    )


def return_of(*, pk: int, buyer=None, seller=None) -> ReturnRequest | None:
    """One return with its lines and photos, only if it is `buyer`'s or `seller`'s
    (None for neither: operators)."""
    returns = ReturnRequest.objects.select_related("order", "order__seller", "order__buyer")
    if buyer is not None:
        returns = returns.filter(order__buyer=buyer)
    if seller is not None:
        returns = returns.filter(order__seller=seller)
    return returns.prefetch_related("lines__order_line", "photos", "refunds").filter(pk=pk).first()


def dispute_of(*, pk: int, buyer=None, seller=None) -> Dispute | None:
    disputes = Dispute.objects.select_related("order", "order__seller", "order__buyer")
    if buyer is not None:
        disputes = disputes.filter(order__buyer=buyer)
    if seller is not None:
        disputes = disputes.filter(order__seller=seller)
    return disputes.prefetch_related("messages", "refunds").filter(pk=pk).first()


@dataclass(frozen=True)
class CaseBrief:
    kind: str  # "return" or "dispute"
    pk: int
    status_label: str


def order_cases_brief(order: Order) -> list[CaseBrief]:
    """The returns and disputes of one order, in one query (the buyer's order page)."""
    returns = (
        ReturnRequest.objects.filter(order=order)
        .order_by()
        .values_list(Value("return", output_field=CharField()), "pk", "status")
    )
    disputes = (
        Dispute.objects.filter(order=order)
        .order_by()
        .values_list(Value("dispute", output_field=CharField()), "pk", "status")
    )
    labels = {"return": dict(ReturnRequest.Status.choices), "dispute": dict(Dispute.Status.choices)}
    return [
        CaseBrief(kind, pk, str(labels[kind].get(status, status)))
        for kind, pk, status in sorted(returns.union(disputes, all=True), key=lambda r: r[1])
    ]


@dataclass
class OrderHistory:
    """Everything the operator needs to decide a dispute about one order."""

    order: Order
    lines: list
    events: list
    payments: list
    ledger: list
    refunds: list
    returns: list
    declaration: object | None
    customs_messages: list
    customs_events: list
    tracking: object


def order_history(order: Order) -> OrderHistory:
    from entrepot.customs.models import Declaration
    from entrepot.ledger.models import LedgerTransaction
    from entrepot.ledger.services import order_reference
    from entrepot.logistics.selectors import tracking_of
    from entrepot.orders.payment_flow import checkout_reference
    from entrepot.payments.models import Payment

    payments = []
    if order.checkout_id is not None:
        payments = list(
            Payment.objects.filter(reference=checkout_reference(order.checkout))
            .prefetch_related("refunds")
            .order_by("created_at")
        )
    declaration = Declaration.objects.filter(order=order).first()
    return OrderHistory(
        order=order,
        lines=list(order.lines.all()),
        events=list(order.events.all()),
        payments=payments,
        ledger=list(
            LedgerTransaction.objects.filter(reference=order_reference(order.number))
            .prefetch_related("entries")
            .order_by("created_at", "id")
        ),
        refunds=list(Refund.objects.filter(order=order).prefetch_related("lines")),
        returns=list(
            ReturnRequest.objects.filter(order=order).prefetch_related(Prefetch("lines"), "photos")
        ),
        declaration=declaration,
        customs_messages=list(declaration.messages.all()) if declaration else [],
        customs_events=list(declaration.events.all()) if declaration else [],
        tracking=tracking_of(order),
    )
