"""The hot catalogue reads are served by indexes, not table scans."""

import pytest
from django.db import connection

from entrepot.catalog import selectors
from entrepot.catalog.models import Category
from entrepot.seeding.seed import seed
from entrepot.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def catalogue():
    # enough rows, with statistics, for the planner's choice to mean something
    seed(sellers=40, products=3000, buyers=1, orders=0, seed=5, progress=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Category.objects.order_by("id")[3], Seller.objects.order_by("id")[7]


def test_category_page_query_uses_the_category_index(catalogue):
    category, _seller = catalogue
    plan = _plan(selectors.published_cards_query(category=category))
    # Both indexes lead with (category, status); which one PostgreSQL picks for a small
    # category depends on its statistics, and either one avoids a scan of the table.
    assert "product_cat_status_idx" in plan or "product_cat_origin_idx" in plan, plan
    assert "Seq Scan on catalog_product" not in plan, plan


def test_seller_shop_query_uses_the_seller_index(catalogue):
    _category, seller = catalogue
    plan = _plan(selectors.published_cards_query(seller=seller))
    assert "product_seller_status_idx" in plan, plan


def test_home_query_uses_the_status_index(catalogue):
    plan = _plan(selectors.published_cards_query())
    assert "product_status_idx" in plan or "PRIMARY KEY" in plan or "pkey" in plan, plan
