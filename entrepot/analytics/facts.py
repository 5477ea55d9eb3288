"""What one order (or seller) adds to the rollups: the single definition that both the
incremental refresh and the rebuild go through, so they cannot disagree.

An order counts in the rollups as follows (days in settings.TIME_ZONE):
- placed: on the day it was placed (`placed`);
- paid: on the day it was paid: GMV (its total, taxes and shipping included), paid
  orders, units, tax, the buyer and the seller as active, its category (its first
  line's), the buyer's province and each product's units and goods sales;
- completed: on the day receipt was confirmed;
- refunded: on the day of the refund, for its total.
Amounts are converted per order at the rate of that day (`DayRates`) and kept as
integers of 1/10,000 of the currency, so sums are exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Min
from django.utils import timezone
from pyroaring import BitMap

from entrepot.analytics.models import CategorySales, Sales
from entrepot.analytics.periods import GRAINS, start_of
from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money
from entrepot.pricing.models import ExchangeRate
from entrepot.pricing.selectors import rate_table_on

UNIT = Decimal("0.0001")
SALES = {name: i for i, name in enumerate(Sales.SUMS)}
ALL = ("", "")  # the Activity row of all corridors together


def to_units(amount: Decimal) -> int:
    """An amount as an integer count of 1/10,000 of its currency."""
    return int(Decimal(amount).quantize(UNIT, rounding=ROUND_HALF_EVEN).scaleb(4))


def from_units(units: int) -> Decimal:
    return Decimal(int(units)).scaleb(-4).quantize(UNIT)


def day_of(moment: datetime) -> date:
    """The calendar day of an aware datetime in the site's time zone (not the request's)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class OrderLineFacts:
    product_id: int
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class OrderFacts:
    """An order with what the rollups need of its seller, buyer and lines."""

    id: int
    buyer_id: int
    seller_id: int
    origin: str
    destination: str
    currency: str
    total: Decimal
    tax: Decimal
    placed_at: datetime
    paid_at: datetime | None
    completed_at: datetime | None
    status: str
    seller_country: str
    small_business: bool
    buyer_country: str
    province: str
    category_id: int
    lines: tuple[OrderLineFacts, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class SellerFacts:
    id: int
    country: str
    small_business: bool
    joined_at: datetime


class DayRates:
    """Conversions at the reference rate of a day, per order, rounded to the minor unit.

    The rate of a day is the newest published on or before it; a day before the first
    stored rate uses the first one (a fresh demo stores only the newest ECB day).
    """

    def __init__(self) -> None:
        self._tables: dict[date, RateTable] = {}
        self._first: date | None = None
        self._first_read = False

    def _table(self, day: date) -> RateTable:
        if not self._first_read:
            self._first = ExchangeRate.objects.aggregate(first=Min("effective_date"))["first"]
            self._first_read = True
        if self._first is not None and day < self._first:
            day = self._first
        table = self._tables.get(day)
        if table is None:
            table = self._tables[day] = rate_table_on(day)
        return table

    def units(self, amount: Decimal, currency: str, target: str, day: date) -> int:
        if currency == target:
            return to_units(amount)
        return to_units(self._table(day).convert(Money(amount, currency), target).amount)


def _counts(size: int):
    return lambda: [0] * size


class Delta:
    """Rollup changes being gathered in memory: keys -> sums (and sets), at every grain."""

    def __init__(self, rates: DayRates | None = None) -> None:
        self.rates = rates or DayRates()
        self.sales: dict[tuple, list[int]] = defaultdict(_counts(len(Sales.SUMS)))
        self.categories: dict[tuple, list[int]] = defaultdict(_counts(len(CategorySales.SUMS)))
        # key -> (buyer ids, seller id -> [orders, gmv])
        self.activity: dict[tuple, tuple[BitMap, dict[int, list[int]]]] = {}
        # key -> [orders, units, gmv, buyer ids]
        self.provinces: dict[tuple, list] = {}
        self.products: dict[tuple, list[int]] = defaultdict(_counts(3))
        self.new_sellers: dict[tuple, list[int]] = defaultdict(_counts(1))

    def __bool__(self) -> bool:
        return bool(self.sales or self.new_sellers)

    def _sales(self, order: OrderFacts, day: date):
        for grain in GRAINS:
            key = (grain, start_of(grain, day), order.origin, order.destination,
                   order.seller_country)  # fmt: skip
            yield grain, start_of(grain, day), self.sales[key]

    def placed(self, order: OrderFacts) -> None:
        for _g, _p, row in self._sales(order, day_of(order.placed_at)):
            row[SALES["placed"]] += 1

    def paid(self, order: OrderFacts, at: datetime) -> None:
        day = day_of(order.paid_at or at)
        gmv = self.rates.units(order.total, order.currency, "CNY", day)
        usd = self.rates.units(order.total, order.currency, "USD", day)
        tax = self.rates.units(order.tax, order.currency, "CNY", day)
        products: dict[int, list[int]] = defaultdict(_counts(2))
        for line in order.lines:
            sold = products[line.product_id]
            sold[0] += line.quantity
            sold[1] += self.rates.units(line.line_total, order.currency, "CNY", day)
        units = order.units
        for grain, period, row in self._sales(order, day):
            for name, value in (("orders", 1), ("units", units), ("gmv_cny", gmv),
                                ("gmv_usd", usd), ("tax_cny", tax)):  # fmt: skip
                row[SALES[name]] += value
            if order.small_business:
                row[SALES["gmv_small_cny"]] += gmv
            for corridor in ((order.origin, order.destination), ALL):
                category = self.categories[(grain, period, *corridor, order.category_id)]
                category[0] += 1
                category[1] += units
                category[2] += gmv
                buyers, sellers = self.activity.setdefault(
                    (grain, period, *corridor), (BitMap(), {})
                )
                buyers.add(order.buyer_id)
                seller = sellers.setdefault(order.seller_id, [0, 0])
                seller[0] += 1
                seller[1] += gmv
            province = self.provinces.setdefault(
                (grain, period, order.seller_id, order.buyer_country, order.province),
                [0, 0, 0, BitMap()],
            )
            province[0] += 1
            province[1] += units
            province[2] += gmv
            province[3].add(order.buyer_id)
            for product_id, (quantity, sales) in products.items():
                product = self.products[(grain, period, order.seller_id, product_id)]
                product[0] += 1
                product[1] += quantity
                product[2] += sales

    def completed(self, order: OrderFacts, at: datetime) -> None:
        for _g, _p, row in self._sales(order, day_of(order.completed_at or at)):
            row[SALES["completed"]] += 1

    def refunded(self, order: OrderFacts, at: datetime) -> None:
        day = day_of(at)
        amount = self.rates.units(order.total, order.currency, "CNY", day)
        for _g, _p, row in self._sales(order, day):
            row[SALES["refunds"]] += 1
            row[SALES["refunds_cny"]] += amount

    def seller_joined(self, seller: SellerFacts) -> None:
        day = day_of(seller.joined_at)
        for grain in GRAINS:
            key = (grain, start_of(grain, day), seller.country, seller.small_business)
            self.new_sellers[key][0] += 1
