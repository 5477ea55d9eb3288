"""`POST /api/v1/checkout` and `GET /api/v1/checkout/{id}`: the buyer's checkout over the API,
through the same services as the pages, with the API's error shape."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from entrepot.buyers.services import AddressFields, address_add, identity_verify
from entrepot.domain.china_divisions import Division
from entrepot.ledger.selectors import ledger_check
from entrepot.logistics.models import Stock
from entrepot.orders.models import Checkout, Order
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.orders.test_checkout import _variant
from tests.payments import transport

pytestmark = pytest.mark.django_db
URL = "/api/v1/checkout"
ID_NUMBER = "11010519491231002X"


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


def _verified_buyer_in_china(*, addresses: int = 1):
    buyer = factories.buyer()
    identity_verify(buyer=buyer, name="王芳", id_number=ID_NUMBER, consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    for n in range(addresses):
        address_add(buyer=buyer, fields=AddressFields(
            recipient="王芳", phone="13800138000",
            division=Division("浙江省", "杭州市", "西湖区"), street=f"文三路{100 + n}号",
        ))  # fmt: skip
    return buyer


def _client(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def _lines(*variants, quantity=1):
    return {"lines": [{"variant": v.id, "quantity": quantity} for v in variants]}


def test_a_two_seller_checkout_places_two_orders_under_one_payment(market):
    buyer = _verified_buyer_in_china()
    response = _post(_client(buyer.user), _lines(*market))
    assert response.status_code == 201, response.content
    body = response.json()
    checkout = Checkout.objects.get()
    payment = Payment.objects.get()
    assert body["id"] == checkout.pk
    assert body["total"] == {"amount": f"{checkout.total_amount:.2f}", "currency": "CNY"}
    assert sum(Decimal(o["total"]["amount"]) for o in body["orders"]) == checkout.total_amount
    assert sorted(o["number"] for o in body["orders"]) == sorted(
        Order.objects.values_list("number", flat=True)
    )
    assert {o["status"] for o in body["orders"]} == {"placed"}
    assert body["payment"] == {"id": payment.pk, "status": "created", "pay_url": payment.payer_url}
    assert payment.payer_name == "王芳" and payment.amount == checkout.total_amount
    # the default address of the book is the consignee's
    assert checkout.consignee_address.endswith("文三路100号")
    # stock reserved: one unit of each
    assert sorted(Stock.objects.values_list("quantity", flat=True)) == [9, 9]


def test_paying_on_the_wallet_shows_paid_orders_and_the_ledger_balances(
    market, django_capture_on_commit_callbacks
):
    buyer = _verified_buyer_in_china()
    client = _client(buyer.user)
    created = _post(client, _lines(*market)).json()
    payment = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/payments/sandbox/{payment.token}/pay/")
    now = client.get(f"{URL}/{created['id']}").json()
    assert {o["status"] for o in now["orders"]} == {"paid"}
    assert now["payment"]["status"] == "succeeded"
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_a_saved_address_is_chosen_by_its_id(market):
    buyer = _verified_buyer_in_china(addresses=2)
    second = buyer.addresses.get(street="文三路101号")
    response = _post(_client(buyer.user), {**_lines(market[0]), "address_id": second.pk})
    assert response.status_code == 201
    assert Checkout.objects.get().consignee_address.endswith("文三路101号")


def test_another_buyers_address_is_refused_and_nothing_is_placed(market):
    buyer = _verified_buyer_in_china()
    other = _verified_buyer_in_china()
    theirs = other.addresses.get()
    response = _post(_client(buyer.user), {**_lines(market[0]), "address_id": theirs.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "ADDRESS_REQUIRED"
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_a_buyer_in_china_without_an_address_is_told_where_to_add_one(market):
    buyer = _verified_buyer_in_china(addresses=0)
    response = _post(_client(buyer.user), _lines(market[0]))
    assert response.status_code == 422
    assert "/account/addresses/" in response.json()["detail"]
    assert not Order.objects.exists()


def test_a_buyer_in_china_verifies_identity_first(market):
    buyer = factories.buyer()
    response = _post(_client(buyer.user), _lines(market[0]))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "IDENTITY_REQUIRED"
    assert "/account/identity/" in response.json()["detail"]
    assert not Order.objects.exists()


def test_a_buyer_abroad_gives_the_consignee(market):
    buyer = factories.buyer(country="DE", province="", city="Berlin")
    client = _client(buyer.user)
    refused = _post(client, _lines(market[0]))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consignee"
    consignee = {"name": "Anna Weber", "phone": "+49 30 1234567",
                 "address": "Torstraße 1, 10119 Berlin"}  # fmt: skip
    response = _post(client, {**_lines(market[0]), "consignee": consignee})
    assert response.status_code == 201, response.content
    checkout = Checkout.objects.get()
    assert checkout.consignee_name == "Anna Weber" and "Torstraße" in checkout.consignee_address
    assert Payment.objects.get().payer_name == buyer.display_name


def test_the_last_unit_refused_says_out_of_stock_and_keeps_everything(market):
    buyer = _verified_buyer_in_china()
    response = _post(_client(buyer.user), _lines(market[0], quantity=11))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "OUT_OF_STOCK" and "only 10 left" in error["message"]
    assert not Order.objects.exists() and not Checkout.objects.exists()
    assert not Payment.objects.exists()
    assert Stock.objects.get(variant=market[0]).quantity == 10


def test_over_the_per_order_limit_is_refused_with_the_rules_code(market):
    buyer = _verified_buyer_in_china()
    pricey = _variant(market[0].product.seller, price="900.00")
    response = _post(_client(buyer.user), _lines(pricey, quantity=9))
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert codes and codes != {"INVALID_INPUT"}, response.json()
    assert "5000" in response.json()["detail"] or "5,000" in response.json()["detail"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"variant": 1, "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": [{"variant": 1, "quantity": "2"}]}, "lines[0].quantity"),
        ({"lines": [{"variant": 1, "quantity": 1, "price": "0.01"}]}, "lines[0].price"),
    ],
)
def test_a_malformed_body_names_the_field(market, body, field):
    buyer = _verified_buyer_in_china()
    response = _post(_client(buyer.user), body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert not Order.objects.exists()


def test_a_withdrawn_variant_is_refused(market):
    buyer = _verified_buyer_in_china()
    response = _post(_client(buyer.user), {"lines": [{"variant": 10**9, "quantity": 1}]})
    assert response.status_code == 422
    assert "no longer for sale" in response.json()["detail"]


def test_anonymous_is_401_and_a_seller_is_403(market):
    assert _post(Client(), _lines(market[0])).status_code == 401
    seller = market[0].product.seller
    response = _post(_client(seller.user), _lines(market[0]))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "NOT_A_BUYER"


def test_the_session_needs_the_csrf_token(market):
    buyer = _verified_buyer_in_china()
    client = _client(buyer.user, csrf=True)
    refused = _post(client, _lines(market[0]))
    assert refused.status_code == 403 and "X-CSRFToken" in refused.json()["detail"]
    client.get("/account/")  # a page sets the csrftoken cookie
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert _post(client, _lines(market[0]), HTTP_X_CSRFTOKEN=token).status_code == 201


def test_another_buyers_checkout_is_404(market):
    buyer = _verified_buyer_in_china()
    created = _post(_client(buyer.user), _lines(market[0])).json()
    other = _verified_buyer_in_china()
    assert _client(other.user).get(f"{URL}/{created['id']}").status_code == 404
    assert _client(buyer.user).get(f"{URL}/{created['id']}").status_code == 200


def test_placing_a_two_seller_checkout_costs_what_a_one_seller_checkout_costs(market):
    """The API's placement is on the benchmark's hot path: its queries must not grow with
    the sellers in the cart (one insert per table; one conditional stock update per line,
    see entrepot.orders.checkout)."""
    buyer = _verified_buyer_in_china()
    client = _client(buyer.user)
    same_seller = _variant(market[0].product.seller)
    _post(client, _lines(market[0]))  # warm the per-process caches (rates, positive list)
    with CaptureQueriesContext(connection) as one_seller:
        assert _post(client, _lines(market[0], same_seller)).status_code == 201
    with CaptureQueriesContext(connection) as two_sellers:
        assert _post(client, _lines(*market)).status_code == 201
    assert Order.objects.count() == 1 + 1 + 2
    queries = [q["sql"][:90] for q in two_sellers.captured_queries]
    assert len(two_sellers) == len(one_seller) <= 22, queries


def test_refusals_are_in_chinese_first_like_the_buyers_pages(market):
    buyer = factories.buyer()
    client = _client(buyer.user)
    assert "实名" in _post(client, _lines(market[0])).json()["detail"]
    client.cookies["django_language"] = "en"
    assert "real name" in _post(client, _lines(market[0])).json()["detail"]
