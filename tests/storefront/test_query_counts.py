"""Every storefront page costs a fixed number of queries, however large the catalogue,
the cart or the order history: each is measured with a few rows and with ten times as
many, cold (empty cache) and warm, and must cost the same and stay within its budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entrepot.logistics.services import bonded_warehouses_ensure, stock_set
from entrepot.orders.models import Order, OrderEvent, OrderLine
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.storefront.cart import MAX_LINES
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url: str, *, cold: bool = True) -> int:
    if cold:
        cache.clear()  # rate table, positive list, categories, facets, fragments: all cold
    else:
        client.get(url)  # fill the caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def shop():
    factories.rates()
    positive_list_load_sample()
    category = factories.category()
    seller = factories.seller(verification_status="approved")
    first = factories.product(seller=seller, category=category)
    # in a bonded warehouse: the filtered category page lists it, with every filter on
    stock_set(variant=first.variants.first(), warehouse=bonded_warehouses_ensure()[0], quantity=2)
    return category, seller, first


def _grow(category, seller, n: int) -> None:
    bonded = bonded_warehouses_ensure()[0]
    for i in range(n):
        other = factories.seller(country=("US", "FR", "DE")[i % 3], verification_status="approved")
        product = factories.product(seller=other, category=category, variants=3)
        stock_set(variant=product.variants.first(), warehouse=bonded, quantity=2)
    for _ in range(5):
        factories.product(seller=seller, category=category)


FILTERS = "?origin=US&stock=1&mode=bonded&price=100-200&seller={seller}"

# (page, cold budget, warm budget). Cold: 2 rate table + 2 positive list, then the page's
# own. Warm: rates, positive list, categories, featured sellers, facet counts, rendered
# cards and the product body come from the cache; the version query decides the keys.
PAGES = [
    # version, categories, featured sellers, products, first pictures
    ("home", 9, 1),
    # version, categories, products, first pictures, 5 facet counts
    ("category", 13, 1),
    ("category_filtered", 13, 1),  # the same, every filter on
    # version (+ stock), product, variants, pictures, stock promise, categories, the
    # stored rating with the seller's score, a page of reviews (+ their photos when any)
    ("product", 12, 1),
    # seller, version, categories, products, first pictures (warm: seller, version)
    ("seller", 9, 2),
]


@pytest.mark.parametrize(("page", "cold_budget", "warm_budget"), PAGES)
def test_page_queries_do_not_grow_with_the_catalogue(client, shop, page, cold_budget, warm_budget):
    category, seller, first = shop
    urls = {
        "home": "/",
        "category": reverse("storefront:category", args=[category.slug]),
        "category_filtered": reverse("storefront:category", args=[category.slug])
        + FILTERS.format(seller=seller.id),
        "product": reverse("storefront:product", args=[first.id]),
        "seller": reverse("storefront:seller", args=[seller.slug]),
    }
    small = (_queries(client, urls[page]), _queries(client, urls[page], cold=False))
    _grow(category, seller, 30)
    large = (_queries(client, urls[page]), _queries(client, urls[page], cold=False))
    print(f"\n{page}: cold {large[0]} queries, warm {large[1]}")
    if page == "category_filtered":
        assert first.title_zh in client.get(urls[page]).content.decode()
    assert large == small
    assert 0 < large[0] <= cold_budget
    assert 0 < large[1] <= warm_budget


def _fill_cart(client, n: int) -> None:
    sellers = [factories.seller(verification_status="approved") for _ in range(3)]
    for i in range(n):
        product = factories.product(
            seller=sellers[i % 3], category=factories.category(), variants=1
        )
        client.post(reverse("storefront:cart_add"), {"variant": product.variants.get().id})
    client.get(reverse("storefront:cart"))  # shows and clears the "added" messages


# cold: 2 rate table + 2 positive list; anonymous: + variants; logged in: + session, user,
# buyer, year-to-date, header roles, and the checkout form's address book and identity
@pytest.mark.parametrize(("logged_in", "budget"), [(False, 5), (True, 12)])
def test_cart_queries_do_not_grow_with_its_lines(client, shop, logged_in, budget):
    if logged_in:
        client.force_login(factories.buyer().user)
    _fill_cart(client, 3)
    small = _queries(client, reverse("storefront:cart"))
    client.cookies.pop("cart")
    _fill_cart(client, MAX_LINES - 5)
    large = _queries(client, reverse("storefront:cart"))
    print(f"\ncart (logged in: {logged_in}): {large} queries")
    assert large == small
    assert large <= budget


def test_cart_update_queries_do_not_grow_with_its_lines(client, shop):
    _fill_cart(client, 3)
    url = reverse("storefront:cart_update")
    with CaptureQueriesContext(connection) as small:
        client.post(url, {})
    _fill_cart(client, 40)
    with CaptureQueriesContext(connection) as large:
        client.post(url, {})
    assert len(large.captured_queries) == len(small.captured_queries) <= 5


def _orders(buyer, n: int, lines: int = 1) -> list[Order]:
    seller = factories.seller()
    product = factories.product(seller=seller, category=factories.category(), variants=1)
    variant = product.variants.get()
    orders = []
    for _ in range(n):
        order = Order.objects.create(
            number=f"EP{Order.objects.count() + 1:010d}", buyer=buyer, seller=seller,
            status=Order.Status.PAID, origin_country="US", destination_country="CN",
            currency="CNY", goods_amount=100, shipping_amount=35, tax_amount=12,
            total_amount=147, placed_at=timezone.now() - timedelta(minutes=n),
        )  # fmt: skip
        for _ in range(lines):
            OrderLine.objects.create(
                order=order, product=product, variant=variant, title_en=product.title_en,
                title_zh=product.title_zh, quantity=1, unit_price_amount=Decimal(100),
                line_total_amount=Decimal(100), currency="CNY",
            )  # fmt: skip
        OrderEvent.objects.create(order=order, event="place", to_status="placed", actor="t")
        orders.append(order)
    return orders


def test_order_history_queries_do_not_grow_with_the_orders(client, shop):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    _orders(buyer, 3)
    small = _queries(client, reverse("storefront:orders"))
    _orders(buyer, 30)
    large = _queries(client, reverse("storefront:orders"))
    print(f"\norder history: {large} queries")
    assert large == small <= 5  # session, user, buyer, orders with sellers, header roles


def test_order_page_queries_do_not_grow_with_its_lines(client, shop):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    (few,) = _orders(buyer, 1, lines=3)
    (many,) = _orders(buyer, 1, lines=30)
    small = _queries(client, reverse("storefront:order", args=[few.number]))
    large = _queries(client, reverse("storefront:order", args=[many.number]))
    print(f"\norder page: {large} queries")
    # session, user, buyer, order with seller, lines, events, header roles
    assert large == small <= 7
