"""Writes for reviews and the seller service counters.

`seller_stats_bump` is the one way to move a seller's counters: atomic F() increments
on a row that is created on first use, then the stored score is recomputed from the
counters in the same transaction. The `seller_stats_on_*` hooks are the one-line calls
the orders, logistics and customs apps make when something countable happens.

A review may be posted only by the buyer of a completed order, once per order line;
posting or hiding one moves the product's and the seller's rating counters and the
product's `updated_at` (the storefront's page version: the cached page changes).

Errors::

    ReviewError
    ├── UnknownCounter      seller_stats_bump was given a name that is not a counter
    └── ReviewRefused       the review, reply or hiding is not allowed or not valid;
                            the message says why (shown to the person as it is)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection
from django.db.models import F
from django.db.transaction import atomic
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product
from entrepot.config.plain_sql import placeholders
from entrepot.domain.seller_score import SellerCounts, service_score
from entrepot.logistics.conf import ship_within_hours
from entrepot.orders.models import Order, OrderLine
from entrepot.reviews.models import COUNTERS, ProductRating, Review, ReviewPhoto, SellerStats
from entrepot.reviews.photos import EncodedPhoto, photo_encode
from entrepot.sellers.models import Seller

MAX_PHOTOS = 3
NEW_SELLER_SCORE = service_score(SellerCounts()).score


class ReviewError(Exception):
    """Base of this module's errors."""


class UnknownCounter(ReviewError, ValueError):
    pass


class ReviewRefused(ReviewError):
    pass


# --- seller counters ------------------------------------------------------------------------


def seller_stats_bump(*, seller_id: int, **deltas: int) -> None:
    """Add `deltas` (counter name -> int, may be negative) to the seller's counters.

    Race-safe: the row is created with an insert that ignores a concurrent twin, and
    each counter moves by an F() expression, so two bumps at once both count.
    """
    unknown = sorted(set(deltas) - set(COUNTERS))
    if unknown:
        raise UnknownCounter(
            f"unknown seller counter(s) {', '.join(unknown)}; allowed: {', '.join(COUNTERS)}"
        )
    changes = {name: F(name) + int(delta) for name, delta in deltas.items() if delta}
    if not changes:
        return
    with atomic():
        rows = SellerStats.objects.filter(seller_id=seller_id)
        if not rows.update(**changes):
            SellerStats.objects.bulk_create(
                [SellerStats(seller_id=seller_id)], ignore_conflicts=True
            )
            rows.update(**changes)
        _store_score(seller_id)


def _store_score(seller_id: int) -> None:
    # runs inside the bump's transaction, after the UPDATE took the row lock
    stats = SellerStats.objects.get(seller_id=seller_id)
    score = service_score(SellerCounts(**{name: getattr(stats, name) for name in COUNTERS}))
    if stats.score != score.score:
        SellerStats.objects.filter(seller_id=seller_id).update(score=score.score)


def handling_time() -> timedelta:
    """How long after payment a shipment still counts as on time: the platform's
    ship-within promise (ENTREPOT_SHIP_WITHIN_HOURS, 120 hours unless set); sellers
    have no handling time of their own yet."""
    return timedelta(hours=ship_within_hours())


def shipped_on_time(*, paid_at, shipped_at) -> bool:
    """Shipped within the handling time of payment (an order never paid: not on time)."""
    return paid_at is not None and shipped_at - paid_at <= handling_time()


def seller_stats_on_order_event(*, orders: list[Order], event: str) -> None:
    """Count what `event` (an order state machine event just applied) means for the
    sellers of `orders`: pay, ship and complete count; other events do not."""
    if event not in ("pay", "ship", "complete"):
        return
    if event == "pay":
        _count_paid(orders)
        return
    now = timezone.now()
    by_seller: dict[int, dict[str, int]] = {}
    for order in orders:
        counts = by_seller.setdefault(order.seller_id, {})
        if event == "complete":
            counts["orders_completed"] = counts.get("orders_completed", 0) + 1
        else:
            counts["shipped"] = counts.get("shipped", 0) + 1
            if shipped_on_time(paid_at=order.paid_at, shipped_at=now):
                counts["shipped_on_time"] = counts.get("shipped_on_time", 0) + 1
    for seller_id, counts in sorted(by_seller.items()):
        seller_stats_bump(seller_id=seller_id, **counts)


