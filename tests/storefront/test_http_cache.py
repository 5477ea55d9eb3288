"""Storefront pages carry ETags and Cache-Control, answer 304 cheaply, and are publicly
cacheable only when nothing in them belongs to the visitor."""

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.catalog.models import Product
from entrepot.storefront.cart import COOKIE as CART_COOKIE
from tests import factories

pytestmark = pytest.mark.django_db

@pytest.fixture
def shop():
    factories.rates()
    category = factories.category()
    seller = factories.seller(verification_status="approved")
    product = factories.product(seller=seller, category=category)
    return {
        "home": "/",
        "category": reverse("storefront:category", args=[category.slug]),
        "product": reverse("storefront:product", args=[product.id]),
        "seller": reverse("storefront:seller", args=[seller.slug]),
        "search": reverse("search:results") + "?q=Vitamin",
    }, product


PAGES = ["home", "category", "product", "seller", "search"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_pages_are_public(client, shop, page):
    response = client.get(shop[0][page])
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"].startswith('W/"')
    assert "Cookie" in response["Vary"]
    assert not response.cookies  # nothing of anybody's for a shared cache to keep


@pytest.mark.parametrize("page", PAGES)
def test_a_page_with_the_visitors_csrf_token_is_private(client, shop, page):
    # a signed-in visitor's header has the log-out form, with its token: the page is theirs
    client.force_login(factories.buyer().user)
    response = client.get(shop[0][page])
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"]


@pytest.mark.parametrize("page", PAGES)
def test_a_matching_etag_gets_304_for_a_query_or_two(client, shop, page):
    url = shop[0][page]
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"
    # the catalogue or product version; the seller's shop looks its seller up first (404)
    assert len(ctx.captured_queries) <= (2 if page == "seller" else 1)


def test_304_of_a_public_page_stays_public(client, shop):
    url = shop[0]["category"]
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["Cache-Control"] == "public, max-age=60"


def test_an_edited_product_changes_the_listing_etag(client, shop):
    urls, product = shop
    etag = client.get(urls["category"])["ETag"]
    product.title_zh = "新标题"
    product.save()
    response = client.get(urls["category"], headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "新标题" in response.content.decode()


def test_a_popular_search_is_served_from_the_page_cache_without_searching(client, shop):
    from entrepot.search.services import index_products

    urls, product = shop
    index_products(ids=[product.id])  # keywords now, the embedding by the worker later
    first = client.get(urls["search"])
    assert product.title_zh in first.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(urls["search"])
    assert again.content == first.content
    assert len(ctx) == 1, [q["sql"][:80] for q in ctx.captured_queries]  # the version
    product.title_zh = "新标题维生素"
    product.save()
    index_products(ids=[product.id])
    fresh = client.get(urls["search"]).content.decode()
    assert "新标题维生素" in fresh and fresh != first.content.decode()


def test_a_stock_change_changes_the_product_etag(client, shop):
    urls, product = shop
    etag = client.get(urls["product"])["ETag"]
    product.variants.update(stock=0)
    response = client.get(urls["product"], headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "售罄" in response.content.decode() or "Sold out" in response.content.decode()


def test_a_withdrawn_product_is_404_not_304(client, shop):
    urls, product = shop
    etag = client.get(urls["product"])["ETag"]
    Product.objects.filter(pk=product.pk).update(status=Product.Status.DRAFT)
    assert client.get(urls["product"], headers={"If-None-Match": etag}).status_code == 404


def test_the_language_is_part_of_the_etag(client, shop):
    url = shop[0]["home"]
    chinese = client.get(url)["ETag"]
    client.cookies["django_language"] = "en"
    response = client.get(url, headers={"If-None-Match": chinese})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("page", PAGES)
def test_logged_in_pages_are_never_publicly_cacheable(client, shop, page):
    client.force_login(factories.buyer().user)
    response = client.get(shop[0][page])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "public" not in response["Cache-Control"]


def test_a_logged_in_visitor_never_gets_the_anonymous_etag(client, shop):
    url = shop[0]["home"]
    anonymous = client.get(url)["ETag"]
    client.force_login(factories.buyer().user)
    response = client.get(url, headers={"If-None-Match": anonymous})
    assert response.status_code == 200
    assert response["ETag"] != anonymous


def test_a_cart_makes_pages_private(client, shop):
    urls, product = shop
    client.post(reverse("storefront:cart_add"), {"variant": product.variants.first().id})
    assert CART_COOKIE in client.cookies
    client.get(reverse("storefront:cart"))  # shows (and so clears) "Added to your cart"
    response = client.get(urls["product"])
    assert response["Cache-Control"] == "private, no-cache"


def test_a_waiting_flash_message_is_shown_not_revalidated(client, shop):
    urls, product = shop
    etag = client.get(urls["home"])["ETag"]
    client.post(reverse("storefront:cart_add"), {"variant": product.variants.first().id})
    assert CookieStorage.cookie_name in client.cookies
    response = client.get(urls["home"], headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert response["Cache-Control"] == "private, no-cache"


def test_the_cart_page_is_not_cached(client, shop):
    assert client.get(reverse("storefront:cart"))["Cache-Control"] == "private, no-cache"
