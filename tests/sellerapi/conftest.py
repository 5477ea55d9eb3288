"""Two sellers, each with a listing, stock, an order and an API token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from entrepot.catalog.models import Category, Product
from entrepot.catalog.services import (
    ListingInput,
    VariantInput,
    listing_create,
    listing_publish,
)
from entrepot.logistics.services import warehouse_own_ensure
from entrepot.orders.models import Order, OrderLine
from entrepot.sellerapi.services import token_create
from entrepot.sellers.models import Seller
from tests import factories

BASE = "/api/v1/seller"


@dataclass
class Shop:
    seller: Seller
    token: str
    listing: Product
    order: Order

    @property
    def sku(self) -> str:
        return self.listing.variants.order_by("position").first().sku


class Api:
    """The Django test client speaking as one token (or none)."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        return merged

    def get(self, path: str, headers: dict | None = None):
        return self.client.get(BASE + path, headers=self._headers(headers))

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        send = getattr(self.client, method.lower())
        if method.upper() == "GET":
            return send(BASE + path, headers=self._headers(headers))
        data = "" if body is None else body
        return send(
            BASE + path, data, content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path: str, body=None, headers: dict | None = None):
        return self.call("POST", path, body, headers)

    def put(self, path: str, body=None, headers: dict | None = None):
        return self.call("PUT", path, body, headers)


def listing_body(category: Category, /, *skus: str, **fields) -> dict:
    body = {
        "category": category.slug,
        "title_en": "Vitamin D3 2000 IU Softgels",
        "title_zh": "维生素D3软胶囊",
        "description_en": "One softgel a day.",
        "description_zh": "每日一粒。",
        "brand": "Buckeye",
        "hs_code": "2106.90.90",
        "origin_country": "US",
        "weight_grams": 180,
        "variants": [
            {
                "sku": sku,
                "name_en": f"{60 * (i + 1)} softgels",
                "name_zh": f"{60 * (i + 1)}粒",
                "price": f"{19.99 * (i + 1):.2f}",
                "stock": 10,
            }
            for i, sku in enumerate(skus or ("D3-60",))
        ],
    }
    body.update(fields)
    return body


def make_shop(category: Category, name: str, **seller_fields) -> Shop:
    seller_fields.setdefault("verification_status", "approved")
    seller = factories.seller(business_name=f"{name} Naturals", slug=name.lower(), **seller_fields)
    warehouse_own_ensure(seller=seller)
    listing = listing_create(
        seller=seller,
        data=ListingInput(
            category=category,
            title_en=f"{name}'s Vitamin D3",
            title_zh="维生素D3软胶囊",
            description_zh="每日一粒。",
            hs_code="21069090",
            origin_country="US",
            weight_grams=180,
            variants=(
                VariantInput(
                    sku=f"{name}-D3-60",
                    name_en="60 softgels",
                    price_amount=Decimal("19.99"),
                    stock=10,
                ),
                VariantInput(
                    sku=f"{name}-D3-120",
                    name_en="120 softgels",
                    price_amount=Decimal("34.50"),
                    stock=4,
                ),
            ),
        ),
    )
    if seller.is_approved:
        listing = listing_publish(product=listing)
    order = Order.objects.create(
        number=f"EP-{name.upper()}-1",
        buyer=factories.buyer(),
        seller=seller,
        origin_country="US",
        destination_country="CN",
        currency="CNY",
        goods_amount=Decimal("132.9900"),
        shipping_amount=Decimal("35"),
        tax_amount=Decimal("12.1"),
        total_amount=Decimal("180.09"),
        placed_at=datetime(2026, 10, 30, 9, 30, tzinfo=UTC),
    )
    variant = listing.variants.order_by("position").first()
    OrderLine.objects.create(
        order=order,
        product=listing,
        variant=variant,
        title_en=listing.title_en,
        quantity=1,
        unit_price_amount=Decimal("132.99"),
        line_total_amount=Decimal("132.99"),
        currency="CNY",
    )
    _token, raw = token_create(seller=seller, name=f"{name} ERP")
    return Shop(seller=seller, token=raw, listing=listing, order=order)


@pytest.fixture
def category() -> Category:
    return factories.category(slug="vitamins-supplements")


@pytest.fixture
def alice(category) -> Shop:
    return make_shop(category, "Alice")


@pytest.fixture
def bob(category) -> Shop:
    return make_shop(category, "Bob")


@pytest.fixture
def as_alice(client, alice) -> Api:
    return Api(client, alice.token)


@pytest.fixture
def as_bob(client, bob) -> Api:
    return Api(client, bob.token)


@pytest.fixture
def anonymous(client) -> Api:
    return Api(client, None)
