"""The category page's filters, facet counts and the catalogue version are served by
indexes, not table scans (compare tests/catalog/test_indexes.py)."""

from datetime import date

import pytest
from django.db import connection

from entrepot.catalog.models import Category, Product
from entrepot.pricing.selectors import rate_table_on
from entrepot.seeding.seed import seed
from entrepot.sellers.models import Seller
from entrepot.storefront import facets
from entrepot.storefront.facets import Filters
from entrepot.storefront.selectors import category_cards_query

pytestmark = pytest.mark.django_db
CATEGORY_INDEXES = ("product_cat_status_idx", "product_cat_origin_idx")


@pytest.fixture
def catalogue():
    # enough rows, with statistics, for the planner's choice to mean something
    seed(sellers=40, products=3000, buyers=1, orders=0, seed=5, progress=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rates = rate_table_on(date(2026, 10, 30))
    return Category.objects.order_by("id")[3], Seller.objects.order_by("id")[7], rates


def _indexed(plan: str, names) -> bool:
    """SQLite must use one of our indexes; PostgreSQL's planner picks among all of a
    table's indexes by its statistics (at 3,000 rows it often combines the foreign-key
    ones in a bitmap), so there the rule is: no sequential scan of the products."""
    if connection.vendor == "sqlite":
        return any(name in plan for name in names)
    return "Seq Scan on catalog_product" not in plan


def _cards(category, rates, **filters) -> str:
    return category_cards_query(
        category=category, filters=Filters(**filters), rates=rates, before=None, limit=25
    ).explain()


# one test per seeded catalogue: seeding 3,000 products takes seconds
def test_every_filter_pages_along_an_index(catalogue):
    category, seller, rates = catalogue
    plan = _cards(category, rates, origin="US")
    assert _indexed(plan, ("product_cat_origin_idx",)), plan
    for filters in ({"price": "100-200"}, {"stock": True}, {"mode": "bonded"}, {"mode": "direct"}):
        plan = _cards(category, rates, **filters)
        assert _indexed(plan, CATEGORY_INDEXES), (filters, plan)
    plan = _cards(category, rates, seller=seller.id)
    assert _indexed(plan, (*CATEGORY_INDEXES, "product_seller_status_idx")), plan


def test_facet_count_scans_read_a_category_index_and_the_version_its_own(catalogue):
    category, _seller, rates = catalogue
    for filters in ({}, {"origin": "US"}, {"stock": True, "price": "0-100"}):
        scan = facets.facet_scan(category, Filters(**filters), rates)
        plan = scan.values_list("origin_country").explain()
        assert _indexed(plan, CATEGORY_INDEXES), (filters, plan)
    plan = Product.objects.order_by("-updated_at").values_list("updated_at")[:1].explain()
    assert _indexed(plan, ("product_updated_idx",)), plan
