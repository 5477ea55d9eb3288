"""Category facets: what the GET parameters filter, and how many products each value has.

Parameters, each single-valued, combined freely by plain links (no JavaScript):

    price=100-200    goods price band in CNY (``1000-`` is "1,000 and over")
    origin=US        country of origin
    seller=12        one seller
    stock=1          in stock only
    mode=bonded      delivery mode: ``bonded`` (stock in a bonded warehouse in China,
                     arrives in days) or ``direct`` (direct mail from the seller's own
                     warehouse abroad)

Price bands are over the goods "from" price converted to CNY at today's reference rate,
not over the landed price the cards show. The landed price adds shipping by weight and
China's tax by HS code, computed in Python per product; no SQL filter or index reaches
it. The goods price is one column and one rate per currency, so the band filters in the
database and pages by keyset like any other filter. The facet's heading says "goods
price" so nobody reads it as the delivered price.

Counts are both cached and bounded (`facet_counts`): cached per category and filter set,
refreshed when the catalogue version moves (at most every FACET_FRESH_SECONDS) and never
older than FACET_CACHE_SECONDS; and each count runs over at most the newest
FACET_SCAN_LIMIT matching products, so a cold count costs the same at 1M products as at
10k. Counts over a truncated scan are shown as "N+" (a lower bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import QueryDict
from django.utils.http import urlencode

from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.domain.exceptions import RateMissing
from entrepot.domain.fx import RateTable
from entrepot.logistics.models import Stock, Warehouse
from entrepot.pricing.selectors import RATES_GENERATION_KEY

CNY = "CNY"
# (low, high) in CNY, high exclusive; None: no upper bound
PRICE_BANDS: tuple[tuple[Decimal, Decimal | None], ...] = (
    (Decimal(0), Decimal(100)),
    (Decimal(100), Decimal(200)),
    (Decimal(200), Decimal(500)),
    (Decimal(500), Decimal(1000)),
    (Decimal(1000), None),
)
MODES = ("bonded", "direct")
FACET_SCAN_LIMIT = 10_000
FACET_FRESH_SECONDS = 30
FACET_CACHE_SECONDS = 300
SELLERS_SHOWN = 20


def band_key(low: Decimal, high: Decimal | None) -> str:
    return f"{low}-{high if high is not None else ''}"


BANDS_BY_KEY = {band_key(low, high): (low, high) for low, high in PRICE_BANDS}


@dataclass(frozen=True)
class Filters:
    """The category page's filters, as read from the query string (invalid values drop)."""

    price: str = ""
    origin: str = ""
    seller: int | None = None
    stock: bool = False
    mode: str = ""

    @classmethod
    def from_query(cls, params: QueryDict) -> Filters:
        price = params.get("price", "")
        origin = params.get("origin", "").upper()
        seller = params.get("seller", "")
        mode = params.get("mode", "")
        return cls(
            price=price if price in BANDS_BY_KEY else "",
            origin=origin if len(origin) == 2 and origin.isascii() and origin.isalpha() else "",
            seller=int(seller) if seller.isdecimal() and len(seller) < 19 else None,
            stock=params.get("stock") == "1",
            mode=mode if mode in MODES else "",
        )

    @property
    def active(self) -> bool:
        return self != Filters()

    def without(self, name: str) -> Filters:
        return replace(self, **{name: Filters.__dataclass_fields__[name].default})

    def params(self) -> dict[str, str]:
        out = {
            "price": self.price,
            "origin": self.origin,
            "seller": "" if self.seller is None else str(self.seller),
            "stock": "1" if self.stock else "",
            "mode": self.mode,
        }
        return {k: v for k, v in out.items() if v}

    def query(self, **extra) -> str:
        """The query string of these filters plus `extra`; "?" alone (the bare page) if none."""
        params = {**self.params(), **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
        return f"?{urlencode(params)}" if params else "?"

    def key(self) -> str:
        return urlencode(sorted(self.params().items()))


def goods_cny(rates: RateTable) -> ExpressionWrapper:
    """The "from" price in CNY at `rates`, as an SQL expression (NULL without a rate)."""
    whens = []
    for currency in sorted(rates.currencies() | {CNY}):
        try:
            rate = rates.rate(currency, CNY)
        except RateMissing:
            continue
        whens.append(When(currency=currency, then=Value(rate.quantize(Decimal("0.000001")))))
    return ExpressionWrapper(
        F("price_amount") * Case(*whens, default=None, output_field=DecimalField()),
        output_field=DecimalField(),
    )


def _band_q(low: Decimal, high: Decimal | None) -> Q:
    q = Q(goods_cny__gte=low)
    return q & Q(goods_cny__lt=high) if high is not None else q


def in_stock() -> Exists:
    return Exists(ProductVariant.objects.filter(product=OuterRef("pk"), stock__gt=0))


def stocked_in(mode: str) -> Exists:
    """Some units in a bonded warehouse in China (1210) or in the seller's own (9610)."""
    kind = Warehouse.Kind.BONDED if mode == "bonded" else Warehouse.Kind.SELLER
    return Exists(
        Stock.objects.filter(variant__product=OuterRef("pk"), quantity__gt=0, warehouse__kind=kind)
    )


def apply(queryset: QuerySet[Product], filters: Filters, rates: RateTable) -> QuerySet[Product]:
    if filters.price:
        low, high = BANDS_BY_KEY[filters.price]
        queryset = queryset.alias(goods_cny=goods_cny(rates)).filter(_band_q(low, high))
    if filters.origin:
        queryset = queryset.filter(origin_country=filters.origin)
    if filters.seller is not None:
        queryset = queryset.filter(seller_id=filters.seller)
    if filters.stock:
        queryset = queryset.filter(in_stock())
    if filters.mode:
        queryset = queryset.filter(stocked_in(filters.mode))
    return queryset


def published_in(category: Category) -> QuerySet[Product]:
    return Product.objects.filter(category=category, status=Product.Status.PUBLISHED)


@dataclass
class Counts:
    """One facet's counts over its scan (the newest FACET_SCAN_LIMIT products at most):
    (value, count, label) rows, the label only where the value is an id."""

    values: list[tuple[str, int, str]] = field(default_factory=list)
    truncated: bool = False


def facet_scan(category: Category, filters: Filters, rates: RateTable) -> QuerySet[Product]:
    newest = (
        apply(published_in(category), filters, rates)
        .order_by("-id")
        .values("id")[:FACET_SCAN_LIMIT]
    )
    return Product.objects.filter(id__in=newest)


def _grouped(scan: QuerySet[Product], column: str, label: str | None = None) -> Counts:
    columns = (column, label) if label else (column,)
    rows = list(scan.values_list(*columns).annotate(n=Count("id")).order_by("-n", column))
    values = [(str(row[0]), row[-1], row[1] if label else "") for row in rows]
    return Counts(values, sum(n for _v, n, _l in values) >= FACET_SCAN_LIMIT)


def _price_counts(scan: QuerySet[Product], rates: RateTable) -> Counts:
    bands = {
        band_key(low, high): Count("id", filter=_band_q(low, high)) for low, high in PRICE_BANDS
    }
    row = scan.alias(goods_cny=goods_cny(rates)).aggregate(total=Count("id"), **bands)
    return Counts([(key, row[key], "") for key in BANDS_BY_KEY], row["total"] >= FACET_SCAN_LIMIT)


def _stock_counts(scan: QuerySet[Product]) -> Counts:
    row = scan.alias(stocked=in_stock()).aggregate(
        total=Count("id"), yes=Count("id", filter=Q(stocked=True))
    )
    return Counts([("1", row["yes"], "")], row["total"] >= FACET_SCAN_LIMIT)


def _mode_counts(scan: QuerySet[Product]) -> Counts:
    row = scan.alias(bonded=stocked_in("bonded"), direct=stocked_in("direct")).aggregate(
        total=Count("id"),
        bonded_n=Count("id", filter=Q(bonded=True)),
        direct_n=Count("id", filter=Q(direct=True)),
    )
    return Counts(
        [("bonded", row["bonded_n"], ""), ("direct", row["direct_n"], "")],
        row["total"] >= FACET_SCAN_LIMIT,
    )


def _compute(category: Category, filters: Filters, rates: RateTable) -> dict[str, Counts]:
    """Disjunctive counts: each facet counts with every filter but its own applied, so
    the buyer sees what choosing another value of it would give (five queries)."""
    return {
        "price": _price_counts(facet_scan(category, filters.without("price"), rates), rates),
        "origin": _grouped(
            facet_scan(category, filters.without("origin"), rates), "origin_country"
        ),
        "seller": _grouped(
            facet_scan(category, filters.without("seller"), rates),
            "seller_id",
            "seller__business_name",
        ),
        "stock": _stock_counts(facet_scan(category, filters.without("stock"), rates)),
        "mode": _mode_counts(facet_scan(category, filters.without("mode"), rates)),
    }


def facet_counts(
    *, category: Category, filters: Filters, rates: RateTable, version: str
) -> dict[str, Counts]:
    """The facets' counts, cached per (category, filters, rates); see the module doc.

    A cached entry stays in use while the catalogue `version` is unchanged, or while it is
    younger than FACET_FRESH_SECONDS whatever the version: a busy catalogue, whose version
    moves every second, then recounts a category at most twice a minute.
    """
    generation = cache.get(RATES_GENERATION_KEY, 1)  # bands are converted at the rates
    key = f"storefront:facets:{category.id}:{rates.as_of}:{generation}:{filters.key()}"
    cached = cache.get(key)
    now = time.time()
    if cached is not None:
        cached_version, computed_at, counts = cached
        if cached_version == version or now - computed_at < FACET_FRESH_SECONDS:
            return counts
    counts = _compute(category, filters, rates)
    cache.set(key, (version, now, counts), FACET_CACHE_SECONDS)
    return counts
