from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from entrepot.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def _order(buyer, seller, total, currency, status=Order.Status.PAID, days_ago=1):
    n = Order.objects.count() + 1
    return Order.objects.create(
        number=f"T{n}",
        buyer=buyer,
        seller=seller,
        status=status,
        origin_country="US",
        destination_country="CN",
        currency=currency,
        goods_amount=total,
        shipping_amount=0,
        tax_amount=0,
        total_amount=total,
        placed_at=timezone.now() - timedelta(days=days_ago),
    )


def test_back_office_is_for_staff_only(client):
    user = factories.user()
    client.force_login(user)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302  # to the admin login


def test_operator_sees_gmv_of_paid_orders_converted_to_cny(client):
    factories.rates()
    seller, buyer = factories.seller(), factories.buyer()
    _order(buyer, seller, Decimal("100.00"), "CNY")
    _order(buyer, seller, Decimal("11.172"), "USD")  # = 74.33 CNY
    _order(buyer, seller, Decimal("999.00"), "CNY", status=Order.Status.CANCELLED)
    _order(buyer, seller, Decimal("999.00"), "CNY", days_ago=40)
    operator = factories.user(is_staff=True)
    client.force_login(operator)
    html = client.get(reverse("backoffice:home")).content.decode()
    assert "¥174.33" in html or "CN¥174.33" in html


def test_operator_suspends_a_listing_with_a_reason_and_it_leaves_the_storefront(client):
    factories.rates()
    product = factories.product(seller=factories.seller(), category=factories.category())
    client.force_login(factories.user(is_staff=True))
    url = reverse("backoffice:listing_moderate", args=[product.pk])
    client.post(url, {"action": "suspend", "reason": "Health claims are not allowed."})
    product.refresh_from_db()
    assert product.status == "suspended"
    assert product.moderation_note == "Health claims are not allowed."
    assert client.get(reverse("storefront:product", args=[product.pk])).status_code == 404
    client.post(url, {"action": "reinstate"})
    product.refresh_from_db()
    assert product.status == "draft"


def test_suspending_needs_a_reason(client):
    product = factories.product(seller=factories.seller(), category=factories.category())
    client.force_login(factories.user(is_staff=True))
    url = reverse("backoffice:listing_moderate", args=[product.pk])
    response = client.post(url, {"action": "suspend", "reason": ""})
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == "published"


def test_sellers_cannot_moderate(client):
    product = factories.product(seller=factories.seller(), category=factories.category())
    client.force_login(product.seller.user)
    response = client.post(
        reverse("backoffice:listing_moderate", args=[product.pk]),
        {"action": "suspend", "reason": "x"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == "published"
