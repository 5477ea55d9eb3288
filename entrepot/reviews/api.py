"""Reviews in the API.

- `POST /api/v1/reviews` (a logged-in buyer, session cookie and CSRF token as the
  storefront's forms): review one line of one of the buyer's completed orders; 201 with
  the review. 401 not logged in; 403 `NOT_ELIGIBLE` when the order is not the buyer's,
  not completed yet, or the line was reviewed already; 422 `INVALID_INPUT` for stars
  outside 1..5 or too long a text. Photos are added on the page (multipart), not here.
- `GET /api/v1/products/{id}/reviews?page=1`: the visible reviews, newest first, 10 a
  page, with the product's star average and count (public).

Errors have the API's shape: {"detail": "...", "errors": [{"code", "field", "message"}]}.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from entrepot.catalog.models import Product
from entrepot.config.api_shapes import ProblemOut, problem
from entrepot.reviews import selectors
from entrepot.reviews.models import Review
from entrepot.reviews.services import ReviewRefused, review_post

router = Router(tags=["reviews"])

NOT_ELIGIBLE = "NOT_ELIGIBLE"
INVALID_INPUT = "INVALID_INPUT"


class ReviewIn(Schema):
    order_line: int = Field(ge=1, description="the id of the order line reviewed")
    stars: int = Field(ge=1, le=5)
    text: str = Field("", max_length=Review.TEXT_MAX_LENGTH)


class ReviewOut(Schema):
    id: int
    product: int
    stars: int
    text: str
    author: str
    created_at: datetime
    reply: str
    replied_at: datetime | None
    photos: list[str]


class ReviewPageOut(Schema):
    product: int
    ratings_count: int
    average: str = Field(description="one decimal, e.g. '4.6'; '0.0' when unrated")
    page: int
    has_next: bool
    reviews: list[ReviewOut]


class PageParams(Schema):
    page: int = Field(1, ge=1, le=10_000)


def _out(review: Review) -> dict:
    from django.urls import reverse

    return {
        "id": review.pk,
        "product": review.product_id,
        "stars": review.stars,
        "text": review.text,
        "author": review.buyer.display_name,
        "created_at": review.created_at,
        "reply": review.reply,
        "replied_at": review.replied_at,
        "photos": [reverse("media", args=[p.large]) for p in review.photos.all()],
    }


@router.post(
    "/reviews",
    auth=django_auth,
    response={201: ReviewOut, 403: ProblemOut, 422: ProblemOut},
)
def post_review(request: HttpRequest, body: ReviewIn):
    buyer = getattr(request.user, "buyer", None)
    try:
        review = review_post(
            buyer=buyer, order_line_id=body.order_line, stars=body.stars, text=body.text
        )
    except ReviewRefused as refused:
        return problem(403, NOT_ELIGIBLE, "order_line", str(refused))
    return Status(201, _out(review))


@router.get("/products/{product_id}/reviews", response=ReviewPageOut)
def list_reviews(request: HttpRequest, product_id: int, params: Query[PageParams]):
    seller_id = (
        Product.objects.filter(pk=product_id, status=Product.Status.PUBLISHED)
        .values_list("seller_id", flat=True)
        .first()
    )
    if seller_id is None:
        raise HttpError(404, f"no product #{product_id} for sale")
    rating, _score = selectors.product_rating_and_seller(product_id=product_id, seller_id=seller_id)
    page = selectors.product_reviews(product_id=product_id, page=params.page)
    return {
        "product": product_id,
        "ratings_count": rating.count,
        "average": str(rating.average),
        "page": page.number,
        "has_next": page.has_next,
        "reviews": [_out(r) for r in page.reviews],
    }
