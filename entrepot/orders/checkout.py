"""Placing orders: the quote is checked against China's limits, stock is reserved
without a read-then-write race, and one checkout becomes one order per seller.

Concurrency, on SQLite and PostgreSQL alike:
- stock: each line takes its units with a conditional UPDATE (`quantity >= n`), so
  of two buyers racing for the last unit exactly one update matches a row;
- the buyer's yearly quota: the buyer row is locked (SELECT ... FOR UPDATE on
  PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers) before the
  year-to-date total is read, so parallel checkouts of one buyer are counted one
  after the other and can never pass 26,000 CNY together.
Any refusal raises and the transaction leaves nothing behind: no order, no stock taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product, ProductVariant
from entrepot.config.plain_sql import db_value, placeholders, stored_amount
from entrepot.domain.exceptions import RateMissing
from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.policies import NoRulePack, quote
from entrepot.domain.money import Money
from entrepot.domain.order_states import COUNTS_TOWARD_QUOTA
from entrepot.domain.shipping import direct_mail_estimate
from entrepot.logistics.models import Stock, Warehouse
from entrepot.orders.models import Checkout, Order, OrderEvent, OrderLine
from entrepot.pricing.landed_cost import quote_context_on
from entrepot.sellers.models import Seller

CNY = "CNY"
MODE = "9610"  # checkout quotes and places direct-mail orders


class CheckoutRefused(Exception):
    """The checkout cannot become orders; `errors` are QuoteError-like (code, message, field)."""

    def __init__(self, errors: list[m.QuoteError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Address:
    name: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class CartLine:
    variant_id: int
    quantity: int


def year_to_date_cny(buyer: Buyer, *, now: datetime) -> Money:
    """What the buyer spent through cross-border orders this calendar year (CNY): placed
    and paid orders count, cancelled and returned ones do not, and a partial refund
    (entrepot.aftersales) gives its part of the quota back.

    Plain SQL on purpose: checkout runs it inside its write transaction, where the ORM's
    building of this aggregate cost more than the database's answer (one index range)."""
    start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    statuses = sorted(COUNTS_TOWARD_QUOTA)
    sql = _YEAR_TO_DATE.format(states=placeholders(statuses))
    with connection.cursor() as cursor:
        cursor.execute(sql, [buyer.pk, CNY, db_value(start), *statuses, "CN"])
        (total,) = cursor.fetchone()
    return Money.zero(CNY) if total is None else Money(stored_amount(total), CNY)


_YEAR_TO_DATE = (
    f"SELECT SUM(total_amount - refunded_amount) FROM {Order._meta.db_table}"
    " WHERE buyer_id = %s AND currency = %s AND placed_at >= %s AND status IN ({states})"
    " AND origin_country <> %s"
)


def quote_item(variant: ProductVariant, quantity: int) -> m.QuoteItem:
    product = variant.product
    return m.QuoteItem(
        sku=variant.sku, description=product.title_en, hs_code=product.hs_code,
        origin=product.origin_country, unit_price=variant.price, quantity=quantity,
        unit_weight_kg=Decimal(variant.weight_grams) / 1000,
    )  # fmt: skip


def parcel_request(
    *, destination: str, lines: list[tuple[ProductVariant, int]], year_to_date: Money | None,
    on: date,
) -> m.QuoteRequest:
    """The quote request of one seller's parcel (one order): all its lines, one direct-mail
    shipping estimate for their total weight, counted against the buyer's year so far.
    The cart's totals (storefront) and checkout build it alike, so they agree."""
    weight = sum(variant.weight_grams * quantity for variant, quantity in lines)
    return m.QuoteRequest(
        destination=destination, currency=CNY,
        items=tuple(quote_item(variant, quantity) for variant, quantity in lines),
        shipping=direct_mail_estimate(weight), insurance=Money.zero(CNY),
        as_of=on, mode=MODE, buyer_year_to_date=year_to_date,
    )  # fmt: skip


_VARIANTS_FOR_SALE = (
    "SELECT v.id, v.sku, v.price_amount, v.currency, v.stock, v.weight_grams, p.id,"
    " p.seller_id, p.title_en, p.title_zh, p.hs_code, p.origin_country, p.category_id,"
    " s.business_name"
    f" FROM {ProductVariant._meta.db_table} v"
    f" JOIN {Product._meta.db_table} p ON p.id = v.product_id"
    f" JOIN {Seller._meta.db_table} s ON s.id = p.seller_id"
    " WHERE v.id IN ({ids}) AND p.status = %s"
)


