"""The notification receiver: only the wallet's genuine, newest word moves a payment,
and the succeeded handler runs once per payment however often it is told."""

from __future__ import annotations

import logging

import pytest

from entrepot.domain.money import Money
from entrepot.payments.models import Payment, PaymentNotification
from entrepot.payments.services import payment_refund
from tests.payments import handlers, transport
from tests.payments.conftest import event, notify

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.payments.urls_for_tests")]

Outcome = PaymentNotification.Outcome


def _outcomes(payment=None) -> list[str]:
    rows = PaymentNotification.objects.order_by("id")
    if payment is not None:
        rows = rows.filter(payment=payment)
    return list(rows.values_list("outcome", flat=True))


def test_a_signed_succeeded_notification_marks_the_payment_paid_and_runs_the_handler(
    client, payment
):
    response = notify(client, event(payment, sequence=2, status="succeeded"))

    assert (response.status_code, response.content) == (200, b"success")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.paid_at == payment.created_at
    assert payment.gateway_transaction_id == "SBXTEST0001"
    assert handlers.calls == [payment.pk]
    assert _outcomes() == [Outcome.APPLIED]


def test_pending_then_succeeded_in_order_are_both_applied(client, payment):
    notify(client, event(payment, sequence=1, status="pending"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert handlers.calls == []

    notify(client, event(payment, sequence=2, status="succeeded"))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert _outcomes() == [Outcome.APPLIED, Outcome.APPLIED]
    assert handlers.calls == [payment.pk]


def test_a_duplicate_notification_is_acknowledged_without_running_the_handler_again(
    client, payment
):
    body = event(payment, sequence=2, status="succeeded")

    first, second = notify(client, body), notify(client, body)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == b"success"
    assert handlers.calls == [payment.pk]
    assert _outcomes() == [Outcome.APPLIED, Outcome.DUPLICATE]


def test_a_replayed_success_after_a_full_refund_changes_nothing(client, paid):
    # what an eavesdropper captured: the wallet's signed "succeeded", headers and all
    _url, body, headers = transport.attempts[-1]
    payment_refund(payment=paid, amount=Money("128.50", "CNY"))
    assert paid.status == Payment.Status.REFUNDED

    response = notify(client, body, signature=headers["X-Sandbox-Signature"])

    assert response.status_code == 200
    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert handlers.calls == [paid.pk]
    assert _outcomes() == [Outcome.APPLIED, Outcome.APPLIED, Outcome.DUPLICATE]


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param("0" * 64, id="wrong-signature"),
        pytest.param("", id="no-signature"),
        pytest.param("ä-not-hex", id="garbage-signature"),
    ],
)
def test_a_notification_with_a_forged_signature_changes_nothing(client, payment, caplog, signature):
    body = event(payment, sequence=2, status="succeeded")

    with caplog.at_level(logging.WARNING, logger="entrepot.payments"):
        response = notify(client, body, signature=signature)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert handlers.calls == []
    record = PaymentNotification.objects.get()
    assert (record.outcome, record.signature_valid, record.payment) == (
        Outcome.REJECTED_SIGNATURE,
        False,
        None,
    )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "a forged notification is logged"
    assert all(str(payment.token) not in r.getMessage() for r in caplog.records)


def test_a_notification_signed_with_another_key_changes_nothing(client, payment):
    from entrepot.payments.gateway import sign

    body = event(payment, sequence=2, status="succeeded")

    response = notify(client, body, signature=sign("someone-elses-key", body))

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"amount": "1.00"}, id="lower-amount"),
        pytest.param({"amount": "128.51"}, id="one-fen-more"),
        pytest.param({"currency": "USD"}, id="other-currency"),
    ],
)
def test_a_notification_with_a_tampered_amount_changes_nothing(client, payment, changes):
    body = event(payment, sequence=2, status="succeeded", **changes)

    response = notify(client, body)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert handlers.calls == []
    record = PaymentNotification.objects.get()
    assert record.outcome == Outcome.REJECTED_AMOUNT
    assert "128.5" in record.note


def test_the_amount_may_be_written_with_other_trailing_zeros(client, payment):
    response = notify(client, event(payment, sequence=2, status="succeeded", amount="128.5"))

    assert response.status_code == 200
    assert _outcomes() == [Outcome.APPLIED]


def test_a_notification_for_an_unknown_payment_is_rejected(client, payment):
    body = event(
        payment, sequence=2, status="succeeded", payment="00000000-0000-4000-8000-000000000000"
    )

    response = notify(client, body)

    assert response.status_code == 400
    assert _outcomes() == [Outcome.REJECTED_UNKNOWN]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"payment": "x"}'],
    ids=["not-json", "not-an-object", "missing-fields"],
)
def test_a_signed_body_that_is_not_a_notification_is_rejected(client, payment, body):
    response = notify(client, body)

    assert response.status_code == 400
    record = PaymentNotification.objects.get()
    assert (record.outcome, record.signature_valid) == (Outcome.REJECTED_UNKNOWN, True)


def test_an_older_pending_notification_after_succeeded_is_stale_and_changes_nothing(
    client, payment
):
    notify(client, event(payment, sequence=2, status="succeeded"))

    response = notify(client, event(payment, sequence=1, status="pending"))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.last_event_sequence) == (Payment.Status.SUCCEEDED, 2)
    assert _outcomes() == [Outcome.APPLIED, Outcome.STALE]
    assert handlers.calls == [payment.pk]


def test_a_success_reported_for_a_cancelled_payment_is_left_to_a_person(client, payment, caplog):
    notify(client, event(payment, sequence=1, status="cancelled"))

    with caplog.at_level(logging.ERROR, logger="entrepot.payments"):
        response = notify(client, event(payment, sequence=2, status="succeeded"))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert handlers.calls == []
    stale = PaymentNotification.objects.get(outcome=Outcome.STALE)
    assert "refund it or settle it by hand" in stale.note
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_a_failing_handler_keeps_nothing_and_the_wallets_retry_applies_the_payment(
    client, payment, settings
):
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "tests.payments.handlers.fail_once"
    handlers.failures_left[0] = 1
    body = event(payment, sequence=2, status="succeeded")

    first = notify(client, body)

    assert first.status_code == 500
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert _outcomes() == []

    second = notify(client, body)

    assert second.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert handlers.calls == [payment.pk]
    assert _outcomes() == [Outcome.APPLIED]


def test_the_notification_url_answers_post_only(client):
    from django.urls import reverse

    assert client.get(reverse("payments:notify_sandbox")).status_code == 405
