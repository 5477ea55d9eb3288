"""Refunds: wallet first, ledger second (see entrepot.aftersales.services for why).

`refund_issue` plans the refund under the order's lock (lines by units, shipping, an
amount, or all that is left, with the import-tax share before escrow release), asks the
wallet, then `refund_post` posts one balanced ledger transaction keyed by the refund id
and moves the order. `refunds_post_pending` finishes refunds a crash left half done.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.aftersales.exceptions import RefundRefused
from entrepot.aftersales.models import Dispute, Refund, RefundLine, ReturnRequest
from entrepot.domain import aftersales as rules
from entrepot.domain.money import Money
from entrepot.orders.models import Order, OrderLine
from entrepot.orders.services import order_transition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Planned:
    split: rules.RefundSplit
    lines: list[tuple[OrderLine, int, Decimal]]
    shipping: bool
    full: bool


def _refunded_units(order: Order) -> tuple[dict[int, int], bool]:
    reserved = Refund.objects.filter(order=order, status__in=Refund.RESERVED)
    units = dict(
        RefundLine.objects.filter(refund__in=reserved)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    shipping = reserved.filter(shipping=True).exists()
    return units, shipping


def _released(order: Order) -> bool:
    from entrepot.domain.ledger import TransactionKind
    from entrepot.ledger.models import LedgerTransaction
    from entrepot.ledger.services import order_reference

    return LedgerTransaction.objects.filter(
        reference=order_reference(order.number), kind=TransactionKind.ESCROW_RELEASED
    ).exists()


def _plan(order: Order, *, quantities: dict[int, int] | None, shipping: bool,
          amount: Decimal | None, full: bool) -> _Planned:  # fmt: skip
    reserved = Refund.objects.filter(order=order, status__in=Refund.RESERVED).aggregate(
        amount=Sum("amount"), tax=Sum("tax_amount")
    )
    refunded_goods = reserved["amount"] or Decimal(0)
    refunded_tax = reserved["tax"] or Decimal(0)
    units, shipping_done = _refunded_units(order)
    lines: list[tuple[OrderLine, int, Decimal]] = []
    part = Decimal(0)
    if not full:
        by_id = {line.pk: line for line in order.lines.all()}
        for pk, qty in (quantities or {}).items():
            if not qty:
                continue
            line = by_id.get(pk)
            if line is None:
                raise RefundRefused(_("Line %(line)s is not on this order.") % {"line": pk})
            left = line.quantity - units.get(pk, 0)
            if qty < 0 or qty > left:
                raise RefundRefused(
                    _("%(title)s: %(asked)d to refund, %(left)d not refunded yet.")
                    % {"title": line.title_en, "asked": qty, "left": left}
                )
            value = rules.fen(line.unit_price_amount * qty)
            lines.append((line, qty, value))
            part += value
        if shipping:
            if shipping_done:
                raise RefundRefused(_("The shipping of this order was refunded already."))
            part += order.shipping_amount
        if amount is not None:
            part += amount
        if not part:
            raise RefundRefused(_("Choose lines, shipping or an amount to refund."))
    try:
        split = rules.refund_split(
            part=part, goods_and_shipping=order.total_amount - order.tax_amount,
            refunded_goods=refunded_goods, tax=order.tax_amount, refunded_tax=refunded_tax,
            released=_released(order), full=full,
        )  # fmt: skip
    except rules.RefundTooLarge as exc:
        raise RefundRefused(
            _("Nothing more can be refunded on this order: %(detail)s.") % {"detail": exc}
        ) from None
    if full:
        by_id = order.lines.all()
        lines = [(line, line.quantity - units.get(line.pk, 0), Decimal(0)) for line in by_id]
        lines = [item for item in lines if item[1] > 0]
        shipping = not shipping_done
    return _Planned(split, lines, shipping, full)


def _payment_of(order: Order):
    from entrepot.orders.payment_flow import REFERENCE_PREFIX
    from entrepot.payments.models import Payment

    if order.checkout_id is None:
        return None
    return (
        Payment.objects.filter(
            reference=f"{REFERENCE_PREFIX}{order.checkout_id}",
            status__in=[Payment.Status.SUCCEEDED, Payment.Status.REFUNDED],
        )
        .order_by("-paid_at", "-id")
        .first()
    )


def refund_issue(
    *, order: Order, actor: str, quantities: dict[int, int] | None = None,
    shipping: bool = False, amount: Decimal | None = None, full: bool = False,
    reason: str = "", return_request: ReturnRequest | None = None,
    dispute: Dispute | None = None, now: datetime | None = None,
) -> Refund:  # fmt: skip
    """Refund part of an order (lines by quantity, its shipping, an amount) or all that is
    left (`full`), through the wallet and then the ledger (see the module docstring for
    the order and why). Before the escrow is released the refund comes out of escrow
    with its share of the import tax; after, out of the seller payable (which may go
    negative and is carried into the next payout). Raises RefundRefused."""
    now = now or timezone.now()
    if amount is not None and amount < 0:
        raise RefundRefused(_("The amount to refund must be more than zero."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.currency != "CNY":
            raise RefundRefused(
                _("Only orders paid in CNY through the wallet can be refunded here.")
            )
        payment = _payment_of(locked)
        if payment is None:
            raise RefundRefused(_("No paid payment is recorded for this order."))
        plan = _plan(locked, quantities=quantities, shipping=shipping, amount=amount, full=full)
        refund = Refund.objects.create(
            order=locked, refund_id=f"R{now:%Y%m%d}{secrets.token_hex(5).upper()}",
            currency=locked.currency, amount=plan.split.amount, tax_amount=plan.split.tax,
            shipping=plan.shipping, full=plan.full, reason=reason[:300], actor=actor[:150],
            return_request=return_request, dispute=dispute, created_at=now,
        )  # fmt: skip
        RefundLine.objects.bulk_create(
            RefundLine(refund=refund, order_line=line, quantity=qty, amount=value)
            for line, qty, value in plan.lines
        )
    # 2. the wallet, outside any transaction (a real wallet is a network call)
    from entrepot.payments.exceptions import PaymentError
    from entrepot.payments.services import payment_refund

    try:
        paid = payment_refund(payment=payment, amount=Money(plan.split.total, refund.currency))
    except PaymentError as exc:
        Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, error=str(exc))
        logger.warning("refund %s of %s refused by the wallet: %s", refund.refund_id,
                       locked.number, exc)  # fmt: skip
        raise RefundRefused(str(exc)) from exc
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.PAID, payment_refund=paid)
    # 3. the ledger and the order
    return refund_post(refund=Refund.objects.get(pk=refund.pk), now=now)


@transaction.atomic
def refund_post(*, refund: Refund, now: datetime | None = None) -> Refund:
    """Post a refund the wallet made to the ledger (one balanced transaction keyed by its
    refund id), count it on the order and move the order's state. Idempotent."""
    from entrepot.ledger.services import post_refund

    now = now or timezone.now()
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != Refund.Status.PAID:
        return refund
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    post_refund(
        order_number=order.number, seller_id=order.seller_id,
        amount=Money(refund.amount, refund.currency),
        tax=Money(refund.tax_amount, refund.currency), refund_id=refund.refund_id,
    )  # fmt: skip
    order.refunded_amount += refund.total
    order.refunded_tax_amount += refund.tax_amount
    order.save(update_fields=["refunded_amount", "refunded_tax_amount"])
    refund.status, refund.completed_at = Refund.Status.COMPLETED, now
    refund.save(update_fields=["status", "completed_at"])
    if order.total_amount - order.tax_amount - order.refunded_goods_amount <= 0:
        _order_refunded(order, actor=refund.actor, note=f"refund {refund.refund_id}")
    return refund


def _order_refunded(order: Order, *, actor: str, note: str) -> None:
    """Everything went back: the order ends "refunded" where the state machine allows it
    (delivered and completed orders are "returned" first). A shipped or cleared order
    keeps its state: its refunded amount already takes it out of quota and escrow."""
    if order.status in (Order.Status.DELIVERED, Order.Status.COMPLETED):
        order = order_transition(order=order, event="return", actor=actor, note=note)
    if order.status in (Order.Status.PAID, Order.Status.DECLARED, Order.Status.RETURNED):
        order_transition(order=order, event="refund", actor=actor, note=note)


def refunds_post_pending() -> int:
    """Post refunds the wallet made whose ledger posting did not happen (a crash between
    the two steps of `refund_issue`)."""
    posted = 0
    for refund in Refund.objects.filter(status=Refund.Status.PAID)[:500]:
        try:
            refund_post(refund=refund)
            posted += 1
        except Exception as exc:  # kept on the refund for the back office, then retried
            logger.exception("refund %s: ledger posting failed again", refund.refund_id)
            Refund.objects.filter(pk=refund.pk).update(error=f"ledger posting failed: {exc}")
    return posted
