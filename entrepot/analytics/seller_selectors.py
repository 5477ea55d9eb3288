"""Reads of a seller's own dashboard in seller central: always one seller's rows only.

From the per-seller rollups (buyers' provinces, products), in five queries whatever
the number of orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from entrepot.analytics import sets
from entrepot.analytics.models import ProductSales, SellerProvinceSales
from entrepot.analytics.periods import DAY, MONTH, year_before
from entrepot.analytics.selectors import (
    DAILY_POINTS_UP_TO,
    Point,
    _as_date,
    cny,
    growth,
    span_q,
)
from entrepot.catalog.models import Product
from entrepot.domain.money import Money

TOP_PRODUCTS = 10


@dataclass(frozen=True)
class ProvinceRow:
    country: str
    province: str
    buyers: int
    orders: int
    units: int
    gmv_cny: int

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    title: str
    orders: int
    units: int
    sales_cny: int

    @property
    def sales(self) -> Money:
        return cny(self.sales_cny)


@dataclass(frozen=True)
class SellerBoard:
    start: date
    end: date
    gmv_cny: int
    orders: int
    units: int
    buyers: int
    previous_gmv_cny: int
    previous_orders: int
    series_grain: str
    series: list[Point]
    provinces: list[ProvinceRow]
    products: list[ProductRow]

    @property
    def gmv(self) -> Money:
        return cny(self.gmv_cny)

    @property
    def gmv_growth(self):
        return growth(self.gmv_cny, self.previous_gmv_cny)

    @property
    def orders_growth(self):
        return growth(self.orders, self.previous_orders)

    @property
    def average_order(self) -> Money:
        if not self.orders:
            return cny(0)
        return Money(self.gmv.amount / self.orders, "CNY").rounded()


def _provinces(seller_id: int, start: date, end: date) -> tuple[list[ProvinceRow], int]:
    rows = SellerProvinceSales.objects.filter(span_q(start, end), seller_id=seller_id).values_list(
        "buyer_country", "province", "orders", "units", "gmv_cny", "buyers"
    )
    grouped: dict[tuple[str, str], list] = {}
    everyone = []
    for country, province, orders, units, gmv, buyers in rows:
        entry = grouped.setdefault((country, province), [0, 0, 0, []])
        entry[0] += orders
        entry[1] += units
        entry[2] += gmv
        entry[3].append(buyers)
        everyone.append(buyers)
    result = [
        ProvinceRow(country, province, len(sets.buyers_union(blobs)), orders, units, gmv)
        for (country, province), (orders, units, gmv, blobs) in grouped.items()
    ]
    result.sort(key=lambda r: (-r.gmv_cny, r.country, r.province))
    return result, len(sets.buyers_union(everyone))


def _series(seller_id: int, start: date, end: date) -> tuple[str, list[Point]]:
    days = (end - start).days + 1
    if days <= DAILY_POINTS_UP_TO:
        grain, where, bucket = DAY, span_q(start, end, (DAY,)), F("period")
    else:
        grain, where, bucket = MONTH, span_q(start, end, (MONTH, DAY)), TruncMonth("period")
    rows = (
        SellerProvinceSales.objects.filter(where, seller_id=seller_id)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(gmv=Sum("gmv_cny"), n=Sum("orders"))
        .order_by("bucket")
    )
    found = {_as_date(r["bucket"]): r for r in rows}
    points, day = [], start if grain == DAY else start.replace(day=1)
    while day <= end:
        r = found.get(day, {})
        points.append(Point(day, r.get("gmv") or 0, 0, r.get("n") or 0))
        day = day + timedelta(days=1) if grain == DAY else (day + timedelta(days=32)).replace(day=1)
    return grain, points


def _products(seller_id: int, start: date, end: date) -> list[ProductRow]:
    rows = list(
        ProductSales.objects.filter(span_q(start, end), seller_id=seller_id)
        .values("product_id")
        .annotate(n_orders=Sum("orders"), n_units=Sum("units"), sales=Sum("sales_cny"))
        .order_by("-sales", "product_id")[:TOP_PRODUCTS]
    )
    titles = dict(
        Product.objects.filter(seller_id=seller_id, id__in=[r["product_id"] for r in rows])
        .values_list("id", "title_en")
    )
    return [
        ProductRow(r["product_id"], titles.get(r["product_id"], f"#{r['product_id']}"),
                   r["n_orders"], r["n_units"], r["sales"])  # fmt: skip
        for r in rows
    ]


def seller_dashboard(*, seller_id: int, start: date, end: date) -> SellerBoard:
    """One seller's sales, orders, buyers by province and top products in the range,
    with the same days a year earlier for growth."""
    provinces, buyers = _provinces(seller_id, start, end)
    before = SellerProvinceSales.objects.filter(
        span_q(year_before(start), year_before(end)), seller_id=seller_id
    ).aggregate(gmv=Sum("gmv_cny"), orders=Sum("orders"))
    grain, series = _series(seller_id, start, end)
    return SellerBoard(
        start=start, end=end, gmv_cny=sum(p.gmv_cny for p in provinces),
        orders=sum(p.orders for p in provinces),
        units=sum(p.units for p in provinces), buyers=buyers,
        previous_gmv_cny=before["gmv"] or 0, previous_orders=before["orders"] or 0,
        series_grain=grain, series=series, provinces=provinces,
        products=_products(seller_id, start, end),
    )  # fmt: skip

