"""Payments fixtures: a known sandbox secret, deliveries through the test client, a
counting succeeded handler, and helpers to speak as the wallet."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from entrepot.domain.money import Money
from entrepot.payments.gateway import SandboxGateway, sign
from entrepot.payments.services import payment_create
from tests.payments import handlers, transport

SECRET = "sandbox-secret-for-tests"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = SECRET
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "tests.payments.handlers.count"
    settings.ENTREPOT_PAYMENT_SANDBOX_CHAOS = False
    settings.ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS = 5
    settings.ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL = ""
    handlers.calls.clear()
    handlers.failures_left[0] = 0
    transport.reset()
    yield
    transport.reset()


@pytest.fixture
def immediate_huey():
    """Tasks run inline when enqueued; ones scheduled for later wait in HUEY.scheduled()."""
    was = HUEY.immediate
    HUEY.immediate = True
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = was


@pytest.fixture
def payment(db):
    return payment_create(
        reference="checkout:42", amount=Money("128.50", "CNY"), payer_name="王小明"
    )


@pytest.fixture
def paid(client, payment, immediate_huey, django_capture_on_commit_callbacks):
    """`payment`, paid by pressing Pay on the sandbox page, its notifications delivered."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:sandbox_pay", args=[payment.token]))
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    return payment


def event(payment, /, *, sequence: int, status: str, **changes) -> bytes:
    """A wallet event about `payment` as the sandbox writes it; `changes` override fields
    (a tampered amount, another currency)."""
    body = SandboxGateway(SECRET).event_body(
        payment, sequence=sequence, status=status, transaction_id="SBXTEST0001",
        occurred_at=payment.created_at,
    )  # fmt: skip
    if not changes:
        return body
    data = json.loads(body) | changes
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def notify(client, body: bytes, *, signature: str | None = None):
    """POST `body` to the sandbox notification URL, signed with the test secret unless
    `signature` says otherwise ("" sends no signature header)."""
    signature = sign(SECRET, body) if signature is None else signature
    headers = {"X-Sandbox-Signature": signature} if signature else {}
    return client.post(
        reverse("payments:notify_sandbox"),
        data=body,
        content_type="application/json",
        headers=headers,
    )
