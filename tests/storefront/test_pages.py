import re

import pytest
from django.urls import reverse

from entrepot.catalog.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    factories.rates()
    category = factories.category()
    seller = factories.seller()
    products = [factories.product(seller=seller, category=category) for _ in range(3)]
    return category, seller, products


def test_home_shows_chinese_titles_and_cny_prices_by_default(client, catalogue):
    _category, _seller, products = catalogue
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert products[0].title_zh in html
    # landed: 19.99 USD = 132.99 CNY + 35.00 shipping + (167.99 x 9.1% = 15.29) tax
    assert "¥183.28" in html


def test_english_switch_shows_english_titles(client, catalogue):
    _category, _seller, products = catalogue
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert products[0].title_en in html
    assert products[0].title_zh not in html


def test_category_page_lists_only_its_published_products(client, catalogue):
    category, seller, products = catalogue
    other = factories.product(seller=seller, category=factories.category())
    hidden = factories.product(seller=seller, category=category, status=Product.Status.DRAFT)
    html = client.get(reverse("storefront:category", args=[category.slug])).content.decode()
    assert products[1].title_zh in html
    assert other.title_zh not in html
    assert hidden.title_zh not in html


def test_category_pages_by_keyset(client, settings, catalogue):
    category, _seller, products = catalogue
    settings.ENTREPOT_PAGE_SIZE = 2
    first = client.get(reverse("storefront:category", args=[category.slug])).content.decode()
    newest, middle, oldest = products[2], products[1], products[0]
    assert newest.title_zh in first and middle.title_zh in first and oldest.title_zh not in first
    next_link = re.search(r'href="\?before=(\d+)"', first)
    assert next_link and int(next_link.group(1)) == middle.id
    second = client.get(
        f"{reverse('storefront:category', args=[category.slug])}?before={middle.id}"
    )
    assert oldest.title_zh in second.content.decode()


def test_unknown_category_is_404(client, catalogue):
    assert client.get("/c/no-such-thing/").status_code == 404


def test_product_page_shows_the_landed_price_and_its_breakdown(client, catalogue):
    _category, _seller, products = catalogue
    response = client.get(reverse("storefront:product", args=[products[0].id]))
    html = response.content.decode()
    assert "¥132.99" in html  # goods: 19.99 USD
    assert "¥35.00" in html  # direct-mail shipping estimate for 180 g
    assert "¥15.29" in html  # cross-border tax: (132.99 + 35) x 9.1%
    assert "¥183.28" in html  # delivered, tax included
    assert "已含跨境综合税 9.1%" in html
    assert "¥328.37" in html  # second variant: 39.98 USD = 265.98 + 35 + 27.39
    assert products[0].description_zh in html


def test_goods_off_the_positive_list_show_the_goods_price_and_the_reason(client, catalogue):
    category, seller, _products = catalogue
    phone = factories.product(seller=seller, category=category, hs_code="85171300")
    html = client.get(reverse("storefront:product", args=[phone.id])).content.decode()
    assert "¥132.99" in html and "¥183.28" not in html
    assert "不在跨境电商零售进口商品清单内" in html


def test_unpublished_product_page_is_404(client, catalogue):
    category, seller, _products = catalogue
    draft = factories.product(seller=seller, category=category, status=Product.Status.DRAFT)
    assert client.get(reverse("storefront:product", args=[draft.id])).status_code == 404


def test_seller_shop_lists_the_sellers_products(client, catalogue):
    _category, seller, products = catalogue
    html = client.get(reverse("storefront:seller", args=[seller.slug])).content.decode()
    assert seller.business_name in html
    assert all(p.title_zh in html for p in products)


def test_titles_are_escaped(client, catalogue):
    category, seller, _products = catalogue
    factories.product(seller=seller, category=category, title_zh="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_interface_text_is_translated_to_chinese(client, catalogue):
    _category, _seller, products = catalogue
    home = client.get("/").content.decode()
    assert "海外小店好物" in home  # "Good things from small businesses abroad"
    product_page = client.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    assert "库存 10 件" in product_page  # "10 in stock"
