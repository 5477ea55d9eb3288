"""Every endpoint × six people, checked against entrepot/config/access_policy.py.

The endpoints come from the URL map (`get_resolver()`, walked recursively) and from the
OpenAPI document; the people are anonymous, buyer A, buyer B, seller A, seller B and an
operator. URLs that name an object are filled with buyer A's or seller A's object, so
buyer B and seller B must get 404 where the policy says `owner=True`. One world is built
for the whole matrix; every single call runs in a savepoint that is rolled back, so a
POST that deletes or changes something cannot change what the next call sees.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fnmatch import fnmatch
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from entrepot.aftersales.services import dispute_open, return_request
from entrepot.buyers.services import AddressFields, address_add
from entrepot.catalogimport.models import ImportJob
from entrepot.config import access_policy as policy
from entrepot.config.api import api
from entrepot.domain.china_divisions import Division
from entrepot.domain.money import Money
from entrepot.logistics.bonded import consignment_send
from entrepot.logistics.services import bonded_warehouses_ensure
from entrepot.payments.services import payment_create
from entrepot.reviews.services import review_post
from entrepot.sellerapi.services import token_create
from tests import factories
from tests.aftersales.helpers import delivered_cbec_order
from tests.customs.helpers import cn_buyer, paid_order, variant
from tests.reviews.conftest import make_order
from tests.security.conftest import count
from tests.security.test_api_fuzz import problem_of
from tests.sellerapi.conftest import listing_body

pytestmark = pytest.mark.django_db

HOW_TO_ADD = (
    "add an entry to PAGES (URL name) or API ('METHOD /api/path') in "
    "entrepot/config/access_policy.py saying who may use it (see its docstring), and give "
    "its URL parameters a value in PARAMS of tests/security/test_authorization_matrix.py"
)


def id_number(body17: str) -> str:
    """A resident ID number with its check character (GB 11643)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


# --- the world -------------------------------------------------------------------------


@pytest.fixture
def world(settings, tmp_path):
    from cryptography.fernet import Fernet

    from entrepot.buyers import vault
    from entrepot.customs.services import declarations_sweep, receipts_collect
    from entrepot.pricing.positive_list import positive_list_load_sample

    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 0
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.0
    settings.ENTREPOT_CUSTOMS_SIM_SEED = "7"
    settings.ENTREPOT_SIM_CARRIER_STEP_MINUTES = 0
    settings.ENTREPOT_DEFAULT_CARRIER = "simulated"
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_RATE_LIMITS = {}  # six people calling everything is not abuse
    settings.MEDIA_ROOT = str(tmp_path)
    vault.reset()
    factories.rates()
    positive_list_load_sample()

    w = SimpleNamespace()
    w.seller_a = factories.seller(verification_status="approved", slug="seller-a")
    w.seller_b = factories.seller(verification_status="approved", slug="seller-b")
    w.buyer_a = cn_buyer()
    w.buyer_b = cn_buyer(name="李娜", id_number=id_number("11010519800101002"))
    w.operator = factories.user(is_staff=True, is_superuser=True)
    w.order_a = paid_order(seller=w.seller_a, buyer=w.buyer_a)
    w.order_b = paid_order(seller=w.seller_b, buyer=w.buyer_b)
    declarations_sweep()
    receipts_collect()
    w.order_a.refresh_from_db()
    w.variant_a = variant(w.seller_a)
    w.product_a = w.variant_a.product
    w.category = w.product_a.category
    w.address_a = address_add(
        buyer=w.buyer_a,
        fields=AddressFields(
            recipient="王芳",
            phone="13800138000",
            division=Division("浙江省", "杭州市", "西湖区"),
            street="文三路100号",
        ),
    )
    # buyer B checks out through the API as well (POST /api/v1/checkout): a default address
    address_add(
        buyer=w.buyer_b,
        fields=AddressFields(
            recipient="李娜",
            phone="13900139000",
            division=Division("浙江省", "杭州市", "上城区"),
            street="解放路1号",
        ),
    )
    w.import_a = ImportJob.objects.create(
        seller=w.seller_a, filename="listings.csv", status=ImportJob.Status.DONE
    )
    w.token_a, w.raw_token_a = token_create(seller=w.seller_a, name="A's ERP")
    w.token_b, w.raw_token_b = token_create(seller=w.seller_b, name="B's ERP")
    w.consignment_a = consignment_send(
        seller=w.seller_a, warehouse=bonded_warehouses_ensure()[0], lines=[(w.variant_a, 2)]
    )
    w.payment = payment_create(
        reference="authz-matrix", amount=Money("10", "CNY"), payer_name="王芳"
    )
    # after sales: a return of a delivered order, a dispute about the cleared one
    w.delivered_a = delivered_cbec_order(seller=w.seller_a, buyer=w.buyer_a)
    w.return_a = return_request(
        order=w.delivered_a, actor="buyer", reason="damaged", text="The bottle broke."
    )
    w.dispute_a = dispute_open(
        order=w.order_a, actor="buyer", reason="not_received", text="Where is my parcel?"
    )
    # reviews: a completed order of two lines, the first reviewed, the second not yet
    completed = make_order(
        buyer=w.buyer_a,
        seller=w.seller_a,
        products=[w.product_a, factories.product(seller=w.seller_a, category=w.category)],
    )
    first, w.line_to_review = completed.lines.order_by("id")
    w.review_a = review_post(buyer=w.buyer_a, order_line_id=first.pk, stars=5, text="Good.")
    with open(tmp_path / "photo.png", "wb") as image:
        image.write(b"\x89PNG\r\n\x1a\n")
    yield w
    vault.reset()


