"""Reads of reviews and service scores: what the product page, the seller's card, the
API and seller central show. Averages come from stored counters, never from a sum over
the reviews."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Subquery

from entrepot.domain.seller_score import SellerCounts, ServiceScore, average_rating, service_score
from entrepot.reviews.models import COUNTERS, ProductRating, Review, SellerStats

PAGE_SIZE = 10


@dataclass(frozen=True)
class Rating:
    count: int
    average: Decimal  # one decimal; 0 when there is no rating

    @property
    def percent(self) -> int:
        """The average as a share of five stars, for a star bar."""
        return int(self.average * 20)


@dataclass(frozen=True)
class SellerScore:
    """What a seller's card shows: the service score and the rates behind it."""

    score: Decimal
    rating: Rating
    on_time_percent: Decimal
    rejection_percent: Decimal
    return_percent: Decimal
    dispute_percent: Decimal
    orders: int


@dataclass(frozen=True)
class ReviewPage:
    reviews: list[Review]
    number: int
    has_next: bool
    has_previous: bool


def _percent(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def seller_score_of(stats: SellerStats | None) -> SellerScore:
    """The card's view of a seller's counters (none yet: a new seller's prior score)."""
    counts = SellerCounts(**{n: getattr(stats, n) for n in COUNTERS}) if stats else SellerCounts()
    score: ServiceScore = service_score(counts)
    return SellerScore(
        score=score.score,
        rating=Rating(
            counts.ratings_count, average_rating(counts.ratings_sum, counts.ratings_count)
        ),
        on_time_percent=_percent(score.on_time_rate),
        rejection_percent=_percent(score.rejection_rate),
        return_percent=_percent(score.return_rate),
        dispute_percent=_percent(score.dispute_rate),
        orders=counts.orders_paid,
    )


def seller_stats_or_none(seller) -> SellerStats | None:
    """The seller's counters when they were loaded with it (select_related("stats"))
    or exist; None for a seller nothing has happened to yet."""
    try:
        return seller.stats
    except SellerStats.DoesNotExist:
        return None


def product_rating_and_seller(*, product_id: int, seller_id: int) -> tuple[Rating, SellerScore]:
    """The product's visible rating and its seller's score, in one query."""
    product = ProductRating.objects.filter(product_id=product_id)
    stats = (
        SellerStats.objects.filter(seller_id=seller_id)
        .annotate(
            product_count=Subquery(product.values("ratings_count")[:1]),
            product_sum=Subquery(product.values("ratings_sum")[:1]),
        )
        .first()
    )
    count = (stats.product_count or 0) if stats else 0
    total = (stats.product_sum or 0) if stats else 0
    return Rating(count, average_rating(total, count)), seller_score_of(stats)


def product_reviews(*, product_id: int, page: int = 1, size: int = PAGE_SIZE) -> ReviewPage:
    """A page of the product's visible reviews, newest first, with their photos (two
    queries; one when there are none)."""
    page = max(1, page)
    start = (page - 1) * size
    rows = list(
        Review.objects.filter(product_id=product_id, hidden_at__isnull=True)
        .select_related("buyer")
        .only("id", "stars", "text", "created_at", "reply", "replied_at", "buyer__display_name")
        .prefetch_related("photos")
        .order_by("-id")[start : start + size + 1]
    )
    return ReviewPage(
        reviews=rows[:size], number=page, has_next=len(rows) > size, has_previous=page > 1
    )


def seller_reviews(*, seller, limit: int = 50) -> list[Review]:
    """The seller's newest reviews (hidden ones too, marked), for seller central."""
    return list(
        Review.objects.filter(seller=seller)
        .select_related("product", "buyer")
        .order_by("-id")[:limit]
    )


def reviews_for_moderation(*, hidden: bool | None = None, limit: int = 100) -> list[Review]:
    """The newest reviews for the operator (optionally only hidden or only visible)."""
    rows = Review.objects.select_related("product", "seller", "buyer").order_by("-id")
    if hidden is not None:
        rows = rows.filter(hidden_at__isnull=not hidden)
    return list(rows[:limit])


# the "best rated" order: the Bayesian average of the stored rating, as search ranks it
# (entrepot.domain.search.ranking.smoothed_rating), so one five-star review does not top
# fifty at 4.8; an unrated product sits at the prior
def _smoothed_rating_sql():
    from django.db.models import ExpressionWrapper, F, FloatField, Value
    from django.db.models.functions import Cast, Coalesce

    from entrepot.domain.search.ranking import RATING_PRIOR, RATING_PRIOR_WEIGHT

    total = Cast(Coalesce(F("rating__ratings_sum"), 0), FloatField())
    count = Cast(Coalesce(F("rating__ratings_count"), 0), FloatField())
    return ExpressionWrapper(
        (total + Value(RATING_PRIOR * RATING_PRIOR_WEIGHT))
        / (count + Value(float(RATING_PRIOR_WEIGHT))),
        output_field=FloatField(),
    )


def best_rated_page(queryset, *, page: int, limit: int):
    """A page (1, 2, ...) of product cards of `queryset`, best rated first, then newest;
    `next_before` of the result is the next page's number (None on the last)."""
    from entrepot.catalog.selectors import CARD_FIELDS, FIRST_IMAGE, Page

    start = (max(1, page) - 1) * limit
    rows = list(
        queryset.select_related("seller")
        .only(*CARD_FIELDS)
        .prefetch_related(FIRST_IMAGE)
        .alias(stars=_smoothed_rating_sql())
        .order_by("-stars", "-id")[start : start + limit + 1]
    )
    has_more = len(rows) > limit
    return Page(items=rows[:limit], next_before=page + 1 if has_more else None)
