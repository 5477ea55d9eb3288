"""Ratings and the service score in search: the "best rated" sort and the ranking boost."""

import pytest

from entrepot.reviews.models import ProductRating, SellerStats
from entrepot.search.selectors import SearchQuery, search_listings
from tests.search.conftest import _fresh_search_caches, shop  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(request):
    """The search tests' small bilingual catalogue, indexed."""
    return request.getfixturevalue("shop")


def _ids(text: str, **filters) -> list[int]:
    return [h.product_id for h in search_listings(SearchQuery(text=text, **filters)).hits]


def test_best_rated_puts_the_well_rated_first_and_the_poorly_rated_last(indexed):
    ProductRating.objects.create(product=indexed["yoga"], ratings_count=40, ratings_sum=196)
    ProductRating.objects.create(product=indexed["goggles"], ratings_count=10, ratings_sum=15)
    found = _ids("lindenhof", sort="best_rated")
    assert found[0] == indexed["yoga"].id and found[-1] == indexed["goggles"].id
    assert set(found) == {indexed["yoga"].id, indexed["goggles"].id, indexed["gummies_zh"].id}


def test_one_five_star_review_does_not_beat_many_near_perfect_ones(indexed):
    ProductRating.objects.create(product=indexed["yoga"], ratings_count=1, ratings_sum=5)
    ProductRating.objects.create(product=indexed["goggles"], ratings_count=50, ratings_sum=240)
    assert _ids("lindenhof", sort="best_rated")[0] == indexed["goggles"].id


def test_search_page_and_api_offer_the_best_rated_sort(client, indexed):
    html = client.get("/search/?q=lindenhof").content.decode()
    assert "sort=best_rated" in html
    response = client.get("/api/v1/search?q=lindenhof&sort=best_rated")
    assert response.status_code == 200


def test_a_seller_at_the_typical_score_ranks_exactly_as_without_one(indexed):
    before = _ids("维生素")
    SellerStats.objects.create(seller=indexed["us"], score="81.00")
    SellerStats.objects.create(seller=indexed["de"], score="81.00")
    assert _ids("维生素") == before
