"""POST /api/v1/landed-cost: the contract, and 4xx for malformed requests."""

import copy
import json

import pytest

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/landed-cost"

LIPSTICK = {
    "destination": "CN",
    "currency": "CNY",
    "as_of": "2026-11-27",
    "shipping": {"amount": "0", "currency": "CNY"},
    "insurance": {"amount": "0", "currency": "CNY"},
    "items": [
        {
            "sku": "LIP-1",
            "description": "Lipstick",
            "hs_code": "33041000",
            "origin": "FR",
            "unit_price": {"amount": "1000.00", "currency": "CNY"},
            "quantity": 1,
            "unit_weight_kg": "0.05",
            "net_content": {"value": "3.5", "unit": "g"},
        }
    ],
}


@pytest.fixture(autouse=True)
def rates_and_list():
    factories.rates()
    positive_list_load_sample()


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_quote_answers_the_contract(client):
    response = post(client, LIPSTICK)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "destination", "currency", "rule", "allowed", "calculable", "fx", "lines", "totals",
        "notes", "errors",
    }  # fmt: skip
    assert body["rule"] == "CN_CBEC" and body["allowed"] and body["calculable"]
    assert body["lines"][0] == {
        "sku": "LIP-1", "goods": "1000.00", "customs_value": "1000.00", "duty": "0.00",
        "vat": "107.06", "consumption_tax": "123.53", "total_tax": "230.59",
    }  # fmt: skip
    assert body["totals"]["taxes_and_duties"] == "230.59"
    assert body["totals"]["grand_total"] == "1230.59"
    assert body["totals"]["fees"] == "0.00"
    assert body["notes"][0] == {
        "code": "CN_CBEC_TAX_INCLUDED",
        "en": "Cross-border tax 23.06% included",
        "zh-Hans": "已含跨境综合税 23.06%",
    }
    assert body["errors"] == []


def test_prices_in_another_currency_report_the_rate_used(client):
    body = copy.deepcopy(LIPSTICK)
    body["items"][0]["unit_price"] = {"amount": "19.99", "currency": "USD"}
    body["items"][0]["hs_code"] = "2106.90.90"
    result = post(client, body).json()
    assert result["lines"][0]["goods"] == "132.99"
    assert result["fx"] == [
        {"from": "USD", "to": "CNY", "rate": "6.6528822055",
         "origin": "ECB reference rate of 2026-10-30"},
    ]  # fmt: skip


def test_locked_fx_rates_override_the_table(client):
    body = copy.deepcopy(LIPSTICK)
    body["items"][0]["unit_price"] = {"amount": "100", "currency": "USD"}
    body["items"][0]["hs_code"] = "21069090"
    body["fx_rates"] = [{"from": "USD", "to": "CNY", "rate": "7.2"}]
    result = post(client, body).json()
    assert result["lines"][0]["goods"] == "720.00"
    assert result["fx"][0]["origin"] == "override"


def test_order_over_the_limit_is_200_not_allowed_with_the_code(client):
    body = copy.deepcopy(LIPSTICK)
    body["items"][0]["quantity"] = 6
    result = post(client, body).json()
    assert result["allowed"] is False
    assert result["errors"][0]["code"] == "CN_CBEC_ORDER_LIMIT"


def test_annual_quota_refusal_shows_what_is_left(client):
    body = copy.deepcopy(LIPSTICK)
    body["buyer_year_to_date"] = {"amount": "25500.00", "currency": "CNY"}
    error = post(client, body).json()["errors"][0]
    assert error["code"] == "CN_CBEC_ANNUAL_LIMIT"
    assert "500.00 CNY left of 26,000.00 CNY for 2026" in error["message"]


def test_goods_off_the_positive_list_are_refused(client):
    body = copy.deepcopy(LIPSTICK)
    body["items"][0]["hs_code"] = "85171300"
    error = post(client, body).json()["errors"][0]
    assert error == {
        "code": "CN_CBEC_NOT_ON_POSITIVE_LIST",
        "message": error["message"],
        "field": "items[0].hs_code",
    }


