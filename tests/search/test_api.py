"""GET /api/v1/search: its JSON shape, its 422s and its rate limit."""

import pytest
from django.utils import timezone

from entrepot.pricing.landed_cost import quote_context_on
from entrepot.storefront.selectors import product_cards

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_answers_the_documented_shape(client, shop):
    response = client.get(URL, {"q": "维生素", "limit": 20, "lang": "zh-hans"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "results", "facets"}
    assert body["total"] >= 2
    first = body["results"][0]
    assert set(first) == {
        "id", "title_en", "title_zh", "category", "seller", "price", "landed_price", "score",
    }  # fmt: skip
    assert first["category"] == "vitamins-supplements"
    assert set(first["price"]) == {"amount", "currency"}
    assert first["landed_price"]["currency"] == "CNY"
    assert isinstance(first["price"]["amount"], str) and 0 < first["score"] <= 1
    assert set(body["facets"]) == {"category", "origin", "seller", "price", "in_stock", "mode"}
    category = body["facets"]["category"][0]
    assert set(category) == {"value", "label", "count", "selected"}


def test_landed_price_is_the_one_the_storefront_cards_show(client, shop):
    body = client.get(URL, {"q": "维生素D3"}).json()
    d3 = next(r for r in body["results"] if r["id"] == shop["d3"].id)
    card = product_cards([shop["d3"]], context=quote_context_on(timezone.now().date()))[0]
    rounded = card.landed.display.rounded()
    assert d3["landed_price"] == {"amount": str(rounded.amount), "currency": "CNY"}
    assert d3["price"] == {"amount": "15.99", "currency": "USD"}
    assert d3["seller"] == "Buckeye Naturals" and d3["title_en"] == shop["d3"].title_en


def test_facet_labels_follow_lang(client, shop):
    chinese = client.get(URL, {"q": "维生素", "lang": "zh-hans"}).json()["facets"]
    english = client.get(URL, {"q": "维生素", "lang": "en"}).json()["facets"]
    assert chinese["category"][0]["label"] == "维生素与膳食补充剂"
    assert english["category"][0]["label"] == "Vitamins & supplements"
    assert {o["label"] for o in english["origin"]} <= {"United States", "Germany"}


def test_filters_sort_and_paging(client, shop):
    body = client.get(
        URL, {"q": "lindenhof", "sort": "price_asc", "limit": 1, "offset": 1, "origin": "DE"}
    ).json()
    assert body["total"] == 3 and [r["id"] for r in body["results"]] == [shop["goggles"].id]
    both = client.get(URL, {"q": "lindenhof", "origin": ["US", "DE"]}).json()
    assert both["total"] == 3
    selected = [o["value"] for o in both["facets"]["origin"] if o["selected"]]
    assert selected == ["DE"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "q", "Field required"),
        ({"q": ""}, "q", "at least 1 character"),
        ({"q": "   "}, "q", "q is blank"),
        ({"q": "x" * 101}, "q", "at most 100 characters"),
        ({"q": "tea", "limit": 0}, "limit", "greater than or equal to 1"),
        ({"q": "tea", "limit": 51}, "limit", "less than or equal to 50"),
        ({"q": "tea", "sort": "rating"}, "sort", "'relevance', 'price_asc'"),
        ({"q": "tea", "lang": "fr"}, "lang", "'zh-hans' or 'en'"),
        ({"q": "tea", "origin": "usa"}, "origin", "not a country code"),
        ({"q": "tea", "price": "5-7"}, "price[0]", "'0-100'"),
        ({"q": "tea", "mode": "drone"}, "mode[0]", "'direct' or 'bonded'"),
    ],
)
def test_bad_parameters_are_422_with_the_field_and_the_reason(client, db, params, field, words):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["field"] == field
    assert words in body["detail"]


def test_searching_too_often_from_one_address_is_429_with_retry_after(client, shop, settings):
    settings.ENTREPOT_SEARCH_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(URL, {"q": "tea"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    refused = client.get(URL, {"q": "tea"}, REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["errors"][0]["code"] == "RATE_LIMITED"
    assert "at most 3 a minute" in body["detail"]
    # another address is not affected
    assert client.get(URL, {"q": "tea"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_anonymous_access_needs_no_login(client, shop):
    assert client.get(URL, {"q": "tea"}).status_code == 200
