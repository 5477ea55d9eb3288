"""Headline figures for the operator's landing page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product
from entrepot.domain.money import Money
from entrepot.orders.models import Order
from entrepot.pricing.selectors import current_rate_table
from entrepot.sellers.models import Seller

PAID_STATUSES = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED)


@dataclass(frozen=True)
class Overview:
    sellers: int
    small_business_sellers: int
    products: int
    buyers: int
    orders_30d: int
    gmv_30d: Money

    @property
    def small_business_share(self) -> Decimal:
        if not self.sellers:
            return Decimal(0)
        return (Decimal(self.small_business_sellers) * 100 / self.sellers).quantize(Decimal("0.1"))


def overview(*, currency: str = "CNY") -> Overview:
    since = timezone.now() - timedelta(days=30)
    sellers = Seller.objects.aggregate(
        total=Count("id"), small=Count("id", filter=Q(is_small_business=True))
    )
    # one row per currency the buyers paid in, converted at today's reference rate
    by_currency = (
        Order.objects.filter(placed_at__gte=since, status__in=PAID_STATUSES)
        .values("currency")
        .annotate(n=Count("id"), total=Sum("total_amount"))
    )
    rates = current_rate_table()
    gmv, count = Money.zero(currency), 0
    for row in by_currency:
        gmv += rates.convert(Money(row["total"], row["currency"]), currency)
        count += row["n"]
    return Overview(
        sellers=sellers["total"],
        small_business_sellers=sellers["small"],
        products=Product.objects.count(),
        buyers=Buyer.objects.count(),
        orders_30d=count,
        gmv_30d=gmv,
    )
