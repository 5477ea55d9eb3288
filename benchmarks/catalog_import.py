"""Bulk import of listings: rows/s of a first import and of a rerun of the same file.

Builds a CSV of N listings (default 10,000; every fifth with two variants) in which
5% of the rows are bad (bad price, unknown category, bad HS code, negative stock,
duplicate SKU, missing title), imports it for a fresh seller into a fresh SQLite data
directory (or the database named by DATABASE_URL, emptied first), then imports the
same file again: the rerun finds every listing unchanged and writes nothing.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile

from harness import run_measurement

BAD_SHARE = 20  # one row in 20 is bad: 5%


def _csv(listings: int, categories: list[str]) -> tuple[bytes, int, int]:
    """The file, its row count and how many of its rows are bad."""
    from entrepot.catalog.bulk import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    rows = bad = 0
    breakages = (
        ("price", "12,50"),
        ("category", "no-such-category"),
        ("hs_code", "33A4"),
        ("stock", "-3"),
        ("sku", "BENCH-000000-0"),  # the first row's SKU again
        ("title_en", ""),
    )
    for n in range(listings):
        for variant in range(2 if n % 5 == 4 else 1):
            row = {
                "product_ref": f"P{n:06d}",
                "sku": f"BENCH-{n:06d}-{variant}",
                "category": categories[n % len(categories)],
                "title_en": f"Buckeye Naturals Vitamin D3 Softgels, batch {n}",
                "title_zh": f"【美国直邮】维生素D3软胶囊 第{n}批",
                "description_en": "One softgel a day, with a meal. Made in Ohio.",
                "description_zh": "每日一粒，随餐服用。俄亥俄州生产。",
                "brand": "Buckeye Naturals",
                "hs_code": "2106.90.90",
                "origin_country": "US",
                "weight_grams": str(180 + 60 * variant),
                "net_content_value": "60",
                "net_content_unit": "piece",
                "variant_name_en": f"{60 * (variant + 1)} softgels",
                "variant_name_zh": f"{60 * (variant + 1)}粒",
                "price": f"{19 + n % 30}.{n % 100:02d}",
                "stock": str(n % 400),
            }
            rows += 1
            if rows % BAD_SHARE == 0 and rows > 1:
                column, value = breakages[(rows // BAD_SHARE) % len(breakages)]
                row[column] = value
                bad += 1
            writer.writerow(row)
    return out.getvalue().encode(), rows, bad


def _measure(listings: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from entrepot.catalog.bulk import catalog_import
    from entrepot.catalog.models import Category, Product
    from entrepot.seeding.seed import categories_ensure
    from entrepot.sellers.models import Seller

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    categories_ensure()
    user = get_user_model().objects.create_user(username="bench@example.com")
    seller = Seller.objects.create(
        user=user,
        business_name="Buckeye Naturals",
        slug="buckeye-naturals",
        country="US",
        city="Columbus, Ohio",
        currency="USD",
    )
    slugs = list(Category.objects.order_by("id").values_list("slug", flat=True))
    data, rows, bad = _csv(listings, slugs)
    runs = []
    for name in ("first import", "same file again"):
        report = catalog_import(seller=seller, data=data, filename="bench.csv")
        runs.append(
            {
                "run": name,
                "rows": report.rows_total,
                "seconds": round(report.seconds, 2),
                "rows_per_second": round(report.rows_per_second),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected_rows": report.rejected_rows,
                "rejected_products": report.rejected_products,
            }
        )
    return {
        "vendor": connection.vendor,
        "listings": listings,
        "rows": rows,
        "bad_rows": bad,
        "file_mb": round(len(data) / 1e6, 1),
        "products_in_db": Product.objects.filter(seller=seller).count(),
        "runs": runs,
    }


def _print(result: dict) -> None:
    print(
        f"\nBulk import — database: {result['vendor']}; {result['listings']:,} listings, "
        f"{result['rows']:,} rows ({result['file_mb']} MB), {result['bad_rows']:,} bad rows"
    )
    print(
        f"{'run':<17} {'seconds':>8} {'rows/s':>8} {'created':>8} {'updated':>8} "
        f"{'unchanged':>10} {'rejected rows':>14} {'(products)':>11}"
    )
    for r in result["runs"]:
        print(
            f"{r['run']:<17} {r['seconds']:>8} {r['rows_per_second']:>8,} {r['created']:>8,} "
            f"{r['updated']:>8,} {r['unchanged']:>10,} {r['rejected_rows']:>14,} "
            f"{r['rejected_products']:>11,}"
        )
    print(f"listings in the database afterwards: {result['products_in_db']:,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.listings)))
        return 0
    with tempfile.TemporaryDirectory(prefix="entrepot-bench-import-") as data_dir:
        result = run_measurement(__file__, ["--one", "--listings", str(args.listings)], data_dir)
    if isinstance(result, int):
        return result
    _print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
