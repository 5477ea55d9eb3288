"""What one order costs PostgreSQL: SQL statements and rows written per step of the
buyer's path, measured by tests/topology/order_cost_script.py on a fresh copy of the
migrated database, with Redis for cache and sessions as in production. The budgets
keep the numbers docs/scaling.md quotes from growing unnoticed."""

from __future__ import annotations

import json

import pytest

from tests.topology.support import (
    django_env,
    drop_database,
    fresh_database,
    postgres_url,
    redis_url,
    run_django,
)

pytestmark = pytest.mark.topology
ONE, TWO = "one seller, one order", "two sellers, two orders"
# statements (BEGIN/COMMIT/SAVEPOINT included) and rows written, per checkout
QUERY_BUDGET = {ONE: 80, TWO: 90}
ROW_BUDGET = {ONE: 40, TWO: 70}


def test_one_order_costs_postgresql_a_bounded_number_of_statements_and_rows(
    tmp_path, migrated_template
):
    server = postgres_url()
    database = fresh_database(server, template=migrated_template)
    try:
        cost = run_django("tests.topology.order_cost_script", django_env(
            tmp_path, database, redis_url()), timeout=120)  # fmt: skip
    finally:
        drop_database(server)
    print("\nper-checkout database cost on PostgreSQL:\n" + json.dumps(cost, indent=1))
    for label in (ONE, TWO):
        measured = cost[label]
        assert set(measured["steps"]) == {
            "cart add", "checkout", "review", "pay", "wallet page", "notify"
        }  # fmt: skip
        assert measured["queries"] <= QUERY_BUDGET[label], (label, measured["steps"])
        assert 0 < measured["rows"] <= ROW_BUDGET[label], (label, measured["tables"])
        # reading pages writes nothing
        assert measured["steps"]["review"]["rows"] == 0
        assert measured["steps"]["wallet page"]["rows"] == 0
    # the orders, their lines and the ledger grow with the sellers in the cart
    assert cost[TWO]["tables"]["orders_order insert"] == 2
    assert cost[ONE]["tables"]["orders_order insert"] == 1
