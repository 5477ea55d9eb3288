import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sellers():
    factories.rates()
    category = factories.category()
    alice, bob = factories.seller(), factories.seller()
    return (
        alice,
        factories.product(seller=alice, category=category, title_en="Alice's Ohio Honey"),
        bob,
        factories.product(seller=bob, category=category, title_en="Bob's Bavarian Mustard"),
    )


def _login(client, seller):
    assert client.login(username=seller.user.username, password=factories.PASSWORD)


def test_seller_central_requires_login(client):
    response = client.get(reverse("sellercentral:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_seller_sees_only_its_own_products(client, two_sellers):
    alice, alice_product, _bob, bob_product = two_sellers
    _login(client, alice)
    html = client.get(reverse("sellercentral:home")).content.decode()
    assert "Alice&#x27;s Ohio Honey" in html
    assert "Bavarian Mustard" not in html


def test_another_sellers_product_is_not_reachable_by_url(client, two_sellers):
    alice, alice_product, _bob, bob_product = two_sellers
    _login(client, alice)
    assert client.get(reverse("sellercentral:product", args=[alice_product.id])).status_code == 200
    response = client.get(reverse("sellercentral:product", args=[bob_product.id]))
    assert response.status_code == 404
    assert "Bavarian Mustard" not in response.content.decode()


def test_seller_central_shows_drafts_the_storefront_hides(client, two_sellers):
    alice, *_ = two_sellers
    draft = factories.product(
        seller=alice, category=factories.category(), status="draft", title_en="Unlaunched Syrup"
    )
    _login(client, alice)
    assert "Unlaunched Syrup" in client.get(reverse("sellercentral:home")).content.decode()
    assert client.get(reverse("storefront:product", args=[draft.id])).status_code == 404


def test_a_buyer_account_cannot_enter_seller_central(client):
    buyer = factories.buyer()
    client.login(username=buyer.user.username, password=factories.PASSWORD)
    assert client.get(reverse("sellercentral:home")).status_code == 403


def test_seller_central_is_english_first(client, two_sellers):
    alice, *_ = two_sellers
    _login(client, alice)
    response = client.get(reverse("sellercentral:home"))
    assert response["Content-Language"] == "en"
    assert "Your products" in response.content.decode()


def test_prices_show_in_the_sellers_currency_with_its_minor_unit(client):
    factories.rates()
    tokyo = factories.seller(country="JP", currency="JPY", city="Kyoto")
    factories.product(seller=tokyo, category=factories.category(), price="2480")
    _login(client, tokyo)
    html = client.get(reverse("sellercentral:home")).content.decode()
    assert "¥2,480" in html and "2480.00" not in html
