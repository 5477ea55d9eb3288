"""Blending scores, price bands, facet counts and sorts of search (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.search.ranking import (
    PRICE_BAND_KEYS,
    Ranked,
    blend,
    facet_counts,
    price_band,
    semantic_strength,
    sort_ranked,
)


def test_keyword_scores_are_relative_to_the_best_match():
    scores = blend({1: 10.0, 2: 5.0}, {})
    assert scores[1] > scores[2] > 0
    assert scores[1] == pytest.approx(2 * scores[2])


def test_meaning_breaks_ties_between_equal_keyword_matches():
    scores = blend({1: 3.0, 2: 3.0}, {1: 0.90, 2: 0.80})
    assert scores[1] > scores[2]


def test_a_listing_found_only_by_meaning_ranks_below_strong_word_matches():
    scores = blend({1: 3.0}, {1: 0.85, 2: 0.92})
    assert scores[1] > scores[2] > 0


def test_when_only_some_words_matched_meaning_counts_most():
    scores = blend({1: 3.0}, {1: 0.84, 2: 0.92}, relaxed=True)
    assert scores[2] > scores[1]


def test_semantic_strength_is_one_for_the_best_and_zero_far_below_it():
    assert semantic_strength(0.9, 0.9) == 1.0
    assert semantic_strength(0.7, 0.9) == 0.0
    assert 0 < semantic_strength(0.85, 0.9) < 1


@given(st.decimals(min_value=0, max_value=100_000, places=2))
def test_every_price_falls_in_exactly_one_band(amount):
    band = price_band(amount)
    assert band in PRICE_BAND_KEYS


def test_band_edges_belong_to_the_band_above():
    assert price_band(Decimal("99.99")) == "0-100"
    assert price_band(Decimal("100")) == "100-200"
    assert price_band(Decimal("1000")) == "1000-"
    assert price_band(None) is None


def test_facet_counts_most_frequent_first_and_several_values_per_item():
    items = [{"m": {"direct"}}, {"m": {"direct", "bonded"}}, {"m": None}]
    assert facet_counts(items, lambda i: i["m"]) == [("direct", 2), ("bonded", 1)]


def _r(key, relevance, price, listed):
    return Ranked(key, relevance, Decimal(price) if price is not None else None, listed)


def test_sorts():
    items = [_r(1, 0.9, "50", 3), _r(2, 0.5, "20", 5), _r(3, 0.7, None, 4), _r(4, 0.7, "80", 1)]
    assert [r.key for r in sort_ranked(items, "relevance")] == [1, 3, 4, 2]
    assert [r.key for r in sort_ranked(items, "price_asc")] == [2, 1, 4, 3]
    assert [r.key for r in sort_ranked(items, "price_desc")] == [4, 1, 2, 3]
    assert [r.key for r in sort_ranked(items, "newest")] == [2, 3, 1, 4]


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="unknown sort 'rating'"):
        sort_ranked([], "rating")
