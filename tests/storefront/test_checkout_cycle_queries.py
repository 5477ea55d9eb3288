"""What one checkout costs the database, step by step: the buyer's whole path with a
two-seller cart, as benchmarks/checkout.py drives it over HTTP. The budgets keep the
hot path from growing queries unnoticed (docs/performance.md quotes them)."""

import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.buyers.services import identity_verify
from entrepot.payments.gateway import SIGNATURE_HEADER, sign
from entrepot.payments.models import Payment
from tests.storefront.test_checkout_pages import ADDRESS, buyer, market  # noqa: F401

pytestmark = pytest.mark.django_db
SECRET = "sandbox-secret-for-tests"
# step -> most queries allowed (savepoints and transaction statements count)
BUDGET = {
    "cart add": 4,
    "checkout": 30,
    "review": 8,
    "pay": 12,
    "wallet page": 6,
    "notify": 20,  # 16 once the sellers have counters; their first payment adds 3
}


def _event(payment: Payment) -> bytes:
    now = datetime.now(UTC)
    event = {
        "amount": f"{payment.amount:.2f}", "currency": payment.currency,
        "occurred_at": now.isoformat(), "payment": str(payment.token), "sequence": 2,
        "status": "succeeded", "transaction_id": "SBX20261127CYCLE0001",
    }  # fmt: skip
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode()


def _cycle(client, variants) -> dict[str, list[str]]:
    steps: dict[str, list[str]] = {}

    def step(name, method, path, data=None, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, data, **kwargs)
        steps.setdefault(name, []).extend(q["sql"] for q in queries.captured_queries)
        return response

    for variant in variants:
        assert step("cart add", "post", reverse("storefront:cart_add"),
                    {"variant": variant.id}).status_code == 302  # fmt: skip
    review = step("checkout", "post", reverse("storefront:checkout"), ADDRESS)["Location"]
    assert step("review", "get", review).status_code == 200
    wallet = step("pay", "post", review)["Location"]
    assert step("wallet page", "get", wallet).status_code == 200
    payment = Payment.objects.get(token=wallet.rstrip("/").rsplit("/", 1)[1])
    body = _event(payment)
    client.logout()  # the wallet's server posts without the buyer's cookies
    answer = step("notify", "post", reverse("payments:notify_sandbox"), body,
                  content_type="application/json",
                  headers={SIGNATURE_HEADER: sign(SECRET, body)})  # fmt: skip
    assert answer.status_code == 200, answer.content
    return steps


def test_one_two_seller_checkout_stays_within_its_query_budget(client, market, buyer):  # noqa: F811
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    steps = _cycle(client, market)
    assert Payment.objects.get().status == "succeeded"
    counts = {name: len(sqls) for name, sqls in steps.items()}
    counts["cart add"] //= len(market)
    print("\nqueries per step:", counts, "total", sum(len(s) for s in steps.values()))
    for name, sqls in steps.items():
        for sql in sqls:
            print(f"  {name:12} {sql[:150]}")
    over = {name: (n, BUDGET[name]) for name, n in counts.items() if n > BUDGET[name]}
    assert not over, f"steps over their query budget (got, allowed): {over}"
