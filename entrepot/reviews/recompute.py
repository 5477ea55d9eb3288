"""Rebuild the service counters and product ratings from history.

For data that existed before the counters did, or to check them: every counter is
recounted from the records the incremental hooks see happen, by the same rules
(`entrepot.reviews.services`):

    orders_paid, shipped, orders_completed   order events pay, ship, complete
    shipped_on_time                          ship events within the handling time of
                                             the order's payment
    declarations, declarations_rejected      customs receipt events, counted by
                                             `customs_outcome_counts`
    returns                                  return requests the seller accepted (now
                                             accepted, received, refunded or expired)
    disputes                                 disputes opened
    ratings_count, ratings_sum               visible reviews (also per product)

Each seller's row is written under its row lock; an event that happens between the
count and the write is lost, so run it when the site is quiet (it is idempotent).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum
from django.db.transaction import atomic

from entrepot.customs.models import DeclarationEvent
from entrepot.domain.seller_score import SellerCounts, service_score
from entrepot.orders.models import OrderEvent
from entrepot.reviews.models import COUNTERS, ProductRating, Review, SellerStats
from entrepot.reviews.services import customs_outcome_counts, shipped_on_time

_EVENT_COUNTERS = {"pay": "orders_paid", "ship": "shipped", "complete": "orders_completed"}


def seller_counts_from_history() -> dict[int, dict[str, int]]:
    """{seller id: {counter: value}} recounted from orders, customs, after-sales and
    reviews (sellers with nothing counted are absent)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    rows = (
        OrderEvent.objects.filter(event__in=list(_EVENT_COUNTERS))
        .values_list("order__seller_id", "event", "created_at", "order__paid_at")
        .iterator(chunk_size=2000)
    )
    for seller_id, event, at, paid_at in rows:
        counts[seller_id][_EVENT_COUNTERS[event]] += 1
        if event == "ship" and shipped_on_time(paid_at=paid_at, shipped_at=at):
            counts[seller_id]["shipped_on_time"] += 1
    receipts = (
        DeclarationEvent.objects.filter(action="receipt")
        .values_list("declaration__order__seller_id", "from_status", "to_status")
        .iterator(chunk_size=2000)
    )
    for seller_id, before, after in receipts:
        for name, n in customs_outcome_counts(before, after).items():
            counts[seller_id][name] += n
    for seller_id, returns, disputes in _aftersales():
        counts[seller_id]["returns"] += returns
        counts[seller_id]["disputes"] += disputes
    visible = (
        Review.objects.filter(hidden_at__isnull=True)
        .values("seller_id")
        .annotate(n=Count("id"), stars=Sum("stars"))
    )
    for row in visible:
        counts[row["seller_id"]]["ratings_count"] = row["n"]
        counts[row["seller_id"]]["ratings_sum"] = row["stars"]
    return dict(counts)


def _aftersales() -> list[tuple[int, int, int]]:
    from django.apps import apps

    if not apps.is_installed("entrepot.aftersales"):
        return []
    from entrepot.aftersales.models import Dispute, ReturnRequest

    accepted = ("accepted", "received", "refunded", "expired")
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    returns = (
        ReturnRequest.objects.filter(status__in=accepted)
        .values("order__seller_id")
        .annotate(n=Count("id"))
    )
    for row in returns:
        found[row["order__seller_id"]][0] = row["n"]
    for row in Dispute.objects.values("order__seller_id").annotate(n=Count("id")):
        found[row["order__seller_id"]][1] = row["n"]
    return [(seller_id, r, d) for seller_id, (r, d) in found.items()]


def seller_stats_recompute() -> int:
    """Overwrite every seller's counters and score (and every product's rating) with
    the recount; returns how many seller rows were written."""
    recounted = seller_counts_from_history()
    for seller_id in SellerStats.objects.exclude(seller_id__in=list(recounted)).values_list(
        "seller_id", flat=True
    ):
        recounted[seller_id] = dict.fromkeys(COUNTERS, 0)
    for seller_id, counts in sorted(recounted.items()):
        with atomic():
            SellerStats.objects.bulk_create(
                [SellerStats(seller_id=seller_id)], ignore_conflicts=True
            )
            SellerStats.objects.select_for_update().filter(seller_id=seller_id).first()
            score = service_score(SellerCounts(**counts)).score
            SellerStats.objects.filter(seller_id=seller_id).update(**counts, score=score)
    _product_ratings_recompute()
    return len(recounted)


def _product_ratings_recompute() -> None:
    visible = {
        row["product_id"]: (row["n"], row["stars"])
        for row in Review.objects.filter(hidden_at__isnull=True)
        .values("product_id")
        .annotate(n=Count("id"), stars=Sum("stars"))
    }
    with atomic():
        ProductRating.objects.exclude(product_id__in=list(visible)).update(
            ratings_count=0, ratings_sum=0
        )
        for product_id, (n, stars) in visible.items():
            ProductRating.objects.update_or_create(
                product_id=product_id, defaults={"ratings_count": n, "ratings_sum": stars}
            )
