"""The hot catalogue reads are served by indexes, not table scans."""

import pytest
from django.db import connection

from entrepot.catalog import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")  # tiny tables: ask what it *can* use
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        return plan


@pytest.fixture
def catalogue():
    category, seller = factories.category(), factories.seller()
    factories.product(seller=seller, category=category)
    return category, seller


def test_category_page_query_uses_the_category_index(catalogue):
    category, _seller = catalogue
    plan = _plan(selectors.published_cards_query(category=category))
    assert "product_cat_status_idx" in plan, plan


def test_seller_shop_query_uses_the_seller_index(catalogue):
    _category, seller = catalogue
    plan = _plan(selectors.published_cards_query(seller=seller))
    assert "product_seller_status_idx" in plan, plan


def test_home_query_uses_the_status_index(catalogue):
    plan = _plan(selectors.published_cards_query())
    assert "product_status_idx" in plan or "PRIMARY KEY" in plan or "pkey" in plan, plan
