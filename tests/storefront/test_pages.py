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


# --- issue 5: home, product page and seller cards -----------------------------------------


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_flag_emoji_comes_from_the_country_code():
    from entrepot.storefront.display import flag

    assert flag("fr") == "🇫🇷" and flag("US") == "🇺🇸"
    assert flag("") == "" and flag("X1") == "" and flag("USA") == ""


def test_home_lists_the_categories_and_features_sellers_by_country(english, catalogue):
    category, _seller, _products = catalogue
    lyon = factories.seller(business_name="Savonnerie de Lyon", country="FR", currency="EUR",
                            city="Lyon", verification_status="approved")  # fmt: skip
    factories.product(seller=lyon, category=category)
    pending = factories.seller(business_name="Not Yet Approved", country="DE")
    factories.product(seller=pending, category=category)
    html = english.get("/").content.decode()
    assert f'href="{reverse("storefront:category", args=[category.slug])}"' in html
    assert re.search(r'id="shops-FR"><span class="flag" aria-hidden="true">🇫🇷</span> France', html)
    assert "Savonnerie de Lyon" in html
    assert "Not Yet Approved" not in html.split('id="home-new"')[0]  # not featured
    assert "No reviews yet" in html  # there is no review model yet: no stars made up


def test_featured_sellers_come_from_the_cache(client, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from entrepot.storefront.selectors import featured_sellers

    featured_sellers()
    with CaptureQueriesContext(connection) as ctx:
        featured_sellers()
    assert not ctx.captured_queries


def test_product_page_shows_the_total_the_tax_parts_and_the_exchange_rate(english, catalogue):
    _category, _seller, products = catalogue
    html = english.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    assert re.search(r'<dt class="total">Delivered price</dt><dd class="num total">CN¥183.28', html)
    assert "of which import VAT" in html
    assert "Exchange rate: 1 USD = 6.6529 CNY" in html  # 7.4326 / 1.1172
    assert "Cross-border tax 9.1% included" in html  # the engine's note, in English


def test_product_page_has_a_seller_card_and_honest_reviews(english, catalogue):
    _category, seller, products = catalogue
    html = english.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    card = html.split('class="seller-box"')[1].split("</section>")[0]
    assert seller.business_name in card and "🇺🇸" in card and "United States" in card
    assert "No reviews yet" in card
    assert 'id="reviews-heading">Reviews</h2>' in html and "No reviews yet." in html


def test_product_page_shows_the_delivery_promise_of_a_bonded_warehouse(english, catalogue):
    from entrepot.logistics.services import bonded_warehouses_ensure, stock_set

    _category, _seller, products = catalogue
    stock_set(variant=products[0].variants.first(), warehouse=bonded_warehouses_ensure()[0],
              quantity=4)  # fmt: skip
    html = english.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    assert "Arrives in 2–4 days · ships from a bonded warehouse in China" in html


def test_product_pictures_have_alt_text(english, catalogue):
    from entrepot.catalog.models import ProductImage

    _category, _seller, products = catalogue
    ProductImage.objects.create(product=products[0], original="o.jpg", large="l.jpg",
                                thumb="t.jpg", width=1200, height=900, alt_en="")  # fmt: skip
    html = english.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    assert f'alt="{products[0].title_en}"' in html  # no alt text given: the title
    assert 'width="1200" height="900"' in html


def test_the_product_body_is_cached_and_follows_edits(client, catalogue):
    _category, _seller, products = catalogue
    url = reverse("storefront:product", args=[products[0].id])
    client.get(url)
    products[0].title_zh = "改过的标题"
    products[0].save()
    assert "改过的标题" in client.get(url).content.decode()


def test_add_to_cart_forms_carry_no_per_visitor_token(client, catalogue):
    _category, _seller, products = catalogue
    html = client.get(reverse("storefront:product", args=[products[0].id])).content.decode()
    form = html.split('class="variants"')[1].split("</table>")[0]
    assert 'action="/cart/add/"' in form and "csrfmiddlewaretoken" not in form


def test_pages_are_labelled_for_assistive_technology(client, catalogue):
    category, _seller, products = catalogue
    for url in ("/", reverse("storefront:category", args=[category.slug]),
                reverse("storefront:product", args=[products[0].id])):  # fmt: skip
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert 'name="viewport"' in html
        assert all('alt="' in tag for tag in re.findall(r"<img[^>]*>", html)), url