# URL parameters: the object of buyer A or seller A that the URL names. A callable gets
# the world. Admin URLs get their model's first row (see admin_object_id).
PARAMS = {
    "language_switch": {"code": "en"},
    "media": {"path": "photo.png"},
    "storefront:category": lambda w: {"slug": w.category.slug},
    "storefront:product": lambda w: {"pk": w.product_a.pk},
    "storefront:seller": lambda w: {"slug": w.seller_a.slug},
    "storefront:checkout_review": lambda w: {"pk": w.order_a.checkout_id},
    "storefront:order": lambda w: {"number": w.order_a.number},
    "delivery:confirm_receipt": lambda w: {"number": w.order_a.number},
    "payments:*": lambda w: {"token": w.payment.token},
    "buyers:address_*": lambda w: {"pk": w.address_a.pk},
    "catalogimport:*": lambda w: {"pk": w.import_a.pk},
    "sellercentral:*": lambda w: {"pk": w.product_a.pk},
    "seller_shipping:shipment": lambda w: {"number": w.order_a.number},
    "analytics:dashboard_csv": {"table": "figures"},
    "customs:*": lambda w: {"pk": w.order_a.declaration.pk},
    "logistics_backoffice:receive": lambda w: {"pk": w.consignment_a.pk},
    "backoffice:seller_decide": lambda w: {"pk": w.seller_a.pk},
    "backoffice:listing_moderate": lambda w: {"pk": w.product_a.pk},
    "aftersales_buyer:return_new": lambda w: {"number": w.delivered_a.number},
    "aftersales_buyer:dispute_new": lambda w: {"number": w.order_a.number},
    "aftersales_buyer:return": lambda w: {"pk": w.return_a.pk},
    "aftersales_buyer:dispute*": lambda w: {"pk": w.dispute_a.pk},
    "aftersales_seller:return*": lambda w: {"pk": w.return_a.pk},
    "aftersales_seller:dispute*": lambda w: {"pk": w.dispute_a.pk},
    "aftersales_seller:refund": lambda w: {"number": w.delivered_a.number},
    "aftersales_backoffice:dispute*": lambda w: {"pk": w.dispute_a.pk},
    "aftersales_backoffice:return_receive": lambda w: {"pk": w.return_a.pk},
    "aftersales_backoffice:refund": lambda w: {"number": w.delivered_a.number},
    "reviews:write": lambda w: {"line_id": w.line_to_review.pk},
    "reviews_seller:reply": lambda w: {"pk": w.review_a.pk},
    "reviews_backoffice:hide": lambda w: {"pk": w.review_a.pk},
    "admin:app_list": {"app_label": "catalog"},
    "admin:auth_user_password_change": lambda w: {"id": w.buyer_a.user.pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(w.product_a).pk,
        "object_id": w.product_a.pk,
    },
    "backoffice/admin/(?P<url>.*)$": {"url": "nowhere/"},
    # API
    "* /api/catalog/products/{product_id}": lambda w: {"product_id": w.product_a.pk},
    "* /api/v1/products/{product_id}/reviews": lambda w: {"product_id": w.product_a.pk},
    "* /api/v1/checkout/{checkout_id}": lambda w: {"checkout_id": w.order_a.checkout_id},
    "* /api/v1/seller/listings/{listing_id}*": lambda w: {
        "listing_id": w.product_a.pk,
        "sku": w.variant_a.sku,
    },
}

