"""`entrepot seed`: stream a deterministic synthetic marketplace into the database.

Rows are generated one entity at a time and written in batches through
`BulkWriter`, so memory stays flat: a million products need only the reservoir
of products that orders are drawn from.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from tqdm import tqdm

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.domain import ledger
from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.logistics.models import Stock, Warehouse
from entrepot.logistics.services import bonded_warehouses_ensure
from entrepot.orders.models import Order, OrderLine
from entrepot.pricing.models import ExchangeRate, PositiveListLine
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.pricing.selectors import rate_table_on
from entrepot.pricing.services import rates_load_bundled
from entrepot.seeding import generate as gen
from entrepot.seeding import vocabulary as vocab
from entrepot.seeding.bulk import BulkWriter, next_id, reset_sequences
from entrepot.seeding.defaults import DEMO_PASSWORD, DEMO_SIZES, OPERATOR_USERNAME
from entrepot.sellers.models import Seller

ORDER_POOL_SIZE = 20_000
BONDED_SHARE = 0.1


@dataclass
class SeedReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        parts = ", ".join(f"{n:,} {name}" for name, n in self.rows.items() if n)
        return (
            f"seeded {self.total_rows:,} rows ({parts}) in {self.seconds:.1f} s: "
            f"{self.rows_per_second:,.0f} rows/s"
        )


def categories_ensure() -> list[int]:
    """Create the sample categories once; return their ids in vocabulary order."""
    existing = dict(Category.objects.values_list("slug", "id"))
    ids = []
    for position, spec in enumerate(vocab.CATEGORIES):
        if spec.slug not in existing:
            existing[spec.slug] = Category.objects.create(
                slug=spec.slug, name_en=spec.name_en, name_zh=spec.name_zh, position=position
            ).id
        ids.append(existing[spec.slug])
    return ids


def operator_ensure(password_hash: str) -> None:
    User = get_user_model()
    if not User.objects.filter(username=OPERATOR_USERNAME).exists():
        User.objects.create(
            username=OPERATOR_USERNAME,
            email=OPERATOR_USERNAME,
            password=password_hash,
            is_staff=True,
            is_superuser=True,
        )


class _Seeder:
    def __init__(self, *, seed: int, now: datetime, progress: bool, total: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.report = SeedReport()
        self.bar = tqdm(
            total=total,
            unit=" rows",
            disable=not progress,
            file=sys.stderr,
            mininterval=0.5,
            smoothing=0.1,
        )
        self.password_hash = make_password(DEMO_PASSWORD)
        self.category_ids = categories_ensure()
        if not ExchangeRate.objects.exists():
            rates_load_bundled()
        if not PositiveListLine.objects.exists():
            positive_list_load_sample()
        self.rates = rate_table_on(now.date())
        needed = (
            {c.currency for c in vocab.SELLER_COUNTRIES}
            | {"CNY"}
            | {gen.buyer_currency(country) for country, *_rest in vocab.OTHER_BUYER_LOCATIONS}
        )
        missing = sorted(needed - self.rates.currencies())
        if missing:
            raise ValueError(
                f"no exchange rate on {now.date()} for {', '.join(missing)}: "
                "import rates first (the bundled ECB history covers them)"
            )
        self.sellers: list[dict] = []
        self.seller_weights: list[float] = []
        self.buyers: list[dict] = []
        self.pool: list[tuple] = []
        self.pool_seen = 0

    def writer(self, model, name: str, parent: BulkWriter | None = None) -> BulkWriter:
        return BulkWriter(model, on_write=lambda n: self._count(name, n), parent=parent)

    def _count(self, name: str, n: int) -> None:
        self.report.rows[name] = self.report.rows.get(name, 0) + n
        self.bar.update(n)

    def _joined(self, days: int) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(30, days))

    def _create_accounts(
        self, count: int, *, model, name: str, role: str, make_row, max_age_days: int
    ) -> Iterator[dict]:
        """Users with a seller or buyer profile each; yields the profile rows."""
        users = self.writer(get_user_model(), "users")
        profiles = self.writer(model, name, parent=users)
        user_id, profile_id = next_id(get_user_model()), next_id(model)
        ufields, pfields = users.attnames(), profiles.attnames()
        for offset in range(count):
            joined = self._joined(max_age_days)
            row = make_row(self.rng, profile_id + offset, user_id + offset, joined)
            username = gen.seeded_username(role, profile_id + offset)
            user = gen.user_row(user_id + offset, username, self.password_hash, joined)
            users.add(tuple(user[f] for f in ufields))
            profiles.add(tuple(row[f] for f in pfields))
            yield row
        profiles.flush()

    # --- sellers ----------------------------------------------------------------
    def create_sellers(self, count: int) -> None:
        for row in self._create_accounts(
            count,
            model=Seller,
            name="sellers",
            role="seller",
            make_row=gen.seller_row,
            max_age_days=900,
        ):
            self._remember_seller(row)

    def _remember_seller(self, row: dict) -> None:
        main = self.rng.randrange(len(vocab.CATEGORIES))
        second = self.rng.randrange(len(vocab.CATEGORIES))
        self.sellers.append({**row, "main": main, "second": second})
        # a few sellers list most of the catalogue, as on every marketplace
        self.seller_weights.append(self.rng.paretovariate(1.2))

    def load_sellers(self) -> None:
        for row in Seller.objects.values(
            "id", "business_name", "country", "city", "currency", "created_at"
        ).order_by("id")[:100_000]:
            self._remember_seller(row)

    # --- products -----------------------------------------------------------------
    def create_products(self, count: int) -> None:
        if not self.sellers:
            self.load_sellers()
        if not self.sellers:
            raise ValueError("cannot create products without sellers: pass --sellers N")
        products = self.writer(Product, "products")
        variants = self.writer(ProductVariant, "variants", parent=products)
        stocks = self.writer(Stock, "stock", parent=variants)
        pfields, vfields = products.attnames(), variants.attnames()
        product_id, variant_id = next_id(Product), next_id(ProductVariant)
        stock_id = next_id(Stock)
        own = self._own_warehouses()
        bonded = [w.id for w in bonded_warehouses_ensure()]
        cum = []
        total = 0.0
        for w in self.seller_weights:
            total += w
            cum.append(total)
        for offset in range(count):
            seller = self.rng.choices(self.sellers, cum_weights=cum, k=1)[0]
            roll = self.rng.random()
            category = (
                seller["main"]
                if roll < 0.7
                else (seller["second"] if roll < 0.9 else self.rng.randrange(len(vocab.CATEGORIES)))
            )
            joined = seller["created_at"]
            created = joined + (self.now - joined) * self.rng.random()
            product, product_variants = gen.product_rows(
                self.rng,
                product_id=product_id + offset,
                first_variant_id=variant_id,
                seller=seller,
                category_index=category,
                category_id=self.category_ids[category],
                rates=self.rates,
                created=created,
            )
            variant_id += len(product_variants)
            products.add(tuple(product[f] for f in pfields))
            variants.add_many(tuple(v[f] for f in vfields) for v in product_variants)
            # about one product in ten was sent ahead to a bonded warehouse in China
            warehouse = (
                self.rng.choice(bonded) if self.rng.random() < BONDED_SHARE else own[seller["id"]]
            )
            for v in product_variants:
                if v["stock"]:
                    stocks.add((stock_id, v["id"], warehouse, v["stock"]))
                    stock_id += 1
            if product["status"] == "published":
                v = self.rng.choice(product_variants)
                self._pool_offer(
                    (
                        product["id"],
                        v["id"],
                        seller["id"],
                        seller["country"],
                        v["price_amount"],
                        v["currency"],
                        category,
                        product["title_en"],
                        product["title_zh"],
                        v["weight_grams"],
                    )
                )
        stocks.flush()
        self.index_for_search(product_id, product_id + count - 1)

    def index_for_search(self, first_id: int, last_id: int) -> None:
        """Search documents and embeddings of the new products, set-based: each distinct
        string analysed once, each distinct embedding text embedded once."""
        from entrepot.search.services import index_all

        report = index_all(first_id=first_id, last_id=last_id)
        self._count("search documents", report.indexed)

    def _own_warehouses(self) -> dict[int, int]:
        """The own warehouse of every seller in play, created in bulk where missing."""
        ids = {s["id"] for s in self.sellers}
        own = dict(
            Warehouse.objects.filter(kind=Warehouse.Kind.SELLER, seller_id__in=ids)
            .order_by("-id")
            .values_list("seller_id", "id")
        )
        missing = [s for s in self.sellers if s["id"] not in own]
        created = Warehouse.objects.bulk_create(
            [
                Warehouse(
                    kind=Warehouse.Kind.SELLER,
                    seller_id=s["id"],
                    country=s["country"],
                    city=s["city"],
                    name=f"{s['business_name']} warehouse",
                    delivery_days_min=7,
                    delivery_days_max=14,
                )  # fmt: skip
                for s in missing
            ],
            batch_size=2000,
        )
        if created and created[0].pk is None:  # backends that return no ids
            return self._own_warehouses()
        own.update((w.seller_id, w.pk) for w in created)
        return own

    def _pool_offer(self, item: tuple) -> None:
        """Reservoir sampling: every published product equally likely to be ordered."""
        self.pool_seen += 1
        if len(self.pool) < ORDER_POOL_SIZE:
            self.pool.append(item)
        else:
            slot = self.rng.randrange(self.pool_seen)
            if slot < ORDER_POOL_SIZE:
                self.pool[slot] = item

    def load_pool(self) -> None:
        cat_index = {cid: i for i, cid in enumerate(self.category_ids)}
        rows = (
            ProductVariant.objects.filter(product__status=Product.Status.PUBLISHED, position=0)
            .order_by("-product_id")
            .values_list(
                "product_id",
                "id",
                "product__seller_id",
                "product__seller__country",
                "price_amount",
                "currency",
                "product__category_id",
                "product__title_en",
                "product__title_zh",
                "weight_grams",
            )[:ORDER_POOL_SIZE]
        )
        for r in rows:
            self.pool.append((*r[:6], cat_index.get(r[6], 0), *r[7:]))

    # --- buyers -------------------------------------------------------------------
    def create_buyers(self, count: int) -> None:
        self.buyers.extend(
            self._create_accounts(
                count,
                model=Buyer,
                name="buyers",
                role="buyer",
                make_row=gen.buyer_row,
                max_age_days=720,
            )
        )

    def load_buyers(self) -> None:
        self.buyers = list(Buyer.objects.values("id", "country").order_by("id")[:100_000])

    # --- orders -------------------------------------------------------------------
    def create_orders(self, count: int) -> None:
        if not self.buyers:
            self.load_buyers()
        if not self.pool:
            self.load_pool()
        if count and (not self.buyers or not self.pool):
            raise ValueError("cannot create orders without buyers and published products")
        by_seller: dict[int, list[tuple]] = {}
        for item in self.pool:
            by_seller.setdefault(item[2], []).append(item)
        orders = self.writer(Order, "orders")
        lines = self.writer(OrderLine, "order lines", parent=orders)
        ledger = _LedgerWriter(self, parent=orders)
        ofields, lfields = orders.attnames(), lines.attnames()
        order_id, line_id = next_id(Order), next_id(OrderLine)
        made = 0
        while made < count:
            buyer = self.rng.choice(self.buyers)
            first = self.rng.choice(self.pool)
            result = gen.order_rows(
                self.rng,
                order_id=order_id,
                first_line_id=line_id,
                buyer=buyer,
                items=by_seller[first[2]],
                rates=self.rates,
                placed=gen.order_time(self.rng, self.now),
                now=self.now,
            )
            if result is None:
                continue
            order, order_lines = result
            orders.add(tuple(order[f] for f in ofields))
            lines.add_many(tuple(line[f] for f in lfields) for line in order_lines)
            ledger.order(order)
            order_id += 1
            line_id += len(order_lines)
            made += 1
        lines.flush()
        ledger.flush()


class _LedgerWriter:
    """The ledger history of seeded orders, through the same domain posting rules as live
    payments: a paid CNY order is captured into escrow, a completed one released to the
    seller (less 8% commission), a refunded one returned. Other currencies are demo
    history the CNY-only payment flow never saw, and stay out of the ledger."""

    COMMISSION = Decimal("0.08")

    def __init__(self, seeder: _Seeder, *, parent: BulkWriter) -> None:
        self.transactions = seeder.writer(LedgerTransaction, "ledger transactions", parent=parent)
        self.entries = seeder.writer(LedgerEntry, "ledger entries", parent=self.transactions)
        self.next_tx, self.next_entry = next_id(LedgerTransaction), next_id(LedgerEntry)

    def order(self, order: dict) -> None:
        if order["currency"] != "CNY" or order["paid_at"] is None:
            return
        total = Money(order["total_amount"], "CNY")
        tax = Money(order["tax_amount"], "CNY")
        seller = order["seller_id"]
        self._post(order, ledger.payment_captured(order_total=total, tax_withheld=tax,
                                                  seller_id=seller), order["paid_at"])  # fmt: skip
        held = total - tax
        if order["status"] == "completed":
            released = ledger.escrow_released(
                amount=held, commission=ledger.commission_for(held, self.COMMISSION),
                seller_id=seller,
            )  # fmt: skip
            self._post(order, released, order["completed_at"])
        elif order["status"] == "refunded":
            refund = ledger.refund_before_release(amount=held, tax=tax, seller_id=seller)
            self._post(order, refund, order["paid_at"])

    def _post(self, order: dict, transaction, when) -> None:
        transaction.check_balanced()
        number = order["number"]
        self.transactions.add((
            self.next_tx, transaction.kind, f"order:{number}",
            f"order:{number}:{transaction.kind}", when, transaction.memo[:300],
        ))  # fmt: skip
        for posting in transaction.postings:
            debit = posting.debit.amount if posting.debit is not None else Decimal(0)
            credit = posting.credit.amount if posting.credit is not None else Decimal(0)
            self.entries.add((
                self.next_entry, self.next_tx, posting.account.kind, posting.account.owner,
                posting.account.currency, debit, credit, when,
            ))  # fmt: skip
            self.next_entry += 1
        self.next_tx += 1

    def flush(self) -> None:
        self.entries.flush()


def seed(
    *,
    sellers: int = DEMO_SIZES["sellers"],
    products: int = DEMO_SIZES["products"],
    buyers: int = DEMO_SIZES["buyers"],
    orders: int = DEMO_SIZES["orders"],
    seed: int = 1,
    now: datetime | None = None,
    progress: bool = True,
) -> SeedReport:
    """Add a synthetic marketplace of the given size; the same seed gives the same data."""
    for name, value in (
        ("sellers", sellers),
        ("products", products),
        ("buyers", buyers),
        ("orders", orders),
    ):
        if value < 0:
            raise ValueError(f"--{name} must be zero or more, got {value}")
    started = time.perf_counter()
    now = now or timezone.now().replace(minute=0, second=0, microsecond=0)
    # estimated rows, for the progress bar: a user per seller/buyer, ~2 variants, ~1.6 lines
    estimate = sellers * 2 + products * 3 + buyers * 2 + int(orders * 2.6)
    seeder = _Seeder(seed=seed, now=now, progress=progress, total=estimate)
    operator_ensure(seeder.password_hash)
    seeder.create_sellers(sellers)
    if products:
        seeder.create_products(products)
    seeder.create_buyers(buyers)
    if orders:
        seeder.create_orders(orders)
    reset_sequences(
        get_user_model(),
        Seller,
        Product,
        ProductVariant,
        Stock,
        Buyer,
        Order,
        OrderLine,
        LedgerTransaction,
        LedgerEntry,
    )
    if orders:
        # seeded orders carry no events for the analytics refresh: count them once here
        from entrepot.analytics.services import analytics_rebuild

        seeder._count("analytics rollups", analytics_rebuild().rows)
    seeder.bar.total = seeder.bar.n  # the estimate was approximate; end the bar at 100%
    seeder.bar.refresh()
    seeder.bar.close()
    seeder.report.seconds = time.perf_counter() - started
    return seeder.report
