"""Blending keyword and semantic scores; price bands; facet counts; sort orders.

Keyword scores (BM25 on SQLite, ts_rank on PostgreSQL) are not on a common scale,
so each is divided by the best of the query: 1.0 is the best keyword match. Cosine
similarities of multilingual-e5 crowd between about 0.75 (unrelated) and 0.95 (the
same thing), so they are stretched onto 0..1 relative to the query's best: the best
is 1, anything SEMANTIC_SPAN below it (or below SEMANTIC_FLOOR) is 0.

A listing's relevance is KEYWORD_WEIGHT * words + SEMANTIC_WEIGHT * meaning: words
typed count most, meaning breaks ties and finds what words cannot (another
language). When no listing has every word of the query and the search fell back to
listings with any of them, those partial matches are weak evidence: meaning then
weighs RELAXED_SEMANTIC_WEIGHT ("奶粉盒" should find a formula dispenser described in
English before every tin of formula powder).

The seller's service score (0..100, entrepot.domain.seller_score) is a small ranking
signal on top: `service_boost` adds SERVICE_WEIGHT * (score - typical) / 100 to the
relevance order, so a seller at the typical (prior) score changes nothing, the best
possible seller gains at most about 0.02 and a very poor one loses up to about 0.08 —
enough to order near-equal matches, never enough to lift a poor match over a good one.
The relevance reported with each hit stays the text's own.

"best_rated" orders by the product's Bayesian average rating (`smoothed_rating`:
RATING_PRIOR_WEIGHT imaginary reviews of RATING_PRIOR stars added), so one five-star
review does not beat fifty at 4.8; ties fall back to the relevance order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

SERVICE_WEIGHT = 0.1
TYPICAL_SERVICE_SCORE = 81.0  # a new seller's score (entrepot.domain.seller_score)
RATING_PRIOR = 4.0
RATING_PRIOR_WEIGHT = 5
KEYWORD_WEIGHT = 0.7
SEMANTIC_WEIGHT = 0.3
RELAXED_SEMANTIC_WEIGHT = 0.7
SEMANTIC_FLOOR = 0.75
SEMANTIC_SPAN = 0.12

# Price bands in CNY, for the price facet: (key, low, high); high None = no limit.
PRICE_BANDS_CNY: tuple[tuple[str, Decimal, Decimal | None], ...] = (
    ("0-100", Decimal(0), Decimal(100)),
    ("100-200", Decimal(100), Decimal(200)),
    ("200-500", Decimal(200), Decimal(500)),
    ("500-1000", Decimal(500), Decimal(1000)),
    ("1000-", Decimal(1000), None),
)
PRICE_BAND_KEYS = tuple(key for key, _low, _high in PRICE_BANDS_CNY)


def semantic_strength(similarity: float, best: float) -> float:
    """Cosine similarity stretched onto 0..1: 1 for the query's `best`, 0 from
    SEMANTIC_SPAN below it (and at SEMANTIC_FLOOR)."""
    low = max(SEMANTIC_FLOOR, best - SEMANTIC_SPAN)
    if best <= low:
        return 1.0 if similarity >= best else 0.0
    return max(0.0, min(1.0, (similarity - low) / (best - low)))


def blend(
    keyword: dict[int, float], semantic: dict[int, float], *, relaxed: bool = False
) -> dict[int, float]:
    """The relevance of every candidate, 0..1, from its keyword score (higher is
    better, any scale) and its cosine similarity to the query (absent: unknown).
    `relaxed`: the keyword matches have only some of the query's words."""
    semantic_weight = RELAXED_SEMANTIC_WEIGHT if relaxed else SEMANTIC_WEIGHT
    keyword_weight = 1.0 - semantic_weight
    best_keyword = max(keyword.values(), default=0.0)
    best_meaning = max(semantic.values(), default=0.0)
    scores = {}
    for key in keyword.keys() | semantic.keys():
        words = keyword.get(key, 0.0) / best_keyword if best_keyword > 0 else 0.0
        meaning = semantic_strength(semantic[key], best_meaning) if key in semantic else 0.0
        scores[key] = keyword_weight * words + semantic_weight * meaning
    return scores


def price_band(amount_cny: Decimal | None) -> str | None:
    """The key of the band an amount in CNY falls in (low inclusive, high exclusive)."""
    if amount_cny is None:
        return None
    for key, low, high in PRICE_BANDS_CNY:
        if amount_cny >= low and (high is None or amount_cny < high):
            return key
    return None


def facet_counts(items: Iterable, value: Callable[[object], Hashable | Iterable | None]):
    """[(value, count)], most frequent first, ties by value; `value` may return several
    values for one item (a listing in stock in two kinds of warehouse) or None."""
    counts: Counter = Counter()
    for item in items:
        found = value(item)
        if found is None:
            continue
        if isinstance(found, (set, frozenset, list, tuple)):
            counts.update(set(found))
        else:
            counts[found] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def service_boost(score: float | None) -> float:
    """What the seller's service score adds to a listing's relevance order (None: a
    seller nothing has been counted for yet, as typical)."""
    if score is None:
        return 0.0
    return SERVICE_WEIGHT * (float(score) - TYPICAL_SERVICE_SCORE) / 100


def smoothed_rating(ratings_count: int, ratings_sum: int) -> float:
    """The product's average stars pulled towards RATING_PRIOR by RATING_PRIOR_WEIGHT
    imaginary reviews (an unrated product: RATING_PRIOR)."""
    return (ratings_sum + RATING_PRIOR_WEIGHT * RATING_PRIOR) / (
        ratings_count + RATING_PRIOR_WEIGHT
    )


@dataclass(frozen=True)
class Ranked:
    """What a sort needs of a candidate."""

    key: int
    relevance: float
    price_cny: Decimal | None
    listed: float  # any number that is higher for newer listings
    boost: float = 0.0  # service_boost of the seller
    rating: float = RATING_PRIOR  # smoothed_rating of the product


SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_rated")


def sort_ranked(items: list[Ranked], sort: str) -> list[Ranked]:
    """Order candidates; ties fall back to relevance, then to the newest listing.

    Listings without a price in CNY (no exchange rate) go last in price orders.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    by_relevance = sorted(items, key=lambda r: (-(r.relevance + r.boost), -r.listed, -r.key))
    if sort == "relevance":
        return by_relevance
    if sort == "best_rated":
        return sorted(by_relevance, key=lambda r: -r.rating)
    if sort == "newest":
        return sorted(by_relevance, key=lambda r: -r.listed)
    priced = [r for r in by_relevance if r.price_cny is not None]
    unpriced = [r for r in by_relevance if r.price_cny is None]
    priced.sort(key=lambda r: r.price_cny, reverse=sort == "price_desc")
    return priced + unpriced
