"""Whatever happens to orders, and whenever the refresh runs, the incremental rollups
equal a rebuild from the orders."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entrepot.analytics.services import analytics_rebuild, analytics_refresh
from entrepot.orders.models import Order
from tests import factories
from tests.analytics.helpers import DAY0, TO_COMPLETED, clock, move, place, rollup_snapshot

pytestmark = pytest.mark.django_db

# one step: (what, which order, how many days later, amount in fen)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(("place", "pay", "advance", "refund", "cancel", "refresh", "seller")),
        st.integers(0, 30),
        st.integers(0, 400),
        st.integers(1, 500_000),
    ),
    min_size=1,
    max_size=40,
)


@pytest.fixture
def world(db):
    factories.rates(date(2024, 1, 1))
    categories = [factories.category(), factories.category()]
    sellers = [
        factories.seller(country="US", is_small_business=True),
        factories.seller(country="DE", currency="EUR", is_small_business=False),
    ]
    products = [factories.product(seller=s, category=c, variants=1)
                for s in sellers for c in categories]  # fmt: skip
    buyers = [
        factories.buyer(country="CN", province="浙江省"),
        factories.buyer(country="CN", province="广东省"),
        factories.buyer(country="US", province="Ohio"),
    ]
    return sellers, products, buyers


def _act(step, world, orders: list[Order], n: int) -> None:
    sellers, products, buyers = world
    what, index, days, fen = step
    at = DAY0 + timedelta(days=days, minutes=n)
    if what == "place" or not orders and what != "refresh" and what != "seller":
        product = products[index % len(products)]
        extra = [products[(index + 1) % len(products)]] if index % 3 == 0 else []
        extra = [p for p in extra if p.seller_id == product.seller_id]
        currency = "CNY" if index % 4 else "EUR"
        orders.append(place(
            buyer=buyers[index % len(buyers)], seller=product.seller, product=product, at=at,
            quantity=1 + index % 3, total=f"{fen / 100:.2f}", tax=f"{fen / 1000:.2f}",
            currency=currency, extra_products=extra,
        ))  # fmt: skip
        return
    if what == "refresh":
        analytics_refresh(batch=1 + index % 5)
        return
    if what == "seller":
        with clock(at):
            factories.seller(country=("US", "JP", "DE")[index % 3],
                             is_small_business=index % 2 == 0)
        return
    order = orders[index % len(orders)]
    order.refresh_from_db()
    wanted = {"pay": ["pay"], "cancel": ["cancel"], "refund": ["refund"],
              "advance": list(TO_COMPLETED) + ["return"]}[what]  # fmt: skip
    for event in wanted:  # the first event the order's state allows, if any
        try:
            move(order, event, at)
        except ValueError:
            continue
        return


QUIET = [HealthCheck.function_scoped_fixture]


@settings(max_examples=25, deadline=None, suppress_health_check=QUIET)
@given(steps=STEPS)
def test_incremental_rollups_equal_a_rebuild(world, steps):
    with transaction.atomic():
        orders: list[Order] = []
        for n, step in enumerate(steps):
            _act(step, world, orders, n)
        analytics_refresh()
        incremental = rollup_snapshot()
        analytics_rebuild()
        rebuilt = rollup_snapshot()
        assert incremental == rebuilt
        transaction.set_rollback(True)