def variants_for_sale(ids: set[int]) -> dict[int, ProductVariant]:
    """The published variants of `ids` with what placing an order reads of them, their
    products and sellers' names: id -> variant (product and seller attached, unsaved
    instances holding only those columns). Plain SQL with one join: the ORM spent twice
    as long compiling this query as the database spent answering it."""
    if not ids:
        return {}
    sql = _VARIANTS_FOR_SALE.format(ids=placeholders(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sorted(ids), Product.Status.PUBLISHED])
        rows = cursor.fetchall()
    found = {}
    for (variant_id, sku, price, currency, stock, weight, product_id, seller_id, title_en,
         title_zh, hs_code, origin, category_id, seller_name) in rows:  # fmt: skip
        product = Product(
            id=product_id, seller=Seller(id=seller_id, business_name=seller_name),
            title_en=title_en, title_zh=title_zh, hs_code=hs_code, origin_country=origin,
            category_id=category_id, status=Product.Status.PUBLISHED,
        )  # fmt: skip
        found[variant_id] = ProductVariant(
            id=variant_id, product=product, sku=sku, price_amount=stored_amount(price),
            currency=currency, stock=stock, weight_grams=weight,
        )  # fmt: skip
    return found


def _reservation_minutes() -> int:
    return getattr(settings, "ENTREPOT_QUOTE_MINUTES", 15)


_CANDIDATE_STOCK = (
    f"SELECT s.id, s.variant_id, s.warehouse_id, s.quantity FROM {Stock._meta.db_table} s"
    f" JOIN {Warehouse._meta.db_table} w ON w.id = s.warehouse_id"
    " WHERE s.variant_id IN ({ids}) AND s.quantity > 0 ORDER BY w.kind, s.warehouse_id"
)


def _take_stock(lines: list[CartLine], variants: dict) -> dict[int, int]:
    """Reserve every line's units, each from one warehouse that has them: variant id ->
    warehouse id. One read of the candidate stocks, then one conditional update per line
    (the update decides: another buyer may have taken the units since the read) and one
    update of the variants' totals. Raises CheckoutRefused (OUT_OF_STOCK) for a line no
    warehouse can serve; the caller's transaction then rolls every line back."""
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.variant_id] += line.quantity
    candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:  # "bonded" sorts first: it arrives sooner
        cursor.execute(_CANDIDATE_STOCK.format(ids=placeholders(wanted)), [*wanted])
        rows = cursor.fetchall()
    for stock_id, variant_id, warehouse_id, quantity in rows:
        if quantity >= wanted[variant_id]:
            candidates[variant_id].append((stock_id, warehouse_id))
    taken: dict[int, int] = {}
    # plain SQL on the hottest statements of a checkout: the ORM spent more time building
    # these two updates than the database spent running them
    stock_table, variant_table = Stock._meta.db_table, ProductVariant._meta.db_table
    take = f"UPDATE {stock_table} SET quantity = quantity - %s WHERE id = %s AND quantity >= %s"
    with connection.cursor() as cursor:
        for variant_id, quantity in wanted.items():
            for stock_id, warehouse_id in candidates[variant_id]:
                cursor.execute(take, [quantity, stock_id, quantity])
                if cursor.rowcount:
                    taken[variant_id] = warehouse_id
                    break
            else:
                variant = variants[variant_id]
                raise CheckoutRefused([m.QuoteError(
                    "OUT_OF_STOCK",
                    f"{variant.sku}: only {variant.stock} left, you asked for {quantity}",
                    "lines",
                )])  # fmt: skip
        cursor.executemany(
            f"UPDATE {variant_table} SET stock = stock - %s WHERE id = %s",
            [(quantity, variant_id) for variant_id, quantity in wanted.items()],
        )
    return taken


def checkout_place(
    *,
    buyer: Buyer,
    lines: list[CartLine],
    now: datetime | None = None,
    actor: str = "",
    address: Address | None = None,
) -> Checkout:
    """Turn cart lines into one checkout and one placed order per seller, or refuse."""
    now = now or timezone.now()
    if not lines or any(line.quantity < 1 for line in lines):
        raise CheckoutRefused([m.QuoteError(m.INVALID_INPUT, "the cart is empty", "lines")])
    # Reads first, outside the transaction: on SQLite the write lock is taken at BEGIN,
    # and every other writer waits for as long as this transaction is open.
    variants = variants_for_sale({line.variant_id for line in lines})
    missing = [line.variant_id for line in lines if line.variant_id not in variants]
    if missing:
        raise CheckoutRefused([m.QuoteError(
            m.INVALID_INPUT, f"no longer for sale: variants {missing}", "lines",
        )])  # fmt: skip
    by_seller: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        by_seller[variants[line.variant_id].product.seller_id].append(line)

    context = quote_context_on(now.date())
    with transaction.atomic():
        # the year-to-date is read under the buyer's lock: parallel checkouts of one buyer
        # are counted one after the other
        if connection.features.has_select_for_update:
            # plain SQL: only the lock matters, not the row (the ORM's query cost more)
            with connection.cursor() as cursor:
                cursor.execute(_LOCK_BUYER, [buyer.pk])
        spent = year_to_date_cny(buyer, now=now)
        quotes = _quotes(buyer, by_seller, variants, context, spent, now)
        return _record(buyer, by_seller, variants, quotes, now, actor, address)


