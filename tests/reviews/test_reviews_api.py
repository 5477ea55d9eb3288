import pytest

from entrepot.reviews.models import ProductRating, Review
from tests import factories
from tests.reviews.conftest import make_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews"


def _post(client, line_id, stars=5, text="很好"):
    return client.post(
        URL, {"order_line": line_id, "stars": stars, "text": text}, content_type="application/json"
    )


def test_buyer_without_a_completed_order_cannot_review_via_the_api(client, store, buyer):
    seller, products = store
    delivered = make_order(buyer=buyer, seller=seller, products=products, status="delivered")
    client.force_login(buyer.user)
    response = _post(client, delivered.lines.first().id)
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["code"] == "NOT_ELIGIBLE"
    assert "订单完成后才能评价" in body["detail"]  # the buyer's API answers in Chinese first
    assert not Review.objects.exists()


def test_buyer_who_never_ordered_cannot_review_another_buyers_line_via_the_api(client, completed):
    client.force_login(factories.buyer().user)
    response = _post(client, completed.lines.first().id)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "NOT_ELIGIBLE"
    assert not Review.objects.exists()


def test_anonymous_visitor_cannot_post_a_review(client, completed):
    assert _post(client, completed.lines.first().id).status_code == 401


def test_buyer_with_a_completed_order_reviews_each_line_exactly_once_via_the_api(
    client, buyer, completed
):
    client.force_login(buyer.user)
    first, second = completed.lines.order_by("id")
    created = _post(client, first.id, stars=4, text="效果不错")
    assert created.status_code == 201
    assert created.json()["stars"] == 4 and created.json()["author"] == buyer.display_name
    again = _post(client, first.id, stars=1)
    assert again.status_code == 403
    assert "已评价过" in again.json()["detail"]
    assert _post(client, second.id, stars=2).status_code == 201
    assert Review.objects.count() == 2
    rating = ProductRating.objects.get(product_id=first.product_id)
    assert (rating.ratings_count, rating.ratings_sum) == (1, 4)


@pytest.mark.parametrize("stars", [0, 6])
def test_stars_outside_one_to_five_are_refused_with_the_field(client, buyer, completed, stars):
    client.force_login(buyer.user)
    response = _post(client, completed.lines.first().id, stars=stars)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stars"


def test_too_long_a_review_is_refused(client, buyer, completed):
    client.force_login(buyer.user)
    response = _post(client, completed.lines.first().id, text="好" * (Review.TEXT_MAX_LENGTH + 1))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "text"


def test_product_reviews_are_public_newest_first_with_the_stored_average(client, store, buyer):
    seller, products = store
    client.force_login(buyer.user)
    for stars in (5, 4, 2):
        order = make_order(buyer=buyer, seller=seller, products=products[:1])
        assert _post(client, order.lines.get().id, stars=stars).status_code == 201
    client.logout()
    body = client.get(f"/api/v1/products/{products[0].id}/reviews").json()
    assert body["ratings_count"] == 3 and body["average"] == "3.7"
    assert [r["stars"] for r in body["reviews"]] == [2, 4, 5]
    assert body["has_next"] is False


def test_reviews_of_a_product_not_for_sale_answer_404(client):
    assert client.get("/api/v1/products/999999/reviews").status_code == 404


def test_posting_a_review_needs_the_csrf_token_of_the_session(buyer, completed):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer.user)
    assert _post(browser, completed.lines.first().id).status_code == 403
    assert not Review.objects.exists()
