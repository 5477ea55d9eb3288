"""A store with orders driven through the real state machine (so the counters move)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from entrepot.orders.models import Order, OrderLine
from entrepot.orders.services import order_transition
from tests import factories

STEPS = {
    "placed": [],
    "paid": ["pay"],
    "shipped": ["pay", "ship"],
    "delivered": ["pay", "ship", "deliver"],
    "completed": ["pay", "ship", "deliver", "complete"],
}


def make_order(*, buyer, seller, products, status="completed") -> Order:
    n = Order.objects.count() + 1
    order = Order.objects.create(
        number=f"EPR{n:08d}", buyer=buyer, seller=seller, status=Order.Status.PLACED,
        origin_country=seller.country, destination_country="CN", currency="CNY",
        goods_amount=100, shipping_amount=35, tax_amount=12, total_amount=147,
        placed_at=timezone.now(),
    )  # fmt: skip
    for product in products:
        OrderLine.objects.create(
            order=order, product=product, variant=product.variants.first(),
            title_en=product.title_en, title_zh=product.title_zh, quantity=1,
            unit_price_amount=Decimal(100), line_total_amount=Decimal(100), currency="CNY",
        )  # fmt: skip
    for event in STEPS[status]:
        order = order_transition(order=order, event=event, actor="test")
    return order


@pytest.fixture
def store():
    factories.rates()
    category = factories.category()
    seller = factories.seller(verification_status="approved")
    products = [factories.product(seller=seller, category=category) for _ in range(2)]
    return seller, products


@pytest.fixture
def buyer():
    return factories.buyer()


@pytest.fixture
def completed(store, buyer) -> Order:
    seller, products = store
    return make_order(buyer=buyer, seller=seller, products=products)