def _count_paid(orders: list[Order]) -> None:
    """Count the orders of one payment as paid. This is the checkout's hot path, so: one
    UPDATE for all its sellers (a payment holds one order per seller), and no score to
    recompute, since the paid count is not part of the score (see seller_score)."""
    per_seller: dict[int, int] = {}
    for order in orders:
        per_seller[order.seller_id] = per_seller.get(order.seller_id, 0) + 1
    by_count: dict[int, list[int]] = {}
    for seller_id, n in per_seller.items():
        by_count.setdefault(n, []).append(seller_id)
    table = SellerStats._meta.db_table
    for n, seller_ids in sorted(by_count.items()):
        # plain SQL: the ORM took longer to build this UPDATE than the database to run it
        marks = placeholders(seller_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET orders_paid = orders_paid + %s WHERE seller_id IN ({marks})",
                [n, *seller_ids],
            )
            counted_now = cursor.rowcount
        if counted_now < len(seller_ids):
            # a seller's first paid order: make the rows the UPDATE did not find (one a
            # concurrent payment made meanwhile is kept) and count on them
            rows = SellerStats.objects.filter(seller_id__in=seller_ids)
            counted = set(rows.values_list("seller_id", flat=True))
            missing = [s for s in seller_ids if s not in counted]
            SellerStats.objects.bulk_create(
                [SellerStats(seller_id=s, score=NEW_SELLER_SCORE) for s in missing],
                ignore_conflicts=True,
            )
            SellerStats.objects.filter(seller_id__in=missing).update(
                orders_paid=F("orders_paid") + n
            )


SETTLED = ("accepted", "cleared")


def customs_outcome_counts(before: str, after: str) -> dict[str, int]:
    """What a declaration's change of status counts: a rejection, or an acceptance that
    follows anything but an acceptance. Resubmissions therefore count once each."""
    if after == "rejected" and before != "rejected":
        return {"declarations": 1, "declarations_rejected": 1}
    if after in SETTLED and before not in SETTLED:
        return {"declarations": 1}
    return {}


def seller_stats_on_customs(*, order_id: int, before: str, after: str) -> None:
    """Count a customs receipt that moved a declaration from `before` to `after`."""
    counts = customs_outcome_counts(before, after)
    if counts:
        seller_id = Order.objects.values_list("seller_id", flat=True).get(pk=order_id)
        seller_stats_bump(seller_id=seller_id, **counts)


# --- reviews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligible:
    """An order line its buyer may review."""

    line: OrderLine
    order: Order


def review_eligibility(*, buyer: Buyer | None, order_line_id: int) -> Eligible:
    """The line, if `buyer` may review it now; else ReviewRefused saying why."""
    line = (
        OrderLine.objects.select_related("order")
        .filter(pk=order_line_id, order__buyer=buyer)
        .first()
        if buyer is not None
        else None
    )
    if line is None:
        raise ReviewRefused(_("Only the buyer of an order can review what was in it."))
    if line.order.status != Order.Status.COMPLETED:
        raise ReviewRefused(
            _("You can review this product once the order is completed (it is %(status)s).")
            % {"status": line.order.get_status_display()}
        )
    if Review.objects.filter(order_line_id=line.pk).exists():
        raise ReviewRefused(_("You have already reviewed this item of the order."))
    return Eligible(line=line, order=line.order)


