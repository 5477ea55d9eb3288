"""The seller service score: one number from 0 to 100 out of a seller's track record.

Five signals, each a rate over the seller's own history::

    on-time shipping   shipped_on_time / shipped
    customs rejection  declarations_rejected / declarations
    returns            returns / shipped
    disputes           disputes / shipped
    average rating     ratings_sum / ratings_count        (1..5 stars)

Returns and disputes are counted against the orders shipped, not paid: only goods that
left can come back, and a payment then costs the checkout no score recomputation.

A seller with three orders must not outrank one with three thousand on luck, so every
rate is a Bayesian average: the observed counts plus `PRIOR_WEIGHT` imaginary orders
that behave like a typical seller (`PRIORS`)::

    rate = (events + PRIOR_WEIGHT * prior) / (trials + PRIOR_WEIGHT)

and the rating likewise, with `RATING_PRIOR_WEIGHT` imaginary reviews of
`RATING_PRIOR` stars. A new seller therefore starts at the typical seller's score
(81.00) and moves away from it as evidence comes in.

Each rate becomes a part score in 0..1 (1 is best):

    on-time           the rate itself
    rating            (average - 1) / 4
    rejections        1 - rate / 0.20     (20% rejected or worse scores 0)
    returns           1 - rate / 0.20     (20% returned or worse scores 0)
    disputes          1 - rate / 0.10     (10% disputed or worse scores 0)

clipped to 0..1, and the score is 100 * the weighted sum (`WEIGHTS`, summing to 1),
rounded to two decimals. Decimal throughout, so the same counts always give the same
score on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PRIOR_WEIGHT = Decimal(10)
PRIORS = {
    "on_time": Decimal("0.90"),
    "rejection": Decimal("0.02"),
    "returns": Decimal("0.05"),
    "disputes": Decimal("0.02"),
}
RATING_PRIOR = Decimal("4.0")
RATING_PRIOR_WEIGHT = Decimal(5)
# the rate at which a part score reaches 0
WORST = {"rejection": Decimal("0.20"), "returns": Decimal("0.20"), "disputes": Decimal("0.10")}
WEIGHTS = {
    "rating": Decimal("0.35"),
    "on_time": Decimal("0.25"),
    "rejection": Decimal("0.10"),
    "returns": Decimal("0.15"),
    "disputes": Decimal("0.15"),
}
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SellerCounts:
    """A seller's running counters (all zero for a new seller)."""

    orders_paid: int = 0
    shipped: int = 0
    shipped_on_time: int = 0
    declarations: int = 0
    declarations_rejected: int = 0
    orders_completed: int = 0
    returns: int = 0
    disputes: int = 0
    ratings_count: int = 0
    ratings_sum: int = 0


@dataclass(frozen=True)
class ServiceScore:
    """The smoothed rates and the overall score (0..100, two decimals)."""

    on_time_rate: Decimal
    rejection_rate: Decimal
    return_rate: Decimal
    dispute_rate: Decimal
    average_rating: Decimal
    score: Decimal


def smoothed_rate(
    events: int, trials: int, prior: Decimal, weight: Decimal = PRIOR_WEIGHT
) -> Decimal:
    """The Bayesian average of `events` out of `trials`, pulled towards `prior`."""
    if events < 0 or trials < 0:
        raise ValueError(f"counts cannot be negative: {events} of {trials}")
    return (Decimal(events) + weight * prior) / (Decimal(trials) + weight)


def average_rating(ratings_sum: int, ratings_count: int) -> Decimal:
    """The plain average of the visible ratings, or None-like 0 when there are none."""
    if ratings_count <= 0:
        return Decimal(0)
    return (Decimal(ratings_sum) / Decimal(ratings_count)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _clip(x: Decimal) -> Decimal:
    return max(Decimal(0), min(Decimal(1), x))


def service_score(counts: SellerCounts) -> ServiceScore:
    """The seller's smoothed rates and 0..100 service score (see the module docstring)."""
    on_time = smoothed_rate(counts.shipped_on_time, counts.shipped, PRIORS["on_time"])
    rejection = smoothed_rate(
        counts.declarations_rejected, counts.declarations, PRIORS["rejection"]
    )
    returns = smoothed_rate(counts.returns, counts.shipped, PRIORS["returns"])
    disputes = smoothed_rate(counts.disputes, counts.shipped, PRIORS["disputes"])
    rating = smoothed_rate(
        counts.ratings_sum, counts.ratings_count, RATING_PRIOR, RATING_PRIOR_WEIGHT
    )
    parts = {
        "rating": _clip((rating - 1) / 4),
        "on_time": _clip(on_time),
        "rejection": _clip(1 - rejection / WORST["rejection"]),
        "returns": _clip(1 - returns / WORST["returns"]),
        "disputes": _clip(1 - disputes / WORST["disputes"]),
    }
    total = sum((WEIGHTS[k] * parts[k] for k in WEIGHTS), Decimal(0))
    return ServiceScore(
        on_time_rate=on_time,
        rejection_rate=rejection,
        return_rate=returns,
        dispute_rate=disputes,
        average_rating=rating,
        score=(100 * total).quantize(_CENT, ROUND_HALF_UP),
    )
