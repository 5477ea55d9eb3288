"""Storefront pages cost a fixed number of queries, however large the catalogue."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    cache.clear()  # measure the cold path: rate table included
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def shop():
    factories.rates()
    positive_list_load_sample()
    category = factories.category()
    seller = factories.seller()
    first = factories.product(seller=seller, category=category)
    return category, seller, first


def _grow(category, n: int) -> None:
    for _ in range(n):
        factories.product(seller=factories.seller(), category=category, variants=3)


@pytest.mark.parametrize(
    ("page", "budget"),
    # cold caches: 2 for the rate table, 2 for the positive list, then the page's own
    # (listings: products + first pictures; product: + variants, pictures, stock promise)
    [("home", 7), ("category", 7), ("product", 9), ("seller", 8)],
)
def test_page_queries_do_not_grow_with_the_catalogue(client, shop, page, budget):
    category, seller, first = shop
    urls = {
        "home": "/",
        "category": reverse("storefront:category", args=[category.slug]),
        "product": reverse("storefront:product", args=[first.id]),
        "seller": reverse("storefront:seller", args=[seller.slug]),
    }
    small = _queries(client, urls[page])
    _grow(category, 30)
    for _ in range(5):
        factories.product(seller=seller, category=category)
    large = _queries(client, urls[page])
    assert large == small
    assert 0 < large <= budget
