"""Abuse limits: login lockout, and limits on login, identity verification, checkout and
the API, per address and per account; every refusal is 429 with Retry-After."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from entrepot.buyers import vault
from entrepot.config import ratelimit
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
IDENTITY = "/account/identity/"
CHECKOUT = "/checkout/"


@pytest.fixture
def limits(settings):
    """Set some limits for one test: limits(checkout="2/60")."""

    def set_limits(**values: str) -> None:
        settings.ENTREPOT_RATE_LIMITS = {**settings.ENTREPOT_RATE_LIMITS, **values}

    return set_limits


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand."""

    class Clock:
        now = 1_800_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(ratelimit, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def buyer():
    return factories.buyer()


def _login(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- login lockout -------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_for_fifteen_minutes_with_retry_after(
    client, buyer, clock
):
    client.cookies["django_language"] = "en"
    name = buyer.user.username
    for _ in range(4):
        assert _login(client, name, "wrong").status_code == 200
    fifth = _login(client, name, "wrong")
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    assert "Too many failed logins" in fifth.content.decode()
    assert "try again in 15 minutes" in fifth.content.decode()

    # locked: even the right password is not checked
    clock.advance(600)
    refused = _login(client, name, factories.PASSWORD)
    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    assert "_auth_user_id" not in client.session
    assert "try again in 5 minutes" in refused.content.decode()


def test_after_the_lockout_a_successful_login_resets_the_count(client, buyer, clock):
    name = buyer.user.username
    for _ in range(5):
        _login(client, name, "wrong")
    clock.advance(901)
    assert _login(client, name, factories.PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):  # four more failures: the count started again, no lockout
        assert _login(client, name, "wrong").status_code == 200
    assert _login(client, name, factories.PASSWORD).status_code == 302


def test_the_lockout_counts_one_account_however_its_login_is_typed(client, clock):
    from entrepot.buyers import services

    services.buyer_sign_up(phone="13800138000", password="Pa55word-long", display_name="王芳")
    for spelling in ("13800138000", "+86 138 0013 8000", "138-0013-8000", "8613800138000"):
        _login(client, spelling, "wrong")
    assert _login(client, "+86 13800138000", "wrong").status_code == 429


def test_failures_on_many_accounts_from_one_address_lock_the_address(client, limits, clock):
    limits(lockout="5/900", lockout_ip="8/900", login_ip="off")
    for n in range(7):
        assert _login(client, f"nobody{n}@example.com", "wrong").status_code == 200
    assert _login(client, "nobody7@example.com", "wrong").status_code == 429
    # another address still gets through
    other = _login(client, "nobody8@example.com", "wrong", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_login_page_in_chinese_says_so_in_a_chinese_page(client, buyer, clock):
    for _ in range(5):
        response = _login(client, buyer.user.username, "wrong")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_admin_login_shares_the_lockout(client, clock):
    operator = factories.user(username="ops@example.com", is_staff=True, is_superuser=True)
    admin_login = "/backoffice/admin/login/"
    for _ in range(3):
        assert _login(client, "OPS@example.com", "wrong").status_code == 200
    for _ in range(2):
        response = client.post(admin_login, {"username": operator.username, "password": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "900"
    right = {"username": operator.username, "password": factories.PASSWORD}
    assert client.post(admin_login, right).status_code == 429  # not even checked
    clock.advance(901)
    assert client.post(admin_login, right).status_code == 302


def test_login_attempts_per_address_are_limited(client, limits, clock):
    limits(login_ip="3/300", lockout="off", lockout_ip="off")
    for n in range(3):
        assert _login(client, f"a{n}@example.com", "wrong").status_code == 200
    refused = _login(client, "a9@example.com", "wrong")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 300


# --- identity, checkout, API -------------------------------------------------------------


@pytest.mark.urls("tests.buyers.urls_for_tests")
def test_identity_verification_is_limited_per_account(client, buyer, limits, settings):
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    vault.reset()
    limits(identity="2/3600")
    client.force_login(buyer.user)
    data = {"name": "王芳", "id_number": "110105194912310021", "consent": "on"}
    for _ in range(2):
        assert client.post(IDENTITY, data).status_code == 200  # wrong check digit
    refused = client.post(IDENTITY, data)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600  # the rest of the hour's window
    vault.reset()


def test_placing_orders_is_limited_per_account_and_per_address(client, buyer, limits):
    limits(checkout="2/60", checkout_ip="4/60")
    client.force_login(buyer.user)
    for _ in range(2):
        assert client.post(CHECKOUT).status_code == 302  # an empty cart: back to the cart
    assert client.post(CHECKOUT).status_code == 429
    # refused requests count too: the fourth of this address, by another account, is the
    # last the address may send
    client.force_login(factories.buyer().user)
    assert client.post(CHECKOUT).status_code == 302
    refused = client.post(CHECKOUT)
    assert refused.status_code == 429 and refused["Retry-After"]


def test_the_api_answers_429_with_json_detail_and_retry_after(client, limits):
    limits(api_ip="3/60")
    for _ in range(3):
        assert client.get("/api/catalog/categories").status_code == 200
    refused = client.get("/api/catalog/categories")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert "请求过多" in body["detail"]  # the API answers in Chinese unless asked otherwise
    assert body["errors"][0]["code"] == "RATE_LIMITED"


def test_the_api_counts_per_credential_too(client, limits):
    limits(api="2/60", api_ip="100/60")
    token = {"HTTP_AUTHORIZATION": "Bearer ep_one"}
    for _ in range(2):
        client.get("/api/v1/seller/listings", **token)
    assert client.get("/api/v1/seller/listings", **token).status_code == 429
    other = client.get("/api/v1/seller/listings", HTTP_AUTHORIZATION="Bearer ep_two")
    assert other.status_code == 401  # counted apart, and then refused as unknown


def test_the_search_api_uses_the_shared_limiter(client, settings):
    settings.ENTREPOT_SEARCH_RATE_LIMIT = 1
    assert client.get("/api/v1/search", {"q": "x"}).status_code == 200
    refused = client.get("/api/v1/search", {"q": "x"})
    assert refused.status_code == 429 and refused["Retry-After"]


# --- the limiter ---------------------------------------------------------------------------


def test_limits_are_parsed_from_count_slash_seconds():
    assert ratelimit.parse_limit("x", "10/60") == ratelimit.Limit("x", 10, 60)
    assert ratelimit.parse_limit("x", "5") == ratelimit.Limit("x", 5, 60)
    assert ratelimit.parse_limit("x", "off").off
    assert ratelimit.parse_limit("x", "0").off
    with pytest.raises(ValueError, match="COUNT/SECONDS, e.g. 10/60"):
        ratelimit.parse_limit("x", "ten a minute")


def test_a_fixed_window_refuses_until_it_ends_then_counts_afresh():
    rule = ratelimit.Limit("t", 2, 60)
    start = 1_800_000_000.0  # a window boundary (divisible by 60)
    assert ratelimit.hit(rule, "me", now=start) == 0
    assert ratelimit.hit(rule, "me", now=start + 10) == 0
    assert ratelimit.hit(rule, "me", now=start + 20) == 40
    assert ratelimit.hit(rule, "you", now=start + 20) == 0
    assert ratelimit.hit(rule, "me", now=start + 60) == 0


def test_the_client_address_comes_from_the_configured_proxy_header(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.ENTREPOT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_the_default_limits_are_generous_enough_for_a_person():
    from django.conf import settings

    for name, value in settings.ENTREPOT_RATE_LIMITS.items():
        rule = ratelimit.parse_limit(name, value)
        assert rule.count >= 5, name
