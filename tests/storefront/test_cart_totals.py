"""The cart shows what checkout will charge, per seller's parcel, warns before China's
per-order limit and the buyer's yearly allowance refuse it, and updates live by JSON."""

import json
from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from entrepot.orders.checkout import CartLine, checkout_place
from entrepot.orders.models import Order
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.storefront.cart_totals import cart_summary
from tests import factories
from tests.orders.test_checkout import _variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    factories.rates()
    positive_list_load_sample()
    ohio = factories.seller(verification_status="approved")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    return _variant(ohio, stock=50), _variant(lyon, price="24.00", stock=50)


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _add(client, variant, quantity=1):
    response = client.post(
        reverse("storefront:cart_add"), {"variant": variant.id, "quantity": quantity}
    )
    assert response.status_code == 302


def _spent(buyer, amount: str) -> None:
    seller = factories.seller()
    Order.objects.create(
        number=f"EPTEST{buyer.pk}", buyer=buyer, seller=seller, status=Order.Status.PAID,
        origin_country="US", destination_country="CN", currency="CNY", goods_amount=amount,
        shipping_amount=0, tax_amount=0, total_amount=amount, placed_at=timezone.now(),
    )  # fmt: skip


def test_the_cart_total_is_what_checkout_charges(market):
    ohio, lyon = market
    buyer = factories.buyer()
    lines = {ohio.id: 3, lyon.id: 2}
    now = datetime(2026, 11, 27, 10, tzinfo=UTC)
    summary = cart_summary(lines, buyer=buyer, now=now)
    checkout = checkout_place(
        buyer=buyer, lines=[CartLine(k, v) for k, v in lines.items()], now=now
    )
    assert summary.total.amount == checkout.total_amount
    assert [p.totals.grand_total.amount for p in summary.parcels] == [
        o.total_amount for o in checkout.orders.order_by("seller_id")
    ]


def test_the_cart_page_shows_each_parcels_breakdown_and_the_total(english, market):
    ohio, _lyon = market
    _add(english, ohio, 2)
    html = english.get(reverse("storefront:cart")).content.decode()
    # 2 x 19.99 USD = 265.98 CNY; one parcel of 360 g; 9.1% tax on goods + shipping
    assert 'data-field="goods">CN¥265.98<' in html
    assert 'data-field="shipping">CN¥' in html and 'data-field="tax">CN¥' in html
    assert 'id="cart-total">CN¥' in html


def test_a_parcel_over_5000_cny_gets_a_notice(english, market):
    ohio, _lyon = market
    dear = _variant(ohio.product.seller, price="400.00")  # 2,661 CNY a unit
    _add(english, dear, 2)
    html = english.get(reverse("storefront:cart")).content.decode()
    assert 'data-notice="order-limit"' in html
    # 2 x 2,661.16 goods + 35.00 shipping: what the limit is measured on
    assert "come to CN¥5,357.31, over China's limit of CN¥5,000.00 per cross-border order" in html


def test_a_single_item_over_5000_cny_is_not_refused(english, market):
    ohio, _lyon = market
    dear = _variant(ohio.product.seller, price="800.00")  # one unit: full tax, allowed
    _add(english, dear, 1)
    html = english.get(reverse("storefront:cart")).content.decode()
    assert 'data-notice="order-limit"' not in html


def test_a_cart_past_the_buyers_yearly_allowance_gets_a_notice(english, market):
    ohio, _lyon = market
    buyer = factories.buyer()
    _spent(buyer, "25900.00")
    english.force_login(buyer.user)
    _add(english, ohio, 1)
    html = english.get(reverse("storefront:cart")).content.decode()
    assert 'data-notice="annual-limit"' in html
    assert "CN¥100.00 of CN¥26,000.00 for" in html


def test_a_buyer_within_the_allowance_sees_what_is_left(english, market):
    ohio, _lyon = market
    buyer = factories.buyer()
    _spent(buyer, "1000.00")
    english.force_login(buyer.user)
    _add(english, ohio, 1)
    html = english.get(reverse("storefront:cart")).content.decode()
    assert 'data-notice="allowance"' in html and 'data-notice="annual-limit"' not in html
    assert "CN¥25,000.00 of CN¥26,000.00" in html


def test_an_anonymous_cart_is_told_the_limits_and_to_log_in(english, market):
    _add(english, market[0])
    html = english.get(reverse("storefront:cart")).content.decode()
    assert 'data-notice="allowance-login"' in html


def test_the_update_endpoint_returns_the_new_totals(client, market):
    ohio, lyon = market
    _add(client, ohio)
    _add(client, lyon)
    response = client.post(reverse("storefront:cart_update"), {f"qty-{ohio.id}": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["count"] == 4
    assert data["lines"][str(ohio.id)]["quantity"] == 3
    assert data["lines"][str(ohio.id)]["goods"] == "¥398.97"  # 3 x 132.99
    assert set(data["parcels"]) == {str(ohio.product.seller_id), str(lyon.product.seller_id)}
    assert data["total"].startswith("¥")
    assert "<ul" in data["notices"]
    # the cookie follows: the page, reloaded, says the same
    assert 'value="3"' in client.get(reverse("storefront:cart")).content.decode()


def test_quantity_zero_removes_the_line_and_its_parcel(client, market):
    ohio, lyon = market
    _add(client, ohio)
    _add(client, lyon)
    data = client.post(reverse("storefront:cart_update"), {f"qty-{ohio.id}": "0"}).json()
    assert set(data["lines"]) == {str(lyon.id)}
    assert set(data["parcels"]) == {str(lyon.product.seller_id)}


def test_the_update_endpoint_needs_the_csrf_token(market):
    client = Client(enforce_csrf_checks=True)
    client.post(reverse("storefront:cart_add"), {"variant": market[0].id})
    refused = client.post(reverse("storefront:cart_update"), {f"qty-{market[0].id}": "2"})
    assert refused.status_code == 403
    page = client.get(reverse("storefront:cart")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(
        reverse("storefront:cart_update"),
        {f"qty-{market[0].id}": "2", "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 200


def test_the_plain_form_still_updates_quantities_without_javascript(client, market):
    _add(client, market[0])
    response = client.post(reverse("storefront:cart"), {f"qty-{market[0].id}": "4"})
    assert response.status_code == 302
    assert 'value="4"' in client.get(reverse("storefront:cart")).content.decode()


def test_the_cart_page_loads_its_small_script_and_names_the_endpoint(client, market):
    _add(client, market[0])
    html = client.get(reverse("storefront:cart")).content.decode()
    assert 'src="/static/entrepot/cart.js" defer' in html
    assert f'data-update-url="{reverse("storefront:cart_update")}"' in html


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
     {"Origin": "https://evil.example"}, {"Origin": "null"}],
)  # fmt: skip
def test_adding_to_the_cart_from_another_site_is_refused(market, headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("storefront:cart_add"), {"variant": market[0].id}, headers=headers
    )
    assert response.status_code == 403
    assert "cart" not in client.cookies


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}]
)
def test_adding_to_the_cart_from_the_shop_needs_no_token(market, headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("storefront:cart_add"), {"variant": market[0].id}, headers=headers
    )
    assert response.status_code == 302
    assert "cart" in client.cookies
