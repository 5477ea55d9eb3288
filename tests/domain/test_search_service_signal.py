from decimal import Decimal

from entrepot.domain.search.ranking import (
    RATING_PRIOR,
    Ranked,
    service_boost,
    smoothed_rating,
    sort_ranked,
)


def _r(key, relevance, boost=0.0, rating=RATING_PRIOR):
    return Ranked(key, relevance, Decimal(1), listed=0, boost=boost, rating=rating)


def test_a_better_seller_wins_a_near_tie():
    good, poor = _r(1, 0.80, boost=service_boost(98)), _r(2, 0.81, boost=service_boost(50))
    assert [r.key for r in sort_ranked([poor, good], "relevance")] == [1, 2]


def test_the_best_seller_cannot_lift_a_clearly_weaker_match():
    strong, weak = _r(1, 0.9, boost=service_boost(40)), _r(2, 0.7, boost=service_boost(100))
    assert [r.key for r in sort_ranked([weak, strong], "relevance")] == [1, 2]


def test_a_typical_or_unknown_seller_gets_no_boost():
    assert service_boost(None) == 0.0 and service_boost(Decimal("81.00")) == 0.0


def test_best_rated_uses_the_smoothed_rating_then_relevance():
    assert smoothed_rating(0, 0) == RATING_PRIOR
    assert smoothed_rating(1, 5) < smoothed_rating(50, 240)
    a = _r(1, 0.2, rating=smoothed_rating(50, 240))
    b = _r(2, 0.9, rating=smoothed_rating(0, 0))
    c = _r(3, 0.5, rating=smoothed_rating(0, 0))
    assert [r.key for r in sort_ranked([b, c, a], "best_rated")] == [1, 2, 3]
