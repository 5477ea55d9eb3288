"""Issue 5's journey in Chromium with Chinese fonts: browse a category, filter it by
origin, search 维生素 and by pinyin, open a product, read its tax breakdown, add it to
the cart. Screenshots of the home and product pages land in <tmp>/entrepot-browser/."""

import tempfile
from pathlib import Path

import pytest

from entrepot.search import services as search
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots() -> Path:
    path = Path(tempfile.gettempdir()) / "entrepot-browser"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def catalogue():
    from entrepot.pricing.positive_list import positive_list_load_sample

    factories.rates()
    positive_list_load_sample()
    vitamins = factories.category(slug="vitamins-supplements", name_zh="维生素与膳食补充剂")
    ohio = factories.seller(business_name="Buckeye Naturals", country="US")
    lyon = factories.seller(business_name="Maison Lyon", country="FR", currency="EUR")
    d3 = factories.product(seller=ohio, category=vitamins, origin_country="US",
                           title_en="Vitamin D3 2000 IU Softgels",
                           title_zh="【美国直邮】维生素D3软胶囊")  # fmt: skip
    c = factories.product(seller=lyon, category=vitamins, origin_country="FR",
                          title_en="Vitamin C 500 mg Chewable Tablets",
                          title_zh="【法国直邮】维生素C咀嚼片")  # fmt: skip
    search.index_products(ids=[d3.id, c.id])
    return d3, c


def test_browse_filter_search_open_and_add_to_cart(live_server, page, catalogue):
    d3, vitamin_c = catalogue
    page.goto(live_server.url + "/")
    page.get_by_text("维生素D3软胶囊").first.wait_for()
    page.screenshot(path=str(_shots() / "storefront-home.png"), full_page=True)

    # browse the category, then keep only what comes from France
    page.goto(live_server.url + "/c/vitamins-supplements/")
    assert page.get_by_text("维生素D3软胶囊").first.is_visible()
    page.locator("nav.facets a", has_text="法国").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("维生素C咀嚼片").first.is_visible()
    assert page.get_by_text("维生素D3软胶囊").count() == 0

    # search in Chinese, then by pinyin: both find the vitamins
    for query in ("维生素", "weishengsu"):
        page.fill("#search-q", query)
        page.press("#search-q", "Enter")
        page.wait_for_load_state()
        assert page.get_by_text("维生素D3软胶囊").first.is_visible(), query
        assert page.get_by_text("维生素C咀嚼片").first.is_visible(), query

    # open the product: the landed price and its breakdown, tax included
    page.get_by_text("维生素D3软胶囊").first.click()
    page.wait_for_url(f"**/p/{d3.id}/**")
    breakdown = page.locator("dl.breakdown")
    breakdown.wait_for()
    assert "跨境" in breakdown.inner_text()  # the cross-border tax line, in Chinese
    assert "¥" in breakdown.inner_text()
    page.screenshot(path=str(_shots() / "storefront-product.png"), full_page=True)

    # into the cart
    page.locator("form[action$='/cart/add/'] button[type=submit]").first.click()
    page.wait_for_url("**/cart/**")
    assert page.get_by_text("维生素D3软胶囊").first.is_visible()
