"""Keeping the rollups up to date without touching the checkout.

Orders already write an append-only OrderEvent row for every change of state, in the
same transaction as the change. Those rows are the outbox: `analytics_refresh` (a huey
periodic task, every minute, or called directly) folds the events with ids above a
stored watermark into the rollups, and moves the watermark in the same transaction as
the rollup writes, so an event is counted once and never lost. New sellers are folded
the same way from the seller table. Checkout and payment write nothing more than before.

The refresh reads and computes outside its transaction; the transaction itself is one
compare-and-set of the cursor (its `version`) and the rollup writes, so on SQLite the
write lock is held for milliseconds. Two refreshes at once: the second one's
compare-and-set fails and it starts over from the new watermark.

`analytics_rebuild` recomputes every rollup from the orders (the test suite proves it
equals the incremental result) and resets the watermarks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from entrepot.analytics import sources, store
from entrepot.analytics.facts import DayRates, Delta
from entrepot.analytics.models import Cursor
from entrepot.orders.models import Order, OrderEvent
from entrepot.sellers.models import Seller

logger = logging.getLogger(__name__)

EVENTS_CURSOR = "order-events"
SELLERS_CURSOR = "sellers"
BATCH = 2000
# how long an id below the watermark is looked for again (see Cursor.pending): far
# longer than any checkout or payment transaction stays open
GRACE = timedelta(minutes=10)
MAX_PENDING = 10_000
REBUILD_CHUNK = 2000


class _Conflict(Exception):
    """Another refresh (or a rebuild) moved the cursor first."""


@dataclass
class RefreshReport:
    events: int = 0
    sellers: int = 0
    rows_written: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.events / self.seconds if self.seconds else 0.0
        return (
            f"folded {self.events:,} order events and {self.sellers:,} new sellers into "
            f"{self.rows_written:,} rollup row writes in {self.seconds:.2f} s "
            f"({rate:,.0f} events/s)"
        )


@dataclass
class RebuildReport:
    orders: int = 0
    sellers: int = 0
    rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"rebuilt {self.rows:,} rollup rows from {self.orders:,} orders and "
            f"{self.sellers:,} sellers in {self.seconds:.1f} s"
        )


def _cursor(name: str) -> Cursor:
    cursor, _created = Cursor.objects.get_or_create(name=name)
    return cursor


def _pending_after(cursor: Cursor, found: set[int], top: int, seen: set[int], now) -> list:
    """The ids still to look for: old ones not found and in their grace period, and the
    gaps between the old and the new watermark."""
    cutoff = now - GRACE
    keep = [
        [pk, since]
        for pk, since in cursor.pending
        if pk not in found and datetime.fromisoformat(since) > cutoff
    ]
    stamp = now.isoformat()
    # only the last stretch can hide an open transaction; older holes are deleted rows,
    # and a cursor that never moved has no "before" (ids of rolled-back inserts)
    low = max(cursor.watermark + 1, top - MAX_PENDING)
    if cursor.watermark == 0 and seen:
        low = max(low, min(seen))
    keep += [[pk, stamp] for pk in range(low, top) if pk not in seen]
    return keep[-MAX_PENDING:]


def _commit(cursor: Cursor, *, watermark: int, pending: list, delta: Delta) -> int:
    """Write the delta and move the cursor, or raise _Conflict if it moved meanwhile."""
    plan = store.plan(delta) if delta else store.Plan()
    with transaction.atomic():
        moved = Cursor.objects.filter(name=cursor.name, version=cursor.version).update(
            watermark=watermark, pending=pending, version=F("version") + 1,
            updated_at=timezone.now(),
        )  # fmt: skip
        if not moved:
            raise _Conflict(cursor.name)
        store.write(plan)
    return plan.rows


def _fold_events(delta: Delta, events: list[tuple]) -> None:
    counted = [e for e in events if e[2] in sources.COUNTED_EVENTS]
    facts = sources.order_facts(e[1] for e in counted)
    for _pk, order_id, event, at in counted:
        order = facts.get(order_id)
        if order is None:  # deleted since
            continue
        if event == "place":
            delta.placed(order)
        elif event == "pay":
            delta.paid(order, at)
        elif event == "complete":
            delta.completed(order, at)
        else:
            delta.refunded(order, at)


def _refresh_events_once(rates: DayRates, batch: int) -> tuple[int, int]:
    cursor = _cursor(EVENTS_CURSOR)
    now = timezone.now()
    events = sources.events_after(cursor.watermark, limit=batch)
    late = sources.events_with_ids(pk for pk, _since in cursor.pending)
    if not events and not late and not cursor.pending:
        return 0, 0
    top = events[-1][0] if events else cursor.watermark
    pending = _pending_after(
        cursor, {e[0] for e in late}, top, {e[0] for e in events}, now
    )
    if not events and not late and pending == cursor.pending:
        return 0, 0
    delta = Delta(rates)
    _fold_events(delta, late + events)
    rows = _commit(cursor, watermark=top, pending=pending, delta=delta)
    return len(events) + len(late), rows


def _refresh_sellers_once(rates: DayRates, batch: int) -> tuple[int, int]:
    cursor = _cursor(SELLERS_CURSOR)
    now = timezone.now()
    sellers = sources.sellers_after(cursor.watermark, limit=batch)
    late = sources.sellers_with_ids(pk for pk, _since in cursor.pending)
    if not sellers and not late and not cursor.pending:
        return 0, 0
    top = sellers[-1].id if sellers else cursor.watermark
    pending = _pending_after(cursor, {s.id for s in late}, top, {s.id for s in sellers}, now)
    if not sellers and not late and pending == cursor.pending:
        return 0, 0
    delta = Delta(rates)
    for seller in late + sellers:
        delta.seller_joined(seller)
    rows = _commit(cursor, watermark=top, pending=pending, delta=delta)
    return len(sellers) + len(late), rows


def _drain(step: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    done = rows = 0
    conflicts = 0
    while True:
        try:
            count, written = step()
        except _Conflict:
            conflicts += 1
            if conflicts > 5:
                logger.warning("analytics refresh gave way to another refresh")
                return done, rows
            continue
        done += count
        rows += written
        if not count:
            return done, rows


def analytics_refresh(*, batch: int = BATCH) -> RefreshReport:
    """Fold every order event and seller not yet counted into the rollups."""
    started = time.perf_counter()
    rates = DayRates()
    report = RefreshReport()
    report.events, rows = _drain(lambda: _refresh_events_once(rates, batch))
    report.sellers, seller_rows = _drain(lambda: _refresh_sellers_once(rates, batch))
    report.rows_written = rows + seller_rows
    report.seconds = time.perf_counter() - started
    return report


# --- rebuild ----------------------------------------------------------------------------


def _gaps_below(model, top: int, now) -> list:
    """Ids in the last stretch below `top` that this snapshot does not see: rows of
    transactions still open (PostgreSQL), to be picked up when they commit."""
    low = max(0, top - MAX_PENDING)
    seen = set(model.objects.filter(id__gt=low, id__lte=top).values_list("id", flat=True))
    stamp = now.isoformat()
    return [[pk, stamp] for pk in range(low + 1, top) if pk not in seen]


def _rebuild_orders(delta: Delta) -> int:
    count = 0
    last = 0
    while True:
        ids = list(
            Order.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[
                :REBUILD_CHUNK
            ]
        )
        if not ids:
            return count
        last = ids[-1]
        facts = sources.order_facts(ids)
        refunds = sources.refund_times(ids)
        for order in facts.values():
            delta.placed(order)
            if order.paid_at is not None:
                delta.paid(order, order.paid_at)
            if order.completed_at is not None:
                delta.completed(order, order.completed_at)
            refunded_at = refunds.get(order.id)
            if refunded_at is None and order.status == Order.Status.REFUNDED:
                # orders written without events (the seeder): refunded when paid
                refunded_at = order.paid_at or order.placed_at
            if refunded_at is not None:
                delta.refunded(order, refunded_at)
        count += len(facts)


def analytics_rebuild() -> RebuildReport:
    """Recompute every rollup from the orders and sellers, and reset the watermarks.

    One transaction: on SQLite it holds the write lock throughout (seconds for the demo
    data; run it when traffic is low); on PostgreSQL it reads one repeatable-read
    snapshot and leaves the newest unseen ids pending for the next refresh.
    """
    started = time.perf_counter()
    report = RebuildReport()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # one snapshot for every read (only possible as a transaction's first statement)
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as db:
                db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = timezone.now()
        for name in (EVENTS_CURSOR, SELLERS_CURSOR):
            _cursor(name)
        # a refresh running meanwhile waits here (PostgreSQL), then fails its
        # compare-and-set and starts over from the new watermark
        list(Cursor.objects.select_for_update().filter(name__in=[EVENTS_CURSOR, SELLERS_CURSOR]))
        event_top = OrderEvent.objects.aggregate(top=Max("id"))["top"] or 0
        seller_top = Seller.objects.aggregate(top=Max("id"))["top"] or 0
        delta = Delta(DayRates())
        report.orders = _rebuild_orders(delta)
        last = 0
        while sellers := sources.sellers_after(last, limit=REBUILD_CHUNK):
            for seller in sellers:
                delta.seller_joined(seller)
            report.sellers += len(sellers)
            last = sellers[-1].id
        report.rows = store.replace(delta)
        for name, model, top in ((EVENTS_CURSOR, OrderEvent, event_top),
                                 (SELLERS_CURSOR, Seller, seller_top)):  # fmt: skip
            Cursor.objects.filter(name=name).update(
                watermark=top, pending=_gaps_below(model, top, now),
                version=F("version") + 1, updated_at=now,
            )  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report