# Query strings (GET) and bodies (POST, PUT) for the endpoints that refuse an empty one
# before they ask who calls
DATA = {
    "sellercentral:hs_suggest": {"title": "Vitamin D3 softgels"},
    "GET /api/v1/search": {"q": "vitamin"},
    "POST /api/v1/reviews": lambda w: {"order_line": w.line_to_review.pk, "stars": 4},
    "POST /api/v1/checkout": lambda w: {"lines": [{"variant": w.variant_a.pk, "quantity": 1}]},
    "storefront:cart_add": lambda w: {"variant": w.variant_a.pk},
    "POST /api/v1/landed-cost": lambda w: {
        "destination": "CN",
        "currency": "CNY",
        "items": [
            {
                "sku": "X-1",
                "hs_code": "33049900",
                "origin": "US",
                "unit_price": {"amount": "19.99", "currency": "CNY"},
                "quantity": 1,
                "unit_weight_kg": "0.2",
            }
        ],
    },
    "POST /api/v1/seller/listings": lambda w: listing_body(w.category, f"NEW-{uuid.uuid4().hex}"),
    "PUT /api/v1/seller/listings/{listing_id}": lambda w: listing_body(w.category, w.variant_a.sku),
    "PUT /api/v1/seller/listings/{listing_id}/variants/{sku}/stock": {"quantity": 5},
}


def lookup(table: dict, key: str):
    """`table[key]`, else the first fnmatch pattern of `table` that matches `key`."""
    if key in table:
        return table[key]
    for pattern, value in table.items():
        if any(c in pattern for c in "*?[") and fnmatch(key, pattern):
            return value
    return None


def resolved(value, w):
    return value(w) if callable(value) else value


# --- endpoints -------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str  # URL name, or route for an unnamed one, or "METHOD /api/path"
    route: str  # the full route, parameters as in the URL map or the OpenAPI document
    is_api: bool = False
    model: type | None = None  # admin: the model of the page


def _admin_models() -> dict[str, type]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def page_endpoints() -> list[Endpoint]:
    models = _admin_models()
    found: list[Endpoint] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            if entry.callback.__module__.startswith("ninja.operation"):
                continue  # an API operation: checked from the OpenAPI document
            route = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = route
            model = None
            match = re.match(r"admin:(\w+?_\w+?)_(changelist|add|change|delete|history)$", key)
            if match:
                model = models.get(match.group(1))
            elif key.startswith("backoffice/admin/") and "<path:object_id>" in route:
                app, name = route.split("/")[2:4]
                model = models.get(f"{app}_{name}")
            found.append(Endpoint(key, route, model=model))

    walk(get_resolver(), "", "")
    return found


def api_endpoints() -> list[Endpoint]:
    paths = api.get_openapi_schema()["paths"]
    return [
        Endpoint(f"{method.upper()} {path}", path, is_api=True)
        for path, operations in paths.items()
        for method in operations
    ]


def fill(endpoint: Endpoint, w) -> str:
    values = dict(resolved(lookup(PARAMS, endpoint.key) or {}, w))
    if endpoint.model is not None:
        first = endpoint.model._default_manager.order_by("pk").first()
        values.setdefault("object_id", first.pk if first else 1)

    def value(name: str) -> str:
        if name not in values:
            raise LookupError(
                f"{endpoint.key}: no value for the URL parameter {name!r}: add one to PARAMS "
                "in tests/security/test_authorization_matrix.py"
            )
        return str(values[name])

    path = endpoint.route
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), path)
    path = re.sub(r"\{(\w+)\}", lambda m: value(m.group(1)), path)
    path = path.replace("^", "").replace("$", "")
    return path if path.startswith("/") else "/" + path


# --- calling -------------------------------------------------------------------------


def client_for(role: str, w, **kwargs) -> Client:
    # a view that crashes is one failure in the list, not the end of the matrix
    client = Client(raise_request_exception=False, **kwargs)
    user = {
        "anonymous": None,
        "buyer_a": w.buyer_a.user,
        "buyer_b": w.buyer_b.user,
        "seller_a": w.seller_a.user,
        "seller_b": w.seller_b.user,
        "operator": w.operator,
    }[role]
    if user is not None:
        client.force_login(user)
    return client


LOGIN_PATHS = ("/accounts/login/", "/backoffice/admin/login/")


