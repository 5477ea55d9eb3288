"""Customs declarations per second through the worker path.

    .venv/bin/python benchmarks/customs.py [--orders 1000] [--buyers 200]

In a fresh data directory (SQLite; on PostgreSQL the database named by DATABASE_URL,
flushed first) it places and pays `--orders` single-seller CBEC orders for `--buyers`
verified buyers in China (through checkout_place and the payments app's success
handler, as a wallet notification would), then measures:

1. domain only: the four documents built, checked, rendered and validated against
   the XSD, per second (no database);
2. the worker's customs cycle (`entrepot.customs.tasks.customs_cycle`, the periodic
   task, called as the worker calls it) with the simulated port answering later:
   declarations created (waybill booked), built from the records, checked, rendered,
   validated and submitted per second;
3. the next cycles once the receipts are due: receipts (5 per order: CEB312, 412, 512,
   622 accepted, 622 released) taken and applied per second, orders moved to cleared.
The simulated port rejects nothing at random here (rate 0): every declaration clears.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness import run_measurement  # noqa: E402


def _resident_id(n: int) -> str:
    from entrepot.domain.resident_id import check_character

    first17 = f"110105{1960 + n % 40:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + check_character(first17)


def _domain_rate(seconds: float) -> dict:
    from entrepot.domain.customs import ceb_xml, checks
    from tests.domain.customs_helpers import AT, documents

    count, started = 0, time.perf_counter()
    today = AT.date()
    while time.perf_counter() - started < seconds:
        docs = documents(attempt=1 + count % 3)
        assert not checks.check_documents(docs, year_to_date=0, today=today)
        for message in docs.messages():
            ceb_xml.render_valid(message)
        count += 1
    elapsed = time.perf_counter() - started
    return {"declarations": count, "seconds": round(elapsed, 2),
            "per_second": round(count / elapsed)}  # fmt: skip


def _setup(orders: int, buyers: int) -> dict:
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from entrepot.buyers.models import Buyer
    from entrepot.buyers.services import identity_verify
    from entrepot.catalog.models import Category, Product, ProductVariant
    from entrepot.logistics.services import stock_set, warehouse_own_ensure
    from entrepot.orders.checkout import Address, CartLine, checkout_place
    from entrepot.orders.payment_flow import checkout_paid, checkout_reference
    from entrepot.payments.models import Payment
    from entrepot.pricing.models import ExchangeRate
    from entrepot.pricing.positive_list import positive_list_load_sample
    from entrepot.sellers.models import Seller

    started = time.perf_counter()
    for currency, rate in {"USD": "1.1172", "CNY": "7.4326", "GBP": "0.8338"}.items():
        ExchangeRate.objects.create(currency=currency, rate_per_eur=Decimal(rate),
                                    effective_date=date(2026, 10, 30), source="bench")  # fmt: skip
    positive_list_load_sample()
    users = get_user_model().objects
    category = Category.objects.create(slug="vitamins", name_en="Vitamins", name_zh="维生素")
    variants = []
    for s in range(20):
        seller = Seller.objects.create(
            user=users.create_user(username=f"seller{s}@bench.example"), business_name=f"Shop {s}",
            slug=f"shop-{s}", country="US", city="Columbus", currency="USD",
            verification_status="approved",
        )  # fmt: skip
        product = Product.objects.create(
            seller=seller, category=category, title_en=f"Vitamin D3 #{s}",
            title_zh=f"维生素D3 {s}号", hs_code="21069090", origin_country="US",
            weight_grams=180, price_amount=Decimal("19.99"), currency="USD",
            status=Product.Status.PUBLISHED,
        )  # fmt: skip
        variant = ProductVariant.objects.create(
            product=product, sku=f"BENCH-{s}", name_en="60 softgels", name_zh="60粒",
            price_amount=Decimal("19.99"), currency="USD", stock=0, weight_grams=180,
        )  # fmt: skip
        stock_set(variant=variant, warehouse=warehouse_own_ensure(seller=seller), quantity=10**6)
        variants.append(variant)
    people = []
    for b in range(buyers):
        buyer = Buyer.objects.create(user=users.create_user(username=f"buyer{b}@bench.example"),
                                     display_name="王芳", country="CN")  # fmt: skip
        identity_verify(buyer=buyer, name="王芳", id_number=_resident_id(b), consent=True,
                        today=date(2026, 11, 27))  # fmt: skip
        people.append(Buyer.objects.select_related("identity", "user").get(pk=buyer.pk))
    address = Address(name="王芳", phone="13800138000", address="浙江省杭州市西湖区文三路100号")
    for n in range(orders):
        buyer = people[n % buyers]
        checkout = checkout_place(buyer=buyer, lines=[CartLine(variants[n % 20].id, 1)],
                                  now=timezone.now(), address=address)  # fmt: skip
        with transaction.atomic():
            payment = Payment.objects.create(
                reference=checkout_reference(checkout), amount=checkout.total_amount,
                currency="CNY", payer_name="王芳",
                payer_id_fingerprint=buyer.identity.id_number_fingerprint,
                status=Payment.Status.SUCCEEDED, gateway_transaction_id=f"BENCH{n:08d}",
                paid_at=timezone.now(),
            )  # fmt: skip
            checkout_paid(payment=payment)
    return {"seconds": round(time.perf_counter() - started, 1)}


def _measure(orders: int, buyers: int, domain_seconds: float) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from entrepot.customs.models import CustomsReceipt, Declaration, SimulatedPortReceipt
    from entrepot.customs.tasks import customs_cycle
    from entrepot.orders.models import Order

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    domain = _domain_rate(domain_seconds)
    setup = _setup(orders, buyers)
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.0
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 3600  # receipts come in the next phase

    started, cycles = time.perf_counter(), 0
    while Order.objects.filter(status="paid", declaration__isnull=True).exists():
        customs_cycle.call_local()
        cycles += 1
    declare_seconds = time.perf_counter() - started
    submitted = Declaration.objects.filter(status="submitted").count()

    # time passes at the port: every receipt comes due; the same worker cycle takes them
    SimulatedPortReceipt.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    started = time.perf_counter()
    while CustomsReceipt.objects.count() < submitted * 5:
        customs_cycle.call_local()
    receipt_seconds = time.perf_counter() - started
    receipts = CustomsReceipt.objects.count()
    return {
        "vendor": connection.vendor, "orders": orders, "buyers": buyers, "setup": setup,
        "domain": domain,
        "declare": {"declarations": submitted, "cycles": cycles,
                    "seconds": round(declare_seconds, 2),
                    "per_second": round(submitted / declare_seconds)},
        "receipts": {"receipts": receipts, "seconds": round(receipt_seconds, 2),
                     "per_second": round(receipts / receipt_seconds),
                     "cleared": Order.objects.filter(status="cleared").count()},
    }  # fmt: skip


def _print(result: dict) -> None:
    d, c, r = result["domain"], result["declare"], result["receipts"]
    print(f"\nCustoms — database: {result['vendor']}; {result['orders']:,} paid CBEC orders of "
          f"{result['buyers']:,} buyers (set up in {result['setup']['seconds']} s)")  # fmt: skip
    print(f"{'step':<58} {'count':>7} {'seconds':>8} {'per s':>7}")
    print(f"{'domain: 4 documents built, checked, rendered, XSD-valid':<58} "
          f"{d['declarations']:>7,} {d['seconds']:>8} {d['per_second']:>7,}")  # fmt: skip
    print(f"{'worker: declarations created, built, validated, submitted':<58} "
          f"{c['declarations']:>7,} {c['seconds']:>8} {c['per_second']:>7,}")  # fmt: skip
    print(f"{'worker: receipts taken and applied (5 per order)':<58} "
          f"{r['receipts']:>7,} {r['seconds']:>8} {r['per_second']:>7,}")  # fmt: skip
    print(f"orders cleared: {r['cleared']:,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--domain-seconds", type=float, default=3.0)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.orders, args.buyers, args.domain_seconds)))
        return 0
    with tempfile.TemporaryDirectory(prefix="entrepot-bench-customs-") as data_dir:
        result = run_measurement(
            __file__, ["--one", "--orders", str(args.orders), "--buyers", str(args.buyers),
                       "--domain-seconds", str(args.domain_seconds)], data_dir, cwd=ROOT,
        )  # fmt: skip
    if isinstance(result, int):
        return result
    _print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
