"""The refusals the fuzzer found terse now say what was wrong and what to do."""

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_product_that_is_not_for_sale_is_named_in_the_404():
    response = Client().get("/api/catalog/products/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "no product #999999 for sale"}


def test_a_body_that_is_not_json_is_answered_with_what_to_send():
    response = Client().post("/api/v1/landed-cost", "{", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]
    assert "Content-Type: application/json" in response.json()["detail"]


def test_an_operation_for_signed_in_buyers_tells_an_anonymous_caller_to_sign_in():
    body = {"order_line": 1, "stars": 5}
    response = Client().post("/api/v1/reviews", body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("sign in first")


def test_a_missing_csrf_token_is_explained():
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.buyer().user)
    body = {"order_line": 1, "stars": 5}
    response = client.post("/api/v1/reviews", body, content_type="application/json")
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]


def test_other_refusals_keep_their_own_words():
    response = Client().get("/api/v1/seller/listings")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
