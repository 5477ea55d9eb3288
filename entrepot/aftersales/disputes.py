"""Disputes: the buyer opens, the seller answers, the buyer escalates or accepts, the
operator decides (full refund, partial refund, reject); deadlines move silent ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.aftersales import conf
from entrepot.aftersales.exceptions import DisputeRefused
from entrepot.aftersales.models import Dispute, DisputeMessage
from entrepot.aftersales.refunds import refund_issue
from entrepot.orders.models import Order
from entrepot.reviews.services import seller_stats_bump

SYSTEM = "system:aftersales"

DISPUTABLE = (Order.Status.PAID, Order.Status.DECLARED, Order.Status.CLEARED,
              Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.COMPLETED)  # fmt: skip


def _say(dispute: Dispute, kind: str, author: str, text: str, now: datetime) -> None:
    DisputeMessage.objects.create(dispute=dispute, author_kind=kind, author=author[:150],
                                  text=text[:2000], created_at=now)  # fmt: skip


def dispute_open(
    *, order: Order, actor: str, reason: str, text: str, now: datetime | None = None
) -> Dispute:
    """The buyer opens a dispute (one open at a time per order); the seller has
    ENTREPOT_DISPUTE_SELLER_ANSWER_DAYS to answer."""
    now = now or timezone.now()
    if reason not in Dispute.Reason.values:
        raise DisputeRefused(
            _("Choose a reason from the list: %(allowed)s.")
            % {"allowed": ", ".join(Dispute.Reason.values)}
        )
    if not text.strip():
        raise DisputeRefused(_("Say what happened."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in DISPUTABLE:
            raise DisputeRefused(
                _("A dispute cannot be opened on an order that is “%(status)s”.")
                % {"status": order.get_status_display()}
            )
        if order.disputes.filter(status__in=Dispute.OPEN_STATUSES).exists():
            raise DisputeRefused(_("A dispute about this order is already open."))
        dispute = Dispute.objects.create(
            order=order, reason=reason, text=text[:2000], opened_at=now,
            seller_answer_by=now + conf.dispute_answer(),
        )  # fmt: skip
        _say(dispute, DisputeMessage.Author.BUYER, actor, text, now)
        seller_stats_bump(seller_id=order.seller_id, disputes=1)
        return dispute


def _locked_dispute(dispute: Dispute, *allowed: str) -> Dispute:
    locked = Dispute.objects.select_for_update().select_related("order").get(pk=dispute.pk)
    if locked.status not in allowed:
        raise DisputeRefused(
            _("This dispute is “%(status)s”: that cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    return locked


def dispute_answer(
    *, dispute: Dispute, actor: str, text: str, now: datetime | None = None
) -> Dispute:
    """The seller answers; the buyer then has ENTREPOT_DISPUTE_BUYER_REPLY_DAYS to accept
    the answer or ask the operator to decide."""
    if not text.strip():
        raise DisputeRefused(_("Write an answer."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_dispute(dispute, Dispute.Status.OPEN)
        locked.status, locked.answered_at = Dispute.Status.ANSWERED, now
        locked.buyer_reply_by = now + conf.dispute_buyer_reply()
        locked.save(update_fields=["status", "answered_at", "buyer_reply_by"])
        _say(locked, DisputeMessage.Author.SELLER, actor, text, now)
        return locked


def dispute_reply(
    *, dispute: Dispute, actor: str, text: str = "", escalate: bool,
    now: datetime | None = None,
) -> Dispute:  # fmt: skip
    """The buyer, after the seller's answer: `escalate` asks the operator to decide;
    otherwise the buyer accepts the answer and the dispute is closed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_dispute(dispute, Dispute.Status.ANSWERED)
        if escalate:
            locked.status, locked.escalated_at = Dispute.Status.ESCALATED, now
        else:
            locked.status, locked.resolved_at = Dispute.Status.CLOSED, now
            locked.resolution_note = "the buyer accepted the seller's answer"
        locked.save()
        if text.strip():
            _say(locked, DisputeMessage.Author.BUYER, actor, text, now)
        return locked


REFUND, PARTIAL, REJECT = "refund", "partial", "reject"


