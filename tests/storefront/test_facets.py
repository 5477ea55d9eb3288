"""Category facets: filters combine through GET parameters, counts are shown per value,
keyset paging keeps the filters, and counts are cached and bounded."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.domain.fx import RateTable
from entrepot.logistics.services import bonded_warehouses_ensure, stock_set, warehouse_own_ensure
from entrepot.pricing.selectors import rate_table_on
from entrepot.storefront import facets
from entrepot.storefront.facets import Filters
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def aisle():
    """A category with an Ohio seller (USD) and a Lyon seller (EUR); one product in a bonded
    warehouse, one sold out."""
    factories.rates()
    category = factories.category()
    ohio = factories.seller(business_name="Buckeye Naturals")
    lyon = factories.seller(
        business_name="Savonnerie de Lyon", country="FR", currency="EUR", city="Lyon"
    )
    cheap = factories.product(seller=ohio, category=category, price="9.99")  # ~66 CNY
    mid = factories.product(seller=ohio, category=category, price="19.99")  # ~133 CNY
    soap = factories.product(seller=lyon, category=category, price="24.00")  # ~178 CNY
    dear = factories.product(seller=lyon, category=category, price="180.00")  # ~1338 CNY
    bonded = bonded_warehouses_ensure()[0]
    stock_set(variant=soap.variants.first(), warehouse=bonded, quantity=5)
    stock_set(variant=mid.variants.first(), warehouse=warehouse_own_ensure(seller=ohio), quantity=3)
    dear.variants.update(stock=0)
    return category, ohio, lyon, {"cheap": cheap, "mid": mid, "soap": soap, "dear": dear}


def _page(client, category, query: str = "") -> str:
    response = client.get(reverse("storefront:category", args=[category.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _shown(html: str, products: dict) -> set[str]:
    return {name for name, p in products.items() if p.title_en in html or p.title_zh in html}


def test_filters_by_origin(client, aisle):
    category, _ohio, _lyon, products = aisle
    assert _shown(_page(client, category, "?origin=FR"), products) == {"soap", "dear"}


def test_filters_by_seller(client, aisle):
    category, ohio, _lyon, products = aisle
    assert _shown(_page(client, category, f"?seller={ohio.id}"), products) == {"cheap", "mid"}


def test_filters_by_price_band_of_the_goods_in_cny(client, aisle):
    category, _ohio, _lyon, products = aisle
    assert _shown(_page(client, category, "?price=100-200"), products) == {"mid", "soap"}
    assert _shown(_page(client, category, "?price=0-100"), products) == {"cheap"}
    assert _shown(_page(client, category, "?price=1000-"), products) == {"dear"}


def test_filters_by_stock(client, aisle):
    category, _ohio, _lyon, products = aisle
    assert _shown(_page(client, category, "?stock=1"), products) == {"cheap", "mid", "soap"}


def test_filters_by_delivery_mode(client, aisle):
    category, _ohio, _lyon, products = aisle
    assert _shown(_page(client, category, "?mode=bonded"), products) == {"soap"}
    assert _shown(_page(client, category, "?mode=direct"), products) == {"mid"}


def test_filters_combine(client, aisle):
    category, _ohio, lyon, products = aisle
    html = _page(client, category, f"?origin=FR&stock=1&seller={lyon.id}&price=100-200")
    assert _shown(html, products) == {"soap"}


def test_invalid_filter_values_are_ignored(client, aisle):
    category, _ohio, _lyon, products = aisle
    html = _page(client, category, "?origin=<b>&price=1-2&mode=boat&seller=x&stock=yes")
    assert _shown(html, products) == set(products)


def test_counts_are_shown_per_value_and_ignore_the_facets_own_filter(english, aisle):
    category, _ohio, _lyon, _products = aisle
    html = _page(english, category, "?origin=FR")
    # origin counts are those of every origin, so the buyer can switch
    assert re.search(r"United States <span class=\"count\">\(2\)</span>", html), html
    assert re.search(r"France <span class=\"count\">\(2\)</span>", html)
    # other facets count within France: one of its two products is in stock
    assert re.search(r"In stock <span class=\"count\">\(1\)</span>", html)
    assert "🇫🇷" in html


def test_facet_links_keep_the_other_filters_and_drop_the_page(english, aisle):
    category, _ohio, _lyon, _products = aisle
    html = _page(english, category, "?origin=FR&before=999999")
    assert 'href="?origin=FR&amp;stock=1"' in html
    assert 'href="?" rel="nofollow" aria-current="true"' in html  # un-choose France


def test_keyset_pages_keep_the_filters(client, settings, aisle):
    category, ohio, _lyon, _products = aisle
    settings.ENTREPOT_PAGE_SIZE = 1
    html = _page(client, category, f"?seller={ohio.id}")
    link = re.search(r'rel="next" href="\?([^"]+)"', html)
    assert link, html
    query = link.group(1).replace("&amp;", "&")
    assert query.startswith(f"seller={ohio.id}&before=")
    second = _page(client, category, f"?{query}")
    assert _shown(second, aisle[3]) == {"cheap"}


def test_facet_counts_come_from_the_cache_the_second_time(aisle):
    category, *_ = aisle
    rates = RateTable(as_of=date(2026, 10, 30), per_eur={})
    first = facets.facet_counts(category=category, filters=Filters(), rates=rates, version="v1")
    with CaptureQueriesContext(connection) as ctx:
        again = facets.facet_counts(category=category, filters=Filters(), rates=rates, version="v1")
    assert len(ctx.captured_queries) == 0
    assert again == first


def test_a_moved_catalogue_version_recounts_after_the_freshness_window(aisle, monkeypatch):
    category, ohio, *_ = aisle
    rates = RateTable(as_of=date(2026, 10, 30), per_eur={})
    facets.facet_counts(category=category, filters=Filters(), rates=rates, version="v1")
    factories.product(seller=ohio, category=category)
    fresh = facets.facet_counts(category=category, filters=Filters(), rates=rates, version="v2")
    assert dict((v, n) for v, n, _ in fresh["origin"].values)["US"] == 2  # within 30 s: cached
    monkeypatch.setattr(facets, "FACET_FRESH_SECONDS", 0)
    recount = facets.facet_counts(category=category, filters=Filters(), rates=rates, version="v2")
    assert dict((v, n) for v, n, _ in recount["origin"].values)["US"] == 3


def test_counts_over_a_truncated_scan_are_lower_bounds(english, aisle, monkeypatch):
    category, *_ = aisle
    monkeypatch.setattr(facets, "FACET_SCAN_LIMIT", 2)
    html = _page(english, category)
    assert re.search(r"<span class=\"count\">\(\d+\+\)</span>", html), html


def test_price_bands_convert_each_currency_at_the_reference_rate(aisle):
    category, *_ = aisle
    rates = rate_table_on(date(2026, 10, 30))
    rows = facets.published_in(category).annotate(cny=facets.goods_cny(rates)).order_by("id")
    amounts = [round(Decimal(v), 2) for v in rows.values_list("cny", flat=True)]
    # 9.99 USD, 19.99 USD, 24 EUR, 180 EUR at 1 EUR = 1.1172 USD = 7.4326 CNY
    assert amounts == [Decimal("66.46"), Decimal("132.99"), Decimal("178.38"), Decimal("1337.87")]


def test_the_page_works_without_javascript(client, aisle):
    category, *_ = aisle
    html = _page(client, category)
    facets_html = html.split('<nav class="facets"')[1].split("</nav>")[0]
    # plain links in <details>: nothing to run, nothing to submit
    assert '<details class="facet"' in facets_html and "<summary>" in facets_html
    assert 'href="?origin=US"' in facets_html
    assert "<form" not in facets_html and "<script" not in facets_html
