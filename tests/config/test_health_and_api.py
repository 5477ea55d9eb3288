import pytest
from django.urls import reverse

from entrepot.catalog.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_openapi_document_lists_the_catalogue_paths(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Entrepôt API"
    assert "/api/catalog/products" in spec["paths"]
    assert "/api/catalog/products/{product_id}" in spec["paths"]


def test_api_docs_page_is_served(client):
    assert client.get("/api/docs").status_code == 200


@pytest.fixture
def listed():
    factories.rates()
    category = factories.category(slug="vitamins-supplements")
    seller = factories.seller()
    return category, [factories.product(seller=seller, category=category) for _ in range(3)]


def test_products_api_gives_money_as_decimal_strings(client, listed):
    _category, products = listed
    body = client.get("/api/catalog/products?limit=2").json()
    assert [item["id"] for item in body["items"]] == [products[2].id, products[1].id]
    assert body["items"][0]["price"] == {"amount": "19.99", "currency": "USD"}
    assert body["items"][0]["display_price"] == {"amount": "132.99", "currency": "CNY"}
    assert body["next_before"] == products[1].id


def test_products_api_unknown_category_says_which(client, listed):
    response = client.get("/api/catalog/products?category=caviar")
    assert response.status_code == 404
    assert "caviar" in response.json()["detail"]


def test_products_api_rejects_a_limit_out_of_range(client, listed):
    response = client.get("/api/catalog/products?limit=1000")
    assert response.status_code == 422
    assert "limit" in response.content.decode()


def test_product_detail_api_includes_variants(client, listed):
    _category, products = listed
    body = client.get(f"/api/catalog/products/{products[0].id}").json()
    assert [v["display_price"]["amount"] for v in body["variants"]] == ["132.99", "265.98"]
    assert body["category"]["slug"] == "vitamins-supplements"


def test_product_detail_api_hides_drafts(client, listed):
    category, products = listed
    Product.objects.filter(pk=products[0].pk).update(status=Product.Status.DRAFT)
    assert client.get(f"/api/catalog/products/{products[0].id}").status_code == 404


def test_login_page_renders_with_csrf(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
