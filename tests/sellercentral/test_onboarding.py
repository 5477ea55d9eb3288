"""From sign-up to a published listing: the seller's path and the operator's check."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from entrepot.catalog.models import Product
from entrepot.logistics.models import Warehouse
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.sellers.models import Seller
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "owner@buckeye-naturals.example",
    "password": "Vitamins-from-Ohio-2026",
    "business_name": "Buckeye Naturals",
    "country": "US",
    "currency": "USD",
}
PROFILE = {
    "legal_name": "Buckeye Naturals LLC",
    "contact_name": "Dana Miller",
    "contact_phone": "+1 614 555 0100",
    "city": "Columbus, Ohio",
    "employee_count": "6",
    "annual_revenue": "850000",
    "payout_currency": "USD",
    "story_en": "Family vitamins since 1998.",
    "accept_terms": "on",
}


@pytest.fixture(autouse=True)
def rates_and_list():
    factories.rates()
    positive_list_load_sample()


def _listing(category, **overrides):
    data = {
        "category": category.pk,
        "title_en": "Vitamin D3 2000 IU Softgels",
        "title_zh": "维生素D3 2000IU软胶囊",
        "description_en": "One a day.",
        "description_zh": "每日一粒。",
        "brand": "Buckeye",
        "hs_code": "2106.90.90",
        "origin_country": "US",
        "weight_grams": "180",
        "net_content_value": "",
        "net_content_unit": "",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "30",
        "form-0-sku": "BN-D3-60",
        "form-0-name_en": "60 softgels",
        "form-0-name_zh": "60粒",
        "form-0-price": "19.99",
        "form-0-stock": "40",
        "save": "1",
    }
    data.update(overrides)
    return data


def _signed_up(client) -> Seller:
    response = client.post(reverse("sellercentral:signup"), SIGNUP)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Seller.objects.get(user__username=SIGNUP["email"])


def test_sign_up_creates_a_pending_seller_with_its_own_warehouse_and_logs_in(client):
    seller = _signed_up(client)
    assert seller.verification_status == "pending"
    assert seller.warehouses.get().kind == Warehouse.Kind.SELLER
    assert client.get(reverse("sellercentral:home")).status_code == 200


def test_sign_up_refuses_a_weak_password_and_a_taken_email(client):
    weak = client.post(reverse("sellercentral:signup"), {**SIGNUP, "password": "12345678"})
    assert weak.status_code == 200 and "password" in weak.content.decode().lower()
    factories.user(username=SIGNUP["email"])
    taken = client.post(reverse("sellercentral:signup"), SIGNUP)
    assert "log in instead" in taken.content.decode()


def test_profile_sets_the_small_business_flag_and_records_the_terms(client):
    seller = _signed_up(client)
    client.post(reverse("sellercentral:onboarding"), PROFILE)
    seller.refresh_from_db()
    assert seller.is_small_business and seller.terms_accepted_at is not None
    client.post(reverse("sellercentral:onboarding"), {**PROFILE, "employee_count": "120"})
    seller.refresh_from_db()
    assert not seller.is_small_business


def test_a_pending_seller_can_prepare_but_not_publish(client):
    seller = _signed_up(client)
    category = factories.category()
    response = client.post(reverse("sellercentral:listing_new"), _listing(category))
    product = Product.objects.get(seller=seller)
    assert response.status_code == 302 and product.status == "draft"
    page = client.post(reverse("sellercentral:listing_publish", args=[product.pk]), follow=True)
    assert "not verified yet" in page.content.decode()
    product.refresh_from_db()
    assert product.status == "draft"


def test_operator_approves_and_the_listing_can_be_published(client):
    seller = _signed_up(client)
    client.post(reverse("sellercentral:onboarding"), PROFILE)
    category = factories.category()
    client.post(reverse("sellercentral:listing_new"), _listing(category))
    product = Product.objects.get(seller=seller)

    operator = factories.user(is_staff=True)
    client.force_login(operator)
    queue = client.get(reverse("backoffice:sellers")).content.decode()
    assert "Buckeye Naturals LLC" in queue
    client.post(reverse("backoffice:seller_decide", args=[seller.pk]), {"decision": "approve"})
    seller.refresh_from_db()
    assert seller.verification_status == "approved" and seller.reviewed_by == operator

    client.force_login(seller.user)
    client.post(reverse("sellercentral:listing_publish", args=[product.pk]))
    product.refresh_from_db()
    assert product.status == "published"
    assert product.variants.get().stock == 40
    storefront = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert "维生素D3 2000IU软胶囊" in storefront


def test_operator_rejects_with_a_reason_the_seller_sees(client):
    seller = _signed_up(client)
    client.force_login(factories.user(is_staff=True))
    client.post(
        reverse("backoffice:seller_decide", args=[seller.pk]),
        {"decision": "reject", "reason": "The legal name does not match the registry."},
    )
    client.force_login(seller.user)
    page = client.get(reverse("sellercentral:onboarding")).content.decode()
    assert "The legal name does not match the registry." in page


def test_a_rejection_needs_a_reason(client):
    seller = _signed_up(client)
    client.force_login(factories.user(is_staff=True))
    client.post(reverse("backoffice:seller_decide", args=[seller.pk]), {"decision": "reject"})
    seller.refresh_from_db()
    assert seller.verification_status == "pending"


def test_a_seller_cannot_approve_itself(client):
    seller = _signed_up(client)
    response = client.post(
        reverse("backoffice:seller_decide", args=[seller.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    seller.refresh_from_db()
    assert seller.verification_status == "pending"


def test_a_listing_missing_what_china_requires_cannot_be_published_and_says_what(client):
    seller = _signed_up(client)
    Seller.objects.filter(pk=seller.pk).update(verification_status="approved")
    category = factories.category()
    client.post(
        reverse("sellercentral:listing_new"),
        _listing(category, title_zh="", description_zh="", hs_code="85171300", weight_grams=""),
    )
    product = Product.objects.get(seller=seller)
    page = client.post(
        reverse("sellercentral:listing_publish", args=[product.pk]), follow=True
    ).content.decode()
    product.refresh_from_db()
    assert product.status == "draft"
    assert "Before you can publish" in page
    assert "Chinese title" in page
    assert "85171300" in page and "positive list" in page
    assert "weight" in page.lower()


def test_another_sellers_listing_cannot_be_edited_or_published(client):
    other = factories.seller(verification_status="approved")
    theirs = factories.product(seller=other, category=factories.category(), status="draft")
    _signed_up(client)
    assert client.get(reverse("sellercentral:listing_edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("sellercentral:listing_publish", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_hs_suggestions_without_javascript(client):
    _signed_up(client)
    category = factories.category(slug="vitamins-supplements")
    page = client.post(
        reverse("sellercentral:listing_new"), {**_listing(category), "suggest_hs": "1"}
    ).content.decode()
    assert "21069090" in page and "Suggested HS codes" in page
    assert not Product.objects.exists()


def test_editing_keeps_variants_by_sku_and_updates_stock(client):
    seller = _signed_up(client)
    category = factories.category()
    client.post(reverse("sellercentral:listing_new"), _listing(category))
    product = Product.objects.get(seller=seller)
    client.post(
        reverse("sellercentral:listing_edit", args=[product.pk]),
        _listing(category, **{"form-0-price": "21.49", "form-0-stock": "12",
                              "form-INITIAL_FORMS": "1"}),
    )  # fmt: skip
    variant = product.variants.get()
    assert str(variant.price_amount) == "21.4900" and variant.stock == 12
    assert get_user_model().objects.filter(username=SIGNUP["email"]).count() == 1
