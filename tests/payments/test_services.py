"""payment_create and payment_refund: what they accept and what they refuse."""

from __future__ import annotations

import pytest

from entrepot.domain.money import Money
from entrepot.payments.exceptions import PaymentRefused, UnsupportedCurrency
from entrepot.payments.models import Payment, PaymentRefund
from entrepot.payments.services import payment_create, payment_refund

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.payments.urls_for_tests")]


@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY"])
def test_a_payment_in_another_currency_than_cny_is_refused_clearly(currency):
    with pytest.raises(UnsupportedCurrency) as refused:
        payment_create(reference="checkout:1", amount=Money("10", currency), payer_name="李雷")

    assert str(refused.value) == (
        f"Payments are taken in CNY only for now, not in {currency}: "
        "convert the amount to CNY first."
    )
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("amount", "says"),
    [("0", "more than zero"), ("-5.00", "more than zero"), ("10.005", "fractions")],
)
def test_an_amount_that_cannot_be_paid_is_refused(amount, says):
    with pytest.raises(PaymentRefused, match=says):
        payment_create(reference="checkout:1", amount=Money(amount, "CNY"), payer_name="李雷")


def test_a_payment_without_a_reference_or_payer_is_refused():
    with pytest.raises(PaymentRefused, match="reference"):
        payment_create(reference=" ", amount=Money("10", "CNY"), payer_name="李雷")
    with pytest.raises(PaymentRefused, match="payer"):
        payment_create(reference="checkout:1", amount=Money("10", "CNY"), payer_name="")


def test_a_paid_payment_is_refunded_in_part_then_in_full(paid):
    first = payment_refund(payment=paid, amount=Money("28.50", "CNY"))

    assert first.status == PaymentRefund.Status.SUCCEEDED
    assert first.gateway_refund_id.startswith("SBR")
    assert paid.status == Payment.Status.SUCCEEDED

    payment_refund(payment=paid, amount=Money("100", "CNY"))

    assert paid.status == Payment.Status.REFUNDED


def test_a_refund_above_what_is_left_is_refused(paid):
    payment_refund(payment=paid, amount=Money("100", "CNY"))

    with pytest.raises(PaymentRefused, match="left to refund"):
        payment_refund(payment=paid, amount=Money("28.51", "CNY"))

    assert paid.refunds.count() == 1


def test_an_unpaid_payment_cannot_be_refunded(payment):
    with pytest.raises(PaymentRefused, match="Only a paid payment"):
        payment_refund(payment=payment, amount=Money("1", "CNY"))


def test_a_refund_in_another_currency_is_refused(paid):
    with pytest.raises(PaymentRefused, match="refund in CNY, not USD"):
        payment_refund(payment=paid, amount=Money("1", "USD"))


def test_the_sandbox_page_is_stored_with_the_payments_insert(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    with CaptureQueriesContext(connection) as queries:
        payment = payment_create(
            reference="checkout:7", amount=Money("10", "CNY"), payer_name="李雷"
        )
    writes = [q["sql"].split()[0] for q in queries.captured_queries]
    assert writes.count("INSERT") == 2 and "UPDATE" not in writes  # payment, sandbox charge
    stored = Payment.objects.get(pk=payment.pk)
    assert stored.payer_url == payment.payer_url and str(payment.token) in stored.payer_url


def test_a_wallet_that_names_its_page_only_when_asked_still_gets_it_stored(monkeypatch):
    class Wallet:  # like a real provider: the page comes back from registering
        name = "sandbox"

        def create_payment(self, payment):
            return f"https://wallet.example/pay/{payment.pk}"

    monkeypatch.setattr("entrepot.payments.services.gateway_for", lambda _name: Wallet())
    payment = payment_create(reference="checkout:8", amount=Money("10", "CNY"), payer_name="李雷")
    stored = Payment.objects.get(pk=payment.pk)
    assert stored.payer_url == f"https://wallet.example/pay/{payment.pk}"
