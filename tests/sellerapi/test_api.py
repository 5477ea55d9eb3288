"""The seller API: listings, stock, publishing, orders, warehouses, tokens, idempotency."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from entrepot.catalog.models import Product, ProductVariant
from entrepot.logistics.models import Stock, Warehouse
from entrepot.logistics.services import bonded_warehouses_ensure
from entrepot.sellerapi import api as seller_api
from entrepot.sellerapi import services
from entrepot.sellerapi.models import ApiToken, IdempotencyRecord
from entrepot.sellerapi.services import token_authenticate, token_create, token_revoke
from tests import factories
from tests.sellerapi.conftest import Api, listing_body, make_shop

pytestmark = pytest.mark.django_db


# --- listings -----------------------------------------------------------------------------


def test_create_listing_answers_201_with_variants_stock_and_what_china_requires(
    as_alice, alice, category
):
    body = listing_body(category, "ALICE-NEW-1", "ALICE-NEW-2", title_zh="", description_zh="")
    response = as_alice.post("/listings", body)
    assert response.status_code == 201, response.content
    listing = response.json()
    product = Product.objects.get(pk=listing["id"])
    assert product.seller == alice.seller and product.status == "draft"
    assert listing["status"] == "draft"
    assert listing["hs_code"] == "21069090"
    assert listing["currency"] == "USD" and listing["price"] == "19.99"
    assert [(v["sku"], v["price"], v["stock"]) for v in listing["variants"]] == [
        ("ALICE-NEW-1", "19.99", 10),
        ("ALICE-NEW-2", "39.98", 10),
    ]
    own = Warehouse.objects.get(seller=alice.seller)
    assert listing["variants"][0]["stocks"] == [
        {"warehouse_id": own.id, "warehouse": own.name, "mode": "9610", "quantity": 10}
    ]
    problems = {p["code"]: p for p in listing["problems"]}
    assert problems["MISSING_TITLE_ZH"]["blocking"] is True
    assert problems["MISSING_TITLE_ZH"]["field"] == "title_zh"
    assert "Chinese title" in problems["MISSING_TITLE_ZH"]["message"]
    assert problems["MISSING_DESCRIPTION_ZH"]["blocking"] is False


def test_get_listing_shows_stock_per_warehouse_and_no_blocking_problem_when_complete(
    as_alice, alice
):
    response = as_alice.get(f"/listings/{alice.listing.id}")
    assert response.status_code == 200
    listing = response.json()
    assert listing["title_en"] == "Alice's Vitamin D3"
    assert [v["stock"] for v in listing["variants"]] == [10, 4]
    assert [s["quantity"] for s in listing["variants"][1]["stocks"]] == [4]
    assert [p for p in listing["problems"] if p["blocking"]] == []


def test_cosmetics_need_net_content_and_it_is_named_as_the_body_names_it(as_alice, category):
    body = listing_body(category, "ALICE-CREAM", hs_code="33049900")
    listing = as_alice.post("/listings", body).json()
    assert {p["code"]: p["field"] for p in listing["problems"]}["MISSING_NET_CONTENT"] == (
        "net_content"
    )
    body["net_content"] = {"value": "50", "unit": "ml"}
    updated = as_alice.put(f"/listings/{listing['id']}", body).json()
    assert updated["net_content"] == {"value": "50", "unit": "ml"}
    assert "MISSING_NET_CONTENT" not in {p["code"] for p in updated["problems"]}


def test_full_update_replaces_content_and_empties_a_left_out_variant(as_alice, alice, category):
    body = listing_body(category, "Alice-D3-60", "ALICE-D3-240", title_en="Vitamin D3, new label")
    body["variants"][0]["stock"] = None
    response = as_alice.put(f"/listings/{alice.listing.id}", body)
    assert response.status_code == 200, response.content
    listing = response.json()
    assert listing["title_en"] == "Vitamin D3, new label"
    stock = {v["sku"]: v["stock"] for v in listing["variants"]}
    assert stock["Alice-D3-60"] == 10  # null stock leaves it as it is
    assert stock["ALICE-D3-240"] == 10
    # a variant left out keeps its row (past orders refer to it) but has no stock left
    assert ProductVariant.objects.get(sku="Alice-D3-120").stock == 0


def test_listings_page_newest_first_with_a_keyset_cursor(as_alice, alice, category):
    ids = [alice.listing.id]
    for n in range(4):
        ids.append(as_alice.post("/listings", listing_body(category, f"ALICE-P{n}")).json()["id"])
    first = as_alice.get("/listings?limit=2").json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert first["next_before"] == ids[-2]
    second = as_alice.get(f"/listings?limit=2&before={first['next_before']}").json()
    third = as_alice.get(f"/listings?limit=2&before={second['next_before']}").json()
    assert [i["id"] for i in second["items"] + third["items"]] == ids[::-1][2:]
    assert third["next_before"] is None
    assert first["items"][0]["variants"][0] == {
        "sku": "ALICE-P3",
        "name_en": "60 softgels",
        "price": "19.99",
        "stock": 10,
    }


def test_listings_filter_by_status(as_alice, alice, category):
    draft = as_alice.post("/listings", listing_body(category, "ALICE-DRAFT")).json()
    drafts = as_alice.get("/listings?status=draft").json()["items"]
    assert [item["id"] for item in drafts] == [draft["id"]]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "status=deleted", "before=x"])
def test_listings_reject_a_bad_query_with_422_naming_it(as_alice, query):
    response = as_alice.get(f"/listings?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["field"] == query.split("=")[0]


def test_money_given_as_a_number_is_refused_with_422(as_alice, category):
    body = listing_body(category, "ALICE-NUM")
    body["variants"][0]["price"] = 19.99
    response = as_alice.post("/listings", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "variants[0].price"
    assert "decimal string" in error["message"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"category": "caviar"}, "category", "caviar"),
        ({"hs_code": "12"}, "hs_code", "6 to 10 digits"),
        ({"origin_country": "usa"}, "origin_country", "ISO 3166"),
        ({"weight_grams": 0}, "weight_grams", "greater than or equal to 1"),
        ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
        ({"variants": []}, "variants", "at least 1"),
    ],
)
def test_invalid_listing_is_422_naming_the_field_and_what_is_allowed(
    as_alice, category, change, field, words
):
    response = as_alice.post("/listings", listing_body(category, "ALICE-BAD", **change))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert words in body["errors"][0]["message"]
    assert not Product.objects.filter(variants__sku="ALICE-BAD").exists()


def test_a_price_that_rounds_to_zero_in_the_sellers_currency_is_422(client, category):
    tokyo = make_shop(category, "Kyoto", country="JP", currency="JPY")
    body = listing_body(category, "KYOTO-TEA")
    body["variants"][0]["price"] = "0.2"
    response = Api(client, tokyo.token).post("/listings", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "variants[0].price" and "JPY" in error["message"]


def test_the_same_sku_twice_in_a_body_is_422(as_alice, category):
    response = as_alice.post("/listings", listing_body(category, "ALICE-TWIN", "ALICE-TWIN"))
    assert response.status_code == 422
    assert "appears twice" in response.json()["detail"]


def test_a_sku_of_another_seller_is_409_naming_the_sku(as_alice, bob, category):
    response = as_alice.post("/listings", listing_body(category, "ALICE-OK", bob.sku))
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error == {
        "code": "SKU_TAKEN",
        "field": "variants[1].sku",
        "message": error["message"],
    }
    assert bob.sku in error["message"] and "unique across the marketplace" in error["message"]
    assert not ProductVariant.objects.filter(sku="ALICE-OK").exists()
    assert ProductVariant.objects.get(sku=bob.sku).product == bob.listing


def test_a_sku_of_another_own_listing_is_409_naming_that_listing(as_alice, alice, category):
    response = as_alice.post("/listings", listing_body(category, alice.sku))
    assert response.status_code == 409
    assert f"#{alice.listing.id}" in response.json()["errors"][0]["message"]


# --- stock --------------------------------------------------------------------------------


def test_stock_update_in_the_own_warehouse_by_default_and_the_total_follows(as_alice, alice):
    response = as_alice.put(f"/listings/{alice.listing.id}/variants/{alice.sku}/stock", {
        "quantity": 25
    })  # fmt: skip
    own = Warehouse.objects.get(seller=alice.seller)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "sku": alice.sku,
        "warehouse_id": own.id,
        "quantity": 25,
        "total": 25,
    }
    assert ProductVariant.objects.get(sku=alice.sku).stock == 25


def test_stock_in_a_bonded_warehouse_adds_to_the_total(as_alice, alice):
    ningbo = bonded_warehouses_ensure()[0]
    path = f"/listings/{alice.listing.id}/variants/{alice.sku}/stock"
    response = as_alice.put(path, {"warehouse_id": ningbo.id, "quantity": 7})
    assert response.json() == {
        "sku": alice.sku,
        "warehouse_id": ningbo.id,
        "quantity": 7,
        "total": 17,
    }
    detail = as_alice.get(f"/listings/{alice.listing.id}").json()
    assert {s["mode"]: s["quantity"] for s in detail["variants"][0]["stocks"]} == {
        "9610": 10,
        "1210": 7,
    }


def test_stock_in_another_sellers_warehouse_is_404_and_changes_nothing(as_alice, alice, bob):
    bobs = Warehouse.objects.get(seller=bob.seller)
    path = f"/listings/{alice.listing.id}/variants/{alice.sku}/stock"
    response = as_alice.put(path, {"warehouse_id": bobs.id, "quantity": 99})
    assert response.status_code == 404
    assert f"no warehouse #{bobs.id}" in response.json()["detail"]
    assert not Stock.objects.filter(warehouse=bobs, variant__sku=alice.sku).exists()
    missing = as_alice.put(path, {"warehouse_id": 999999, "quantity": 99})
    assert missing.status_code == 404
    assert missing.json()["detail"] == response.json()["detail"].replace(str(bobs.id), "999999")


def test_stock_of_an_unknown_sku_is_404_naming_it(as_alice, alice):
    response = as_alice.put(f"/listings/{alice.listing.id}/variants/NOPE/stock", {"quantity": 1})
    assert response.status_code == 404
    assert "'NOPE'" in response.json()["detail"]


def test_negative_stock_is_422(as_alice, alice):
    path = f"/listings/{alice.listing.id}/variants/{alice.sku}/stock"
    response = as_alice.put(path, {"quantity": -1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "quantity"


# --- publishing ---------------------------------------------------------------------------


def test_publish_and_unpublish_a_complete_listing(as_alice, alice, category):
    created = as_alice.post("/listings", listing_body(category, "ALICE-PUB")).json()
    published = as_alice.post(f"/listings/{created['id']}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    unpublished = as_alice.post(f"/listings/{created['id']}/unpublish")
    assert unpublished.status_code == 200
    assert unpublished.json()["status"] == "draft"
    assert Product.objects.get(pk=created["id"]).status == "draft"


def test_publish_is_409_listing_what_blocks_it(as_alice, category):
    body = listing_body(category, "ALICE-INCOMPLETE", title_zh="", hs_code="01019000")
    created = as_alice.post("/listings", body).json()
    response = as_alice.post(f"/listings/{created['id']}/publish")
    assert response.status_code == 409
    problem = response.json()
    codes = {e["code"]: e for e in problem["errors"]}
    assert {"MISSING_TITLE_ZH", "HS_NOT_ON_POSITIVE_LIST", "TRANSLATION_NOT_REVIEWED"} <= set(codes)
    assert codes["MISSING_TITLE_ZH"]["field"] == "title_zh"
    assert "01019000" in codes["HS_NOT_ON_POSITIVE_LIST"]["message"]
    assert "cannot be published" in problem["detail"]
    # only what blocks: a missing Chinese description may go live
    assert "MISSING_DESCRIPTION_ZH" not in codes
    assert Product.objects.get(pk=created["id"]).status == "draft"


def test_publish_is_403_while_the_seller_is_not_approved(client, category):
    pending = make_shop(category, "Newbie", verification_status="pending")
    response = Api(client, pending.token).post(f"/listings/{pending.listing.id}/publish")
    assert response.status_code == 403
    assert "not verified yet" in response.json()["detail"]
    assert Product.objects.get(pk=pending.listing.id).status == "draft"


# --- idempotency --------------------------------------------------------------------------


def test_a_repeated_create_with_the_same_key_replays_and_creates_once(as_alice, alice, category):
    body = listing_body(category, "ALICE-IDEM")
    key = {"Idempotency-Key": "order-sync:2026-11-27.001"}
    first = as_alice.post("/listings", body, key)
    again = as_alice.post("/listings", body, key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Product.objects.filter(variants__sku="ALICE-IDEM").count() == 1
    record = IdempotencyRecord.objects.get(seller=alice.seller)
    assert (record.method, record.path, record.status_code) == (
        "POST",
        "/api/v1/seller/listings",
        201,
    )


def test_a_replayed_stock_update_does_not_undo_a_later_one(as_alice, alice):
    path = f"/listings/{alice.listing.id}/variants/{alice.sku}/stock"
    as_alice.put(path, {"quantity": 5}, {"Idempotency-Key": "stock-1"})
    as_alice.put(path, {"quantity": 3}, {"Idempotency-Key": "stock-2"})
    replay = as_alice.put(path, {"quantity": 5}, {"Idempotency-Key": "stock-1"})
    assert replay.json()["quantity"] == 5 and replay["Idempotent-Replayed"] == "true"
    assert ProductVariant.objects.get(sku=alice.sku).stock == 3


def test_the_same_key_with_another_body_is_422_and_changes_nothing(as_alice, category):
    key = {"Idempotency-Key": "create-1"}
    as_alice.post("/listings", listing_body(category, "ALICE-K1"), key)
    response = as_alice.post("/listings", listing_body(category, "ALICE-K2"), key)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "IDEMPOTENCY_KEY_REUSED" and error["field"] == "Idempotency-Key"
    assert "'create-1'" in error["message"] and "new key" in error["message"]
    assert not ProductVariant.objects.filter(sku="ALICE-K2").exists()


def test_the_same_key_on_another_path_is_422(as_alice, alice, category):
    key = {"Idempotency-Key": "publish-1"}
    assert as_alice.post(f"/listings/{alice.listing.id}/unpublish", None, key).status_code == 200
    other = as_alice.post("/listings", listing_body(category, "ALICE-OTHER")).json()
    response = as_alice.post(f"/listings/{other['id']}/unpublish", None, key)
    assert response.status_code == 422
    assert "IDEMPOTENCY_KEY_REUSED" in response.content.decode()


@pytest.mark.parametrize("key", ["", "a b", "x" * 101, "clé"])
def test_a_malformed_idempotency_key_is_422_saying_what_is_allowed(as_alice, category, key):
    response = as_alice.post(
        "/listings", listing_body(category, "ALICE-MAL"), {"Idempotency-Key": key}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "Idempotency-Key" and "1 to 100 characters" in error["message"]
    assert not ProductVariant.objects.filter(sku="ALICE-MAL").exists()


def test_idempotency_keys_belong_to_one_seller(as_alice, as_bob, category):
    key = {"Idempotency-Key": "shared-key"}
    alices = as_alice.post("/listings", listing_body(category, "ALICE-SK"), key)
    bobs = as_bob.post("/listings", listing_body(category, "BOB-SK"), key)
    assert alices.status_code == bobs.status_code == 201
    assert not bobs.has_header("Idempotent-Replayed")
    assert bobs.json()["id"] != alices.json()["id"]


def test_a_refused_write_is_not_stored_and_may_be_retried_with_the_same_key(
    as_alice, category, bob
):
    key = {"Idempotency-Key": "retry-me"}
    body = listing_body(category, "ALICE-RETRY", category="not-yet")
    assert as_alice.post("/listings", body, key).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    factories.category(slug="not-yet")
    assert as_alice.post("/listings", body, key).status_code == 201


def test_a_twin_request_that_stored_its_answer_first_is_replayed_and_this_write_undone(
    as_alice, alice, category, monkeypatch
):
    body = json.dumps(listing_body(category, "ALICE-TWIN-RACE"))
    services.idempotency_record_create(
        seller=alice.seller,
        key="race-1",
        method="POST",
        path="/api/v1/seller/listings",
        request_hash=hashlib.sha256(body.encode()).hexdigest(),
        status_code=201,
        response_body='{"id": 1, "from": "the twin"}',
    )
    lookups = []

    def not_yet_committed_on_first_look(seller, key):
        lookups.append(key)
        return None if len(lookups) == 1 else stored(seller, key)

    stored = seller_api._stored
    monkeypatch.setattr(seller_api, "_stored", not_yet_committed_on_first_look)
    response = as_alice.post("/listings", body, {"Idempotency-Key": "race-1"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "from": "the twin"}
    assert response["Idempotent-Replayed"] == "true"
    assert lookups == ["race-1", "race-1"]
    assert not ProductVariant.objects.filter(sku="ALICE-TWIN-RACE").exists()


# --- orders and warehouses ----------------------------------------------------------------


def test_orders_are_the_sellers_own_with_money_as_decimal_strings(as_alice, alice, bob):
    body = as_alice.get("/orders").json()
    assert body["next_before"] is None
    assert body["items"] == [
        {
            "id": alice.order.id,
            "number": "EP-ALICE-1",
            "status": "placed",
            "currency": "CNY",
            "goods": "132.99",
            "shipping": "35.00",
            "tax": "12.10",
            "total": "180.09",
            "destination_country": "CN",
            "placed_at": "2026-10-30T09:30:00+00:00",
            "paid_at": None,
            "completed_at": None,
            "lines": [
                {
                    "sku": alice.sku,
                    "title_en": "Alice's Vitamin D3",
                    "quantity": 1,
                    "unit_price": "132.99",
                    "line_total": "132.99",
                }
            ],
        }
    ]


def test_warehouses_are_the_own_one_and_the_bonded_ones(as_alice, alice, bob):
    warehouses = as_alice.get("/warehouses").json()
    own = Warehouse.objects.get(seller=alice.seller)
    assert warehouses[0]["id"] == own.id and warehouses[0]["mode"] == "9610"
    assert [w["kind"] for w in warehouses[1:]] == ["bonded"] * 3
    assert Warehouse.objects.get(seller=bob.seller).id not in {w["id"] for w in warehouses}


# --- tokens -------------------------------------------------------------------------------


def test_a_missing_token_is_401_saying_how_to_send_one(anonymous):
    response = anonymous.get("/listings")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer ep_garbage", "Bearer ", "Token ep_abc", "ep_abc", "Bearer " + "ep_" + "x" * 500],
)
def test_a_garbage_token_is_401(client, alice, header):
    response = client.get("/api/v1/seller/listings", headers={"Authorization": header})
    assert response.status_code == 401
    assert "/seller/api-tokens/" in response.json()["detail"]


def test_a_token_with_a_real_prefix_but_a_wrong_rest_is_401(client, alice):
    forged = alice.token[:8] + "A" * (len(alice.token) - 8)
    response = client.get("/api/v1/seller/listings", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_a_revoked_token_is_401_at_once(as_alice, alice):
    assert as_alice.get("/listings").status_code == 200
    token_revoke(token=ApiToken.objects.get(seller=alice.seller))
    response = as_alice.get("/listings")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_deactivated_account_loses_its_tokens(as_alice, alice):
    alice.seller.user.is_active = False
    alice.seller.user.save()
    assert as_alice.get("/listings").status_code == 401


def test_only_the_tokens_hash_is_stored(alice):
    token = ApiToken.objects.get(seller=alice.seller)
    assert alice.token.startswith("ep_") and len(alice.token) > 40
    assert token.key_prefix == alice.token[:8]
    assert alice.token not in token.key_hash and len(token.key_hash) == 64


def test_last_used_is_written_at_most_once_a_minute(alice):
    token = ApiToken.objects.get(seller=alice.seller)
    assert token.last_used_at is None
    assert token_authenticate(alice.token) == alice.seller
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert token_authenticate(alice.token) == alice.seller
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    token_authenticate(alice.token)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(seconds=1)


def test_each_token_is_new_and_shown_once(alice):
    _first, raw1 = token_create(seller=alice.seller, name="one")
    _second, raw2 = token_create(seller=alice.seller, name="two")
    assert raw1 != raw2
    assert token_authenticate(raw1) == token_authenticate(raw2) == alice.seller
    assert timezone.now() - ApiToken.objects.get(key_prefix=raw1[:8]).created_at < timedelta(
        minutes=1
    )


def test_the_openapi_page_documents_the_seller_api(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/v1/seller/listings"]["post"]
    assert operation["tags"] == ["seller API"]
    assert operation["security"] == [{"SellerToken": []}]
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert spec["components"]["securitySchemes"]["SellerToken"]["scheme"] == "bearer"
    assert "409" in operation["responses"] and "422" in operation["responses"]


def test_the_listing_body_documented_in_docs_api_md_is_accepted(as_alice):
    factories.category(slug="vitamins-supplements-doc")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc.split("## Seller API", 1)[1]
    body = json.loads(re.findall(r"```json\n(.*?)```", section, re.S)[0])
    body["category"] = "vitamins-supplements-doc"
    response = as_alice.post("/listings", body)
    assert response.status_code == 201, response.content
    assert response.json()["variants"][0]["sku"] == "BUCKEYE-D3-60"
