"""Seller central's API token page: create (shown once), list, revoke."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from entrepot.sellerapi.models import ApiToken
from entrepot.sellerapi.services import token_authenticate, token_create, token_hash
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.sellerapi.urls_for_tests")]

TOKEN = re.compile(r"ep_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def seller():
    return factories.seller()


@pytest.fixture
def logged_in(client, seller):
    assert client.login(username=seller.user.username, password=factories.PASSWORD)
    return client


def test_the_token_page_is_at_seller_api_tokens():
    assert reverse("sellerapi:tokens") == "/seller/api-tokens/"


def test_the_token_page_needs_a_logged_in_seller(client):
    response = client.get("/seller/api-tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    buyer = factories.buyer()
    client.login(username=buyer.user.username, password=factories.PASSWORD)
    assert client.get("/seller/api-tokens/").status_code == 403


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(logged_in, seller):
    response = logged_in.post("/seller/api-tokens/", {"action": "create", "name": "Shopify sync"})
    assert response.status_code == 200
    html = response.content.decode()
    shown = TOKEN.findall(html)
    assert len(shown) == 1
    raw = shown[0]
    assert "shown only this once" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(seller=seller)
    assert token.name == "Shopify sync" and token.key_prefix == raw[:8]
    assert token.key_hash == token_hash(raw) and token.key_hash != raw
    # the list shows the prefix and the name, never the token again
    again = logged_in.get("/seller/api-tokens/").content.decode()
    assert TOKEN.findall(again) == []
    assert raw[:8] in again and "Shopify sync" in again and "never" in again
    assert token_authenticate(raw) == seller


def test_a_token_needs_a_name(logged_in, seller):
    response = logged_in.post("/seller/api-tokens/", {"action": "create", "name": "   "})
    assert response.status_code == 400
    assert TOKEN.findall(response.content.decode()) == []
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_at_once(logged_in, seller):
    token, raw = token_create(seller=seller, name="old ERP")
    response = logged_in.post("/seller/api-tokens/", {"action": "revoke", "token": token.id})
    assert response.status_code == 302 and response["Location"] == "/seller/api-tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_authenticate(raw) is None
    html = logged_in.get("/seller/api-tokens/").content.decode()
    assert "Revoked" in html


def test_another_seller_cannot_revoke_a_token(logged_in):
    other = factories.seller()
    token, raw = token_create(seller=other, name="not yours")
    response = logged_in.post("/seller/api-tokens/", {"action": "revoke", "token": token.id})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and token_authenticate(raw) == other
    assert "not yours" not in logged_in.get("/seller/api-tokens/").content.decode()


def test_revoking_an_unknown_token_is_404(logged_in):
    for value in ("999999", "abc", ""):
        response = logged_in.post("/seller/api-tokens/", {"action": "revoke", "token": value})
        assert response.status_code == 404


def test_the_token_page_checks_csrf(client, seller):
    client = type(client)(enforce_csrf_checks=True)
    client.login(username=seller.user.username, password=factories.PASSWORD)
    response = client.post("/seller/api-tokens/", {"action": "create", "name": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
