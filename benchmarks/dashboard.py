"""The operator's dashboard at 10,000,000 orders: p50/p95 of the page over filter
combinations, and the throughput of the incremental rollup refresh.

Seeding 10M real orders (`entrepot seed --orders 10000000`) takes hours on these
machines, and the dashboard never reads orders: it reads rollups. So this script takes
the faster bulk path: it draws 10M synthetic orders day by day in numpy (growing from
~5,000 to ~13,000 a day over ~3 years; 20,000 sellers of 10 countries with a long tail;
2,000,000 buyers; 12 categories; a cross-border share rising from 5% to 35%) and writes
exactly the rollup rows that folding those orders would write: Sales, CategorySales,
Activity (buyer bitmaps and seller vectors) at day, month and year grain, and
NewSellers, plus the 20,000 seller rows the top-sellers table names. The per-seller
rollups of seller central (provinces, products) are not generated: the operator's
dashboard does not read them.

Then, with the data on disk and the server process warm, it times the dashboard view
(Django test client, in process, no network) for 7 ranges x 3 corridors, 5 times each,
and reports p50/p95, the query count and the rollup row counts. Last, it places and
pays `--live-orders` real orders (orders, lines and events written in bulk, as checkout
does) on the last days and times `analytics_refresh()` folding their events into the
10M-order rollups.

    ENTREPOT_DATA_DIR=/tmp/dashboard-bench .venv/bin/python benchmarks/dashboard.py
    .venv/bin/python benchmarks/dashboard.py --orders 1000000   # a smaller run

The data directory is emptied first (default: a new temporary directory).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ORIGINS = {"US": 0.30, "DE": 0.15, "JP": 0.12, "FR": 0.10, "IT": 0.08, "GB": 0.08,
           "AU": 0.05, "KR": 0.05, "CA": 0.04, "CN": 0.03}  # fmt: skip
ABROAD = ["US", "DE", "GB", "AU", "CA", "FR"]  # destinations other than China
BUYER_POOLS = {"CN": 1_400_000, "US": 200_000, "DE": 100_000, "GB": 80_000, "AU": 60_000,
               "CA": 60_000, "FR": 50_000, "JP": 20_000, "IT": 15_000, "KR": 15_000}  # fmt: skip
CNY_PER_USD = 7.2


def _setup(data_dir: Path) -> None:
    os.environ["ENTREPOT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


class Generator:
    """Synthetic orders, day by day, and the rollup rows they make."""

    def __init__(self, *, orders: int, days: int, sellers: int, end: date, seed: int) -> None:
        import numpy as np

        self.np = np
        self.rng = np.random.default_rng(seed)
        self.days, self.end = days, end
        self.first = end - timedelta(days=days - 1)
        ramp = np.linspace(5.0, 13.0, days)
        per_day = np.floor(ramp / ramp.sum() * orders).astype(np.int64)
        per_day[-1] += orders - per_day.sum()
        self.per_day = per_day
        self.origins = list(ORIGINS)
        self.countries = sorted(set(self.origins) | set(ABROAD) | set(BUYER_POOLS))
        self.seller_count = sellers
        self.seller_origin = self.rng.choice(len(self.origins), size=sellers,
                                             p=list(ORIGINS.values()))  # fmt: skip
        self.seller_small = self.rng.random(sellers) < 0.96
        self.seller_category = self.rng.integers(0, 12, size=sellers)
        weights = 1.0 / np.arange(1, sellers + 1) ** 0.9
        self.seller_cdf = np.cumsum(weights / weights.sum())
        start = 1
        self.pool = {}
        for country in self.countries:
            size = BUYER_POOLS.get(country, 10_000)
            self.pool[country] = (start, size)
            start += size

    def day(self, index: int):
        """One day's orders as arrays."""
        np, rng = self.np, self.rng
        n = int(self.per_day[index])
        seller = np.minimum(np.searchsorted(self.seller_cdf, rng.random(n)), self.seller_count - 1)
        origin = self.seller_origin[seller]
        cross_share = 0.05 + 0.30 * index / max(1, self.days - 1)
        cross = rng.random(n) < cross_share
        to_china = rng.random(n) < 0.7
        abroad = rng.integers(0, len(ABROAD), size=n)
        origin_code = np.array(self.origins)[origin]
        destination = np.where(~cross, origin_code,
                               np.where(to_china, "CN", np.array(ABROAD)[abroad]))  # fmt: skip
        same = cross & (destination == origin_code)  # "abroad" drew the seller's own country
        destination = np.where(same, "CN", destination)
        destination = np.where(cross & (origin_code == "CN"), "US", destination)
        buyer = np.zeros(n, dtype=np.int64)
        for country in np.unique(destination):
            mask = destination == country
            first, size = self.pool[str(country)]
            # skewed towards the low ids: some buyers come back often
            buyer[mask] = first + (size * rng.random(mask.sum()) ** 2).astype(np.int64)
        category = np.where(rng.random(n) < 0.8, self.seller_category[seller],
                            rng.integers(0, 12, size=n))  # fmt: skip
        fen = np.round(np.exp(rng.normal(5.3, 0.7, size=n)) * 100).astype(np.int64)
        gmv = fen * 100  # 1/10,000 CNY
        usd = np.round(fen / CNY_PER_USD).astype(np.int64) * 100
        tax = np.where(destination == "CN", np.round(fen * 0.091), 0).astype(np.int64) * 100
        tax = np.where(origin_code == "CN", 0, tax)
        units = 1 + rng.poisson(0.6, size=n)
        return {"seller": seller.astype(np.int64) + 1, "origin": origin_code,
                "destination": destination, "buyer": buyer, "category": category, "gmv": gmv,
                "usd": usd, "tax": tax, "units": units,
                "small": self.seller_small[seller]}  # fmt: skip


