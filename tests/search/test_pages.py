"""The search page, autocomplete, and the search box in the header."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.search.conftest import index, listing

pytestmark = pytest.mark.django_db

# cold caches: categories, the term list, the keyword match, the semantic index's
# watermark (and, in a fresh process, its rows), the semantic listings, the
# candidates, their stock, the facet's sellers, the rate table (2), the cards (2:
# products, first pictures), the positive list (2)
PAGE_QUERIES = 15


def _page(client, **params):
    return client.get(reverse("search:results"), params)


def test_results_page_shows_cards_facets_and_sorts(client, shop):
    response = _page(client, q="维生素")
    assert response.status_code == 200
    html = response.content.decode()
    assert shop["d3"].title_zh in html
    assert "维生素与膳食补充剂" in html  # category facet, in Chinese (storefront default)
    assert "?q=%E7%BB%B4%E7%94%9F%E7%B4%A0&amp;category=vitamins-supplements" in html
    assert "sort=price_asc" in html
    assert "含税到手价" in html or "tax" in html


def test_facet_links_toggle_their_value(client, shop):
    response = _page(client, q="lindenhof", origin="DE")
    html = response.content.decode()
    assert 'aria-current="true" class="chosen"' in html
    # the chosen origin's link removes it again
    assert 'href="/search/?q=lindenhof"' in html


def test_english_interface(client, shop):
    client.cookies["django_language"] = "en"
    html = _page(client, q="泳镜").content.decode()
    assert "Anti-fog Swimming Goggles" in html
    assert "similar meaning" in html  # no product has the words: found by meaning


def test_corrections_are_shown(client, shop):
    client.cookies["django_language"] = "en"
    html = _page(client, q="vitamn").content.decode()
    assert "Also searched for" in html and "<strong>vitamin</strong>" in html


def test_an_empty_search_shows_help_not_an_error(client, shop):
    response = _page(client)
    assert response.status_code == 200
    assert "weishengsu" in response.content.decode()


def test_bad_parameters_are_ignored_not_fatal(client, shop):
    response = _page(client, q="维生素", sort="rating", page="x", price="5-7", mode="drone")
    assert response.status_code == 200


def test_paging(client, shop, settings):
    settings.ENTREPOT_PAGE_SIZE = 1
    first = _page(client, q="lindenhof").content.decode()
    assert 'rel="next"' in first and "page=2" in first
    last = _page(client, q="lindenhof", page="3").content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_suggest_answers_json(client, shop):
    response = client.get(reverse("search:suggest"), {"q": "weish"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "weish"
    kinds = {(s["kind"], s["text"]) for s in body["suggestions"]}
    assert ("category", "维生素与膳食补充剂") in kinds
    assert ("query", "维生素D3 2000IU软胶囊") in kinds
    category = next(s for s in body["suggestions"] if s["kind"] == "category")
    assert category["url"] == reverse("storefront:category", args=["vitamins-supplements"])
    assert "max-age=60" in response["Cache-Control"]


def test_suggest_of_nothing_is_empty(client, db):
    assert client.get(reverse("search:suggest"), {"q": ""}).json()["suggestions"] == []


def test_the_storefront_header_has_the_search_box(client, shop):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert "entrepot/search.js" in html


def _queries(client, **params) -> int:
    cache.clear()  # the cold path: rate table and positive list included
    with CaptureQueriesContext(connection) as ctx:
        response = _page(client, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_search_page_query_count_is_bounded(client, shop, django_assert_max_num_queries):
    positive_list_load_sample()
    cache.clear()
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert _page(client, q="维生素", origin="US", sort="price_asc").status_code == 200


def test_the_search_page_query_count_does_not_grow_with_the_catalogue(client, shop):
    positive_list_load_sample()
    _page(client, q="warm up")  # the semantic index is built once per process
    small = _queries(client, q="lindenhof")
    for n in range(25):
        seller = factories.seller(business_name=f"Lindenhof {n}")
        index(
            listing(seller=seller, category=shop["sport"], title_en=f"Lindenhof {n} Tennis Balls"),
            embed=False,
        )
    large = _queries(client, q="lindenhof")
    assert large == small <= PAGE_QUERIES
