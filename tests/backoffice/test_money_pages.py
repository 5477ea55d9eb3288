"""The operator's money pages: payments and notifications, the ledger check, payouts."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from entrepot.domain.money import Money
from entrepot.ledger.selectors import escrow_total, seller_payable
from entrepot.ledger.services import post_escrow_released, post_refund
from entrepot.orders.checkout import CartLine, checkout_place
from entrepot.orders.payment_flow import checkout_reference
from entrepot.payments.models import Payment, PaymentNotification
from entrepot.payments.services import payment_create
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.storefront.display import format_money
from tests import factories
from tests.orders.test_checkout import NOW, _variant
from tests.payments import transport

pytestmark = pytest.mark.django_db

PAGES = ["backoffice:payments", "backoffice:ledger", "backoffice:payouts"]
RATES_DAY = date(2026, 10, 30)


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
def market():
    factories.rates(RATES_DAY)
    if timezone.localdate() < RATES_DAY:  # payouts convert at today's rates
        factories.rates(timezone.localdate())
    positive_list_load_sample()


@pytest.fixture
def operator(client):
    client.force_login(factories.user(is_staff=True))
    return client


@pytest.fixture
def pay(market, django_capture_on_commit_callbacks):
    """Place a one-seller checkout and pay it through the sandbox wallet."""

    def paid_checkout():
        seller = factories.seller(verification_status="approved")
        checkout = checkout_place(
            buyer=factories.buyer(), lines=[CartLine(_variant(seller).id, 1)], now=NOW
        )
        payment = payment_create(
            reference=checkout_reference(checkout),
            amount=Money(checkout.total_amount, "CNY"),
            payer_name=checkout.buyer.display_name,
        )
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(reverse("payments:sandbox_pay", args=[payment.token]))
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED
        return checkout.orders.get(), payment

    return paid_checkout


def _release(order):
    return post_escrow_released(
        order_number=order.number,
        seller_id=order.seller_id,
        amount=Money(order.total_amount - order.tax_amount, order.currency),
        on=timezone.localdate(),
    )


def _forged_notification():
    response = Client().post(
        reverse("payments:notify_sandbox"),
        data=b'{"payment":"00000000-0000-0000-0000-000000000000","status":"succeeded"}',
        content_type="application/json",
        headers={"X-Sandbox-Signature": "0" * 64},
    )
    assert response.status_code == 400


# --- staff only --------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "seller", "buyer"])
def test_money_pages_are_for_staff_only(client, page, who):
    if who == "seller":
        client.force_login(factories.seller().user)
    elif who == "buyer":
        client.force_login(factories.buyer().user)
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_seller_cannot_pay_itself_out(client, pay):
    order, _payment = pay()
    _release(order)
    client.force_login(order.seller.user)
    response = client.post(reverse("backoffice:payouts"), {"seller": order.seller_id})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert seller_payable(order.seller_id)["CNY"].amount > 0


# --- payments ----------------------------------------------------------------------------


def test_payments_page_lists_a_paid_payment_and_highlights_a_rejected_notification(operator, pay):
    _order, payment = pay()
    _forged_notification()
    rejected = PaymentNotification.objects.get(outcome="rejected_signature")

    html = operator.get(reverse("backoffice:payments")).content.decode()

    assert str(payment.token)[:8] in html
    assert payment.reference in html
    assert "Paid" in html
    assert "Applied" in html
    assert f'<tr id="notification-{rejected.pk}" class="rejected error">' in html
    assert "Rejected: invalid signature" in html


def test_payments_page_filters_by_status(operator, pay):
    _order, payment = pay()
    url = reverse("backoffice:payments")
    assert (
        f'id="payment-{payment.pk}"' in operator.get(url, {"status": "succeeded"}).content.decode()
    )
    assert (
        f'id="payment-{payment.pk}"' not in operator.get(url, {"status": "failed"}).content.decode()
    )
    # an unknown status shows them all
    assert (
        f'id="payment-{payment.pk}"' in operator.get(url, {"status": "nonsense"}).content.decode()
    )


# --- ledger ------------------------------------------------------------------------------


def test_ledger_page_says_ok_after_a_paid_checkout_and_shows_the_escrow(operator, pay):
    order, _payment = pay()
    held = escrow_total("CNY")
    assert held == Money(order.total_amount - order.tax_amount, "CNY")

    html = operator.get(reverse("backoffice:ledger")).content.decode()

    assert '<p class="status ok" id="ledger-verdict"><strong>OK</strong>' in html
    assert format_money(held) in html
    assert "payment_captured" in html


def test_ledger_page_names_the_problem_when_escrow_and_orders_disagree(operator, pay):
    order, _payment = pay()
    _release(order)  # the money leaves escrow but the order is still "paid"

    html = operator.get(reverse("backoffice:ledger")).content.decode()

    assert 'class="status bad"' in html
    assert "1 problem" in html
    assert "but unreleased orders add up to" in html


# --- payouts -----------------------------------------------------------------------------


def test_operator_pays_out_a_released_payable(operator, pay):
    order, _payment = pay()
    _release(order)
    seller = order.seller
    payable = seller_payable(seller)["CNY"]
    assert payable.amount > 0

    html = operator.get(reverse("backoffice:payouts")).content.decode()
    assert seller.business_name in html
    assert format_money(payable) in html
    assert "Pay out now" in html

    response = operator.post(reverse("backoffice:payouts"), {"seller": seller.pk}, follow=True)

    assert response.redirect_chain == [(reverse("backoffice:payouts"), 302)]
    html = response.content.decode()
    assert f"Paid {seller.business_name}" in html
    assert seller_payable(seller)["CNY"] == Money(0, "CNY")
    assert f'id="payable-{seller.pk}"' not in html

    again = operator.post(reverse("backoffice:payouts"), {"seller": seller.pk}, follow=True)
    assert "is owed nothing: nothing paid." in again.content.decode()


def test_a_seller_who_owes_is_listed_and_nothing_is_paid(operator, pay):
    order, _payment = pay()
    _release(order)
    seller = order.seller
    operator.post(reverse("backoffice:payouts"), {"seller": seller.pk})
    post_refund(
        order_number=order.number, seller_id=seller.pk, amount=Money("5.00", "CNY"), refund_id="r1"
    )
    assert seller_payable(seller)["CNY"] == Money("-5.00", "CNY")

    html = operator.get(reverse("backoffice:payouts")).content.decode()
    assert f'id="payable-{seller.pk}"' in html

    response = operator.post(reverse("backoffice:payouts"), {"seller": seller.pk}, follow=True)
    assert "carried into the next payout" in response.content.decode()
    assert seller_payable(seller)["CNY"] == Money("-5.00", "CNY")


def test_paying_out_an_unknown_seller_says_so(operator):
    response = operator.post(reverse("backoffice:payouts"), {"seller": "nope"}, follow=True)
    assert "No such seller: nothing paid." in response.content.decode()


# --- query counts ------------------------------------------------------------------------


def _queries(client) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(page))
        assert response.status_code == 200
        counts[page] = len(captured)
    return counts


def _paid_and_released(pay) -> None:
    order, _payment = pay()
    _release(order)
    _forged_notification()


def test_money_pages_run_as_many_queries_for_five_checkouts_as_for_one(operator, pay):
    _paid_and_released(pay)
    one = _queries(operator)
    for _ in range(4):
        _paid_and_released(pay)
    assert Payment.objects.count() == 5
    assert _queries(operator) == one