def _group(np, keys: list, values: dict) -> dict:
    """Sums of each value per distinct key tuple."""
    stacked = np.rec.fromarrays(keys)
    uniq, inverse = np.unique(stacked, return_inverse=True)
    sums = {name: np.bincount(inverse, weights=v.astype(np.float64), minlength=len(uniq))
            for name, v in values.items()}  # fmt: skip
    # float64 holds these integer sums exactly (all below 2**53)
    return {tuple(u): {k: int(round(s[i])) for k, s in sums.items()} for i, u in enumerate(uniq)}


def generate(args) -> dict:
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from pyroaring import BitMap

    from entrepot.analytics import sets, store
    from entrepot.analytics.facts import Delta
    from entrepot.analytics.models import (
        Activity,
        CategorySales,
        Cursor,
        NewSellers,
        Sales,
    )
    from entrepot.analytics.periods import next_start, start_of
    from entrepot.analytics.sources import sellers_after
    from entrepot.catalog.models import Category
    from entrepot.pricing.models import ExchangeRate
    from entrepot.sellers.models import Seller

    end = timezone.localdate()
    gen = Generator(orders=args.orders, days=args.days, sellers=args.sellers, end=end,
                    seed=args.seed)  # fmt: skip
    for model in (Sales, CategorySales, Activity, NewSellers, Cursor):
        model.objects.all().delete()
    ExchangeRate.objects.get_or_create(currency="USD", effective_date=gen.first,
                                       defaults={"rate_per_eur": "1.08", "source": "bench"})
    ExchangeRate.objects.get_or_create(currency="CNY", effective_date=gen.first,
                                       defaults={"rate_per_eur": "7.78", "source": "bench"})
    category_ids = []
    for n in range(12):
        category, _ = Category.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name_en": f"Category {n + 1}", "name_zh": f"类别{n + 1}"})
        category_ids.append(category.id)
    started = time.perf_counter()
    User = get_user_model()
    if not Seller.objects.exists():
        joined = [datetime.combine(gen.first, datetime.min.time(), tzinfo=UTC)
                  - timedelta(days=int(d)) for d in gen.rng.integers(-900, 400, args.sellers)]
        users = User.objects.bulk_create(
            [User(username=f"bench-seller-{i}@example.com", password="!") for i in
             range(1, args.sellers + 1)], batch_size=2000)  # fmt: skip
        if users[0].pk is None:
            users = list(User.objects.filter(username__startswith="bench-seller-").order_by("id"))
        Seller.objects.bulk_create([
            Seller(id=i + 1, user=u, business_name=f"Bench Seller {i + 1}",
                   slug=f"bench-seller-{i + 1}", country=gen.origins[gen.seller_origin[i]],
                   currency="USD", is_small_business=bool(gen.seller_small[i]))
            for i, u in enumerate(users)
        ], batch_size=2000)  # fmt: skip
        # created_at is auto_now_add: set the join days afterwards, one statement per day
        by_day: dict = {}
        for i, at in enumerate(joined):
            by_day.setdefault(at, []).append(i + 1)
        with transaction.atomic():
            for at, ids in by_day.items():
                Seller.objects.filter(id__in=ids).update(created_at=at)

    delta = Delta()
    last = 0
    while batch := sellers_after(last, limit=5000):
        for seller in batch:
            delta.seller_joined(seller)
        last = batch[-1].id
    with transaction.atomic():
        store.write(store.plan(delta, fresh=True))

    sales_rows, category_rows, activity_rows = [], [], []
    months: dict = {}  # (grain, period) -> accumulators
    counts = {"Sales": 0, "CategorySales": 0, "Activity": 0}

    def flush(force=False):
        if force or len(sales_rows) + len(category_rows) + len(activity_rows) > 20_000:
            with transaction.atomic():
                Sales.objects.bulk_create(sales_rows, batch_size=1000)
                CategorySales.objects.bulk_create(category_rows, batch_size=1000)
                Activity.objects.bulk_create(activity_rows, batch_size=200)
            counts["Sales"] += len(sales_rows)
            counts["CategorySales"] += len(category_rows)
            counts["Activity"] += len(activity_rows)
            sales_rows.clear()
            category_rows.clear()
            activity_rows.clear()

    def emit(grain, period, sales, categories, activity):
        for (o, d), v in sales.items():
            sales_rows.append(Sales(grain=grain, period=period, origin=o, destination=d,
                                    seller_country=o, **v))  # fmt: skip
        for (o, d, c), v in categories.items():
            category_rows.append(CategorySales(grain=grain, period=period, origin=o,
                                               destination=d, category_id=category_ids[c], **v))
        for (o, d), (buyers, orders, gmv) in activity.items():
            ids = np.flatnonzero(orders).astype("<i4")
            blob = (sets._COUNT.pack(len(ids)) + ids.tobytes()
                    + orders[ids].astype("<i8").tobytes() + gmv[ids].astype("<i8").tobytes())
            activity_rows.append(Activity(grain=grain, period=period, origin=o, destination=d,
                                          buyers=sets.buyers_dump(buyers), sellers=blob))

    def merge(acc, sales, categories, activity):
        for key, v in sales.items():
            row = acc["sales"].setdefault(key, dict.fromkeys(v, 0))
            for k, x in v.items():
                row[k] += x
        for key, v in categories.items():
            row = acc["categories"].setdefault(key, dict.fromkeys(v, 0))
            for k, x in v.items():
                row[k] += x
        for key, (buyers, orders, gmv) in activity.items():
            have = acc["activity"].get(key)
            if have is None:
                acc["activity"][key] = (BitMap(buyers), orders.copy(), gmv.copy())
            else:
                have[0].update(buyers)
                have[1][:] += orders
                have[2][:] += gmv

    size = args.sellers + 1
    for index in range(gen.days):
        day = gen.first + timedelta(days=index)
        o = gen.day(index)
        n = len(o["gmv"])
        placed = np.ones(n, dtype=np.int64) + (gen.rng.random(n) < 0.1)
        refunds = (gen.rng.random(n) < 0.03).astype(np.int64)
        values = {"placed": placed, "orders": np.ones(n, dtype=np.int64), "units": o["units"],
                  "gmv_cny": o["gmv"], "gmv_usd": o["usd"],
                  "gmv_small_cny": np.where(o["small"], o["gmv"], 0), "tax_cny": o["tax"],
                  "refunds": refunds, "refunds_cny": refunds * o["gmv"],
                  "completed": (gen.rng.random(n) < 0.85).astype(np.int64)}  # fmt: skip
        sales = _group(np, [o["origin"], o["destination"]], values)
        per_category = {"orders": values["orders"], "units": o["units"], "gmv_cny": o["gmv"]}
        categories = _group(np, [o["origin"], o["destination"], o["category"]], per_category)
        for (c,), v in _group(np, [o["category"]], per_category).items():
            categories[("", "", c)] = v  # the all-corridors rows
        activity = {}
        corridor = np.char.add(o["origin"].astype("U2"), o["destination"].astype("U2"))
        for key in [*np.unique(corridor), ""]:
            mask = corridor == key if key else np.ones(n, dtype=bool)
            orders = np.bincount(o["seller"][mask], minlength=size).astype(np.int64)
            gmv = np.bincount(o["seller"][mask], weights=o["gmv"][mask].astype(np.float64),
                              minlength=size).round().astype(np.int64)  # fmt: skip
            pair = (str(key)[:2], str(key)[2:]) if key else ("", "")
            activity[pair] = (BitMap(o["buyer"][mask].astype(np.uint32)), orders, gmv)
        emit("d", day, sales, categories, activity)
        for grain in ("m", "y"):
            period = start_of(grain, day)
            acc = months.setdefault((grain, period),
                                    {"sales": {}, "categories": {}, "activity": {}})  # fmt: skip
            merge(acc, sales, categories, activity)
        for (grain, period), acc in list(months.items()):
            if next_start(grain, period) <= day + timedelta(days=1) or index == gen.days - 1:
                emit(grain, period, acc["sales"], acc["categories"], acc["activity"])
                del months[(grain, period)]
        flush()
        if index % 100 == 0:
            print(f"  day {index + 1}/{gen.days}: {int(gen.per_day[: index + 1].sum()):,} orders,"
                  f" {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    flush(force=True)
    Cursor.objects.update_or_create(name="order-events", defaults={"watermark": 0})
    counts["NewSellers"] = NewSellers.objects.count()
    return {"orders": int(gen.per_day.sum()), "first": gen.first, "end": end,
            "rows": counts, "seconds": time.perf_counter() - started}  # fmt: skip


def _ranges(end: date, first: date) -> list[tuple[str, date, date]]:
    return [
        ("last 7 days", end - timedelta(days=6), end),
        ("last 30 days", end - timedelta(days=29), end),
        ("last 90 days", end - timedelta(days=89), end),
        ("last 365 days", end - timedelta(days=364), end),
        ("year to date", end.replace(month=1, day=1), end),
        ("last calendar year", date(end.year - 1, 1, 1), date(end.year - 1, 12, 31)),
        ("everything (~3 years)", first, end),
    ]


def time_dashboard(info: dict, repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from entrepot.analytics.models import Sales

    User = get_user_model()
    operator, _ = User.objects.get_or_create(username="bench-operator@example.com",
                                             defaults={"is_staff": True})  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    big = (Sales.objects.filter(grain="y").exclude(origin="").order_by("-gmv_cny")
           .values_list("origin", "destination").first())  # fmt: skip
    small = (Sales.objects.filter(grain="y").exclude(origin="").order_by("gmv_cny")
             .values_list("origin", "destination").first())  # fmt: skip
    corridors = ["", f"{big[0]}-{big[1]}", f"{small[0]}-{small[1]}"]
    timings: dict = {}
    queries = 0
    client.get("/backoffice/dashboard/")  # warm the process (templates, imports)
    for label, start, end in _ranges(info["end"], info["first"]):
        for corridor in corridors:
            params = {"start": start.isoformat(), "end": end.isoformat(), "corridor": corridor}
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    began = time.perf_counter()
                    response = client.get("/backoffice/dashboard/", params)
                    took = (time.perf_counter() - began) * 1000
                assert response.status_code == 200, response.status_code
                timings.setdefault((label, corridor or "all"), []).append(took)
                queries = max(queries, len(ctx.captured_queries))
    return {"timings": timings, "queries": queries, "corridors": corridors}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_refresh(live_orders: int) -> dict:
    """Place and pay real orders on the last days, then fold their events."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from entrepot.analytics.services import analytics_refresh
    from entrepot.buyers.models import Buyer
    from entrepot.catalog.models import Category, Product, ProductVariant
    from entrepot.orders.models import Order, OrderEvent, OrderLine
    from entrepot.sellers.models import Seller

    User = get_user_model()
    now = timezone.now()
    sellers = list(Seller.objects.order_by("id")[:50])
    category = Category.objects.first()
    with transaction.atomic():
        products = [Product.objects.create(
            seller=s, category=category, title_en=f"Live product {s.id}", hs_code="21069090",
            origin_country=s.country, weight_grams=200, status="published",
            price_amount=Decimal("19.99"), currency="USD") for s in sellers]  # fmt: skip
        variants = [ProductVariant.objects.create(
            product=p, sku=f"LIVE-{p.id}", name_en="one", price_amount=Decimal("19.99"),
            currency="USD", stock=0, weight_grams=200) for p in products]  # fmt: skip
        users = [User.objects.create(username=f"live-buyer-{n}-{now.timestamp()}@example.com",
                                     password="!") for n in range(200)]  # fmt: skip
        buyers = [Buyer.objects.create(user=u, display_name="买家", country="CN", province="浙江省")
                  for u in users]
    Order.objects.filter(number__startswith="LIVE").delete()
    orders = []
    for n in range(live_orders):
        seller = sellers[n % len(sellers)]
        at = now - timedelta(days=n % 3, minutes=n % 600)
        orders.append(Order(
            number=f"LIVE{n:08d}", buyer=buyers[n % len(buyers)], seller=seller,
            status="paid", origin_country=seller.country, destination_country="CN",
            currency="CNY", goods_amount=Decimal("180.00"), shipping_amount=Decimal("20.00"),
            tax_amount=Decimal("18.20"), total_amount=Decimal("218.20"), mode="9610",
            placed_at=at, paid_at=at))  # fmt: skip
    with transaction.atomic():
        orders = Order.objects.bulk_create(orders, batch_size=1000)
        if orders[0].pk is None:
            orders = list(Order.objects.filter(number__startswith="LIVE").order_by("id"))
        OrderLine.objects.bulk_create([OrderLine(
            order=o, product=products[i % len(products)], variant=variants[i % len(variants)],
            title_en="Live", quantity=2, unit_price_amount=Decimal("90.00"),
            line_total_amount=Decimal("180.00"), currency="CNY") for i, o in enumerate(orders)],
            batch_size=1000)  # fmt: skip
        events = []
        for o in orders:
            events.append(OrderEvent(order=o, event="place", to_status="placed", actor="bench"))
            events.append(OrderEvent(order=o, event="pay", from_status="placed",
                                     to_status="paid", actor="bench"))  # fmt: skip
        OrderEvent.objects.bulk_create(events, batch_size=1000)
    began = time.perf_counter()
    report = analytics_refresh()
    seconds = time.perf_counter() - began
    return {"events": report.events, "seconds": seconds, "rows": report.rows_written}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=1096, help="days of history (~3 years)")
    parser.add_argument("--sellers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="timings per combination")
    parser.add_argument("--live-orders", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the rollups already in the data directory")  # fmt: skip
    args = parser.parse_args()
    data_dir = Path(os.environ.get("ENTREPOT_DATA_DIR") or tempfile.mkdtemp(prefix="dash-bench-"))
    if not args.keep:
        for name in ("entrepot.sqlite3", "entrepot.sqlite3-wal", "entrepot.sqlite3-shm"):
            (data_dir / name).unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    _setup(data_dir)
    from django.conf import settings

    print(f"data directory {data_dir}; database {settings.DATABASES['default']['NAME']}")
    if args.keep:
        from entrepot.analytics.models import Sales

        first = Sales.objects.filter(grain="d").order_by("period").values_list(
            "period", flat=True).first()  # fmt: skip
        last = Sales.objects.filter(grain="d").order_by("-period").values_list(
            "period", flat=True).first()  # fmt: skip
        info = {"orders": args.orders, "first": first, "end": last, "rows": {}, "seconds": 0}
    else:
        print(f"generating rollups of {args.orders:,} orders over {args.days} days...")
        info = generate(args)
        print(f"generated in {info['seconds']:.0f} s")
    from entrepot.analytics.models import Activity, CategorySales, NewSellers, Sales

    rows = {m.__name__: m.objects.count() for m in (Sales, CategorySales, Activity, NewSellers)}
    by_grain = {m.__name__: dict(m.objects.order_by().values_list("grain").annotate(
        n=__import__("django.db.models", fromlist=["Count"]).Count("id")))
        for m in (Sales, CategorySales, Activity)}  # fmt: skip
    db_file = Path(settings.DATABASES["default"]["NAME"])
    size = db_file.stat().st_size if db_file.exists() else 0
    print(f"\nrollup rows: {rows} (total {sum(rows.values()):,}); by grain: {by_grain}")
    print(f"database file: {size / 1e6:,.0f} MB; orders represented: {info['orders']:,}, "
          f"{info['first']} .. {info['end']}")
    result = time_dashboard(info, args.repeat)
    everything = [t for ts in result["timings"].values() for t in ts]
    print(f"\ndashboard page (GET /backoffice/dashboard/, in process), {args.repeat} runs per "
          f"combination, corridors: {', '.join(c or 'all' for c in result['corridors'])}")
    print(f"{'range':<24}{'corridor':<10}{'p50 ms':>9}{'p95 ms':>9}")
    for (label, corridor), ts in result["timings"].items():
        print(f"{label:<24}{corridor:<10}{statistics.median(ts):>9.0f}{_pct(ts, 0.95):>9.0f}")
    print(f"\nall {len(everything)} requests: p50 {statistics.median(everything):.0f} ms, "
          f"p95 {_pct(everything, 0.95):.0f} ms, max {max(everything):.0f} ms; "
          f"at most {result['queries']} SQL queries per page")
    if args.live_orders:
        live = time_refresh(args.live_orders)
        rate = live["events"] / live["seconds"] if live["seconds"] else 0
        print(f"\nrefresh: folded {live['events']:,} events of {args.live_orders:,} live orders "
              f"(place + pay) into the 10M-order rollups in {live['seconds']:.2f} s: "
              f"{rate:,.0f} events/s, {rate / 2:,.0f} orders/s; {live['rows']:,} row writes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
