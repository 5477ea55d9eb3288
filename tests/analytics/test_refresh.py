"""The incremental refresh: order events folded once each, off the checkout path."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepot.analytics import sets, tasks
from entrepot.analytics.facts import Delta, to_units
from entrepot.analytics.models import Activity, Cursor, NewSellers, Sales
from entrepot.analytics.services import (
    EVENTS_CURSOR,
    _commit,
    _Conflict,
    analytics_rebuild,
    analytics_refresh,
)
from entrepot.orders.models import OrderEvent
from tests import factories
from tests.analytics.helpers import DAY0, clock, move, place, rollup_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    factories.rates(date(2024, 1, 1))
    seller = factories.seller(country="US", is_small_business=True)
    product = factories.product(seller=seller, category=factories.category())
    return seller, product, factories.buyer()


def _day(grain="d", day=None, origin="US", destination="CN"):
    day = day or DAY0.date()
    return Sales.objects.get(grain=grain, period=day, origin=origin, destination=destination)


def test_a_paid_order_counts_on_the_day_it_was_paid_at_every_grain(market):
    seller, product, buyer = market
    order = place(buyer=buyer, seller=seller, product=product, at=DAY0, quantity=3)
    move(order, "pay", DAY0 + timedelta(days=1))
    report = analytics_refresh()
    assert report.events == 2
    placed, paid = _day(), _day(day=DAY0.date() + timedelta(days=1))
    assert (placed.placed, placed.orders) == (1, 0)
    assert (paid.orders, paid.units, paid.gmv_cny) == (1, 3, to_units(Decimal("100.00")))
    assert paid.tax_cny == to_units(Decimal("9.10"))
    assert paid.gmv_small_cny == paid.gmv_cny
    # USD at the day's rate: 100 CNY x 1.1172 / 7.4326, rounded to the cent
    assert paid.gmv_usd == to_units(Decimal("15.03"))
    month = _day("m", date(2025, 1, 1))
    year = _day("y", date(2025, 1, 1))
    assert month.orders == year.orders == 1 and month.placed == year.placed == 1
    everyone = Activity.objects.get(grain="d", period=paid.period, origin="", destination="")
    assert list(sets.buyers_load(everyone.buyers)) == [buyer.id]
    assert sets.sellers_load(everyone.sellers) == {seller.id: [1, paid.gmv_cny]}


def test_refreshing_again_counts_nothing_twice(market):
    seller, product, buyer = market
    move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    analytics_refresh()
    before = rollup_snapshot()
    assert analytics_refresh().events == 0
    assert rollup_snapshot() == before


def test_events_that_change_no_figure_still_move_the_watermark(market):
    seller, product, buyer = market
    order = move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    move(order, "declare", DAY0)
    analytics_refresh()
    assert Cursor.objects.get(name=EVENTS_CURSOR).watermark == OrderEvent.objects.latest("id").id


def test_refunds_and_completions_count_on_their_own_day(market):
    seller, product, buyer = market
    refunded = move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    move(refunded, "refund", DAY0 + timedelta(days=2))
    completed = move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    for event in ("declare", "clear", "ship", "deliver", "complete"):
        completed = move(completed, event, DAY0 + timedelta(days=5))
    analytics_refresh()
    later = _day(day=DAY0.date() + timedelta(days=2))
    assert (later.refunds, later.refunds_cny) == (1, to_units(Decimal("100.00")))
    assert _day(day=DAY0.date() + timedelta(days=5)).completed == 1
    # GMV is gross: the refunded order stays in the day it was paid
    assert _day().orders == 2


def test_the_refresh_folds_in_batches_until_it_has_caught_up(market):
    seller, product, buyer = market
    for n in range(7):
        move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay",
             DAY0 + timedelta(days=n))  # fmt: skip
    report = analytics_refresh(batch=3)
    assert report.events == 14
    assert sum(Sales.objects.filter(grain="d").values_list("orders", flat=True)) == 7


def test_an_event_committed_late_below_the_watermark_is_still_counted(market):
    """PostgreSQL may commit a lower id after a higher one: the refresh looks again."""
    seller, product, buyer = market
    first = place(buyer=buyer, seller=seller, product=product, at=DAY0)
    second = place(buyer=buyer, seller=seller, product=product, at=DAY0)
    move(first, "pay", DAY0)
    move(second, "pay", DAY0)
    late = OrderEvent.objects.filter(event="pay").earliest("id")
    saved = {f.attname: getattr(late, f.attname) for f in OrderEvent._meta.concrete_fields}
    late.delete()  # not visible yet: its transaction is still open
    analytics_refresh()
    assert _day().orders == 1
    assert [pk for pk, _since in Cursor.objects.get(name=EVENTS_CURSOR).pending] == [saved["id"]]
    OrderEvent.objects.create(**saved)  # ... and now it commits
    analytics_refresh()
    assert _day().orders == 2
    assert Cursor.objects.get(name=EVENTS_CURSOR).pending == []


def test_a_refresh_that_lost_the_race_writes_nothing(market):
    seller, product, buyer = market
    move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    stale = Cursor.objects.get_or_create(name=EVENTS_CURSOR)[0]
    analytics_refresh()  # another refresh moves the cursor first
    before = rollup_snapshot()
    with pytest.raises(_Conflict):
        _commit(stale, watermark=999, pending=[], delta=Delta())
    assert rollup_snapshot() == before


def test_new_sellers_are_counted_by_their_own_cursor():
    factories.rates(date(2024, 1, 1))
    with clock(DAY0):
        factories.seller(country="DE", is_small_business=True)
        factories.seller(country="DE", is_small_business=False)
    analytics_refresh()
    rows = NewSellers.objects.filter(grain="d", period=DAY0.date(), country="DE")
    assert sorted(rows.values_list("small_business", "sellers")) == [(False, 1), (True, 1)]


def test_paying_an_order_writes_nothing_to_the_rollups(market):
    """The checkout/payment path is untouched: rollups change only when refreshed."""
    seller, product, buyer = market
    order = place(buyer=buyer, seller=seller, product=product, at=DAY0)
    with CaptureQueriesContext(connection) as queries:
        move(order, "pay", DAY0)
    assert not [q for q in queries.captured_queries if "analytics_" in q["sql"]]
    assert not Sales.objects.exists()


def test_the_periodic_task_refreshes(market):
    seller, product, buyer = market
    move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    report = tasks.refresh_rollups.call_local()
    assert report.events == 2
    assert _day().orders == 1


def test_rebuild_resets_the_watermark_so_nothing_is_counted_again(market):
    seller, product, buyer = market
    move(place(buyer=buyer, seller=seller, product=product, at=DAY0), "pay", DAY0)
    analytics_rebuild()
    assert analytics_refresh().events == 0
    assert _day().orders == 1
