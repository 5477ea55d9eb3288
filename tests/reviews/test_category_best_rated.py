import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse

from entrepot.reviews.models import ProductRating
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def aisle():
    factories.rates()
    category = factories.category()
    seller = factories.seller(verification_status="approved")
    products = [factories.product(seller=seller, category=category) for _ in range(4)]
    ProductRating.objects.create(product=products[0], ratings_count=30, ratings_sum=147)
    ProductRating.objects.create(product=products[3], ratings_count=8, ratings_sum=10)
    return category, products


def _order(html: str, products) -> list[int]:
    return sorted(
        (p.id for p in products),
        key=lambda pid: html.index(reverse("storefront:product", args=[pid]) + '"'),
    )


def test_category_page_sorts_best_rated_first_and_worst_rated_last(client, aisle):
    category, products = aisle
    url = reverse("storefront:category", args=[category.slug])
    html = client.get(url + "?sort=best_rated").content.decode()
    order = _order(html, products)
    assert order[0] == products[0].id and order[-1] == products[3].id
    # ties (unrated) newest first; the default order is untouched
    assert order[1:3] == [products[2].id, products[1].id]
    newest = _order(client.get(url).content.decode(), products)
    assert newest == [p.id for p in reversed(products)]
    assert "sort=best_rated" in client.get(url).content.decode()


@override_settings(ENTREPOT_PAGE_SIZE=2)
def test_best_rated_pages_are_numbered_and_cost_what_the_newest_order_costs(
    client, aisle, django_assert_max_num_queries
):
    category, products = aisle
    url = reverse("storefront:category", args=[category.slug])
    first = client.get(url + "?sort=best_rated").content.decode()
    assert "sort=best_rated&amp;page=2" in first
    second = client.get(url + "?sort=best_rated&page=2").content.decode()
    assert reverse("storefront:product", args=[products[3].id]) + '"' in second
    assert reverse("storefront:product", args=[products[0].id]) + '"' not in second
    assert client.get(url + "?sort=best_rated&page=x").status_code == 404
    cache.clear()
    with django_assert_max_num_queries(13):  # the category page's cold budget
        client.get(url + "?sort=best_rated")
