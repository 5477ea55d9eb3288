"""The dashboard's figures computed straight from the orders with SQL: the test oracle.

Written independently of entrepot.analytics: plain SQL over orders_order, its lines,
events and sellers. Amounts are summed as integers of 1/10,000 (exact on SQLite and
PostgreSQL alike); orders in another currency than CNY are converted one by one at the
day's rate, as the definition says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection

from entrepot.domain.money import Money
from entrepot.pricing.models import ExchangeRate
from entrepot.pricing.selectors import rate_table_on

U = "CAST(ROUND(o.total_amount * 10000) AS BIGINT)"


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    origin: str = ""
    destination: str = ""


def _moment(day: date):
    return connection.ops.adapt_datetimefield_value(datetime.combine(day, time(), tzinfo=UTC))


def _where(w: Window, column: str = "o.paid_at") -> tuple[str, list]:
    sql = f"{column} >= %s AND {column} < %s"
    params = [_moment(w.start), _moment(w.end + timedelta(days=1))]
    if w.origin:
        sql += " AND o.origin_country = %s AND o.destination_country = %s"
        params += [w.origin, w.destination]
    return sql, params


def _one(sql: str, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def paid_totals(w: Window) -> dict:
    """Figures of CNY orders paid in the window (the randomized data is all CNY)."""
    where, params = _where(w)
    gmv, orders, tax, cross, buyers, sellers = _one(
        f"SELECT COALESCE(SUM({U}), 0), COUNT(*),"
        " COALESCE(SUM(CAST(ROUND(o.tax_amount * 10000) AS BIGINT)), 0),"
        f" COALESCE(SUM(CASE WHEN o.origin_country <> o.destination_country THEN {U} END), 0),"
        " COUNT(DISTINCT o.buyer_id), COUNT(DISTINCT o.seller_id)"
        f" FROM orders_order o WHERE {where}",
        params,
    )
    (small,) = _one(
        f"SELECT COALESCE(SUM({U}), 0) FROM orders_order o"
        f" JOIN sellers_seller s ON s.id = o.seller_id WHERE s.is_small_business AND {where}",
        params,
    )
    (units,) = _one(
        "SELECT COALESCE(SUM(l.quantity), 0) FROM orders_order o"
        f" JOIN orders_orderline l ON l.order_id = o.id WHERE {where}",
        params,
    )
    placed_where, placed_params = _where(w, "o.placed_at")
    (placed,) = _one(f"SELECT COUNT(*) FROM orders_order o WHERE {placed_where}", placed_params)
    refund_where, refund_params = _where(w, "e.created_at")
    refunds, refunded = _one(
        f"SELECT COUNT(*), COALESCE(SUM({U}), 0) FROM orders_order o"
        " JOIN orders_orderevent e ON e.order_id = o.id AND e.event = 'refund'"
        f" WHERE {refund_where}",
        refund_params,
    )
    return {"gmv_cny": gmv, "orders": orders, "tax_cny": tax, "gmv_cross_cny": cross,
            "gmv_small_cny": small, "units": units, "placed": placed, "refunds": refunds,
            "refunds_cny": refunded, "buyers": buyers, "sellers": sellers}  # fmt: skip


def gmv_by(w: Window, column: str) -> dict:
    """GMV of CNY orders by one column of the order."""
    where, params = _where(w)
    rows = _all(
        f"SELECT o.{column}, SUM({U}) FROM orders_order o WHERE {where} GROUP BY o.{column}",
        params,
    )
    return dict(rows)


def gmv_by_corridor(w: Window) -> dict:
    where, params = _where(w)
    rows = _all(
        f"SELECT o.origin_country, o.destination_country, SUM({U}), COUNT(*)"
        f" FROM orders_order o WHERE {where} GROUP BY o.origin_country, o.destination_country",
        params,
    )
    return {(a, b): (gmv, n) for a, b, gmv, n in rows}


def gmv_by_category(w: Window) -> dict:
    """GMV by the category of each order's first line."""
    where, params = _where(w)
    rows = _all(
        f"SELECT p.category_id, SUM({U}), COUNT(*) FROM orders_order o"
        " JOIN orders_orderline l ON l.id = (SELECT MIN(x.id) FROM orders_orderline x"
        "   WHERE x.order_id = o.id)"
        f" JOIN catalog_product p ON p.id = l.product_id WHERE {where} GROUP BY p.category_id",
        params,
    )
    return {cat: (gmv, n) for cat, gmv, n in rows}


def top_sellers(w: Window, limit: int = 10) -> list[tuple[int, int]]:
    where, params = _where(w)
    rows = _all(
        f"SELECT o.seller_id, SUM({U}) AS gmv FROM orders_order o WHERE {where}"
        " GROUP BY o.seller_id ORDER BY gmv DESC, o.seller_id LIMIT %s",
        [*params, limit],
    )
    return [(seller, gmv) for seller, gmv in rows]


def distinct_buyers(w: Window) -> int:
    where, params = _where(w)
    return _one(f"SELECT COUNT(DISTINCT o.buyer_id) FROM orders_order o WHERE {where}", params)[0]


def registered_sellers(by: date) -> tuple[int, int]:
    (total, small) = _one(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_small_business THEN 1 ELSE 0 END), 0)"
        " FROM sellers_seller WHERE created_at < %s",
        [_moment(by + timedelta(days=1))],
    )
    return total, small


def converted_gmv(w: Window) -> tuple[int, int, dict]:
    """GMV in CNY and USD (1/10,000) over orders of any currency, each converted at the
    rate of its paid day (the first stored rate before any stored one), and by corridor."""
    where, params = _where(w)
    rows = _all(
        f"SELECT o.currency, o.total_amount, o.paid_at, o.origin_country,"
        f" o.destination_country FROM orders_order o WHERE {where}",
        params,
    )
    first = ExchangeRate.objects.order_by("effective_date").values_list(
        "effective_date", flat=True
    )[0]
    cny = usd = 0
    corridors: dict = defaultdict(int)
    for currency, total, paid_at, origin, destination in rows:
        if isinstance(paid_at, str):
            paid_at = datetime.fromisoformat(paid_at)
        day = max(paid_at.date(), first)
        table = rate_table_on(day)
        amount = Money(Decimal(str(total)).quantize(Decimal("0.0001")), currency)
        in_cny = amount if currency == "CNY" else table.convert(amount, "CNY")
        in_usd = amount if currency == "USD" else table.convert(amount, "USD")
        cny += int(in_cny.amount.scaleb(4))
        usd += int(in_usd.amount.scaleb(4))
        corridors[(origin, destination)] += int(in_cny.amount.scaleb(4))
    return cny, usd, dict(corridors)
