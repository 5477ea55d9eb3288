"""Cart -> checkout -> sandbox payment -> my orders, through the buyer's pages."""

from datetime import date

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from entrepot.buyers.services import identity_verify
from entrepot.ledger.selectors import ledger_check
from entrepot.orders.models import Order
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.orders.test_checkout import _variant
from tests.payments import transport

pytestmark = pytest.mark.django_db
ADDRESS = {
    "consignee_name": "王芳",
    "consignee_phone": "13800138000",
    "consignee_address": "浙江省杭州市西湖区文三路100号",
}


def _check_out_and_pay_page(client):
    """Check out with an address, then press Pay on the review page: the wallet's URL."""
    review = client.post(reverse("storefront:checkout"), ADDRESS)
    assert review.status_code == 302, review
    return client.post(review["Location"])


@pytest.fixture
def market(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    transport.reset()
    factories.rates()
    positive_list_load_sample()
    ohio = factories.seller(verification_status="approved")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    was = HUEY.immediate
    HUEY.immediate = True
    yield _variant(ohio), _variant(lyon, price="24.00")
    HUEY.immediate = was


@pytest.fixture
def buyer(client):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    return buyer


def _fill_cart(client, *variants):
    for variant in variants:
        client.post(reverse("storefront:cart_add"), {"variant": variant.id})


def test_the_cart_shows_each_sellers_lines_and_the_delivered_total(client, market):
    _fill_cart(client, *market)
    page = client.get(reverse("storefront:cart")).content.decode()
    assert market[0].product.title_zh in page and market[1].product.title_zh in page
    assert "¥" in page


def test_checkout_needs_a_login(client, market):
    _fill_cart(client, market[0])
    response = client.post(reverse("storefront:checkout"), ADDRESS)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_buyer_in_china_verifies_identity_before_paying(client, market, buyer):
    _fill_cart(client, market[0])
    response = client.post(reverse("storefront:checkout"), ADDRESS)
    assert response["Location"].startswith(reverse("buyers:identity"))
    assert not Order.objects.exists()


def test_checkout_pay_and_see_two_paid_orders_with_a_balanced_ledger(
    client, market, buyer, django_capture_on_commit_callbacks
):
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    _fill_cart(client, *market)
    response = _check_out_and_pay_page(client)
    payment = Payment.objects.get()
    assert response["Location"] == payment.payer_url
    assert payment.payer_name == "王芳"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:sandbox_pay", args=[payment.token]))
    page = client.get(reverse("storefront:orders")).content.decode()
    assert page.count('class="order-row"') == 2
    assert Order.objects.filter(status="paid").count() == 2
    assert ledger_check(expected_escrow=escrow_expected()).ok
    order = Order.objects.first()
    detail = client.get(reverse("storefront:order", args=[order.number])).content.decode()
    assert "11010519491231002X" not in detail and order.number in detail


def test_another_buyers_order_is_404(client, market, buyer):
    other = factories.buyer()
    from entrepot.orders.checkout import CartLine, checkout_place

    order = checkout_place(buyer=other, lines=[CartLine(market[0].id, 1)]).orders.get()
    assert client.get(reverse("storefront:order", args=[order.number])).status_code == 404


def test_each_seller_sees_its_paid_order_and_the_money_in_escrow(
    client, market, buyer, django_capture_on_commit_callbacks
):
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    _fill_cart(client, *market)
    _check_out_and_pay_page(client)
    payment = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:sandbox_pay", args=[payment.token]))
    for variant in market:
        seller = variant.product.seller
        client.force_login(seller.user)
        page = client.get(reverse("sellercentral:orders")).content.decode()
        mine = Order.objects.get(seller=seller)
        assert page.count('class="seller-order"') == 1 and mine.number in page
        others = Order.objects.exclude(seller=seller).get()
        assert others.number not in page


def test_the_review_page_shows_the_locked_quote_and_refuses_after_expiry(client, market, buyer):
    from datetime import timedelta

    from entrepot.orders.models import Checkout

    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    _fill_cart(client, *market)
    review = client.post(reverse("storefront:checkout"), ADDRESS)
    page = client.get(review["Location"]).content.decode()
    checkout = Checkout.objects.get()
    assert page.count('class="cart-group review-order"') == 2
    assert f"{checkout.total_amount:.2f}" in page and "文三路100号" in page
    Checkout.objects.update(expires_at=checkout.expires_at - timedelta(hours=1))
    refused = client.post(review["Location"], follow=True).content.decode()
    assert not Payment.objects.exists()
    assert "expired" in refused or "过期" in refused


def test_a_bad_phone_number_keeps_the_cart_and_says_why(client, market, buyer):
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    _fill_cart(client, market[0])
    page = client.post(
        reverse("storefront:checkout"), {**ADDRESS, "consignee_phone": "call me"}, follow=True
    ).content.decode()
    assert "13800138000" in page  # the hint of what is allowed
    assert not Order.objects.exists()
    assert market[0].product.title_zh in page  # the cart is still there


def test_the_cart_lives_in_a_signed_cookie_and_a_tampered_one_is_ignored(client, market):
    from django.contrib.sessions.models import Session

    _fill_cart(client, market[0])
    assert "cart" in client.cookies and not Session.objects.exists()
    client.cookies["cart"] = f'{{"{market[1].id}": 5}}'  # forged: no signature
    page = client.get(reverse("storefront:cart")).content.decode()
    assert market[1].product.title_zh not in page
