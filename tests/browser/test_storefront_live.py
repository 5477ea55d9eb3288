"""In Chromium: the cart's totals follow a quantity without a page load, and the pages fit
a 360 px wide phone without sideways scrolling."""

import re

import pytest
from django.urls import reverse

from entrepot.logistics.services import bonded_warehouses_ensure, stock_set
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    factories.rates()
    positive_list_load_sample()
    category = factories.category(name_zh="维生素与膳食补充剂")
    seller = factories.seller(business_name="Buckeye Naturals", verification_status="approved")
    lyon = factories.seller(business_name="Savonnerie de Lyon", country="FR", currency="EUR",
                            city="Lyon", verification_status="approved")  # fmt: skip
    product = factories.product(
        seller=seller, category=category, title_zh="【美国直邮】Buckeye Naturals 维生素D3软胶囊"
    )
    soap = factories.product(seller=lyon, category=category, price="24.00")
    stock_set(variant=soap.variants.first(), warehouse=bonded_warehouses_ensure()[0], quantity=5)
    return category, product


def _add_to_cart(page, url, product):
    page.goto(url + reverse("storefront:product", args=[product.id]))
    page.locator("button.add-to-cart").first.click()
    page.wait_for_url(re.compile(r"/cart/$"))


def test_changing_a_quantity_updates_the_totals_without_a_reload(live_server, page, shop):
    _category, product = shop
    _add_to_cart(page, live_server.url, product)
    assert page.locator("#cart-total").inner_text() == "¥183.28"
    assert not page.locator(".cart-update button").is_visible()  # the script took over
    page.evaluate("window.notReloaded = true")
    page.locator(f"#qty-{product.variants.first().id}").fill("2")
    # a locator wait, not wait_for_function: its polling evals, which the CSP forbids
    page.wait_for_selector("#cart-total:not(:text-is('¥183.28'))")
    # 2 x 132.99 goods + 35.00 shipping (360 g, still the first step) + 9.1% tax = 328.37
    assert page.locator("#cart-total").inner_text() == "¥328.37"
    assert page.evaluate("window.notReloaded") is True
    page.reload()
    assert page.locator("#cart-total").inner_text() == "¥328.37"  # the cookie followed


def test_the_order_limit_notice_appears_live(live_server, page, shop):
    _category, product = shop
    _add_to_cart(page, live_server.url, product)
    page.locator(f"#qty-{product.variants.first().id}").fill("40")  # 40 x 132.99 > 5,000
    page.locator("[data-notice=order-limit]").wait_for()
    assert "5,000" in page.locator("#cart-notices").inner_text()


@pytest.mark.parametrize("where", ["home", "category", "product", "cart"])
def test_pages_fit_a_360_px_phone(live_server, browser, shop, where, tmp_path):
    category, product = shop
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    phone = context.new_page()
    urls = {
        "home": "/",
        "category": reverse("storefront:category", args=[category.slug]),
        "product": reverse("storefront:product", args=[product.id]),
        "cart": reverse("storefront:cart"),
    }
    if where == "cart":
        _add_to_cart(phone, live_server.url, product)
    phone.goto(live_server.url + urls[where])
    width = phone.evaluate("document.documentElement.scrollWidth")
    phone.screenshot(path=str(tmp_path / f"{where}-360.png"), full_page=True)
    context.close()
    assert width <= 360, f"{where} is {width} px wide at 360"
