"""The sandbox wallet end to end: its page, Pay and Cancel, its signed notifications
delivered by the worker task, the payer's result page, and its query."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.urls import reverse

from entrepot.domain.money import Money
from entrepot.payments import services
from entrepot.payments.gateway import SIGNATURE_HEADER, SandboxGateway, sign
from entrepot.payments.models import Payment, PaymentNotification
from entrepot.payments.services import payment_refund
from tests.payments import handlers, transport
from tests.payments.conftest import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.payments.urls_for_tests")]


@pytest.fixture(autouse=True)
def _english(client):
    """The wallet pages are buyer pages (Chinese first); these tests read the English."""
    client.cookies["django_language"] = "en"


def _press(client, payment, button: str, on_commit):
    """Press Pay or Cancel on the sandbox page; the worker's tasks run on commit."""
    with on_commit(execute=True):
        return client.post(reverse(f"payments:sandbox_{button}", args=[payment.token]))


def test_a_new_payment_sends_the_payer_to_the_sandbox_page(payment):
    assert payment.payer_url == reverse("payments:sandbox_page", args=[payment.token])
    assert payment.status == Payment.Status.CREATED


def test_the_sandbox_page_says_no_real_money_moves_and_offers_pay_and_cancel(client, payment):
    response = client.get(payment.payer_url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sandbox wallet — no real money moves" in html
    assert "128.50" in html
    assert reverse("payments:sandbox_pay", args=[payment.token]) in html
    assert reverse("payments:sandbox_cancel", args=[payment.token]) in html
    assert "csrfmiddlewaretoken" in html


def test_paying_on_the_sandbox_page_marks_the_payment_paid_through_signed_notifications(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    response = _press(client, payment, "pay", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("payments:result", args=[payment.token])
    assert [url for url, _body, _headers in transport.attempts] == [
        "http://testserver/payments/notify/sandbox/"
    ] * 2
    for _url, body, headers in transport.attempts:
        assert headers[SIGNATURE_HEADER] == sign(SECRET, body)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.gateway_transaction_id.startswith("SBX")
    assert handlers.calls == [payment.pk]
    outcomes = PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)
    assert list(outcomes) == ["applied", "applied"]
    result = client.get(response["Location"]).content.decode()
    assert "Paid. Thank you!" in result


def test_cancelling_on_the_sandbox_page_cancels_the_payment(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    _press(client, payment, "cancel", django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert handlers.calls == []


def test_pressing_pay_twice_sends_one_set_of_notifications(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    _press(client, payment, "pay", django_capture_on_commit_callbacks)
    _press(client, payment, "pay", django_capture_on_commit_callbacks)
    _press(client, payment, "cancel", django_capture_on_commit_callbacks)

    assert len(transport.attempts) == 2
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    page = client.get(payment.payer_url).content.decode()
    assert reverse("payments:sandbox_pay", args=[payment.token]) not in page


def test_the_result_page_refreshes_itself_only_while_the_payment_is_open(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    url = reverse("payments:result", args=[payment.token])
    waiting = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' in waiting
    assert reverse("payments:status", args=[payment.token]) in waiting

    _press(client, payment, "pay", django_capture_on_commit_callbacks)

    done = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' not in done


def test_the_status_endpoint_reports_the_payment_status(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    url = reverse("payments:status", args=[payment.token])
    assert client.get(url).json() == {
        "status": "created",
        "label": "Waiting for the payer",
        "final": False,
    }

    _press(client, payment, "pay", django_capture_on_commit_callbacks)

    assert client.get(url).json()["status"] == "succeeded"
    assert client.get(url).json()["final"] is True


def test_the_sandbox_query_answers_from_the_wallets_side(client, payment):
    wallet = SandboxGateway(SECRET)
    assert wallet.query(payment) == Payment.Status.CREATED

    # the payer paid, but no notification was delivered (the on-commit tasks of this
    # test's transaction never run): the wallet knows, the shop does not
    client.post(reverse("payments:sandbox_pay", args=[payment.token]))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert wallet.query(payment) == Payment.Status.SUCCEEDED


def test_the_sandbox_query_reports_a_full_refund(
    client, payment, immediate_huey, django_capture_on_commit_callbacks
):
    _press(client, payment, "pay", django_capture_on_commit_callbacks)
    payment.refresh_from_db()

    payment_refund(payment=payment, amount=Money("128.50", "CNY"))

    assert SandboxGateway(SECRET).query(payment) == Payment.Status.REFUNDED


def test_an_unknown_token_has_no_sandbox_page(client):
    url = reverse("payments:sandbox_page", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("seed", range(6))
def test_in_chaos_mode_every_notification_comes_twice_and_the_handler_still_runs_once(
    client, payment, settings, immediate_huey, django_capture_on_commit_callbacks, seed
):
    settings.ENTREPOT_PAYMENT_SANDBOX_CHAOS = True
    services._chaos.seed(seed)

    _press(client, payment, "pay", django_capture_on_commit_callbacks)

    bodies = Counter(body for _url, body, _headers in transport.attempts)
    assert sorted(bodies.values()) == [2, 2]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert handlers.calls == [payment.pk]
    outcomes = Counter(PaymentNotification.objects.values_list("outcome", flat=True))
    assert outcomes["applied"] in (1, 2)
    assert sum(outcomes.values()) == 4
    assert set(outcomes) <= {"applied", "duplicate", "stale"}
    if json.loads(transport.attempts[0][1])["status"] == "succeeded":
        # "pending" came after "succeeded": both its deliveries are stale
        assert (outcomes["applied"], outcomes["stale"]) == (1, 2)