def _quotes(buyer, by_seller, variants, context, spent: Money, now: datetime) -> dict:
    """The landed-cost quote of each seller's part, refused as a whole if any is refused."""
    quotes = {}
    for seller_id, seller_lines in by_seller.items():
        request = parcel_request(
            destination=buyer.country, year_to_date=spent, on=now.date(),
            lines=[(variants[line.variant_id], line.quantity) for line in seller_lines],
        )  # fmt: skip
        try:
            result = quote(request, rates=context.rates, positive_list=context.positive_list)
        except (NoRulePack, RateMissing) as exc:
            raise CheckoutRefused(
                [m.QuoteError(m.INVALID_INPUT, str(exc), "destination")]
            ) from None
        if not (result.allowed and result.calculable):
            raise CheckoutRefused(list(result.errors))
        quotes[seller_id] = result
        # the next seller's order counts this one: together they must fit the year
        spent = spent + result.totals.grand_total
    return quotes


_LOCK_BUYER = f"SELECT id FROM {Buyer._meta.db_table} WHERE id = %s FOR UPDATE"


def _record(buyer, by_seller, variants, quotes, now, actor, address) -> Checkout:
    """The checkout, its orders, their lines and events: a constant number of inserts.
    The orders placed are kept on the checkout as `placed_orders`, with their sellers'
    names (read with the variants): the caller answers without reading them again."""
    warehouses = _take_stock([line for ls in by_seller.values() for line in ls], variants)
    address = address or Address()
    checkout = Checkout.objects.create(
        buyer=buyer, currency=CNY,
        total_amount=sum((q.totals.grand_total for q in quotes.values()), Money.zero(CNY)).amount,
        quote={str(s): _snapshot(q) for s, q in quotes.items()},
        expires_at=now + timedelta(minutes=_reservation_minutes()),
        consignee_name=address.name, consignee_phone=address.phone,
        consignee_address=address.address,
    )  # fmt: skip
    orders = Order.objects.bulk_create(
        _order(checkout, buyer, seller_id, by_seller[seller_id], variants, result, now)
        for seller_id, result in quotes.items()
    )
    if any(order.pk is None for order in orders):  # a database that returns no ids
        ids = dict(Order.objects.filter(checkout=checkout).values_list("number", "id"))
        for order in orders:
            order.pk = ids[order.number]
    actor = (actor or buyer.user.get_username())[:150]
    OrderLine.objects.bulk_create(
        _order_line(order, line, variants[line.variant_id], quotes[order.seller_id], warehouses)
        for order in orders
        for line in by_seller[order.seller_id]
    )
    OrderEvent.objects.bulk_create(
        OrderEvent(order=order, event="place", to_status=Order.Status.PLACED, actor=actor)
        for order in orders
    )
    sellers = {v.product.seller_id: v.product.seller for v in variants.values()}
    for order in orders:
        order.seller = sellers[order.seller_id]
    checkout.placed_orders = orders
    return checkout


def _snapshot(result: m.Quote) -> dict:
    t = result.totals
    return {
        "rule": result.rule,
        "fx": [{"from": f.source, "to": f.target, "rate": str(f.rate)} for f in result.fx],
        "goods": str(t.goods.amount), "shipping": str(t.shipping.amount),
        "tax": str(t.taxes_and_duties.amount), "total": str(t.grand_total.amount),
    }  # fmt: skip


def _order(checkout, buyer, seller_id, lines, variants, result, now) -> Order:
    t = result.totals
    first = variants[lines[0].variant_id].product
    return Order(
        number=f"EP{now:%y%m%d}{checkout.pk:06d}{seller_id % 1000:03d}", buyer=buyer,
        seller_id=seller_id, status=Order.Status.PLACED, origin_country=first.origin_country,
        destination_country=buyer.country, currency=CNY, goods_amount=t.goods.amount,
        shipping_amount=t.shipping.amount, tax_amount=t.taxes_and_duties.amount,
        total_amount=t.grand_total.amount, checkout=checkout, mode=MODE,
        reserved_until=checkout.expires_at, placed_at=now,
    )  # fmt: skip


def _order_line(order, line, variant, result, warehouses) -> OrderLine:
    goods = next(q.goods for q in result.lines if q.sku == variant.sku)
    return OrderLine(
        order=order, product=variant.product, variant=variant,
        warehouse_id=warehouses[variant.pk], title_en=variant.product.title_en,
        title_zh=variant.product.title_zh, quantity=line.quantity,
        unit_price_amount=goods.amount / line.quantity, line_total_amount=goods.amount,
        currency=CNY,
    )  # fmt: skip
