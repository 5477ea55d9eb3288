"""Every dashboard figure equals the same figure computed directly from the orders with SQL
(tests/analytics/oracle.py), over randomized orders and over the seeded demo data."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entrepot.analytics import selectors
from entrepot.analytics.selectors import Filters
from entrepot.analytics.services import analytics_refresh
from entrepot.seeding.seed import seed
from tests import factories
from tests.analytics import oracle
from tests.analytics.helpers import clock, move, place

pytestmark = pytest.mark.django_db
FIRST = date(2024, 11, 1)
DAYS = 500
CORRIDORS = ["", "US-CN", "DE-CN", "US-US", "JP-GB"]


@pytest.fixture
def random_market(db):
    """~250 CNY orders over 500 days: places, payments, refunds, completions, in five
    corridors, from small and larger sellers, to buyers in two countries."""
    rng = random.Random(20261127)
    factories.rates(date(2024, 1, 1))
    categories = [factories.category() for _ in range(3)]
    sellers = []
    for n, country in enumerate(["US", "US", "DE", "JP"]):
        with clock(datetime(2024, 6, 1, tzinfo=UTC) + timedelta(days=100 * n)):
            sellers.append(factories.seller(country=country, is_small_business=n != 1))
    products = [factories.product(seller=s, category=rng.choice(categories), variants=1)
                for s in sellers for _ in range(2)]  # fmt: skip
    buyers = [factories.buyer(country="CN" if n % 4 else "US") for n in range(12)]
    buyers.append(factories.buyer(country="GB"))
    for _ in range(250):
        product = rng.choice(products)
        buyer = rng.choice(buyers)
        if product.seller.country == "JP":
            buyer = buyers[-1]
        placed = datetime.combine(FIRST, datetime.min.time(), tzinfo=UTC) + timedelta(
            days=rng.randrange(DAYS), seconds=rng.randrange(86400))
        order = place(buyer=buyer, seller=product.seller, product=product, at=placed,
                      quantity=rng.randint(1, 3), total=f"{rng.randint(500, 400_000) / 100:.2f}",
                      tax=f"{rng.randint(0, 9_000) / 100:.2f}")  # fmt: skip
        if rng.random() < 0.85:
            paid = placed + timedelta(hours=rng.choice((0, 1, 30)))
            move(order, "pay", paid)
            if rng.random() < 0.15:
                move(order, "refund", paid + timedelta(days=rng.randint(0, 20)))
    analytics_refresh(batch=97)


def _compare(filters: Filters) -> None:
    window = oracle.Window(filters.start, filters.end, filters.origin, filters.destination)
    board = selectors.dashboard(filters)
    expected = oracle.paid_totals(window)
    t = board.totals
    for name in ("gmv_cny", "orders", "tax_cny", "gmv_cross_cny", "gmv_small_cny", "units",
                 "placed", "refunds", "refunds_cny"):  # fmt: skip
        assert getattr(t, name) == expected[name], name
    assert board.active.buyers == expected["buyers"]
    assert board.active.sellers == expected["sellers"]
    earlier = oracle.Window(*filters.year_earlier(), filters.origin, filters.destination)
    assert board.previous.gmv_cny == oracle.paid_totals(earlier)["gmv_cny"]
    assert board.active.previous_buyers == oracle.distinct_buyers(earlier)
    end = filters.end
    for days, figure in ((1, board.active.buyers_day), (30, board.active.buyers_30d),
                         (365, board.active.buyers_365d)):  # fmt: skip
        trailing = oracle.Window(end - timedelta(days=days - 1), end, filters.origin,
                                 filters.destination)  # fmt: skip
        assert figure == oracle.distinct_buyers(trailing), days
    corridors = oracle.gmv_by_corridor(window)
    assert {r.key: (r.gmv_cny, r.orders) for r in board.corridors if r.orders} == corridors
    countries = oracle.gmv_by(window, "origin_country")  # seller country = origin here
    assert {r.key[0]: r.gmv_cny for r in board.seller_countries if r.orders} == countries
    by_category = oracle.gmv_by_category(window)
    assert {r.key[0]: (r.gmv_cny, r.orders) for r in board.categories if r.orders} == by_category
    top = [(s.seller_id, s.gmv_cny) for s in board.active.top_sellers]
    assert top == oracle.top_sellers(window)
    assert sum(p.gmv_cny for p in board.series) == expected["gmv_cny"]
    registered, small = oracle.registered_sellers(end)
    assert (board.sellers.registered, board.sellers.registered_small) == (registered, small)


QUIET = [HealthCheck.function_scoped_fixture]


@settings(max_examples=30, deadline=None, suppress_health_check=QUIET)
@given(
    start=st.integers(-40, DAYS + 20),
    length=st.integers(1, 420),
    corridor=st.sampled_from(CORRIDORS),
)
def test_dashboard_equals_sql_over_randomized_orders(random_market, start, length, corridor):
    first = FIRST + timedelta(days=start)
    origin, destination = corridor.split("-") if corridor else ("", "")
    _compare(Filters(first, first + timedelta(days=length - 1), origin, destination))


@pytest.mark.parametrize("corridor", ["", "US-CN"])
def test_dashboard_equals_sql_over_whole_years_and_months(random_market, corridor):
    origin, destination = corridor.split("-") if corridor else ("", "")
    for start, end in ((date(2025, 1, 1), date(2025, 12, 31)),
                       (date(2025, 2, 1), date(2025, 2, 28)),
                       (date(2024, 11, 15), date(2026, 3, 20))):  # fmt: skip
        _compare(Filters(start, end, origin, destination))


NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def test_dashboard_equals_sql_over_the_seeded_demo_data():
    # the seeder fills the rollups itself (its orders have no events to fold)
    seed(sellers=8, products=80, buyers=40, orders=400, seed=5, now=NOW, progress=False)
    assert analytics_refresh().events == 0
    for start, end in ((date(2025, 11, 27), date(2026, 11, 27)),
                       (date(2026, 9, 1), date(2026, 11, 27)),
                       (date(2026, 1, 1), date(2026, 6, 30))):
        filters = Filters(start, end)
        board = selectors.dashboard(filters)
        window = oracle.Window(start, end)
        gmv_cny, gmv_usd, corridors = oracle.converted_gmv(window)
        assert board.totals.gmv_cny == gmv_cny
        assert board.totals.gmv_usd == gmv_usd
        assert {r.key: r.gmv_cny for r in board.corridors if r.orders} == corridors
        assert board.totals.orders == oracle.paid_totals(window)["orders"]
        assert board.active.buyers == oracle.distinct_buyers(window)
        for (origin, destination), gmv in corridors.items():
            narrowed = selectors.dashboard(Filters(start, end, origin, destination))
            assert narrowed.totals.gmv_cny == gmv
