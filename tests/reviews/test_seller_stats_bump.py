from decimal import Decimal

import pytest

from entrepot.domain.seller_score import SellerCounts, service_score
from entrepot.reviews.models import SellerStats
from entrepot.reviews.services import UnknownCounter, seller_stats_bump
from tests import factories

pytestmark = pytest.mark.django_db


def test_first_bump_creates_the_row_and_later_bumps_add():
    seller = factories.seller()
    seller_stats_bump(seller_id=seller.id, orders_paid=1)
    seller_stats_bump(seller_id=seller.id, orders_paid=2, returns=1)
    stats = SellerStats.objects.get(seller=seller)
    assert (stats.orders_paid, stats.returns, stats.disputes) == (3, 1, 0)


def test_bump_stores_the_score_of_the_new_counts():
    seller = factories.seller()
    seller_stats_bump(seller_id=seller.id, orders_paid=4, disputes=2)
    stats = SellerStats.objects.get(seller=seller)
    assert stats.score == service_score(SellerCounts(orders_paid=4, disputes=2)).score
    assert stats.score < Decimal("81.00")


def test_unknown_counter_is_refused_and_nothing_is_written():
    seller = factories.seller()
    with pytest.raises(UnknownCounter, match="refunds.*allowed: orders_paid"):
        seller_stats_bump(seller_id=seller.id, orders_paid=1, refunds=1)
    assert not SellerStats.objects.filter(seller=seller).exists()


def test_negative_delta_takes_a_count_back():
    seller = factories.seller()
    seller_stats_bump(seller_id=seller.id, ratings_count=2, ratings_sum=9)
    seller_stats_bump(seller_id=seller.id, ratings_count=-1, ratings_sum=-5)
    stats = SellerStats.objects.get(seller=seller)
    assert (stats.ratings_count, stats.ratings_sum) == (1, 4)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_bumps_all_count():
    import threading

    from django.db import connection

    seller = factories.seller()
    errors = []
    start = threading.Barrier(4)

    def bump():
        try:
            start.wait(timeout=10)
            for _ in range(5):
                seller_stats_bump(seller_id=seller.id, orders_paid=1, shipped=1)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    stats = SellerStats.objects.get(seller=seller)
    assert (stats.orders_paid, stats.shipped) == (20, 20)
