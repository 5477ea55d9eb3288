"""Verified reviews and the per-seller service counters behind the service score.

`SellerStats` holds running counts, bumped by `entrepot.reviews.services.seller_stats_bump`
from the places where the events happen (payment, shipment, customs receipt, completion,
return, dispute, review). The score is a pure function of the counts
(`entrepot.domain.seller_score`), stored beside them so that search can rank by it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product
from entrepot.orders.models import OrderLine
from entrepot.sellers.models import Seller

# the names `seller_stats_bump` accepts; each is a field of SellerStats
COUNTERS = (
    "orders_paid",
    "shipped",
    "shipped_on_time",
    "declarations",
    "declarations_rejected",
    "orders_completed",
    "returns",
    "disputes",
    "ratings_count",
    "ratings_sum",
)


class SellerStats(models.Model):
    seller = models.OneToOneField(
        Seller, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    orders_paid = models.PositiveIntegerField(_("orders paid"), default=0)
    shipped = models.PositiveIntegerField(_("orders shipped"), default=0)
    shipped_on_time = models.PositiveIntegerField(_("shipped on time"), default=0)
    declarations = models.PositiveIntegerField(_("customs declarations settled"), default=0)
    declarations_rejected = models.PositiveIntegerField(
        _("customs declarations rejected"), default=0
    )
    orders_completed = models.PositiveIntegerField(_("orders completed"), default=0)
    returns = models.PositiveIntegerField(_("returns"), default=0)
    disputes = models.PositiveIntegerField(_("disputes"), default=0)
    ratings_count = models.PositiveIntegerField(_("visible ratings"), default=0)
    ratings_sum = models.PositiveIntegerField(_("sum of visible stars"), default=0)
    # 0..100, recomputed from the counters on every bump; search ranks by it
    score = models.DecimalField(_("service score"), max_digits=5, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("seller service counters")
        verbose_name_plural = _("seller service counters")

    def __str__(self) -> str:
        return f"stats of seller {self.seller_id}"


class ProductRating(models.Model):
    """A product's visible ratings, kept up to date by the review services (never summed
    per request): the product page and the "best rated" sort read them."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="rating"
    )
    ratings_count = models.PositiveIntegerField(_("visible ratings"), default=0)
    ratings_sum = models.PositiveIntegerField(_("sum of visible stars"), default=0)

    class Meta:
        verbose_name = _("product rating")
        verbose_name_plural = _("product ratings")

    def __str__(self) -> str:
        return f"rating of product {self.product_id}"


class Review(models.Model):
    """A buyer's stars and words on one line of a completed order (so: verified)."""

    TEXT_MAX_LENGTH = 2000
    REPLY_MAX_LENGTH = 2000
    HIDE_REASON_MAX_LENGTH = 300

    order_line = models.OneToOneField(
        OrderLine, on_delete=models.PROTECT, related_name="review"
    )  # one review per order line, enforced by the database
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reviews")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="reviews")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="reviews")
    stars = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("posted"))
    reply = models.TextField(_("seller's reply"), max_length=REPLY_MAX_LENGTH, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(
        _("why it was hidden"), max_length=HIDE_REASON_MAX_LENGTH, blank=True
    )
    hidden_by = models.CharField(_("hidden by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="review_stars_1_to_5"
            ),
        ]
        indexes = [
            # the product page: visible reviews, newest first
            models.Index(fields=["product", "hidden_at", "-id"], name="review_product_idx"),
            models.Index(fields=["seller", "-id"], name="review_seller_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ on {self.product_id} by {self.buyer_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReviewPhoto(models.Model):
    """A buyer's photo, re-encoded like product pictures (no EXIF, no GPS)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    large = models.CharField(max_length=200)  # storage path, 1200 px on the long side
    thumb = models.CharField(max_length=200)  # 400 px
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.large
