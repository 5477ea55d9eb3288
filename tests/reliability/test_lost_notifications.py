"""The sandbox wallet's notifications that a killed worker was delivering are delivered
again when a worker starts (huey takes a task off the queue before running it, so a
SIGKILL loses it; test_crash_safety.py showed a Pay answered and never applied)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from entrepot.domain.money import Money
from entrepot.payments import tasks
from entrepot.payments.models import Payment, PaymentNotification, SandboxCharge
from entrepot.payments.services import payment_create, sandbox_notifications_resend
from tests.payments import handlers, transport

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.payments.urls_for_tests")]


@pytest.fixture(autouse=True)
def _wallet(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "tests.payments.handlers.count"
    settings.ENTREPOT_PAYMENT_SANDBOX_CHAOS = False
    settings.ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL = ""
    handlers.calls.clear()
    handlers.failures_left[0] = 0
    transport.reset()
    was = HUEY.immediate
    HUEY.immediate = True
    HUEY.flush()
    yield
    HUEY.flush()
    HUEY.immediate = was
    transport.reset()


@pytest.fixture
def payment():
    return payment_create(
        reference="checkout:42", amount=Money("88.00", "CNY"), payer_name="王小明"
    )


def _press_and_lose(client, payment, button, on_commit) -> None:
    """Press the button; the worker dies with the deliveries: they never run."""
    with on_commit(execute=False) as lost:
        response = client.post(reverse(f"payments:sandbox_{button}", args=[payment.token]))
    assert response.status_code == 302
    assert len(lost) == (2 if button == "pay" else 1)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


def test_a_pay_whose_deliveries_died_with_the_worker_is_applied_once_when_a_worker_starts(
    client, payment, django_capture_on_commit_callbacks
):
    _press_and_lose(client, payment, "pay", django_capture_on_commit_callbacks)
    charge = SandboxCharge.objects.get(payment=payment)
    assert charge.notify_url == "http://testserver/payments/notify/sandbox/"

    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_notifications_resend() == 1

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.gateway_transaction_id == charge.transaction_id
    assert handlers.calls == [payment.pk]
    assert [url for url, _body, _headers in transport.attempts] == [charge.notify_url] * 2
    # the payment moved: nothing left to send again
    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_notifications_resend() == 0
    assert handlers.calls == [payment.pk]


def test_when_only_succeeded_was_lost_the_pending_sent_again_is_a_duplicate(
    client, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("payments:sandbox_pay", args=[payment.token]))
    pending, _succeeded_lost = queued
    pending()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_notifications_resend() == 1

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    outcomes = PaymentNotification.objects.order_by("id").values_list("event_status", "outcome")
    assert list(outcomes) == [
        ("pending", "applied"), ("pending", "duplicate"), ("succeeded", "applied")
    ]  # fmt: skip
    assert handlers.calls == [payment.pk]


def test_a_lost_cancel_is_delivered_again_and_old_or_untouched_charges_are_left_alone(
    client, payment, django_capture_on_commit_callbacks
):
    _press_and_lose(client, payment, "cancel", django_capture_on_commit_callbacks)
    untouched = payment_create(reference="checkout:43", amount=Money("9.00", "CNY"),
                               payer_name="王小明")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_notifications_resend(now=timezone.now() + timedelta(days=2)) == 0
        assert sandbox_notifications_resend() == 1

    payment.refresh_from_db()
    untouched.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert untouched.status == Payment.Status.CREATED
    assert len(transport.attempts) == 1


def test_the_worker_startup_hook_sends_again_once_per_process_whatever_its_threads(
    client, payment, django_capture_on_commit_callbacks, monkeypatch
):
    _press_and_lose(client, payment, "pay", django_capture_on_commit_callbacks)
    monkeypatch.setattr(tasks, "_started", type(tasks._started)())
    assert "resend_lost_sandbox_notifications" in HUEY._startup

    with django_capture_on_commit_callbacks(execute=True):
        tasks.resend_lost_sandbox_notifications.__wrapped__()  # each worker thread calls it
        tasks.resend_lost_sandbox_notifications.__wrapped__()

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert len(transport.attempts) == 2
