"""Writing a `Delta` into the rollup tables: merged into the rows there (refresh) or
replacing them all (rebuild).

`plan` reads the rows a delta touches and works out the new ones; `write` only writes,
so the refresh can keep its write transaction (and SQLite's write lock) short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyroaring import BitMap

from entrepot.analytics import sets
from entrepot.analytics.facts import Delta
from entrepot.analytics.models import (
    Activity,
    CategorySales,
    NewSellers,
    ProductSales,
    Sales,
    SellerProvinceSales,
)

BATCH = 500
ROLLUPS = (Sales, CategorySales, Activity, SellerProvinceSales, ProductSales, NewSellers)


@dataclass
class Plan:
    """Rows to create and rows to update, per model."""

    create: dict = field(default_factory=dict)
    update: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(v) for v in self.create.values()) + sum(
            len(v) for v in self.update.values()
        )


def _existing(model, keys, fresh: bool) -> dict[tuple, object]:
    """The stored rows of these keys (one query: each key field IN its values, a superset
    that is narrowed in Python); none when the tables were just emptied (`fresh`)."""
    keys = list(keys)
    if fresh or not keys:
        return {}
    lookups = {
        f"{name}__in": sorted({key[i] for key in keys}) for i, name in enumerate(model.KEY)
    }
    wanted = set(keys)
    found = {}
    for row in model.objects.filter(**lookups):
        key = tuple(getattr(row, name) for name in model.KEY)
        if key in wanted:
            found[key] = row
    return found


def _new(model, key, **values):
    return model(**dict(zip(model.KEY, key, strict=True)), **values)


def _plan_sums(plan: Plan, model, items: dict[tuple, list[int]], fresh: bool) -> None:
    stored = _existing(model, items, fresh)
    create, update = [], []
    for key, sums in items.items():
        row = stored.get(key)
        if row is None:
            create.append(_new(model, key, **dict(zip(model.SUMS, sums, strict=True))))
            continue
        for name, value in zip(model.SUMS, sums, strict=True):
            setattr(row, name, getattr(row, name) + value)
        update.append(row)
    plan.create[model] = create
    plan.update[model] = (update, model.SUMS)


def _plan_activity(plan: Plan, items: dict[tuple, tuple[BitMap, dict]], fresh: bool) -> None:
    stored = _existing(Activity, items, fresh)
    create, update = [], []
    for key, (buyers, sellers) in items.items():
        row = stored.get(key)
        if row is None:
            create.append(_new(Activity, key, buyers=sets.buyers_dump(buyers),
                               sellers=sets.sellers_dump(sellers)))  # fmt: skip
            continue
        merged = sets.buyers_load(row.buyers) | buyers
        totals = sets.sellers_load(row.sellers)
        for seller_id, (orders, gmv) in sellers.items():
            total = totals.setdefault(seller_id, [0, 0])
            total[0] += orders
            total[1] += gmv
        row.buyers, row.sellers = sets.buyers_dump(merged), sets.sellers_dump(totals)
        update.append(row)
    plan.create[Activity] = create
    plan.update[Activity] = (update, ("buyers", "sellers"))


def _plan_provinces(plan: Plan, items: dict[tuple, list], fresh: bool) -> None:
    model = SellerProvinceSales
    stored = _existing(model, items, fresh)
    create, update = [], []
    for key, (orders, units, gmv, buyers) in items.items():
        row = stored.get(key)
        if row is None:
            create.append(_new(model, key, orders=orders, units=units, gmv_cny=gmv,
                               buyers=sets.buyers_dump(buyers)))  # fmt: skip
            continue
        row.orders += orders
        row.units += units
        row.gmv_cny += gmv
        row.buyers = sets.buyers_dump(sets.buyers_load(row.buyers) | buyers)
        update.append(row)
    plan.create[model] = create
    plan.update[model] = (update, ("orders", "units", "gmv_cny", "buyers"))


def plan(delta: Delta, *, fresh: bool = False) -> Plan:
    """What merging `delta` into the stored rollups writes (reads only; nothing when
    `fresh`: the tables are empty)."""
    result = Plan()
    _plan_sums(result, Sales, delta.sales, fresh)
    _plan_sums(result, CategorySales, delta.categories, fresh)
    _plan_sums(result, ProductSales, delta.products, fresh)
    _plan_sums(result, NewSellers, delta.new_sellers, fresh)
    _plan_activity(result, delta.activity, fresh)
    _plan_provinces(result, delta.provinces, fresh)
    return result


def write(plan: Plan) -> None:
    """Write a plan; the caller holds the transaction."""
    for model, rows in plan.create.items():
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
    for model, (rows, fields) in plan.update.items():
        if rows:
            model.objects.bulk_update(rows, fields, batch_size=BATCH)


def replace(delta: Delta) -> int:
    """Delete every rollup row and write `delta` as the new content; the caller holds the
    transaction. Returns the number of rows written."""
    for model in ROLLUPS:
        model.objects.all().delete()
    rows = plan(delta, fresh=True)
    write(rows)
    return rows.rows
