"""What one order costs PostgreSQL, measured (docs/scaling.md quotes it). Run in a
subprocess against a freshly migrated database of its own (DATABASE_URL) by
tests/topology/test_order_cost.py; prints one line of JSON.

The buyer's path as benchmarks/checkout.py drives it, through Django's test client:
cart add (per line), checkout (address), review, Pay, the sandbox wallet page, and the
wallet's signed "succeeded" notification. Per step: the SQL statements sent
(CaptureQueriesContext; BEGIN/COMMIT/SAVEPOINT included) and the rows written, from
PostgreSQL's own counters (pg_stat_user_tables n_tup_ins/upd/del, flushed with
pg_stat_force_next_flush() after each step and read over a second connection).
Rounds 1-2 warm the caches (rates, catalogue fragments); the reported round is the third.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime

SECRET = "order-cost-sandbox-secret"
ADDRESS = {
    "consignee_name": "王芳",
    "consignee_phone": "13800138000",
    "consignee_address": "浙江省杭州市西湖区文三路100号",
}
ROUNDS = 3


def _stats(url: str) -> Counter:
    import psycopg

    rows = Counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET stats_fetch_consistency = none")
        for table, ins, upd, dele in conn.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
        ):
            rows[(table, "insert")] += ins
            rows[(table, "update")] += upd
            rows[(table, "delete")] += dele
    return rows


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from entrepot.buyers.services import identity_verify
    from entrepot.logistics.services import stock_set, warehouse_own_ensure
    from entrepot.payments.gateway import SIGNATURE_HEADER, sign
    from entrepot.payments.models import Payment
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = SECRET
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    url = settings.DATABASES["default"]
    dsn = f"postgresql://{url['USER']}:{url['PASSWORD']}@{url['HOST']}:{url['PORT']}/{url['NAME']}"

    factories.rates()
    positive_list_load_sample()
    variants = []
    for country, currency, price in (("US", "USD", "19.99"), ("FR", "EUR", "24.00")):
        seller = factories.seller(country=country, currency=currency,
                                  verification_status="approved")  # fmt: skip
        product = factories.product(seller=seller, category=factories.category(), price=price,
                                    variants=1)  # fmt: skip
        variant = product.variants.get()
        stock_set(variant=variant, warehouse=warehouse_own_ensure(seller=seller), quantity=1000)
        variants.append(variant)
    buyer = factories.buyer()
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=datetime.now(UTC).date())  # fmt: skip
    client = Client()
    client.force_login(buyer.user)
    wallet = Client()

    def step(name, results, call):
        before = _stats(dsn)
        with CaptureQueriesContext(connection) as queries:
            response = call()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        after = _stats(dsn)
        written = Counter({k: after[k] - before[k] for k in after if after[k] != before[k]})
        entry = results.setdefault(name, {"queries": 0, "rows": Counter()})
        entry["queries"] += len(queries)
        entry["rows"] += written
        return response

    def event(payment) -> bytes:
        now = datetime.now(UTC)
        body = {
            "amount": f"{payment.amount:.2f}", "currency": payment.currency,
            "occurred_at": now.isoformat(), "payment": str(payment.token), "sequence": 2,
            "status": "succeeded", "transaction_id": f"SBX{now:%Y%m%d}{payment.pk:016d}",
        }  # fmt: skip
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def cycle(lines) -> dict:
        results: dict = {}
        for variant in lines:
            answer = step("cart add", results, lambda v=variant: client.post(
                reverse("storefront:cart_add"), {"variant": v.id}))  # fmt: skip
            assert answer.status_code == 302, answer
        answer = step("checkout", results,
                      lambda: client.post(reverse("storefront:checkout"), ADDRESS))  # fmt: skip
        review = answer["Location"]
        assert step("review", results, lambda: client.get(review)).status_code == 200
        wallet_page = step("pay", results, lambda: client.post(review))["Location"]
        assert "/payments/sandbox/" in wallet_page, wallet_page
        assert step("wallet page", results, lambda: client.get(wallet_page)).status_code == 200
        payment = Payment.objects.get(token=wallet_page.rstrip("/").rsplit("/", 1)[1])
        body = event(payment)
        answer = step("notify", results, lambda: wallet.post(
            reverse("payments:notify_sandbox"), body, content_type="application/json",
            headers={SIGNATURE_HEADER: sign(SECRET, body)}))  # fmt: skip
        assert answer.status_code == 200, answer.content
        payment.refresh_from_db()
        assert payment.status == "succeeded"
        return results

    def summary(results) -> dict:
        steps = {}
        tables: Counter = Counter()
        for name, entry in results.items():
            steps[name] = {"queries": entry["queries"], "rows": sum(entry["rows"].values())}
            tables += entry["rows"]
        return {
            "steps": steps,
            "queries": sum(s["queries"] for s in steps.values()),
            "rows": sum(s["rows"] for s in steps.values()),
            "inserted": sum(n for (_t, op), n in tables.items() if op == "insert"),
            "updated": sum(n for (_t, op), n in tables.items() if op == "update"),
            "deleted": sum(n for (_t, op), n in tables.items() if op == "delete"),
            "tables": {f"{t} {op}": n for (t, op), n in sorted(tables.items())},
        }

    answer = {}
    for label, lines in (("one seller, one order", variants[:1]),
                         ("two sellers, two orders", variants)):  # fmt: skip
        for _round in range(ROUNDS):
            results = cycle(lines)
        answer[label] = summary(results)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
