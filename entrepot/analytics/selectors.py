"""Reads of the operator's dashboard: every figure from the rollups, never the orders.

A constant number of queries whatever the number of orders: each table is one GROUP BY
over the few rows that `periods.cover` picks for the range (and for the range a year
earlier, in the same query through filtered sums).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

import numpy as np
from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth

from entrepot.analytics import sets
from entrepot.analytics.facts import from_units
from entrepot.analytics.models import Activity, CategorySales, Cursor, NewSellers, Sales
from entrepot.analytics.periods import DAY, MONTH, cover, year_before
from entrepot.analytics.projection import Projection, project
from entrepot.catalog.models import Category
from entrepot.config.db_router import replica_reads
from entrepot.domain.money import Money
from entrepot.sellers.models import Seller

DAILY_POINTS_UP_TO = 92  # longer ranges are drawn month by month
TOP_SELLERS = 10
EPOCH = date(2000, 1, 1)  # before any marketplace data: "registered by" counts from here


@dataclass(frozen=True)
class Filters:
    """A date range (inclusive) and, optionally, one corridor."""

    start: date
    end: date
    origin: str = ""
    destination: str = ""

    @property
    def corridor(self) -> str:
        return f"{self.origin}-{self.destination}" if self.origin else ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def year_earlier(self) -> tuple[date, date]:
        return year_before(self.start), year_before(self.end)


def span_q(start: date, end: date, grains=None) -> Q:
    """Rollup rows that together are exactly the days start..end."""
    spans = cover(start, end, grains) if grains else cover(start, end)
    if not spans:
        return Q(pk__in=[])
    return reduce(or_, (Q(grain=s.grain, period__gte=s.first, period__lte=s.last) for s in spans))


def _corridor_q(filters: Filters) -> Q:
    if not filters.origin:
        return Q()
    return Q(origin=filters.origin, destination=filters.destination)


def growth(current, previous) -> Decimal | None:
    """Percent change from `previous` to `current`; None without a previous figure."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        Decimal("0.1")
    )


def share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def cny(units) -> Money:
    return Money(from_units(units or 0), "CNY")


@dataclass(frozen=True)
class Totals:
    """Sums of the Sales rollup over a range; money in 1/10,000 units."""

    placed: int = 0
    orders: int = 0
    units: int = 0
    gmv_cny: int = 0
    gmv_usd: int = 0
    gmv_small_cny: int = 0
    gmv_cross_cny: int = 0
    tax_cny: int = 0
    refunds: int = 0
    refunds_cny: int = 0
    completed: int = 0

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)

    @property
    def gmv_in_usd(self) -> Money:
        return Money(from_units(self.gmv_usd), "USD")

    @property
    def average_order(self) -> Money:
        if not self.orders:
            return cny(0)
        return Money(from_units(self.gmv_cny) / self.orders, "CNY").rounded()

    @property
    def cross_border_share(self) -> Decimal | None:
        return share(self.gmv_cross_cny, self.gmv_cny)

    @property
    def small_business_share(self) -> Decimal | None:
        return share(self.gmv_small_cny, self.gmv_cny)


_CROSS = ~Q(origin=F("destination"))


def _in(spans, grain: str, period: date) -> bool:
    return any(s.grain == grain and s.first <= period <= s.last for s in spans)


def sales_totals(filters: Filters, windows: dict[str, tuple[date, date]]) -> dict[str, Totals]:
    """Totals of each named window (start, end), for the filters' corridor: one query of
    plain sums per period (a few dozen rows), added up per window here."""
    covers = {name: cover(*window) for name, window in windows.items()}
    where = reduce(or_, (span_q(*window) for window in windows.values()))
    rows = (
        Sales.objects.filter(where & _corridor_q(filters))
        .values("grain", "period")
        .annotate(**{f"sum_{name}": Sum(name) for name in Sales.SUMS},
                  sum_gmv_cross_cny=Sum("gmv_cny", filter=_CROSS))  # fmt: skip
        .order_by()
    )
    sums = {name: dict.fromkeys((*Sales.SUMS, "gmv_cross_cny"), 0) for name in windows}
    for row in rows:
        for name, spans in covers.items():
            if _in(spans, row["grain"], row["period"]):
                for field, total in sums[name].items():
                    sums[name][field] = total + (row[f"sum_{field}"] or 0)
    return {name: Totals(**values) for name, values in sums.items()}


@dataclass(frozen=True)
class Point:
    start: date
    gmv_cny: int
    gmv_cross_cny: int
    orders: int

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)

    @property
    def cross_border_share(self) -> Decimal | None:
        return share(self.gmv_cross_cny, self.gmv_cny)


