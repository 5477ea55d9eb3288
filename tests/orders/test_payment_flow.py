"""Checkout -> sandbox payment -> signed notification -> paid orders and a balanced ledger."""

from decimal import Decimal

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.selectors import ledger_check
from entrepot.orders.checkout import CartLine, checkout_place
from entrepot.orders.payment_flow import checkout_reference
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment
from entrepot.payments.services import payment_create
from tests.orders.test_checkout import NOW, _variant
from tests.payments import transport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "entrepot.orders.payment_flow.checkout_paid"
    transport.reset()
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was
    transport.reset()


@pytest.fixture
def two_seller_checkout():
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    factories.rates()
    positive_list_load_sample()
    ohio = factories.seller(verification_status="approved")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    a, b = _variant(ohio), _variant(lyon, price="24.00")
    buyer = factories.buyer()
    return checkout_place(buyer=buyer, lines=[CartLine(a.id, 1), CartLine(b.id, 2)], now=NOW)


def _pay(client, checkout, capture):
    payment = payment_create(
        reference=checkout_reference(checkout),
        amount=Money(checkout.total_amount, "CNY"),
        payer_name=checkout.buyer.display_name,
    )
    with capture(execute=True):
        client.post(reverse("payments:sandbox_pay", args=[payment.token]))
    payment.refresh_from_db()
    return payment


def test_paying_the_checkout_pays_both_orders_and_holds_the_money_in_escrow(
    client, two_seller_checkout, django_capture_on_commit_callbacks
):
    payment = _pay(client, two_seller_checkout, django_capture_on_commit_callbacks)
    assert payment.status == "succeeded"
    orders = list(two_seller_checkout.orders.all())
    assert [o.status for o in orders] == ["paid", "paid"]
    assert all(o.events.filter(event="pay").exists() for o in orders)
    assert LedgerTransaction.objects.count() == 2
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok, report
    held = sum(o.total_amount - o.tax_amount for o in orders)
    assert report.escrow["CNY"] == Money(held, "CNY")


def test_a_duplicate_notification_adds_no_second_ledger_entry(
    client, two_seller_checkout, django_capture_on_commit_callbacks
):
    _pay(client, two_seller_checkout, django_capture_on_commit_callbacks)
    entries = LedgerEntry.objects.count()
    url, body, headers = transport.attempts[-1]
    status = transport.deliver(url, body, headers)  # the wallet sends it again
    assert status == 200
    assert LedgerEntry.objects.count() == entries
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_a_payment_after_the_quote_expired_pays_no_order(
    client, two_seller_checkout, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from entrepot.orders.services import reservations_release_expired

    reservations_release_expired(now=two_seller_checkout.expires_at + timedelta(seconds=1))
    payment = _pay(client, two_seller_checkout, django_capture_on_commit_callbacks)
    assert payment.status == "succeeded"
    assert set(two_seller_checkout.orders.values_list("status", flat=True)) == {"cancelled"}
    assert not LedgerTransaction.objects.exists()
    assert Payment.objects.get(pk=payment.pk).reference == checkout_reference(two_seller_checkout)


def _deliver(order):
    from entrepot.orders.services import order_transition

    for event in ("declare", "clear", "ship", "deliver"):
        order = order_transition(order=order, event=event, actor="test")
    return order


def test_confirming_receipt_releases_escrow_to_the_seller_less_commission(
    client, two_seller_checkout, django_capture_on_commit_callbacks
):
    from entrepot.ledger.selectors import seller_payable
    from entrepot.orders.services import order_confirm_receipt

    _pay(client, two_seller_checkout, django_capture_on_commit_callbacks)
    order = _deliver(two_seller_checkout.orders.order_by("id").first())
    order_confirm_receipt(order=order, actor="buyer")
    order.refresh_from_db()
    assert order.status == "completed"
    held = order.total_amount - order.tax_amount
    payable = seller_payable(order.seller_id)["CNY"]
    assert payable == (Money(held, "CNY") * Decimal("0.92")).rounded()
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_delivered_orders_auto_confirm_after_the_window(
    client, two_seller_checkout, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from entrepot.orders.services import orders_auto_confirm

    _pay(client, two_seller_checkout, django_capture_on_commit_callbacks)
    order = _deliver(two_seller_checkout.orders.order_by("id").first())
    assert orders_auto_confirm(now=timezone.now() + timedelta(days=13)) == 0
    assert orders_auto_confirm(now=timezone.now() + timedelta(days=15)) == 1
    order.refresh_from_db()
    assert order.status == "completed"
    assert order.events.last().actor == "system:auto-confirm"
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_a_payer_other_than_the_verified_buyer_flags_the_orders(two_seller_checkout):
    from datetime import date
    from types import SimpleNamespace

    from entrepot.buyers.services import identity_verify
    from entrepot.orders.payment_flow import checkout_paid

    identity_verify(buyer=two_seller_checkout.buyer, name="王芳", id_number="11010519491231002X",
                    consent=True, today=date(2026, 11, 27))  # fmt: skip
    payment = SimpleNamespace(pk=1, gateway="sandbox", payer_id_fingerprint="someone-else",
                              reference=checkout_reference(two_seller_checkout))  # fmt: skip
    orders = checkout_paid(payment=payment)
    assert len(orders) == 2
    for order in two_seller_checkout.orders.all():
        assert order.payer_mismatch and order.status == "paid"
        assert "customs authentication" in order.events.last().note



def test_paying_moves_all_the_orders_of_a_checkout_together_and_refuses_a_stale_read(
    two_seller_checkout,
):
    from entrepot.orders.models import Order, OrderEvent
    from entrepot.orders.services import ConcurrentChange, orders_transition

    orders = list(Order.objects.order_by("id"))
    assert len(orders) == 2
    paid = orders_transition(orders=orders, event="pay", actor="test")
    assert {o.status for o in paid} == {"paid"} and all(o.paid_at for o in paid)
    assert set(Order.objects.values_list("status", flat=True)) == {"paid"}
    assert OrderEvent.objects.filter(event="pay").count() == 2
    # a caller holding a stale copy ("placed") cannot pay twice: nothing more is written
    from django.db import transaction

    with pytest.raises(ConcurrentChange), transaction.atomic():
        orders_transition(orders=orders, event="pay", locked=True)
    assert OrderEvent.objects.filter(event="pay").count() == 2
