from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.seller_score import (
    PRIOR_WEIGHT,
    SellerCounts,
    average_rating,
    service_score,
    smoothed_rate,
)


def test_a_new_seller_gets_the_typical_sellers_score():
    score = service_score(SellerCounts())
    assert score.score == Decimal("81.00")
    assert score.on_time_rate == Decimal("0.90") and score.average_rating == Decimal("4.0")


def test_a_few_lucky_orders_do_not_beat_a_long_good_record():
    lucky = service_score(SellerCounts(orders_paid=3, shipped=3, shipped_on_time=3,
                                       ratings_count=3, ratings_sum=15))  # fmt: skip
    proven = service_score(SellerCounts(orders_paid=3000, shipped=3000, shipped_on_time=2970,
                                        declarations=3000, declarations_rejected=6,
                                        returns=30, disputes=6,
                                        ratings_count=1500, ratings_sum=7200))  # fmt: skip
    assert proven.score > lucky.score > service_score(SellerCounts()).score


def test_the_prior_weighs_as_ten_orders():
    assert smoothed_rate(0, 0, Decimal("0.9")) == Decimal("0.9")
    assert smoothed_rate(10, 10, Decimal("0.9")) == (10 + PRIOR_WEIGHT * Decimal("0.9")) / 20


def test_late_shipping_rejections_returns_and_disputes_each_lower_the_score():
    base = SellerCounts(orders_paid=100, shipped=100, shipped_on_time=100, declarations=100)
    good = service_score(base).score
    for worse in (
        SellerCounts(orders_paid=100, shipped=100, shipped_on_time=60, declarations=100),
        SellerCounts(orders_paid=100, shipped=100, shipped_on_time=100, declarations=100,
                     declarations_rejected=20),
        SellerCounts(orders_paid=100, shipped=100, shipped_on_time=100, declarations=100,
                     returns=15),
        SellerCounts(orders_paid=100, shipped=100, shipped_on_time=100, declarations=100,
                     disputes=8),
        SellerCounts(orders_paid=100, shipped=100, shipped_on_time=100, declarations=100,
                     ratings_count=50, ratings_sum=60),
    ):  # fmt: skip
        assert service_score(worse).score < good


def test_the_plain_average_rating_has_one_decimal():
    assert average_rating(0, 0) == Decimal(0)
    assert average_rating(11, 3) == Decimal("3.7")


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        smoothed_rate(-1, 3, Decimal("0.5"))


counts = st.integers(min_value=0, max_value=10**6)


@given(counts, counts, counts, counts, counts, counts, counts)
def test_the_score_stays_between_0_and_100(paid, shipped, late, declared, rejected, returns,
                                           ratings):  # fmt: skip
    score = service_score(SellerCounts(
        orders_paid=paid, shipped=shipped, shipped_on_time=max(0, shipped - late),
        declarations=declared, declarations_rejected=min(rejected, declared),
        returns=returns, disputes=returns // 2, ratings_count=ratings,
        ratings_sum=ratings * 3,
    ))  # fmt: skip
    assert Decimal(0) <= score.score <= Decimal(100)
    assert score.score == score.score.quantize(Decimal("0.01"))
