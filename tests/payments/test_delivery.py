"""Delivery of sandbox notifications: retried with doubling delays until acknowledged,
given up after the configured attempts; the production transport speaks real HTTP."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from entrepot.payments.gateway import retry_delay, urllib_transport
from entrepot.payments.models import Payment
from tests.payments import transport

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.payments.urls_for_tests")]


def _cancel(client, payment, on_commit) -> None:
    with on_commit(execute=True):
        client.post(reverse("payments:sandbox_cancel", args=[payment.token]))


# when each task scheduled for later was scheduled, by task id (naive UTC, like huey)
_scheduled_at: dict[str, datetime] = {}


def _run_scheduled(huey, on_commit) -> list[float]:
    """Run the retries waiting in huey's schedule, earliest first, as a worker would
    when their time comes; answers how long each waited after it was scheduled."""
    waits = []
    while scheduled := huey.scheduled():
        task = min(scheduled, key=lambda t: t.eta)
        waits.append((task.eta - _scheduled_at[task.id]).total_seconds())
        with on_commit(execute=True):
            for ready in huey.read_schedule(task.eta):
                huey.execute(ready, timestamp=ready.eta)
    return waits


@pytest.fixture
def scheduled_at(monkeypatch, immediate_huey):
    """Note when each task was scheduled for later."""
    _scheduled_at.clear()
    original = immediate_huey.add_schedule

    def add_schedule(task):
        _scheduled_at[task.id] = datetime.now(UTC).replace(tzinfo=None)
        return original(task)

    monkeypatch.setattr(immediate_huey, "add_schedule", add_schedule)
    return immediate_huey


def test_a_refused_notification_is_retried_with_doubling_delays_until_acknowledged(
    client, payment, scheduled_at, django_capture_on_commit_callbacks
):
    transport.refusals[:] = [500, 503]

    _cancel(client, payment, django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED  # the shop was down

    waits = _run_scheduled(scheduled_at, django_capture_on_commit_callbacks)

    assert len(transport.attempts) == 3
    assert len({body for _url, body, _headers in transport.attempts}) == 1
    assert waits == pytest.approx([retry_delay(1), retry_delay(2)], abs=0.5)
    assert waits == pytest.approx([2, 4], abs=0.5)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED


def test_delivery_gives_up_after_the_configured_attempts(
    client, payment, settings, scheduled_at, django_capture_on_commit_callbacks, caplog
):
    settings.ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS = 3
    transport.refusals[:] = [500] * 10

    with caplog.at_level(logging.WARNING, logger="entrepot.payments"):
        _cancel(client, payment, django_capture_on_commit_callbacks)
        _run_scheduled(scheduled_at, django_capture_on_commit_callbacks)

    assert len(transport.attempts) == 3
    assert scheduled_at.scheduled() == []
    assert any("giving up" in r.getMessage() for r in caplog.records)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


def test_retry_delays_double_and_stop_growing_at_ten_minutes():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert retry_delay(30) == 600


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str]] = []
    answer = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.received.append((self.rfile.read(length), self.headers["X-Sandbox-Signature"]))
        self.send_response(self.answer)
        self.end_headers()
        self.wfile.write(b"success")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    _Receiver.answer = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_http_transport_posts_the_body_and_its_signature(receiver):
    url = f"http://127.0.0.1:{receiver.server_port}/payments/notify/sandbox/"

    answer = urllib_transport(url, b'{"a":1}', {"X-Sandbox-Signature": "abc"})

    assert answer == 200
    assert _Receiver.received == [(b'{"a":1}', "abc")]


def test_the_http_transport_reports_an_error_answer_and_no_answer(receiver):
    _Receiver.answer = 500
    url = f"http://127.0.0.1:{receiver.server_port}/"
    assert urllib_transport(url, b"{}", {}) == 500

    receiver.shutdown()
    receiver.server_close()
    assert urllib_transport(url, b"{}", {}) == 0