def gmv_series(filters: Filters) -> tuple[str, list[Point]]:
    """GMV per day (ranges up to 92 days) or per month, with its cross-border part;
    every bucket of the range is there, empty ones as zero. Returns (grain, points)."""
    if filters.days <= DAILY_POINTS_UP_TO:
        grain, where, bucket = DAY, span_q(filters.start, filters.end, (DAY,)), F("period")
    else:
        grain = MONTH
        where = span_q(filters.start, filters.end, (MONTH, DAY))
        bucket = TruncMonth("period")
    rows = (
        Sales.objects.filter(where & _corridor_q(filters))
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(gmv=Sum("gmv_cny"), cross=Sum("gmv_cny", filter=_CROSS), n=Sum("orders"))
        .order_by("bucket")
    )
    found = {_as_date(r["bucket"]): r for r in rows}
    points = []
    day = filters.start if grain == DAY else filters.start.replace(day=1)
    while day <= filters.end:
        r = found.get(day, {})
        points.append(Point(day, r.get("gmv") or 0, r.get("cross") or 0, r.get("n") or 0))
        day = day + timedelta(days=1) if grain == DAY else _next_month(day)
    return grain, points


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Breakdown:
    """One row of a breakdown table: current and year-earlier GMV and orders."""

    key: tuple
    label: str
    gmv_cny: int
    orders: int
    units: int
    previous_gmv_cny: int

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.gmv_cny, self.previous_gmv_cny)


def _breakdown(model, filters: Filters, group: tuple[str, ...], corridor: Q) -> list[dict]:
    """Sums per group in the range and a year earlier: two plain GROUP BY queries."""
    found: dict[tuple, dict] = {}
    for name, window in (("now", (filters.start, filters.end)), ("before", filters.year_earlier())):
        rows = (
            model.objects.filter(span_q(*window) & corridor)
            .values(*group)
            .annotate(sum_gmv=Sum("gmv_cny"), sum_orders=Sum("orders"), sum_units=Sum("units"))
            .order_by()
        )
        for row in rows:
            key = tuple(row[g] for g in group)
            entry = found.setdefault(key, {**dict(zip(group, key, strict=True)),
                                           "gmv": 0, "orders_now": 0, "units_now": 0,
                                           "gmv_before": 0})  # fmt: skip
            if name == "now":
                entry["gmv"] += row["sum_gmv"] or 0
                entry["orders_now"] += row["sum_orders"] or 0
                entry["units_now"] += row["sum_units"] or 0
            else:
                entry["gmv_before"] += row["sum_gmv"] or 0
    return list(found.values())


def _rows(raw: list[dict], group: tuple[str, ...], label) -> list[Breakdown]:
    rows = [
        Breakdown(
            key=tuple(r[g] for g in group), label=label(r), gmv_cny=r["gmv"] or 0,
            orders=r["orders_now"] or 0, units=r["units_now"] or 0,
            previous_gmv_cny=r["gmv_before"] or 0,
        )  # fmt: skip
        for r in raw
    ]
    rows = [r for r in rows if r.gmv_cny or r.orders or r.previous_gmv_cny]
    return sorted(rows, key=lambda r: (-r.gmv_cny, r.key))


def corridors(filters: Filters) -> list[Breakdown]:
    group = ("origin", "destination")
    return _rows(_breakdown(Sales, filters, group, _corridor_q(filters)), group,
                 lambda r: f"{r['origin']} → {r['destination']}")  # fmt: skip


def seller_countries(filters: Filters) -> list[Breakdown]:
    group = ("seller_country",)
    raw = _breakdown(Sales, filters, group, _corridor_q(filters))
    return _rows(raw, group, lambda r: r["seller_country"])


def categories(filters: Filters) -> list[Breakdown]:
    group = ("category_id",)
    # the all-corridors rows when no corridor is chosen: a dozen rows per period
    corridor = Q(origin=filters.origin, destination=filters.destination)
    raw = _breakdown(CategorySales, filters, group, corridor)
    names = dict(
        Category.objects.filter(id__in=[r["category_id"] for r in raw]).values_list(
            "id", "name_en"
        )
    )
    return _rows(raw, group, lambda r: names.get(r["category_id"], "—"))


@dataclass(frozen=True)
class TopSeller:
    seller_id: int
    name: str
    country: str
    small_business: bool
    orders: int
    gmv_cny: int

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)


@dataclass(frozen=True)
class Activeness:
    """Distinct buyers and sellers with a paid order."""

    buyers: int
    previous_buyers: int
    buyers_day: int
    buyers_30d: int
    buyers_365d: int
    sellers: int
    previous_sellers: int
    top_sellers: list[TopSeller] = field(default_factory=list)


