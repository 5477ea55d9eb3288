import re

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    factories.rates()
    category = factories.category(name_zh="维生素与膳食补充剂")
    seller = factories.seller(business_name="Buckeye Naturals")
    return factories.product(
        seller=seller, category=category, title_zh="【美国直邮】Buckeye Naturals 维生素D3软胶囊"
    )


def test_home_page_shows_a_chinese_title_and_a_cny_price(live_server, page, shop, tmp_path):
    # an English-language browser still lands on the Chinese storefront
    page.goto(live_server.url + "/")
    title = page.get_by_text("维生素D3软胶囊")
    title.wait_for()
    assert title.is_visible()
    price = page.locator(".display-price").first
    assert price.is_visible()
    assert re.fullmatch(r"¥\d[\d,]*\.\d\d", price.inner_text())
    assert price.inner_text() == "¥183.28"  # 19.99 USD delivered, tax included
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_language_switch_shows_english(live_server, page, shop):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_text(shop.title_en).first.is_visible()
    # CLDR English writes the yuan as CN¥ to tell it from the yen
    assert page.locator(".display-price").first.inner_text() == "CN¥183.28"
