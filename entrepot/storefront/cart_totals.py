"""The cart's landed-cost totals, quoted the way checkout will quote them.

Checkout (entrepot.orders.checkout) makes one order per seller, each quoted with all its
lines and one direct-mail shipping estimate for their total weight, and counts each
order against the buyer's year-to-date before the next. The cart does the same, so the
totals and the limit notices it shows are what checkout will decide, short of the rates
moving before the buyer presses the button:

- China's 5,000 CNY limit applies per order, so per seller's parcel;
- the 26,000 CNY yearly allowance applies to the buyer: known once they are logged in.

No query per line: one for the variants, one for the year-to-date (logged in only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product, ProductVariant
from entrepot.domain.exceptions import RateMissing
from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.policies import NoRulePack, quote, select_policy
from entrepot.domain.money import Money
from entrepot.orders.checkout import MODE, parcel_request, year_to_date_cny
from entrepot.pricing.landed_cost import quote_context_on
from entrepot.sellers.models import Seller

CNY = "CNY"


@dataclass(frozen=True)
class Line:
    variant: ProductVariant
    quantity: int
    goods: Money | None  # the line's goods in CNY, when quoted


@dataclass(frozen=True)
class Parcel:
    """One seller's part of the cart: one order at checkout."""

    seller: Seller
    lines: list[Line]
    quote: m.Quote | None  # None: not quotable (no rule pack, no rate)

    @property
    def totals(self) -> m.Totals | None:
        return self.quote.totals if self.quote is not None else None

    @property
    def order_value(self) -> Money | None:
        """What China's per-order limit is measured on: goods + shipping + insurance."""
        if self.quote is None:
            return None
        return sum((line.customs_value for line in self.quote.lines), Money.zero(CNY))

    def _codes(self) -> set[str]:
        return {error.code for error in self.quote.errors} if self.quote else set()

    @property
    def over_order_limit(self) -> bool:
        return m.CN_CBEC_ORDER_LIMIT in self._codes()

    @property
    def over_annual_limit(self) -> bool:
        return m.CN_CBEC_ANNUAL_LIMIT in self._codes()

    @property
    def not_on_positive_list(self) -> bool:
        return m.CN_CBEC_NOT_ON_POSITIVE_LIST in self._codes()

    @property
    def other_problem(self) -> bool:
        """Refused for a reason the notices above do not name (weight cap, rates...)."""
        named = {m.CN_CBEC_ORDER_LIMIT, m.CN_CBEC_ANNUAL_LIMIT, m.CN_CBEC_NOT_ON_POSITIVE_LIST}
        return self.quote is None or bool(self._codes() - named)


@dataclass(frozen=True)
class CartSummary:
    parcels: list[Parcel]
    total: Money  # what checkout would charge, over the quotable parcels
    count: int  # units in the cart
    year: int
    order_limit: Money | None  # per order (None: no CBEC rules for the destination)
    annual_limit: Money | None
    spent: Money | None  # this year, through cross-border orders; None: not logged in

    @property
    def empty(self) -> bool:
        return not self.parcels

    @property
    def left(self) -> Money | None:
        if self.spent is None or self.annual_limit is None:
            return None
        return max(self.annual_limit - self.spent, Money.zero(CNY))

    @property
    def over_annual_limit(self) -> bool:
        return any(parcel.over_annual_limit for parcel in self.parcels)

    @property
    def over_order_limit(self) -> list[Parcel]:
        return [parcel for parcel in self.parcels if parcel.over_order_limit]

    @property
    def can_check_out(self) -> bool:
        return bool(self.parcels) and all(
            p.quote is not None and p.quote.allowed and p.quote.calculable for p in self.parcels
        )


def _limits(destination: str, *, now: datetime) -> tuple[Money | None, Money | None]:
    try:
        pack = select_policy(origin=None, destination=destination, mode=MODE, on=now.date()).pack
    except NoRulePack:
        return None, None
    if not hasattr(pack, "order_limit"):
        return None, None
    return Money(pack.order_limit, CNY), Money(pack.annual_limit, CNY)


def cart_summary(lines: dict[int, int], *, buyer: Buyer | None, now: datetime) -> CartSummary:
    """The cart `lines` (variant id -> quantity) quoted per seller, as checkout will."""
    variants = list(
        ProductVariant.objects.filter(pk__in=lines, product__status=Product.Status.PUBLISHED)
        .select_related("product__seller")
        .order_by("product__seller_id", "id")
    )
    by_seller: dict[int, list[ProductVariant]] = defaultdict(list)
    for variant in variants:
        by_seller[variant.product.seller_id].append(variant)
    destination = buyer.country if buyer is not None else "CN"
    order_limit, annual_limit = _limits(destination, now=now)
    spent = year_to_date_cny(buyer, now=now) if buyer is not None else None
    context = quote_context_on(now.date())
    running = spent  # each order counts against the year before the next, as at checkout
    parcels, total = [], Money.zero(CNY)
    for seller_variants in by_seller.values():
        request = parcel_request(
            destination=destination, year_to_date=running, on=now.date(),
            lines=[(v, lines[v.pk]) for v in seller_variants],
        )  # fmt: skip
        try:
            result = quote(request, rates=context.rates, positive_list=context.positive_list)
        except (NoRulePack, RateMissing):
            result = None
        goods = {line.sku: line.goods for line in result.lines} if result else {}
        parcels.append(
            Parcel(
                seller=seller_variants[0].product.seller,
                lines=[Line(v, lines[v.pk], goods.get(v.sku)) for v in seller_variants],
                quote=result,
            )
        )
        if result is not None and result.calculable:
            total += result.totals.grand_total
            if running is not None:
                running = running + result.totals.grand_total
    return CartSummary(
        parcels=parcels, total=total, count=sum(lines[v.pk] for v in variants), year=now.year,
        order_limit=order_limit, annual_limit=annual_limit, spent=spent,
    )  # fmt: skip
