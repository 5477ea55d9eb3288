"""Refunds (partial by line and by shipping, before and after release, wallet refusal)
and disputes (won by the buyer, rejected, deadlines)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from entrepot.aftersales.models import Dispute, Refund, ReturnRequest
from entrepot.aftersales.services import (
    DisputeRefused,
    RefundRefused,
    dispute_answer,
    dispute_open,
    dispute_reply,
    dispute_resolve,
    refund_issue,
    return_request,
)
from entrepot.aftersales.tasks import aftersales_deadlines_run
from entrepot.domain.ledger import AccountKind
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.selectors import ledger_check
from entrepot.orders.checkout import year_to_date_cny
from entrepot.orders.selectors import escrow_expected
from entrepot.orders.services import order_confirm_receipt
from entrepot.payments.exceptions import PaymentRefused
from entrepot.reviews.models import SellerStats
from tests.aftersales.helpers import days_after_release, delivered_cbec_order

pytestmark = pytest.mark.django_db


def _balanced():
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok, report


def _payable(seller_id) -> Decimal:
    entries = LedgerEntry.objects.filter(account_kind=AccountKind.SELLER_PAYABLE,
                                         account_owner=str(seller_id))  # fmt: skip
    # as post_payout reads it: what the platform owes the seller
    return sum((e.debit_amount - e.credit_amount for e in entries), Decimal(0))


def test_a_line_refund_before_release_takes_its_tax_share_from_escrow_and_release_still_works():
    order = delivered_cbec_order(quantity=2)
    line = order.lines.get()
    refund = refund_issue(order=order, actor="op", quantities={line.pk: 1}, reason="one broken")
    assert refund.status == "completed"
    assert refund.amount == line.unit_price_amount.quantize(Decimal("0.01"))
    assert 0 < refund.tax_amount < order.tax_amount
    assert LedgerTransaction.objects.get(reference=f"order:{order.number}",
                                         kind="refund_before_release")  # fmt: skip
    _balanced()
    order.refresh_from_db()
    assert year_to_date_cny(order.buyer, now=timezone.now()).amount == (
        order.total_amount - refund.total
    )
    order_confirm_receipt(order=order)  # releases only what is left in escrow
    _balanced()
    released = order.total_amount - order.tax_amount - refund.amount
    commission = LedgerEntry.objects.filter(account_kind=AccountKind.PLATFORM_COMMISSION)
    kept = abs(sum((e.debit_amount - e.credit_amount for e in commission), Decimal(0)))
    assert _payable(order.seller_id) + kept == released


def test_a_shipping_refund_after_release_comes_from_the_seller_payable_without_tax():
    order = delivered_cbec_order()
    order_confirm_receipt(order=order)
    before = _payable(order.seller_id)
    refund = refund_issue(order=order, actor="seller", shipping=True, reason="late")
    assert refund.amount == order.shipping_amount.quantize(Decimal("0.01"))
    assert refund.tax_amount == 0 and refund.shipping
    assert _payable(order.seller_id) == before - refund.amount
    _balanced()
    with pytest.raises(RefundRefused, match="shipping"):
        refund_issue(order=order, actor="seller", shipping=True, reason="again")


def test_a_line_refund_after_release_may_leave_the_seller_owing_and_keeps_the_ledger_balanced():
    order = delivered_cbec_order(quantity=2)
    order_confirm_receipt(order=order)
    line = order.lines.get()
    refund_issue(order=order, actor="op", quantities={line.pk: 2}, reason="both broken")
    assert LedgerTransaction.objects.filter(kind="refund_after_release").count() == 1
    _balanced()
    with pytest.raises(RefundRefused):
        refund_issue(order=order, actor="op", quantities={line.pk: 1}, reason="too many")


def test_every_refund_is_one_balanced_transaction_with_its_own_refund_id():
    order = delivered_cbec_order(quantity=2)
    line = order.lines.get()
    first = refund_issue(order=order, actor="op", quantities={line.pk: 1}, reason="a")
    second = refund_issue(order=order, actor="op", shipping=True, reason="b")
    assert first.refund_id != second.refund_id
    keys = set(LedgerTransaction.objects.filter(kind="refund_before_release")
               .values_list("idempotency_key", flat=True))  # fmt: skip
    assert keys == {f"order:{order.number}:refund:{r.refund_id}" for r in (first, second)}
    _balanced()


def test_a_refund_the_wallet_refuses_posts_nothing_to_the_ledger(monkeypatch):
    from entrepot.payments.gateway import SandboxGateway

    order = delivered_cbec_order()

    def refuse(self, payment, amount):
        raise PaymentRefused("the wallet is closed for maintenance")

    monkeypatch.setattr(SandboxGateway, "refund", refuse)
    transactions = LedgerTransaction.objects.count()
    with pytest.raises(RefundRefused, match="maintenance"):
        refund_issue(order=order, actor="op", full=True, reason="x")
    assert LedgerTransaction.objects.count() == transactions
    refund = Refund.objects.get(order=order)
    assert refund.status == "failed" and "maintenance" in refund.error
    order.refresh_from_db()
    assert order.refunded_amount == 0 and order.status == "delivered"
    _balanced()
    monkeypatch.undo()
    refund_issue(order=order, actor="op", full=True, reason="x")  # the failed one reserved nothing
    order.refresh_from_db()
    assert order.status == "refunded"


def test_a_dispute_the_buyer_wins_refunds_the_order_in_full():
    order = delivered_cbec_order()
    dispute = dispute_open(order=order, actor="buyer", reason="not_as_described", text="颜色不对")
    assert SellerStats.objects.get(seller_id=order.seller_id).disputes == 1
    dispute = dispute_answer(dispute=dispute, actor="seller", text="it is the same colour")
    dispute = dispute_reply(dispute=dispute, actor="buyer", text="不是", escalate=True)
    assert dispute.status == "escalated"
    dispute = dispute_resolve(dispute=dispute, actor="operator", outcome="refund",
                              note="photos show another colour")  # fmt: skip
    order.refresh_from_db()
    assert dispute.status == "refunded"
    assert order.status == "refunded" and order.refunded_amount == order.total_amount
    assert year_to_date_cny(order.buyer, now=timezone.now()).amount == 0
    _balanced()


def test_a_dispute_the_operator_rejects_moves_no_money():
    order = delivered_cbec_order()
    dispute = dispute_open(order=order, actor="buyer", reason="damaged", text="box dented")
    transactions = LedgerTransaction.objects.count()
    dispute = dispute_resolve(dispute=dispute, actor="operator", outcome="reject",
                              note="the goods inside are fine")  # fmt: skip
    assert dispute.status == "rejected"
    assert LedgerTransaction.objects.count() == transactions
    assert not Refund.objects.exists()
    order.refresh_from_db()
    assert order.status == "delivered"
    with pytest.raises(DisputeRefused):
        dispute_resolve(dispute=dispute, actor="operator", outcome="refund", note="again")


def test_a_partial_refund_decision_refunds_the_amount_with_its_tax_share():
    order = delivered_cbec_order()
    dispute = dispute_open(order=order, actor="buyer", reason="damaged", text="scratched")
    dispute = dispute_resolve(dispute=dispute, actor="operator", outcome="partial",
                              amount=Decimal("5.00"), note="discount for the scratch")  # fmt: skip
    refund = Refund.objects.get(dispute=dispute)
    assert dispute.status == "partial" and refund.amount == Decimal("5.00")
    _balanced()


def test_one_open_dispute_per_order():
    order = delivered_cbec_order()
    dispute_open(order=order, actor="buyer", reason="damaged", text="x")
    with pytest.raises(DisputeRefused):
        dispute_open(order=order, actor="buyer", reason="damaged", text="y")


def test_the_deadline_task_escalates_silent_sellers_closes_silent_buyers_and_accepts_returns():
    silent_seller = delivered_cbec_order()
    answered = delivered_cbec_order()
    returned = delivered_cbec_order()
    first = dispute_open(order=silent_seller, actor="b", reason="not_received", text="where?")
    second = dispute_open(order=answered, actor="b", reason="damaged", text="broken")
    dispute_answer(dispute=second, actor="s", text="send a photo")
    request = return_request(order=returned, actor="b", reason="damaged",
                             now=days_after_release(returned, 1))  # fmt: skip
    assert aftersales_deadlines_run()["disputes_escalated"] == 0  # not due yet

    from entrepot.aftersales import services

    later = timezone.now() + timedelta(days=8)
    assert services.disputes_deadlines_enforce(now=later).escalated == 1
    assert services.returns_answer_overdue(now=days_after_release(returned, 5)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "escalated" and first.messages.filter(author_kind="system").exists()
    assert second.status == "closed"
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by.endswith("deadline")
    assert services.returns_expire_overdue(now=days_after_release(returned, 46)) == 1
    assert ReturnRequest.objects.get(pk=request.pk).status == "expired"
    assert Dispute.objects.filter(status="escalated").count() == 1


def test_a_refund_the_wallet_made_but_the_ledger_missed_is_posted_by_the_task(monkeypatch):
    from entrepot.aftersales import refunds

    order = delivered_cbec_order()
    real_post = refunds.refund_post

    def crash(**kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(refunds, "refund_post", crash)
    with pytest.raises(RuntimeError):
        refund_issue(order=order, actor="op", full=True, reason="x")
    refund = Refund.objects.get(order=order)
    assert refund.status == "paid"  # the wallet gave the money back, the ledger not yet
    monkeypatch.setattr(refunds, "refund_post", real_post)
    assert aftersales_deadlines_run()["refunds_posted"] == 1
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == "completed" and order.status == "refunded"
    _balanced()
    assert aftersales_deadlines_run()["refunds_posted"] == 0


def test_a_second_operator_cannot_decide_a_dispute_another_is_deciding():
    from entrepot.aftersales.models import Dispute
    from entrepot.aftersales.services import DisputeRefused, dispute_open, dispute_resolve

    order = delivered_cbec_order()
    dispute = dispute_open(order=order, actor="buyer", reason="damaged", text="broken")
    # the first operator's refund is under way: the decision is claimed
    Dispute.objects.filter(pk=dispute.pk).update(resolved_by="ops-a")
    with pytest.raises(DisputeRefused, match="ops-a is deciding"):
        dispute_resolve(dispute=dispute, actor="ops-b", outcome="refund", note="mine")
    assert not order.refunds.exists()


def test_a_refused_decision_leaves_the_dispute_open_for_another():
    from entrepot.aftersales.models import Dispute
    from entrepot.aftersales.services import RefundRefused, dispute_open, dispute_resolve

    order = delivered_cbec_order()
    dispute = dispute_open(order=order, actor="buyer", reason="damaged", text="broken")
    with pytest.raises(RefundRefused):
        dispute_resolve(dispute=dispute, actor="ops-a", outcome="partial", note="too much",
                        amount=order.total_amount * 10)  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status in Dispute.OPEN_STATUSES and dispute.resolved_by == ""