def test_other_corridors_answer_too(client):
    body = copy.deepcopy(LIPSTICK)
    body.update(destination="DE", currency="EUR")
    body["items"][0]["unit_price"] = {"amount": "100", "currency": "EUR"}
    result = post(client, body).json()
    assert result["rule"] == "EU_IOSS" and result["totals"]["vat"] == "19.00"


def test_missing_tariff_rate_is_not_calculable_and_names_the_field(client):
    body = copy.deepcopy(LIPSTICK)
    body.update(destination="US", currency="USD")
    body["items"][0].update(hs_code="85171300", unit_price={"amount": "100", "currency": "USD"})
    result = post(client, body).json()
    assert result["calculable"] is False
    assert result["errors"][0]["code"] == "UNKNOWN_RATE"
    assert result["errors"][0]["field"] == "items[0].rates.duty"


def _mutate(path: str, value):
    body = copy.deepcopy(LIPSTICK)
    target = body
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("currency", "XXY", "currency", "ISO 4217"),
        ("items.0.unit_price.currency", "dollars", "items[0].unit_price.currency", "ISO 4217"),
        ("items.0.quantity", -1, "items[0].quantity", "greater than or equal to 1"),
        ("items.0.quantity", 0, "items[0].quantity", "greater than or equal to 1"),
        ("items.0.quantity", 1.5, "items[0].quantity", "integer"),
        ("items.0.quantity", "2", "items[0].quantity", "integer"),
        ("items.0.hs_code", "33", "items[0].hs_code", "6 to 10 digits"),
        ("items.0.hs_code", "3304ab00", "items[0].hs_code", "6 to 10 digits"),
        ("items.0.unit_price.amount", 19.99, "items[0].unit_price.amount", "decimal string"),
        ("items.0.unit_price.amount", "1e5", "items[0].unit_price.amount", "pattern"),
        ("items.0.unit_price.amount", "NaN", "items[0].unit_price.amount", "pattern"),
        ("items.0.unit_price.amount", "-5", "items[0].unit_price.amount", "pattern"),
        ("items.0.unit_weight_kg", "heavy", "items[0].unit_weight_kg", "pattern"),
        ("items.0.origin", "USA", "items[0].origin", "pattern"),
        ("items.0.net_content.unit", "litre", "items[0].net_content.unit", "ml"),
        ("items.0.rates", {"vat": "13"}, "items[0].rates.vat", "pattern"),
        ("mode", "9999", "mode", "9610"),
        ("as_of", "2026-13-01", "as_of", "date"),
        ("items", [], "items", "at least 1"),
        ("items.0.sku", KeyError, "items[0].sku", "required"),
        ("destination", "china", "destination", "pattern"),
        ("shipping", {"amount": "1"}, "shipping.currency", "required"),
        ("fx_rates", [{"from": "USD", "to": "CNY", "rate": "0"}], "fx_rates[0].rate", "greater"),
        ("surprise", True, "surprise", "not permitted"),
    ],
)
def test_malformed_requests_get_422_naming_the_field(client, path, value, field, words):
    response = post(client, _mutate(path, value))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["code"] == "INVALID_INPUT" for e in errors), errors
    assert words.lower() in json.dumps(errors).lower()


def test_unsupported_destination_is_422_listing_the_supported(client):
    response = post(client, _mutate("destination", "BR"))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "destination" and "supported: " in error["message"]


def test_missing_exchange_rate_is_422_unknown_rate(client):
    body = copy.deepcopy(LIPSTICK)
    body["items"][0]["unit_price"] = {"amount": "10", "currency": "THB"}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "UNKNOWN_RATE"


def test_not_json_is_a_4xx(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_openapi_documents_the_endpoint(client):
    spec = client.get("/api/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/landed-cost"]
