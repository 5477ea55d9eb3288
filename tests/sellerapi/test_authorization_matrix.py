"""Every operation of the seller API, generated from the OpenAPI document, called three ways.

Seller A calls each operation with seller B's objects in the path: it must answer 404
(or 403) and leave B's data exactly as it was; B gets 2xx; nobody without a token gets
anything but 401. An operation added to the router without a row in POLICY fails here.
"""

from __future__ import annotations

import itertools
import re

import pytest

from entrepot.catalog.models import Product, ProductVariant
from entrepot.config.api import api
from entrepot.logistics.models import Stock, Warehouse
from entrepot.orders.models import Order, OrderLine
from entrepot.sellerapi.models import ApiToken, IdempotencyRecord
from tests.sellerapi.conftest import Shop, listing_body

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/seller"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}

# operation -> (codes for another seller holding the owner's ids, codes for the owner).
# Collections have no id in the path: another seller gets its own (empty of B) answer.
POLICY: dict[tuple[str, str], tuple[set[int], set[int]]] = {
    ("GET", "/listings"): ({200}, {200}),
    ("POST", "/listings"): ({201}, {201}),
    ("GET", "/listings/{listing_id}"): ({404}, {200}),
    ("PUT", "/listings/{listing_id}"): ({404}, {200}),
    ("POST", "/listings/{listing_id}/publish"): ({403, 404}, {200}),
    ("POST", "/listings/{listing_id}/unpublish"): ({404}, {200}),
    ("PUT", "/listings/{listing_id}/variants/{sku}/stock"): ({404}, {200}),
    ("GET", "/orders"): ({200}, {200}),
    ("GET", "/warehouses"): ({200}, {200}),
}

_fresh = itertools.count(1)


def discovered_operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in paths.items()
        if path.startswith(PREFIX + "/")
        for method in operations
    }


def path_for(template: str, owner: Shop) -> str:
    values = {"listing_id": owner.listing.id, "sku": owner.sku}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        assert name in values, f"no value for path parameter {name!r}: add one to path_for"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", fill, template)


def body_for(method: str, template: str, owner: Shop, category) -> dict | None:
    """A valid body, so that only ownership can refuse it."""
    if template == "/listings" and method == "POST":
        return listing_body(category, f"MATRIX-{next(_fresh)}")
    if template == "/listings/{listing_id}":
        skus = owner.listing.variants.order_by("position").values_list("sku", flat=True)
        return listing_body(category, *skus, title_en="Overwritten by someone else")
    if template.endswith("/stock"):
        return {"quantity": 999}
    return None


def fingerprint(shop: Shop) -> dict:
    """Everything of `shop` an API call could change."""
    seller = shop.seller
    return {
        "products": list(Product.objects.filter(seller=seller).order_by("id").values()),
        "variants": list(
            ProductVariant.objects.filter(product__seller=seller).order_by("id").values()
        ),
        "stock": list(
            Stock.objects.filter(variant__product__seller=seller).order_by("id").values()
        ),
        "stock_in_own_warehouse": list(
            Stock.objects.filter(warehouse__seller=seller).order_by("id").values()
        ),
        "warehouses": list(Warehouse.objects.filter(seller=seller).order_by("id").values()),
        "orders": list(Order.objects.filter(seller=seller).order_by("id").values()),
        "order_lines": list(OrderLine.objects.filter(order__seller=seller).values()),
        "tokens": list(ApiToken.objects.filter(seller=seller).order_by("id").values()),
        "idempotency": list(IdempotencyRecord.objects.filter(seller=seller).values()),
    }


def secrets_of(shop: Shop) -> list[str]:
    """Strings that only an answer about `shop`'s own data would contain."""
    return [
        *ProductVariant.objects.filter(product__seller=shop.seller).values_list("sku", flat=True),
        shop.listing.title_en,
        shop.order.number,
        Warehouse.objects.get(seller=shop.seller).name,
    ]


def test_every_operation_of_the_seller_api_has_a_policy():
    assert discovered_operations() == set(POLICY)


def test_every_operation_is_401_without_a_token_and_changes_nothing(
    anonymous, alice, bob, category
):
    before = fingerprint(bob)
    for method, template in sorted(discovered_operations()):
        body = body_for(method, template, bob, category)
        response = anonymous.call(method, path_for(template, bob), body)
        assert response.status_code == 401, (method, template, response.content)
        assert "Authorization: Bearer" in response.json()["detail"]
    assert fingerprint(bob) == before


def test_another_seller_gets_404_for_every_operation_and_changes_nothing(
    as_alice, alice, bob, category
):
    before = fingerprint(bob)
    hidden = secrets_of(bob)
    for n, (method, template) in enumerate(sorted(discovered_operations())):
        headers = {"Idempotency-Key": f"matrix-{n}"} if method in WRITES else None
        body = body_for(method, template, bob, category)
        response = as_alice.call(method, path_for(template, bob), body, headers)
        expected, _owner = POLICY[(method, template)]
        assert response.status_code in expected, (method, template, response.content)
        text = response.content.decode()
        leaked = [secret for secret in hidden if secret in text]
        assert leaked == [], (method, template, leaked)
        if response.status_code >= 400:
            # a refused write is not remembered under the caller's key either
            assert not IdempotencyRecord.objects.filter(key=f"matrix-{n}").exists()
    assert fingerprint(bob) == before


def test_another_sellers_ids_answer_exactly_like_missing_ones(as_alice, bob, category):
    for method, template in sorted(discovered_operations()):
        if "{listing_id}" not in template:
            continue
        body = body_for(method, template, bob, category)
        bobs = as_alice.call(method, path_for(template, bob), body)
        missing_path = path_for(template, bob).replace(str(bob.listing.id), "999999", 1)
        missing = as_alice.call(method, missing_path, body)
        assert bobs.status_code == missing.status_code == 404
        assert (
            bobs.json()["detail"].replace(str(bob.listing.id), "999999")
            == (missing.json()["detail"])
        )


def test_the_owner_gets_2xx_for_every_operation(as_bob, bob, category):
    for method, template in sorted(discovered_operations()):
        body = body_for(method, template, bob, category)
        response = as_bob.call(method, path_for(template, bob), body)
        _other, expected = POLICY[(method, template)]
        assert response.status_code in expected, (method, template, response.content)


def test_the_owner_sees_its_own_objects_in_the_collections(as_bob, bob):
    listings = as_bob.get("/listings").json()["items"]
    assert bob.listing.id in {item["id"] for item in listings}
    assert [o["number"] for o in as_bob.get("/orders").json()["items"]] == [bob.order.number]
    own = Warehouse.objects.get(seller=bob.seller).id
    assert own in {w["id"] for w in as_bob.get("/warehouses").json()}