def activity(filters: Filters) -> Activeness:
    """Active buyers (range, a year earlier, last day, 30 and 365 days to the end) and
    active and top sellers: one query for the rows, one for the top sellers' names."""
    end = filters.end
    windows = {
        "now": (filters.start, end),
        "before": filters.year_earlier(),
        "day": (end, end),
        "d30": (end - timedelta(days=29), end),
        "d365": (end - timedelta(days=364), end),
    }
    spans = {name: cover(*w) for name, w in windows.items()}
    where = reduce(or_, (span_q(*w) for w in windows.values()))
    rows = Activity.objects.filter(
        where, origin=filters.origin, destination=filters.destination
    ).values_list("grain", "period", "buyers", "sellers")
    by_key = {(g, p): (b, s) for g, p, b, s in rows}

    def blobs(name: str, index: int):
        for span in spans[name]:
            for (grain, period), pair in by_key.items():
                if grain == span.grain and span.first <= period <= span.last:
                    yield pair[index]

    counts = {name: len(sets.buyers_union(blobs(name, 0))) for name in windows}
    orders, gmv = sets.sellers_sum(blobs("now", 1))
    previous_orders, _gmv = sets.sellers_sum(blobs("before", 1))
    return Activeness(
        buyers=counts["now"], previous_buyers=counts["before"], buyers_day=counts["day"],
        buyers_30d=counts["d30"], buyers_365d=counts["d365"],
        sellers=int(np.count_nonzero(orders)),
        previous_sellers=int(np.count_nonzero(previous_orders)),
        top_sellers=_top_sellers(orders, gmv),
    )  # fmt: skip


def _top_sellers(orders: np.ndarray, gmv: np.ndarray) -> list[TopSeller]:
    if not len(gmv):
        return []
    # highest GMV first; equal GMV by seller id, so the order is stable
    ranked = np.lexsort((np.arange(len(gmv)), -gmv))[:TOP_SELLERS]
    ranked = [int(i) for i in ranked if orders[i] > 0]
    names = {
        pk: (name, country, small)
        for pk, name, country, small in Seller.objects.filter(id__in=ranked).values_list(
            "id", "business_name", "country", "is_small_business"
        )
    }
    result = []
    for pk in ranked:
        name, country, small = names.get(pk, (f"#{pk}", "", False))
        result.append(TopSeller(pk, name, country, small, int(orders[pk]), int(gmv[pk])))
    return result


@dataclass(frozen=True)
class SellerBase:
    """Sellers who joined in the range, and all registered by its end (whole market)."""

    new: int
    new_small: int
    registered: int
    registered_small: int

    @property
    def small_business_share(self) -> Decimal | None:
        return share(self.registered_small, self.registered)


def seller_base(filters: Filters) -> SellerBase:
    now = span_q(filters.start, filters.end)
    ever = span_q(EPOCH, filters.end)
    small = Q(small_business=True)
    row = NewSellers.objects.filter(now | ever).aggregate(
        new=Sum("sellers", filter=now), new_small=Sum("sellers", filter=now & small),
        registered=Sum("sellers", filter=ever),
        registered_small=Sum("sellers", filter=ever & small),
    )  # fmt: skip
    return SellerBase(**{k: v or 0 for k, v in row.items()})


def corridor_choices() -> list[tuple[str, str]]:
    """Every corridor with sales, as (origin, destination), from the yearly rows."""
    rows = (
        Sales.objects.filter(grain="y")
        .values_list("origin", "destination")
        .distinct()
        .order_by("origin", "destination")
    )
    return list(rows)


@dataclass
class Dashboard:
    filters: Filters
    totals: Totals
    previous: Totals
    series_grain: str
    series: list[Point]
    corridors: list[Breakdown]
    seller_countries: list[Breakdown]
    categories: list[Breakdown]
    active: Activeness
    sellers: SellerBase
    corridor_choices: list[tuple[str, str]]
    projection: Projection | None
    refreshed_at: object


@replica_reads  # rollups a few seconds old are fine: may read a replica
def dashboard(filters: Filters, *, target_cny: Decimal | None = None) -> Dashboard:
    """Everything the operator's dashboard shows for the filters, in 15 queries."""
    end = filters.end
    totals = sales_totals(filters, {
        "now": (filters.start, end), "before": filters.year_earlier(),
        "year": (end - timedelta(days=364), end),
        "year_before": (end - timedelta(days=729), end - timedelta(days=365)),
    })  # fmt: skip
    grain, series = gmv_series(filters)
    projection = None
    if target_cny is not None:
        projection = project(
            annual=from_units(totals["year"].gmv_cny),
            annual_before=from_units(totals["year_before"].gmv_cny),
            target=target_cny, as_of=end,
        )  # fmt: skip
    return Dashboard(
        filters=filters, totals=totals["now"], previous=totals["before"], series_grain=grain,
        series=series, corridors=corridors(filters), seller_countries=seller_countries(filters),
        categories=categories(filters), active=activity(filters), sellers=seller_base(filters),
        corridor_choices=corridor_choices(), projection=projection,
        refreshed_at=Cursor.objects.filter(name="order-events").values_list(
            "updated_at", flat=True).first(),
    )  # fmt: skip