def outcome(response, *, is_api: bool) -> str:
    status = response.status_code
    if is_api:
        return policy.OK if 200 <= status < 300 else str(status)
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        return policy.LOGIN if location.startswith(LOGIN_PATHS) else policy.OK
    if 200 <= status < 300:
        return policy.OK
    return str(status)


class People:
    """One signed-in client per role, kept while its session lives (a fresh login costs
    a session write): a response that touches the session cookie (log out, a cart in the
    session) retires the client, so that no call sees what an earlier one left."""

    def __init__(self, w) -> None:
        self.w = w
        self.clients: dict[str, Client] = {}

    def client(self, role: str) -> Client:
        if role not in self.clients:
            self.clients[role] = client_for(role, self.w)
        return self.clients[role]

    def after(self, role: str, response) -> None:
        if settings.SESSION_COOKIE_NAME in response.cookies:
            self.clients.pop(role, None)


def call(endpoint: Endpoint, access: policy.Access, role: str, people: People):
    w = people.w
    method = endpoint.key.split(" ")[0] if endpoint.is_api else access.method
    path = fill(endpoint, w)
    client = people.client(role)
    data = resolved(lookup(DATA, endpoint.key), w)
    headers = {}
    if endpoint.is_api and role in ("seller_a", "seller_b"):
        token = w.raw_token_a if role == "seller_a" else w.raw_token_b
        headers["Authorization"] = f"Bearer {token}"
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, data, headers=headers)
        elif endpoint.is_api:
            response = client.generic(
                method,
                path,
                data=json.dumps(data or {}),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.post(path, data or {}, headers=headers)
        transaction.set_rollback(True)
    people.after(role, response)
    return path, response


def access_of(endpoint: Endpoint) -> policy.Access | None:
    if endpoint.is_api:
        return policy.API.get(endpoint.key)
    return policy.PAGES.get(endpoint.key) or lookup(policy.PAGE_PATTERNS, endpoint.key)


def without_policy(endpoints: list[Endpoint]) -> str:
    """The failure message for the endpoints that have no entry ('' if none)."""
    missing = [f"  {e.key}   (/{e.route.lstrip('/')})" for e in endpoints if access_of(e) is None]
    if not missing:
        return ""
    return f"{len(missing)} endpoint(s) without an access policy entry; {HOW_TO_ADD}:\n" + (
        "\n".join(missing)
    )


def test_every_endpoint_answers_each_role_as_the_access_policy_says(world):
    endpoints = page_endpoints() + api_endpoints()
    people = People(world)
    slowest: dict[str, float] = {}
    missing = []
    failures = []
    checks = 0
    for endpoint in endpoints:
        access = access_of(endpoint)
        if access is None:
            missing.append(endpoint)
            continue
        for role in policy.ROLES:
            started = time.perf_counter()
            try:
                path, response = call(endpoint, access, role, people)
            except LookupError as exc:
                failures.append(f"  {exc}")
                break
            checks += 1
            slowest[endpoint.key] = slowest.get(endpoint.key, 0) + time.perf_counter() - started
            if endpoint.is_api and (unclear := problem_of(response.status_code, response.content)):
                failures.append(f"  {endpoint.key} as {role}: {unclear}")
            got = outcome(response, is_api=endpoint.is_api)
            want = access.expected(role)
            if got != want:
                where = response.get("Location", "") if got == policy.OK else ""
                failures.append(
                    f"  {endpoint.key} {access.method} {path} as {role}: got {got} "
                    f"({response.status_code}{' ' + where if where else ''}), "
                    f"policy says {want}"
                )
    if os.environ.get("ENTREPOT_MATRIX_TIMES"):
        for key, seconds in sorted(slowest.items(), key=lambda kv: -kv[1])[:25]:
            print(f"{seconds:6.2f} s  {key}")
    count("endpoints in the authorization matrix", len(endpoints) - len(missing))
    count("endpoint x role checks", checks)
    problems = []
    if missing:
        problems.append(without_policy(missing))
    if failures:
        problems.append(
            f"{len(failures)} answer(s) differ from entrepot/config/access_policy.py:\n"
            + "\n".join(failures)
        )
    assert not problems, "\n\n".join(problems)


def test_a_new_url_without_a_policy_entry_is_named_with_how_to_add_one(settings):
    settings.ROOT_URLCONF = "tests.security.urls_for_tests"
    message = without_policy(page_endpoints())
    assert message.startswith("1 endpoint(s) without an access policy entry")
    assert "security_test:new_page   (/security-test/new-page/<int:pk>/)" in message
    assert "entrepot/config/access_policy.py" in message and "PARAMS" in message


def test_the_access_policy_names_only_endpoints_that_exist():
    pages = {e.key for e in page_endpoints()}
    operations = {e.key for e in api_endpoints()}
    stale = sorted(set(policy.PAGES) - pages) + sorted(set(policy.API) - operations)
    assert not stale, f"entries for endpoints that no longer exist, remove them: {stale}"


# --- CSRF ----------------------------------------------------------------------------

# A sample of POST endpoints, one per area: without the CSRF token a signed-in user's
# POST is refused (403) before the view runs.
CSRF_SAMPLE = [
    ("buyers:address_delete", "buyer_a"),
    ("delivery:confirm_receipt", "buyer_a"),
    ("storefront:checkout", "buyer_a"),
    ("sellercentral:listing_publish", "seller_a"),
    ("sellerapi:tokens", "seller_a"),
    ("customs:run", "operator"),
    ("backoffice:seller_decide", "operator"),
    ("logout", "buyer_a"),
]


def test_post_endpoints_refuse_a_request_without_the_csrf_token(world):
    endpoints = {e.key: e for e in page_endpoints()}
    refused = []
    for key, role in CSRF_SAMPLE:
        client = client_for(role, world, enforce_csrf_checks=True)
        path = fill(endpoints[key], world)
        with transaction.atomic():
            response = client.post(path, {})
            transaction.set_rollback(True)
        if response.status_code != 403:
            refused.append(f"{key} as {role}: {response.status_code}")
    # the API operations that take a session (not a token) check it too
    client = client_for("buyer_a", world, enforce_csrf_checks=True)
    body = {"order_line": world.line_to_review.pk, "stars": 4}
    response = client.post("/api/v1/reviews", body, content_type="application/json")
    if response.status_code != 403 or "X-CSRFToken" not in response.json()["detail"]:
        refused.append(f"POST /api/v1/reviews as buyer_a: {response.status_code}")
    count("POST endpoints checked for CSRF", len(CSRF_SAMPLE) + 1)
    assert not refused, f"POST accepted without a CSRF token: {refused}"


def test_the_csrf_check_lets_a_post_with_the_token_through(world):
    """The test above proves something only if the same POST with the token passes."""
    client = client_for("seller_a", world, enforce_csrf_checks=True)
    page = client.get("/seller/api-tokens/")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/seller/api-tokens/", {"name": "ERP", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"ep_" in response.content


def test_the_world_has_what_the_matrix_needs(world):
    """Owner checks are only as good as the objects: each belongs to A, not B."""
    assert world.order_a.buyer == world.buyer_a and world.order_a.seller == world.seller_a
    assert world.order_a.declaration is not None
    assert world.product_a.seller == world.seller_a
    assert world.address_a.buyer == world.buyer_a
    assert world.payment.token and world.order_a.checkout_id
    assert Decimal(world.payment.amount) == Decimal("10")
    assert world.consignment_a.seller == world.seller_a
    assert world.order_b.placed_at < datetime(2100, 1, 1, tzinfo=UTC)


def test_what_each_kind_of_access_means_for_each_role():
    """The rules the table is written in, spelled out: anonymous, buyer A, buyer B,
    seller A, seller B, operator."""

    def row(access: policy.Access) -> list[str]:
        return [access.expected(role) for role in policy.ROLES]

    L, F, N, Y, U = policy.LOGIN, policy.FORBIDDEN, policy.NOT_FOUND, policy.OK, "401"
    assert row(policy.Access(policy.PUBLIC)) == [Y, Y, Y, Y, Y, Y]
    assert row(policy.Access(policy.BUYER)) == [L, Y, Y, F, F, F]
    assert row(policy.Access(policy.BUYER, owner=True)) == [L, Y, N, F, F, F]
    assert row(policy.Access(policy.SELLER, owner=True)) == [L, F, F, Y, N, F]
    assert row(policy.Access(policy.OPERATOR)) == [L, L, L, L, L, Y]
    assert row(policy.Access(policy.SELLER_TOKEN, owner=True)) == [U, U, U, Y, N, U]
    assert row(policy.Access(policy.BUYER_SESSION)) == [U, Y, Y, F, F, F]
    assert row(policy.Access(policy.BUYER, owner=True, also=frozenset({"seller_a"}))) == [
        L, Y, N, Y, F, F,
    ]  # fmt: skip