def dispute_resolve(
    *, dispute: Dispute, actor: str, outcome: str, note: str,
    amount: Decimal | None = None, now: datetime | None = None,
) -> Dispute:  # fmt: skip
    """The operator decides an open dispute: "refund" (all that is left), "partial"
    (`amount` of goods and shipping, with its tax share before release) or "reject".
    The refund goes through `refund_issue`; if the wallet refuses, the dispute stays
    open and RefundRefused says why."""
    if outcome not in (REFUND, PARTIAL, REJECT):
        raise DisputeRefused(_("Decide refund, partial or reject."))
    if not note.strip():
        raise DisputeRefused(_("Give the reason for the decision."))
    if outcome == PARTIAL and (amount is None or amount <= 0):
        raise DisputeRefused(_("A partial refund needs an amount above zero."))
    now = now or timezone.now()
    # Claim the decision first (`resolved_by` set while the status is still open), so two
    # operators deciding at once cannot both refund: the second is told who is deciding.
    with transaction.atomic():
        locked = _locked_dispute(dispute, *Dispute.OPEN_STATUSES)
        if locked.resolved_by:
            raise DisputeRefused(
                _("%(actor)s is deciding this dispute already; reload the page.")
                % {"actor": locked.resolved_by}
            )
        Dispute.objects.filter(pk=locked.pk).update(resolved_by=actor[:150])
    if outcome != REJECT:
        try:
            refund_issue(
                order=locked.order, actor=actor, full=outcome == REFUND,
                amount=amount if outcome == PARTIAL else None,
                reason=f"dispute {locked.pk}: {note}", dispute=locked, now=now,
            )  # fmt: skip
        except Exception:
            # refused or failed: the dispute stays open for another decision
            Dispute.objects.filter(pk=locked.pk, resolved_by=actor[:150]).update(resolved_by="")
            raise
    status = {REFUND: Dispute.Status.REFUNDED, PARTIAL: Dispute.Status.PARTIAL,
              REJECT: Dispute.Status.REJECTED}[outcome]  # fmt: skip
    with transaction.atomic():
        locked = _locked_dispute(dispute, *Dispute.OPEN_STATUSES)
        locked.status, locked.resolved_at, locked.resolved_by = status, now, actor[:150]
        locked.resolution_note = note[:500]
        locked.save()
        _say(locked, DisputeMessage.Author.OPERATOR, actor, note, now)
        return locked


@dataclass(frozen=True)
class DeadlineResult:
    escalated: int
    closed: int


def disputes_deadlines_enforce(*, now: datetime | None = None) -> DeadlineResult:
    """Seller silent past the answer deadline: the dispute goes to the operator. Buyer
    silent past the reply deadline after the seller answered: closed as accepted."""
    now = now or timezone.now()
    escalated = 0
    for pk in list(Dispute.objects.filter(status=Dispute.Status.OPEN, seller_answer_by__lt=now)
                   .values_list("pk", flat=True)[:500]):  # fmt: skip
        with transaction.atomic():
            moved = Dispute.objects.filter(pk=pk, status=Dispute.Status.OPEN).update(
                status=Dispute.Status.ESCALATED, escalated_at=now
            )
            if moved:
                _say(Dispute(pk=pk), DisputeMessage.Author.SYSTEM, SYSTEM,
                     "The seller did not answer in time: the operator will decide.",
                     now)  # fmt: skip
                escalated += 1
    closed = 0
    for pk in list(Dispute.objects.filter(status=Dispute.Status.ANSWERED, buyer_reply_by__lt=now)
                   .values_list("pk", flat=True)[:500]):  # fmt: skip
        with transaction.atomic():
            moved = Dispute.objects.filter(pk=pk, status=Dispute.Status.ANSWERED).update(
                status=Dispute.Status.CLOSED, resolved_at=now,
                resolution_note="the buyer did not reply to the seller's answer in time",
            )  # fmt: skip
            if moved:
                _say(Dispute(pk=pk), DisputeMessage.Author.SYSTEM, SYSTEM,
                     "The buyer did not reply in time: the dispute is closed.", now)  # fmt: skip
                closed += 1
    return DeadlineResult(escalated, closed)