def _clean_text(text: str, *, limit: int, what: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ReviewRefused(
            _("The %(what)s has %(length)d characters; at most %(max)d are allowed.")
            % {"what": what, "length": len(text), "max": limit}
        )
    return text


def review_post(
    *, buyer: Buyer | None, order_line_id: int, stars: int, text: str = "", photos=()
) -> Review:
    """Post the buyer's review of one line of a completed order, with up to MAX_PHOTOS
    photos (file objects, checked and re-encoded). All or nothing."""
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ReviewRefused(_("Choose from 1 to 5 stars."))
    text = _clean_text(text, limit=Review.TEXT_MAX_LENGTH, what=_("review"))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ReviewRefused(_("At most %(max)d photos can go with a review.") % {"max": MAX_PHOTOS})
    eligible = review_eligibility(buyer=buyer, order_line_id=order_line_id)
    encoded = [photo_encode(upload) for upload in photos]  # before any write
    written: list[str] = []
    try:
        with atomic():
            line = eligible.line
            try:
                with atomic():
                    review = Review.objects.create(
                        order_line=line,
                        product_id=line.product_id,
                        seller_id=eligible.order.seller_id,
                        buyer=buyer,
                        stars=stars,
                        text=text,
                        created_at=timezone.now(),
                    )
            except IntegrityError:  # a concurrent twin won
                raise ReviewRefused(
                    _("You have already reviewed this item of the order.")
                ) from None
            for position, photo in enumerate(encoded):
                _photo_store(review, photo, position, written)
            _rating_move(review, sign=+1)
    except BaseException:
        _files_delete(written)
        raise
    return review


def _photo_store(review: Review, photo: EncodedPhoto, position: int, written: list) -> None:
    digest = hashlib.sha256(photo.large).hexdigest()[:16]
    names = {}
    for size, data in (("large", photo.large), ("thumb", photo.thumb)):
        name = f"reviews/{review.pk}/{digest}-{size}.jpg"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
            written.append(name)
        names[size] = name
    ReviewPhoto.objects.create(
        review=review,
        large=names["large"],
        thumb=names["thumb"],
        width=photo.width,
        height=photo.height,
        position=position,
    )


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _rating_move(review: Review, *, sign: int) -> None:
    """Add (+1) or take away (-1) the review's stars to its product's and seller's
    visible ratings, and move the product's page version."""
    count, stars = sign, sign * review.stars
    rows = ProductRating.objects.filter(product_id=review.product_id)
    changes = {"ratings_count": F("ratings_count") + count, "ratings_sum": F("ratings_sum") + stars}
    if not rows.update(**changes):
        ProductRating.objects.bulk_create(
            [ProductRating(product_id=review.product_id)], ignore_conflicts=True
        )
        rows.update(**changes)
    seller_stats_bump(seller_id=review.seller_id, ratings_count=count, ratings_sum=stars)
    # the storefront caches the product page by this version (and listings by the newest)
    Product.objects.filter(pk=review.product_id).update(updated_at=timezone.now())


def review_reply(*, seller: Seller, review_id: int, text: str) -> Review:
    """The seller's one public answer to a review of one of its own products."""
    text = _clean_text(text, limit=Review.REPLY_MAX_LENGTH, what=_("reply"))
    if not text:
        raise ReviewRefused(_("Write the reply first."))
    with atomic():
        review = Review.objects.select_for_update().filter(pk=review_id, seller=seller).first()
        if review is None:
            raise ReviewRefused(_("There is no such review of your products."))
        if review.replied_at is not None:
            raise ReviewRefused(_("You have replied to this review already."))
        review.reply = text
        review.replied_at = timezone.now()
        review.save(update_fields=["reply", "replied_at"])
        Product.objects.filter(pk=review.product_id).update(updated_at=timezone.now())
    return review


def review_hide(*, review_id: int, reason: str, actor: str) -> Review:
    """Hide an abusive review (operator): it leaves the storefront and every average."""
    reason = _clean_text(reason, limit=Review.HIDE_REASON_MAX_LENGTH, what=_("reason"))
    if not reason:
        raise ReviewRefused(_("Say why the review is hidden: the reason is kept."))
    with atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise ReviewRefused(_("There is no such review."))
        if review.hidden_at is not None:
            raise ReviewRefused(_("This review is hidden already."))
        review.hidden_at = timezone.now()
        review.hidden_reason = reason
        review.hidden_by = actor[:150]
        review.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        _rating_move(review, sign=-1)
    return review
