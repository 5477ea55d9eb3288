"""Seeding rate and storefront page cost at 10k / 100k / 1M products.

Each size runs in its own interpreter (settings bind the database at start-up) and
prints one JSON line; the parent prints the table. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from harness import run_measurement

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
REPEAT = 60


def _measure_one(size: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from entrepot.catalog.models import Category, Product
    from entrepot.seeding.seed import seed
    from entrepot.sellers.models import Seller

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    report = seed(
        sellers=max(50, size // 200),
        products=size,
        buyers=max(100, size // 20),
        orders=max(100, size // 10),
        seed=1,
        progress=False,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "sqlite":
        db_bytes = os.path.getsize(settings.DATABASES["default"]["NAME"])
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            db_bytes = cursor.fetchone()[0]

    category = Category.objects.order_by("id")[5]
    seller = Seller.objects.order_by("id")[3]
    product = Product.objects.filter(status="published").order_by("-id")[size // 2 :].first()
    deep = Product.objects.filter(category=category, status="published").order_by("id")[100].id
    pages = {
        "home": "/",
        "category": f"/c/{category.slug}/",
        "category, deep page": f"/c/{category.slug}/?before={deep}",
        "product": f"/p/{product.id}/",
        "seller shop": f"/s/{seller.slug}/",
        "API product list": "/api/catalog/products?limit=24",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, url in pages.items():
        client.get(url)  # warm: rate table cached, templates compiled
        timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        cache.clear()  # count the cold path, rate table included
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        timings.sort()
        results[name] = {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "queries": len(ctx.captured_queries),
        }
    return {
        "size": size,
        "vendor": connection.vendor,
        "rows": report.total_rows,
        "seed_seconds": round(report.seconds, 1),
        "rows_per_second": round(report.rows_per_second),
        "products_per_second": round(size / report.seconds),
        "db_mb": round(db_bytes / 1e6, 1),
        "pages": results,
    }


def _print_table(results: list[dict]) -> None:
    print(f"\nCatalogue scale — database: {results[0]['vendor']}, {REPEAT} requests per page")
    print(
        f"{'products':>10} {'rows':>11} {'seed s':>7} {'rows/s':>9} {'products/s':>11} {'DB MB':>8}"
    )
    for r in results:
        print(
            f"{r['size']:>10,} {r['rows']:>11,} {r['seed_seconds']:>7} {r['rows_per_second']:>9,}"
            f" {r['products_per_second']:>11,} {r['db_mb']:>8}"
        )
    print(f"\n{'page':<22}" + "".join(f"{r['size']:>22,}" for r in results))
    print(f"{'':<22}" + "".join(f"{'p50 / p95 ms (q)':>22}" for _ in results))
    for name in results[0]["pages"]:
        cells = []
        for r in results:
            p = r["pages"][name]
            cells.append(f"{p['p50_ms']:>7.2f} / {p['p95_ms']:>6.2f} ({p['queries']})")
        print(f"{name:<22}" + "".join(f"{c:>22}" for c in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure_one(args.one)))
        return 0
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"entrepot-bench-{size}-") as data_dir:
            result = run_measurement(__file__, ["--one", str(size)], data_dir)
            if isinstance(result, int):
                return result
            results.append(result)
            print(
                f"  {size:,} products: done in {results[-1]['seed_seconds']} s of seeding",
                file=sys.stderr,
            )
    _print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
