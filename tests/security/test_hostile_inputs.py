"""Hostile inputs against every API and form that takes text from outside: SQL and script
injection in text fields, oversized values, wrong types, negative and huge quantities,
invalid currencies and country codes, malformed ids, broken CSV/XLSX files.

Each entry of the table says what must happen: REFUSED (a 4xx, or the form shown again,
with a message saying what was wrong, and not one row written) or SAFE (accepted as
plain text or clamped: exactly the rows it should write, and anything shown escaped).
Every case runs in a savepoint, so one that breaks the database (PostgreSQL refuses NUL
characters, integers beyond 64 bits) is reported as that case's failure, not the next.
The number of hostile inputs tried is printed in the "security checks" summary.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from entrepot.audit.models import AuditRecord
from entrepot.buyers.models import Buyer, BuyerAddress, BuyerIdentity
from entrepot.buyers.services import identity_verify
from entrepot.catalog.bulk import ImportFileError
from entrepot.catalog.bulk.importing import catalog_import
from entrepot.catalog.models import Product, ProductVariant
from entrepot.catalogimport.models import ImportJob
from entrepot.logistics.models import Stock
from entrepot.logistics.services import stock_set, warehouse_own_ensure
from entrepot.orders.models import Checkout, Order
from entrepot.payments.models import Payment
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.sellerapi.services import token_create
from tests import factories
from tests.security.conftest import count

pytestmark = pytest.mark.django_db

REFUSED, SAFE = "refused", "safe"
TRACKED = {
    "user": get_user_model(), "buyer": Buyer, "address": BuyerAddress,
    "identity": BuyerIdentity, "product": Product, "variant": ProductVariant,
    "stock": Stock, "order": Order, "checkout": Checkout, "payment": Payment,
    "import_job": ImportJob, "audit": AuditRecord,
}  # fmt: skip
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MARKUP = (SCRIPT, IMG)
INJECTIONS = (
    "'; DROP TABLE catalog_product; --",
    '" OR "1"="1',
    "1 UNION SELECT username, password FROM auth_user --",
    SCRIPT,
    IMG,
    "{{ settings.SECRET_KEY }}{% debug %}",
    "../../../../etc/passwd",
    "%(password)s %s %n",
    "\u202egnp.exe",
)
NUL = "bad\x00byte"
HUGE_INT = 10**20  # beyond 64 bits
HUGE_ID = "99999999999999999999"


@dataclass
class Outcome:
    """What a service call answered, shaped like a response for the checks below."""

    status_code: int
    content: bytes
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/plain"})


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable
    outcome: str = REFUSED
    says: str = ""  # what the error message must mention (case-insensitive)
    writes: tuple[tuple[str, int], ...] = ()  # SAFE: the rows it adds, by TRACKED name
    check: Callable | None = None  # a further check of the answer: a problem, or ""


# --- the world the cases act on -------------------------------------------------------


@dataclass
class World:
    client: object
    seller: object
    token: str
    other_seller: object
    category: object
    variant: object
    listing: object
    buyer: object
    other_address: object
    unverified: object


@pytest.fixture
def world(client, settings):
    settings.ENTREPOT_SEARCH_RATE_LIMIT = 100_000
    factories.rates()
    positive_list_load_sample()
    category = factories.category(slug="vitamins")
    seller = factories.seller(verification_status="approved", slug="hostile-shop")
    warehouse_own_ensure(seller=seller)
    listing = factories.product(seller=seller, category=category, variants=1)
    variant = listing.variants.get()
    stock_set(variant=variant, warehouse=warehouse_own_ensure(seller=seller), quantity=10)
    _token, raw = token_create(seller=seller, name="ERP")
    other_seller = factories.seller(verification_status="approved")
    factories.product(seller=other_seller, category=category, variants=1)
    buyer = factories.buyer(user=factories.user(username="13800138000"), phone="13800138000")
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    other = factories.buyer()
    other_address = BuyerAddress.objects.create(
        buyer=other, recipient="李雷", phone="13900139000", province="浙江省",
        city="杭州市", district="西湖区", street="文三路1号", is_default=True,
    )  # fmt: skip
    BuyerAddress.objects.create(
        buyer=buyer, recipient="王芳", phone="13800138000", province="浙江省",
        city="杭州市", district="西湖区", street="文三路100号", is_default=True,
    )  # fmt: skip
    return World(client, seller, raw, other_seller, category, variant, listing, buyer,
                 other_address, factories.buyer())  # fmt: skip


def _counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in TRACKED.items()}


def _text(response) -> str:
    return response.content.decode("utf-8", "replace")


def _is_html(response) -> bool:
    return "html" in response.headers.get("Content-Type", "")


def _says_what_was_wrong(response) -> bool:
    """A JSON error with a detail, a form shown again with its errors, or a 4xx page with
    a text (Django's own 404 says the resource was not found)."""
    text = _text(response)
    if "json" in response.headers.get("Content-Type", ""):
        body = json.loads(text)
        return bool(isinstance(body, dict) and str(body.get("detail", "")).strip())
    if response.status_code == 200 and _is_html(response):
        return any(mark in text for mark in ('class="errorlist', "msg-error", 'role="alert"'))
    return bool(text.strip())


def _problems(case: Case, response, before: dict, after: dict) -> list[str]:
    problems = []
    delta = {name: after[name] - before[name] for name in before if after[name] != before[name]}
    status = response.status_code
    if case.outcome == REFUSED:
        form_again = status == 200 and _is_html(response)
        if not (400 <= status < 500 or form_again):
            problems.append(f"answered {status}, not a 4xx")
        elif not _says_what_was_wrong(response):
            problems.append(f"answered {status} without saying what was wrong")
        if case.says and case.says.lower() not in _text(response).lower():
            problems.append(f"the message does not mention {case.says!r}: {_text(response)[:160]}")
        if delta:
            problems.append(f"wrote rows although refused: {delta}")
    else:
        if status >= 400:
            problems.append(f"answered {status}: {_text(response)[:200]}")
        if delta != dict(case.writes):
            problems.append(f"wrote {delta}, expected {dict(case.writes)}")
    if _is_html(response) and any(raw in _text(response) for raw in MARKUP):
        problems.append("showed markup unescaped")
    if case.check is not None and (problem := case.check(response)):
        problems.append(problem)
    return problems


def _run(world: World, cases: list[Case], surface: str) -> None:
    failures = []
    for case in cases:
        world.client.logout()
        world.client.cookies.clear()
        before = _counts()
        try:
            with transaction.atomic():
                response = case.send(world)
        except Exception as exc:  # a 500: the case failed, the next one still runs
            failures.append(f"{case.name}: raised {type(exc).__name__}: {str(exc)[:200]}")
            continue
        for problem in _problems(case, response, before, _counts()):
            failures.append(f"{case.name}: {problem}")
    count("hostile inputs tried", len(cases))
    count(f"hostile inputs tried: {surface}", len(cases))
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


# --- landed cost API --------------------------------------------------------------------

LIPSTICK = {
    "destination": "CN", "currency": "CNY", "as_of": "2026-11-27",
    "shipping": {"amount": "0", "currency": "CNY"},
    "items": [{
        "sku": "LIP-1", "description": "Lipstick", "hs_code": "33041000", "origin": "FR",
        "unit_price": {"amount": "100.00", "currency": "CNY"}, "quantity": 1,
        "unit_weight_kg": "0.05", "net_content": {"value": "3.5", "unit": "g"},
    }],
}  # fmt: skip


def _quote(change: Callable[[dict], object] | None = None, *, raw: bytes | None = None):
    def send(world: World):
        body = copy.deepcopy(LIPSTICK)
        if change is not None:
            body = change(body) or body
        data = raw if raw is not None else json.dumps(body)
        return world.client.post("/api/v1/landed-cost", data, content_type="application/json")

    return send


def _item(name: str, value):
    def change(body: dict) -> None:
        body["items"][0][name] = value

    return change


def _top(name: str, value):
    def change(body: dict) -> None:
        body[name] = value

    return change


def _price(amount=None, currency=None):
    def change(body: dict) -> None:
        if amount is not None:
            body["items"][0]["unit_price"]["amount"] = amount
        if currency is not None:
            body["items"][0]["unit_price"]["currency"] = currency

    return change


LANDED_COST = [
    *(Case(f"sku {s!r}", _quote(_item("sku", s)), SAFE) for s in INJECTIONS),
    *(Case(f"description {s!r}", _quote(_item("description", s)), SAFE) for s in INJECTIONS),
    Case("sku with a NUL character", _quote(_item("sku", NUL)), SAFE),
    Case("description of 301 characters", _quote(_item("description", "x" * 301)), says="300"),
    Case("sku of 65 characters", _quote(_item("sku", "x" * 65)), says="64"),
    *(
        Case(f"quantity {q!r}", _quote(_item("quantity", q)), says="quantity")
        for q in (-1, 0, 100_001, HUGE_INT, "1", 1.5, None, True, [1])
    ),
    *(
        Case(f"price {a!r}", _quote(_price(amount=a)), says="amount")
        for a in ("-1", "1e9", "NaN", "Infinity", 19.99, "1.12345", "9" * 13, "", "1,5")
    ),
    *(
        Case(f"currency {c!r}", _quote(_top("currency", c)), says="currency")
        for c in ("ZZZ", "usd", "", "US$", "€", SCRIPT, 840, None)
    ),
    # a code ISO 4217 reserves for "no currency": known, but no rate exists for it
    Case("currency 'XXX'", _quote(_top("currency", "XXX")), says="no exchange rate for XXX"),
    Case("item price currency unknown", _quote(_price(currency="QQQ")), says="currency"),
    *(
        Case(f"destination {d!r}", _quote(_top("destination", d)), says="destination")
        for d in ("cn", "CHN", "", "C1", "'; DROP TABLE x; --", 86)
    ),
    Case("destination without a rule pack", _quote(_top("destination", "ZZ")), says="ZZ"),
    *(
        Case(f"origin {o!r}", _quote(_item("origin", o)), says="origin")
        for o in ("fr", "FRA", "", "1A")
    ),
    *(
        Case(f"HS code {h!r}", _quote(_item("hs_code", h)), says="HS code")
        for h in ("abc", "'; DROP TABLE x; --", "1" * 11, "12345", "")
    ),
    Case("as_of not a date", _quote(_top("as_of", "2026-13-45")), says="as_of"),
    Case("as_of a word", _quote(_top("as_of", "yesterday")), says="as_of"),
    Case("no items", _quote(_top("items", [])), says="items"),
    Case("101 items", _quote(lambda b: b.update(items=b["items"] * 101)), says="items"),
    Case("items an object", _quote(_top("items", {"sku": "x"})), says="items"),
    Case("an unknown field", _quote(_top("is_admin", True)), says="is_admin"),
    Case(
        "fx rate zero",
        _quote(_top("fx_rates", [{"from": "EUR", "to": "CNY", "rate": "0"}])),
        says="rate",
    ),  # fmt: skip
    Case(
        "fx rate negative",
        _quote(_top("fx_rates", [{"from": "EUR", "to": "CNY", "rate": "-7"}])),
        says="rate",
    ),  # fmt: skip
    Case("body a list", _quote(lambda b: [b])),
    Case("body not JSON", _quote(raw=b"{'destination': 'CN',")),
    Case("body of 3 MB", _quote(raw=b'{"destination": "' + b"C" * 3_000_000 + b'"}')),
]


# --- search API -------------------------------------------------------------------------

_ip = iter(range(1, 10**6))


def _search(**params):
    def send(world: World):
        # one address per request: the per-address rate limit is not what is tested here
        n = next(_ip)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        return world.client.get("/api/v1/search", params, REMOTE_ADDR=address)

    return send


SEARCH = [
    *(Case(f"q {s!r}", _search(q=s), SAFE) for s in INJECTIONS),
    Case("q with a NUL character", _search(q=NUL), SAFE),
    Case("q blank", _search(q="   "), says="q"),
    Case("q missing", _search(), says="q"),
    Case("q of 10,000 characters", _search(q="维" * 10_000), says="q"),
    *(
        Case(f"limit {n!r}", _search(q="vitamin", limit=n), says="limit")
        for n in ("-1", "0", "51", str(HUGE_INT), "abc", "1.5")
    ),  # fmt: skip
    *(
        Case(f"offset {n!r}", _search(q="vitamin", offset=n), says="offset")
        for n in ("-1", "1001", str(HUGE_INT), "' OR 1=1")
    ),  # fmt: skip
    *(
        Case(f"origin {o!r}", _search(q="vitamin", origin=o), says="origin")
        for o in ("us", "USA", "'; DROP TABLE x; --", SCRIPT)
    ),  # fmt: skip
    Case("sort injected", _search(q="vitamin", sort="price; DROP TABLE x"), says="sort"),
    Case("lang unknown", _search(q="vitamin", lang="xx"), says="lang"),
    Case("price band unknown", _search(q="vitamin", price="0-1e9"), says="price"),
    *(Case(f"category {s!r}", _search(q="vitamin", category=s), SAFE) for s in INJECTIONS[:4]),
    *(Case(f"seller {s!r}", _search(q="vitamin", seller=s), SAFE) for s in INJECTIONS[:4]),
]


# --- seller API -------------------------------------------------------------------------

SELLER_API = "/api/v1/seller"
_sku = iter(range(1, 10**6))


def _listing_body(world: World, **fields) -> dict:
    body = {
        "category": world.category.slug, "title_en": "Vitamin D3", "title_zh": "维生素D3",
        "description_en": "One a day.", "brand": "Buckeye", "hs_code": "21069090",
        "origin_country": "US", "weight_grams": 180,
        "variants": [{"sku": f"HOSTILE-{next(_sku)}", "name_en": "60 softgels",
                      "price": "19.99", "stock": 5}],
    }  # fmt: skip
    body.update(fields)
    return body


def _api(method: str, path: str, body=None, *, token: str | None = "world", raw=None):
    def send(world: World):
        headers = {}
        if token == "world":
            headers["Authorization"] = f"Bearer {world.token}"
        elif token is not None:
            headers["Authorization"] = token
        data = raw if raw is not None else ("" if body is None else json.dumps(body(world)))
        call = getattr(world.client, method)
        if method == "get":
            return call(SELLER_API + path(world), headers=headers)
        return call(SELLER_API + path(world), data, content_type="application/json",
                    headers=headers)  # fmt: skip

    return send


def _create(**fields):
    return _api("post", lambda w: "/listings", lambda w: _listing_body(w, **fields))


def _variant(**fields):
    def body(world: World) -> dict:
        listing = _listing_body(world)
        listing["variants"][0].update(fields)
        return listing

    return _api("post", lambda w: "/listings", body)


def _stock(quantity, sku=None):
    return _api(
        "put",
        lambda w: f"/listings/{w.listing.pk}/variants/{sku or w.variant.sku}/stock",
        lambda w: {"quantity": quantity},
    )


CREATED = (("product", 1), ("variant", 1), ("stock", 1), ("audit", 1))
SELLER_API_CASES = [
    *(Case(f"title_en {s!r}", _create(title_en=s), SAFE, writes=CREATED) for s in INJECTIONS),
    *(
        Case(f"description_zh {s!r}", _create(description_zh=s), SAFE, writes=CREATED)
        for s in INJECTIONS[:5]
    ),  # fmt: skip
    Case("title_en with a NUL character", _create(title_en=NUL), says="title_en"),
    Case("brand with a NUL character", _create(brand=NUL), says="brand"),
    Case("title_en blank", _create(title_en="   "), says="title_en"),
    Case("title_en of 201 characters", _create(title_en="x" * 201), says="title_en"),
    Case(
        "description_en of 20,001 characters",
        _create(description_en="x" * 20_001),
        says="description_en",
    ),  # fmt: skip
    Case("category injected", _create(category="'; DROP TABLE x; --"), says="category"),
    Case("category unknown", _create(category="no-such-category"), says="category"),
    *(
        Case(f"origin_country {c!r}", _create(origin_country=c), says="origin")
        for c in ("usa", "us", "U1", SCRIPT)
    ),  # fmt: skip
    Case("origin_country not a country", _create(origin_country="ZZ"), says="ZZ"),
    *(
        Case(f"hs_code {h!r}", _create(hs_code=h), says="HS code")
        for h in ("abc", "'; DROP", "1" * 11, "２１０６９０９０")
    ),  # fmt: skip
    *(
        Case(f"weight_grams {w!r}", _create(weight_grams=w), says="weight_grams")
        for w in (0, -5, "180", 1.5, HUGE_INT, None)
    ),  # fmt: skip
    *(Case(f"sku {s!r}", _variant(sku=s), says="sku") for s in INJECTIONS[:5]),
    Case("sku of 65 characters", _variant(sku="A" * 65), says="sku"),
    Case(
        "sku taken by another seller",
        _api(
            "post",
            lambda w: "/listings",
            lambda w: _listing_body(
                w,
                variants=[
                    {
                        "sku": w.other_seller.products.get().variants.get().sku,
                        "name_en": "x",
                        "price": "1.00",
                    }
                ],
            ),
        ),
        says="sku",
    ),  # fmt: skip
    *(
        Case(f"price {p!r}", _variant(price=p), says="price")
        for p in ("-1", "0", "1e5", 19.99, "NaN", "Infinity", "1.00001", "9" * 13, "")
    ),  # fmt: skip
    *(
        Case(f"stock {s!r}", _variant(stock=s), says="stock")
        for s in (-1, HUGE_INT, "5", 2.5, 10_000_001)
    ),  # fmt: skip
    Case(
        "net content unit unknown", _create(net_content={"value": "50", "unit": "kg"}), says="unit"
    ),  # fmt: skip
    Case(
        "net content negative",
        _create(net_content={"value": "-50", "unit": "ml"}),
        says="net content",
    ),  # fmt: skip
    Case("no variants", _create(variants=[]), says="variants"),
    Case("an unknown field", _create(seller_id=1), says="seller_id"),
    Case("body a list", _api("post", lambda w: "/listings", lambda w: [_listing_body(w)])),
    Case("body not JSON", _api("post", lambda w: "/listings", raw=b"{title_en: 1")),
    Case("no token", _api("post", lambda w: "/listings", lambda w: _listing_body(w), token=None)),
    Case(
        "token injected",
        _api("post", lambda w: "/listings", lambda w: _listing_body(w), token="Bearer ' OR 1=1 --"),
    ),  # fmt: skip
    Case(
        "token of 10,000 characters",
        _api("get", lambda w: "/listings", token="Bearer " + "A" * 10_000),
    ),  # fmt: skip
    Case("listing id not a number", _api("get", lambda w: "/listings/abc")),
    Case("listing id negative", _api("get", lambda w: "/listings/-1")),
    Case("listing id beyond 64 bits", _api("get", lambda w: f"/listings/{HUGE_ID}")),
    Case(
        "another seller's listing",
        _api("get", lambda w: f"/listings/{w.other_seller.products.get().pk}"),
    ),  # fmt: skip
    Case(
        "listing filter injected",
        _api("get", lambda w: "/listings?status=' OR 1=1 --"),
        says="status",
    ),  # fmt: skip
    Case("listing cursor negative", _api("get", lambda w: "/listings?before=-1"), says="before"),
    Case("listing cursor huge", _api("get", lambda w: f"/listings?before={HUGE_ID}"), SAFE),
    *(
        Case(f"stock quantity {q!r}", _stock(q), says="quantity")
        for q in (-1, HUGE_INT, "5", None, 10_000_001)
    ),  # fmt: skip
    Case("stock of an unknown SKU", _stock(5, sku="' OR 1=1 --"), says="SKU"),
    Case(
        "stock warehouse injected",
        _api(
            "put",
            lambda w: f"/listings/{w.listing.pk}/variants/{w.variant.sku}/stock",
            lambda w: {"quantity": 1, "warehouse_id": "1 OR 1=1"},
        ),
        says="warehouse_id",
    ),  # fmt: skip
    Case(
        "orders cursor not a number", _api("get", lambda w: "/orders?before=abc"), says="before"
    ),  # fmt: skip
    Case("orders limit huge", _api("get", lambda w: f"/orders?limit={HUGE_ID}"), says="limit"),
]


# --- cart and checkout ------------------------------------------------------------------

ADDRESS = {
    "consignee_name": "王芳", "consignee_phone": "13800138000",
    "consignee_address": "浙江省杭州市西湖区文三路100号",
}  # fmt: skip


def _cart_add(variant=None, quantity=None):
    def send(world: World):
        data = {"variant": str(world.variant.pk) if variant is None else variant}
        if quantity is not None:
            data["quantity"] = quantity
        return world.client.post(reverse("storefront:cart_add"), data)

    return send


def _cart_update(**fields):
    def send(world: World):
        world.client.post(reverse("storefront:cart_add"), {"variant": world.variant.pk})
        return world.client.post(reverse("storefront:cart_update"), fields)

    return send


def _checkout(**fields):
    def send(world: World):
        world.client.force_login(world.buyer.user)
        world.client.post(reverse("storefront:cart_add"), {"variant": world.variant.pk})
        return world.client.post(reverse("storefront:checkout"), {**ADDRESS, **fields},
                                 follow=True)  # fmt: skip

    return send


CART = [
    *(
        Case(f"variant {v!r}", _cart_add(variant=v))
        for v in ("abc", "-1", HUGE_ID, "1 OR 1=1", "", "1e3", SCRIPT)
    ),  # fmt: skip
    Case("variant unpublished or missing", _cart_add(variant="999999")),
    # quantities are clamped to 1..99 in the cookie: nothing is written, nothing refused
    *(Case(f"quantity {q!r}", _cart_add(quantity=q), SAFE) for q in ("-5", "0", HUGE_ID)),
    Case("quantity not a number", _cart_add(quantity="abc")),
    *(
        Case(f"cart update {k}={v!r}", _cart_update(**{k: v}), SAFE)
        for k, v in (
            ("qty-1", "-5"),
            (f"qty-{HUGE_ID}", "3"),
            ("qty-' OR 1=1", "1"),
            ("qty-1", HUGE_ID),
            ("qty-1", SCRIPT),
        )
    ),  # fmt: skip
    Case(
        "checkout name of 61 characters", _checkout(consignee_name="王" * 61), says="consignee"
    ),  # fmt: skip
    Case("checkout phone injected", _checkout(consignee_phone="'; DROP TABLE x; --")),  # fmt: skip
    Case("checkout phone too short", _checkout(consignee_phone="1380013800")),
    Case(
        "checkout address of 301 characters",
        _checkout(consignee_address="浙江省杭州市西湖区" + "路" * 300),
    ),  # fmt: skip
    Case(
        "checkout address not in China's divisions",
        _checkout(consignee_address="<script>alert(1)</script>"),
    ),  # fmt: skip
    Case(
        "checkout saved address of another buyer",
        lambda w: _checkout(saved_address=str(w.other_address.pk), consignee_address="")(w),
    ),  # fmt: skip
    Case("checkout name with a NUL character", _checkout(consignee_name=NUL)),
]


# --- buyer forms: sign-up, address book, real-name verification -------------------------


def _sign_up(**fields):
    def send(world: World):
        data = {"login": f"1390000{next(_sku):04d}", "display_name": "小王",
                "password1": "correct-horse-9", "password2": "correct-horse-9",
                **fields}  # fmt: skip
        return world.client.post(reverse("signup"), data)

    return send


def _address(**fields):
    def send(world: World):
        world.client.force_login(world.buyer.user)
        data = {"recipient": "王芳", "phone": "13800138000", "province": "浙江省",
                "city": "杭州市", "district": "西湖区", "street": "文三路100号",
                **fields}  # fmt: skip
        return world.client.post(reverse("buyers:address_add"), data)

    return send


def _as_buyer(path: Callable[[World], str], method: str = "get"):
    def send(world: World):
        world.client.force_login(world.buyer.user)
        return getattr(world.client, method)(path(world))

    return send


def _identity(**fields):
    def send(world: World):
        world.client.force_login(world.unverified.user)
        data = {"name": "王芳", "id_number": "11010519491231002X", "consent": "on", **fields}
        return world.client.post(reverse("buyers:identity"), data)

    return send


SIGNED_UP = (("user", 1), ("buyer", 1))
BUYER_FORMS = [
    *(Case(f"sign-up login {s!r}", _sign_up(login=s)) for s in INJECTIONS),
    Case("sign-up login with a NUL character", _sign_up(login=NUL)),
    Case("sign-up login of 255 characters", _sign_up(login="a" * 243 + "@example.com")),
    Case("sign-up phone of 10 digits", _sign_up(login="1390000000")),
    *(
        Case(f"sign-up display name {s!r}", _sign_up(display_name=s), SAFE, writes=SIGNED_UP)
        for s in (SCRIPT, IMG, "'; DROP TABLE auth_user; --")
    ),  # fmt: skip
    Case("sign-up display name of 51 characters", _sign_up(display_name="x" * 51)),
    Case("sign-up display name with a NUL character", _sign_up(display_name=NUL)),
    Case("sign-up passwords differ", _sign_up(password2="other-horse-9")),
    # a recipient is free text (a name as the buyer writes it): kept as text, shown escaped
    *(
        Case(f"address recipient {s!r}", _address(recipient=s), SAFE, writes=(("address", 1),))
        for s in INJECTIONS[:5]
    ),
    Case("address recipient of 61 characters", _address(recipient="王" * 61)),
    *(
        Case(f"address phone {p!r}", _address(phone=p))
        for p in ("abc", "'; DROP", "1" * 30, "138-0013-800")
    ),  # fmt: skip
    # punctuation in a mobile number is dropped: stored as 13800138000
    Case(
        "address phone '-13800138000'",
        _address(phone="-13800138000"),
        SAFE,
        writes=(("address", 1),),
    ),  # fmt: skip
    *(Case(f"address province {p!r}", _address(province=p)) for p in INJECTIONS[:5]),
    Case("address street of 201 characters", _address(street="路" * 201)),
    Case("address street with a NUL character", _address(street=NUL)),
    Case("address postcode letters", _address(postcode="31000a")),
    Case(
        "address street with markup", _address(street=SCRIPT), SAFE, writes=(("address", 1),)
    ),  # fmt: skip
    Case(
        "address of another buyer, edited",
        _as_buyer(lambda w: reverse("buyers:address_edit", args=[w.other_address.pk])),
    ),  # fmt: skip
    Case(
        "address of another buyer, deleted",
        _as_buyer(lambda w: reverse("buyers:address_delete", args=[w.other_address.pk]), "post"),
    ),  # fmt: skip
    Case(
        "address id beyond 64 bits", _as_buyer(lambda w: f"/account/addresses/{HUGE_ID}/edit/")
    ),  # fmt: skip
    *(
        Case(f"ID number {n!r}", _identity(id_number=n))
        for n in (
            "' OR 1=1 --",
            "11010519491231002Y",
            "1" * 41,
            SCRIPT,
            "",
            NUL,
            "360426199101010072",
        )
    ),  # fmt: skip
    Case("real name injected", _identity(name="'; DROP TABLE x; --")),
    Case("real name markup", _identity(name=SCRIPT)),
    Case("identity without consent", _identity(consent="")),
]


# --- seller central listing form ---------------------------------------------------------


def _listing_form(variant_fields: dict | None = None, **fields):
    def send(world: World):
        world.client.force_login(world.seller.user)
        data = {
            "category": str(world.category.pk), "title_en": "Vitamin D3", "title_zh": "维生素",
            "description_en": "", "description_zh": "", "brand": "Buckeye",
            "hs_code": "21069090", "origin_country": "US", "weight_grams": "180",
            "net_content_value": "", "net_content_unit": "",
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
            "form-0-sku": f"FORM-{next(_sku)}", "form-0-name_en": "60 softgels",
            "form-0-name_zh": "", "form-0-price": "19.99", "form-0-stock": "5",
            **fields,
        }  # fmt: skip
        for name, value in (variant_fields or {}).items():
            data[f"form-0-{name}"] = value
        return world.client.post(reverse("sellercentral:listing_new"), data)

    return send


def _at_most_forms(response, most: int) -> str:
    shown = len(re.findall(r'name="form-\d+-sku"', _text(response)))
    return f"built and showed {shown} variant forms, more than {most}" if shown > most else ""


def _taken_sku(world: World):
    taken = world.other_seller.products.get().variants.get().sku
    return _listing_form({"sku": taken})(world)


FORM_CREATED = (("product", 1), ("variant", 1), ("stock", 1), ("audit", 1))
SELLER_FORMS = [
    *(
        Case(f"title_en {s!r}", _listing_form(title_en=s), SAFE, writes=FORM_CREATED)
        for s in INJECTIONS[:6]
    ),  # fmt: skip
    Case("title_en with a NUL character", _listing_form(title_en=NUL)),
    Case("title_en of 201 characters", _listing_form(title_en="x" * 201)),
    *(
        Case(f"category {c!r}", _listing_form(category=c))
        for c in ("999999", "' OR 1=1 --", HUGE_ID, "-1")
    ),  # fmt: skip
    *(Case(f"origin {c!r}", _listing_form(origin_country=c)) for c in ("ZZ", "usa", SCRIPT)),
    *(
        Case(f"weight {w!r}", _listing_form(weight_grams=w))
        for w in ("-5", "0", HUGE_ID, "1e3", "abc")
    ),  # fmt: skip
    *(Case(f"HS code {h!r}", _listing_form(hs_code=h)) for h in ("abc", "'; DROP", "1" * 11)),
    *(
        Case(f"price {p!r}", _listing_form({"price": p}))
        for p in ("-1", "0", "NaN", "Infinity", "1e20", "abc", "19.999")
    ),  # fmt: skip
    *(Case(f"stock {s!r}", _listing_form({"stock": s})) for s in ("-1", HUGE_ID, "abc")),
    Case("sku of 65 characters", _listing_form({"sku": "A" * 65})),
    *(Case(f"sku {s!r}", _listing_form({"sku": s})) for s in (*INJECTIONS[:5], "D3/60")),
    Case("sku taken by another seller", _taken_sku, says="SKU"),
    # a claimed count of millions must not make the server build and show 1,000+ forms
    Case(
        "variant forms claimed: 99,999,999",
        _listing_form(**{"form-TOTAL_FORMS": "99999999"}),
        check=lambda r: _at_most_forms(r, 30),
    ),
    Case("variant forms claimed: not a number", _listing_form(**{"form-TOTAL_FORMS": "abc"})),
    Case(
        "another seller's listing, edited",
        lambda w: (
            w.client.force_login(w.seller.user),
            w.client.get(
                reverse("sellercentral:listing_edit", args=[w.other_seller.products.get().pk])
            ),
        )[1],
    ),  # fmt: skip
]


# --- catalog import: the upload form and the importer ----------------------------------

HEADER = ("product_ref,sku,category,title_en,title_zh,hs_code,origin_country,weight_grams,"
          "variant_name_en,price,stock\n")  # fmt: skip


def _row(**values) -> str:
    row = {"product_ref": "P1", "sku": f"CSV-{next(_sku)}", "category": "vitamins",
           "title_en": "Vitamin D3", "title_zh": "维生素", "hs_code": "21069090",
           "origin_country": "US", "weight_grams": "180", "variant_name_en": "60",
           "price": "19.99", "stock": "5", **values}  # fmt: skip
    out = io.StringIO()
    import csv

    csv.writer(out).writerow(row.values())
    return out.getvalue()


def _import(data: bytes | str, filename: str = "listings.csv"):
    def send(world: World):
        raw = data.encode() if isinstance(data, str) else data
        try:
            report = catalog_import(seller=world.seller, data=raw, filename=filename)
        except ImportFileError as exc:
            return Outcome(400, str(exc).encode())
        if report.rejected_rows:
            return Outcome(422, report.rejected_csv().encode())
        return Outcome(200, b"")

    return send


def _upload(data: bytes, filename: str):
    def send(world: World):
        world.client.force_login(world.seller.user)
        upload = SimpleUploadedFile(filename, data)
        return world.client.post(reverse("catalogimport:upload"), {"file": upload})

    return send


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


COLUMNS = HEADER.strip().split(",")
IMPORTED = (("product", 1), ("variant", 1), ("stock", 1), ("audit", 1))
CATALOG_IMPORT = [
    Case("upload an .exe", _upload(b"MZ\x90\x00", "listings.exe"), says=".csv"),
    Case("upload an empty file", _upload(b"", "listings.csv")),
    Case("upload a name with a path", _upload(b"MZ", "../../etc/passwd"), says=".csv"),
    Case("upload a name with markup", _upload(b"x", f"{SCRIPT}.txt")),
    *(
        Case(f"title {s!r}", _import(HEADER + _row(title_en=s)), SAFE, writes=IMPORTED)
        for s in INJECTIONS[:5]
    ),  # fmt: skip
    Case(
        "title a spreadsheet formula",
        _import(HEADER + _row(title_en='=HYPERLINK("x")')),
        SAFE,
        writes=IMPORTED,
    ),  # fmt: skip
    Case("title with a NUL character", _import(HEADER + _row(title_en=NUL))),
    Case("title of 201 characters", _import(HEADER + _row(title_en="x" * 201)), says="title"),
    *(
        Case(f"weight {w!r}", _import(HEADER + _row(weight_grams=w)), says="weight")
        for w in ("-5", "0", HUGE_ID, "abc")
    ),  # fmt: skip
    *(
        Case(f"price {p!r}", _import(HEADER + _row(price=p)), says="price")
        for p in ("-1", "0", "NaN", "abc", "1e20")
    ),  # fmt: skip
    *(
        Case(f"stock {s!r}", _import(HEADER + _row(stock=s)), says="stock")
        for s in ("-1", HUGE_ID, "1e99")
    ),  # fmt: skip
    *(
        Case(f"country {c!r}", _import(HEADER + _row(origin_country=c)), says="country")
        for c in ("ZZ", "usa", "'; DROP")
    ),  # fmt: skip
    # the seller API's SKU rule: a SKU goes into its URLs, so "/" or quotes would make a
    # variant that the API cannot name
    *(Case(f"sku {s!r}", _import(HEADER + _row(sku=s)), says="sku") for s in INJECTIONS[:5]),
    Case("sku with a slash", _import(HEADER + _row(sku="D3/60")), says="sku"),
    Case("category injected", _import(HEADER + _row(category="' OR 1=1 --")), says="category"),
    Case("a cell of 200,000 characters", _import(HEADER + _row(description_en="x" * 200_000))),
    Case("an unterminated quote", _import(HEADER + 'P1,"SKU-1,vitamins\n' + "x" * 10)),
    Case("binary garbage named .csv", _import(bytes(range(256)) * 40)),
    Case("only a header", _import(HEADER), says="no listing rows"),
    Case("a required column missing", _import("sku,title_en\nA,B\n"), says="column"),
    Case("an unknown column injected", _import("sku,'; DROP TABLE x\nA,B\n"), says="column"),
    Case("a header of 5,000 columns", _import(",".join(f"c{i}" for i in range(5000)) + "\n1\n")),
    Case("UTF-16 text", _import((HEADER + _row()).encode("utf-16"))),
    Case("random bytes named .xlsx", _import(b"PK\x03\x04garbage", "listings.xlsx")),
    Case("a zip that is no workbook", _import(_zip({"a.txt": b"hello"}), "listings.xlsx")),
    Case(
        "a workbook with broken XML",
        _import(
            _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<workbook"}),
            "listings.xlsx",
        ),
    ),  # fmt: skip
    Case(
        "xlsx with a negative weight",
        _import(
            _xlsx(
                [
                    COLUMNS,
                    [
                        "P1",
                        "X-1",
                        "vitamins",
                        "Vitamin",
                        "维",
                        "21069090",
                        "US",
                        -5,
                        "60",
                        "19.99",
                        5,
                    ],
                ]
            ),
            "listings.xlsx",
        ),
        says="weight",
    ),  # fmt: skip
    Case(
        "xlsx with a formula title",
        _import(
            _xlsx(
                [
                    COLUMNS,
                    [
                        "P1",
                        "X-2",
                        "vitamins",
                        "=1+1",
                        "维",
                        "21069090",
                        "US",
                        180,
                        "60",
                        "19.99",
                        5,
                    ],
                ]
            ),
            "listings.xlsx",
        ),
        says="title_en",  # openpyxl reads a formula's cached value: none, so refused
    ),  # fmt: skip
]

SURFACES = {
    "landed-cost API": LANDED_COST,
    "search API": SEARCH,
    "seller API": SELLER_API_CASES,
    "cart and checkout": CART,
    "buyer forms": BUYER_FORMS,
    "seller listing form": SELLER_FORMS,
    "catalog import": CATALOG_IMPORT,
}


@pytest.mark.parametrize("surface", SURFACES)
def test_hostile_inputs_are_refused_clearly_or_kept_as_harmless_text(world, surface):
    _run(world, SURFACES[surface], surface)


def test_markup_in_a_listing_title_is_shown_escaped_everywhere(world, client):
    """The SAFE cases above store injection text as it is; the pages must show it as text."""
    world.listing.title_en = SCRIPT
    world.listing.title_zh = IMG
    world.listing.save()
    operator = factories.user(is_staff=True)
    pages = [
        (world.seller.user, reverse("sellercentral:product", args=[world.listing.pk])),
        (operator, reverse("backoffice:listing_moderate", args=[world.listing.pk])),
        (None, reverse("storefront:product", args=[world.listing.pk])),
        (None, reverse("search:results") + "?q=" + SCRIPT),
    ]
    for user, url in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        for raw in MARKUP:
            assert raw not in _text(response), url
    count("hostile inputs tried", len(pages))
