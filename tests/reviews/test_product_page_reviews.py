import pytest
from django.core.cache import cache
from django.urls import reverse

from entrepot.reviews.models import ProductRating, Review, SellerStats
from entrepot.reviews.selectors import PAGE_SIZE
from entrepot.reviews.services import ReviewRefused, review_hide, review_post, review_reply
from tests import factories
from tests.reviews.conftest import make_order

pytestmark = pytest.mark.django_db


def _review(store, *, stars=5, text="好", buyer=None):
    seller, products = store
    buyer = buyer or factories.buyer()
    order = make_order(buyer=buyer, seller=seller, products=products[:1])
    return review_post(buyer=buyer, order_line_id=order.lines.get().id, stars=stars, text=text)


def _page(client, product, query=""):
    return client.get(reverse("storefront:product", args=[product.id]) + query)


def test_review_text_is_escaped_on_the_product_page(client, store):
    _review(store, text='<script>alert("x")</script>')
    html = _page(client, store[1][0]).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_product_page_shows_the_average_and_count_and_reviews_newest_first(client, store):
    for stars, text in ((5, "第一条"), (3, "第二条"), (4, "第三条")):
        _review(store, stars=stars, text=text)
    html = _page(client, store[1][0]).content.decode()
    assert '<strong class="rating-average">4.0</strong>' in html
    assert html.index("第三条") < html.index("第二条") < html.index("第一条")


def test_reviews_are_paginated(client, store):
    for n in range(PAGE_SIZE + 2):
        _review(store, text=f"评论{n:02d}号")
    first = _page(client, store[1][0]).content.decode()
    second = _page(client, store[1][0], "?reviews=2").content.decode()
    assert "评论11号" in first and "评论00号" not in first and "?reviews=2" in first
    assert "评论00号" in second and "评论01号" in second and "评论11号" not in second
    assert _page(client, store[1][0], "?reviews=x").status_code == 404


def test_product_page_with_reviews_costs_a_fixed_number_of_queries(
    client, store, django_assert_max_num_queries
):
    for _ in range(3):
        _review(store)
    url = reverse("storefront:product", args=[store[1][0].id])
    cache.clear()
    # the storefront's product budget (10) + stored rating with seller score + a page of
    # reviews + their photos; warm, the body comes from the cache: the version query only
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    for _ in range(PAGE_SIZE):
        _review(store)
    cache.clear()
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_new_review_changes_the_cached_product_page(client, store):
    first = _page(client, store[1][0])
    _review(store, text="新的评价")
    second = _page(client, store[1][0], "")
    assert second["ETag"] != first["ETag"]
    assert "新的评价" in second.content.decode()


def test_a_hidden_review_vanishes_from_the_page_and_the_averages(client, store):
    kept = _review(store, stars=5, text="真好")
    abusive = _review(store, stars=1, text="骂人的话")
    before = _page(client, store[1][0])
    assert "骂人的话" in before.content.decode()
    review_hide(review_id=abusive.id, reason="insults", actor="operator:ops")
    after = _page(client, store[1][0])
    assert after["ETag"] != before["ETag"]
    html = after.content.decode()
    assert "骂人的话" not in html and "真好" in html
    assert '<strong class="rating-average">5.0</strong>' in html
    rating = ProductRating.objects.get(product_id=kept.product_id)
    assert (rating.ratings_count, rating.ratings_sum) == (1, 5)
    stats = SellerStats.objects.get(seller_id=kept.seller_id)
    assert (stats.ratings_count, stats.ratings_sum) == (1, 5)
    api = client.get(f"/api/v1/products/{kept.product_id}/reviews").json()
    assert [r["id"] for r in api["reviews"]] == [kept.id]


def test_hiding_needs_a_reason_and_happens_once(store):
    review = _review(store)
    with pytest.raises(ReviewRefused, match="reason"):
        review_hide(review_id=review.id, reason="  ", actor="operator:ops")
    review_hide(review_id=review.id, reason="spam", actor="operator:ops")
    with pytest.raises(ReviewRefused, match="hidden already"):
        review_hide(review_id=review.id, reason="spam", actor="operator:ops")
    assert ProductRating.objects.get(product_id=review.product_id).ratings_count == 0


def test_operator_hides_a_review_from_the_back_office_with_a_reason(client, store):
    review = _review(store, text="广告 spam")
    url = reverse("reviews_backoffice:hide", args=[review.id])
    client.force_login(factories.user())  # not staff
    client.post(url, {"reason": "spam"})
    assert Review.objects.get().hidden_at is None
    client.force_login(factories.user(is_staff=True, username="ops@example.com"))
    listing = client.get(reverse("reviews_backoffice:list")).content.decode()
    assert "广告 spam" in listing
    assert client.post(url, {"reason": "advertising"}).status_code == 302
    hidden = Review.objects.get()
    assert hidden.hidden_reason == "advertising" and hidden.hidden_by == "operator:ops@example.com"
    assert (
        "advertising"
        in client.get(reverse("reviews_backoffice:list") + "?show=hidden").content.decode()
    )


def test_seller_replies_once_to_a_review_of_its_own_product(client, store):
    review = _review(store)
    seller = store[0]
    client.force_login(seller.user)
    assert "好" in client.get(reverse("reviews_seller:list")).content.decode()
    url = reverse("reviews_seller:reply", args=[review.id])
    client.post(url, {"reply": "谢谢您的支持"})
    client.post(url, {"reply": "second reply"})
    review.refresh_from_db()
    assert review.reply == "谢谢您的支持" and review.replied_at is not None
    assert "谢谢您的支持" in _page(client, store[1][0]).content.decode()


def test_seller_cannot_reply_to_another_sellers_review(store):
    review = _review(store)
    other = factories.seller()
    with pytest.raises(ReviewRefused, match="no such review"):
        review_reply(seller=other, review_id=review.id, text="冒充")
    review.refresh_from_db()
    assert review.reply == ""


def test_seller_card_shows_the_service_score_on_the_product_and_shop_pages(client, store):
    _review(store, stars=4)
    seller = store[0]
    product_html = _page(client, store[1][0]).content.decode()
    card = product_html.split('class="seller-box"')[1].split("</section>")[0]
    score = SellerStats.objects.get(seller=seller).score
    assert f'<strong class="score">{score:.0f}</strong>' in card
    shop_html = client.get(reverse("storefront:seller", args=[seller.slug])).content.decode()
    assert f'<strong class="score">{score:.0f}</strong>' in shop_html
