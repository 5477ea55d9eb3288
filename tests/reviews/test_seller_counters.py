"""The counters move where things happen, and a recount from history agrees with them."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from entrepot.customs.models import Declaration
from entrepot.customs.services import declarations_sweep, receipts_collect
from entrepot.logistics.shipments import shipment_ship
from entrepot.orders.models import Order
from entrepot.orders.services import order_transition
from entrepot.reviews.models import COUNTERS, SellerStats
from entrepot.reviews.recompute import seller_stats_recompute
from entrepot.reviews.services import (
    customs_outcome_counts,
    review_hide,
    review_post,
    seller_stats_bump,
)
from tests import factories
from tests.customs.conftest import customs_settings, market  # noqa: F401 (fixtures)
from tests.customs.helpers import cleared_order, paid_order

pytestmark = pytest.mark.django_db


def _counters(seller) -> dict[str, int]:
    stats = SellerStats.objects.filter(seller=seller).first()
    return {n: getattr(stats, n) if stats else 0 for n in COUNTERS}


def test_paying_shipping_and_completing_count_for_the_seller():
    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    order = order_transition(order=Order.objects.get(pk=order.pk), event="deliver")
    order_transition(order=order, event="complete")
    counts = _counters(order.seller)
    assert counts["orders_paid"] == 1
    assert (counts["shipped"], counts["shipped_on_time"]) == (1, 1)
    assert counts["orders_completed"] == 1
    assert (counts["declarations"], counts["declarations_rejected"]) == (1, 0)


def test_shipping_after_the_handling_time_is_not_on_time(settings):
    settings.ENTREPOT_SHIP_WITHIN_HOURS = 48
    order = cleared_order()
    Order.objects.filter(pk=order.pk).update(paid_at=order.paid_at - timedelta(hours=49))
    shipment_ship(shipment=order.shipment, actor="seller")
    counts = _counters(order.seller)
    assert (counts["shipped"], counts["shipped_on_time"]) == (1, 0)


def test_a_customs_rejection_counts_and_so_does_the_acceptance_after_correction(settings):
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    assert Declaration.objects.get(order=order).status == "rejected"
    counts = _counters(order.seller)
    assert (counts["declarations"], counts["declarations_rejected"]) == (1, 1)


def test_customs_outcomes_count_rejections_and_first_acceptances_only():
    assert customs_outcome_counts("submitted", "rejected") == {
        "declarations": 1,
        "declarations_rejected": 1,
    }
    assert customs_outcome_counts("submitted", "accepted") == {"declarations": 1}
    assert customs_outcome_counts("accepted", "cleared") == {}
    assert customs_outcome_counts("submitted", "cleared") == {"declarations": 1}
    assert customs_outcome_counts("pending", "held") == {}


def test_recounting_from_history_gives_the_incremental_counters(settings):
    seller = factories.seller(verification_status="approved")
    buyer = factories.buyer()
    shipped = cleared_order(seller=seller)
    shipment_ship(shipment=shipped.shipment, actor="seller")
    done = order_transition(order=Order.objects.get(pk=shipped.pk), event="deliver")
    done = order_transition(order=done, event="complete")
    Order.objects.filter(pk=done.pk).update(buyer=buyer)
    kept = review_post(buyer=buyer, order_line_id=done.lines.first().id, stars=4, text="好")
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0
    paid_order(seller=seller)
    declarations_sweep()
    receipts_collect()
    other = factories.seller(verification_status="approved")
    paid_order(seller=other)
    incremental = {s: _counters(s) for s in (seller, other)}
    assert incremental[seller]["ratings_count"] == 1
    assert incremental[seller]["declarations_rejected"] == 1
    scores = dict(SellerStats.objects.values_list("seller_id", "score"))

    SellerStats.objects.update(orders_paid=0, shipped=99, ratings_sum=0, score=0)
    seller_stats_recompute()
    assert {s: _counters(s) for s in (seller, other)} == incremental
    assert dict(SellerStats.objects.values_list("seller_id", "score")) == scores

    review_hide(review_id=kept.id, reason="abuse", actor="op")
    hidden = _counters(seller)
    seller_stats_recompute()
    assert _counters(seller) == hidden and hidden["ratings_count"] == 0


def test_the_check_command_reports_counters_that_differ(capsys):
    order = paid_order()
    call_command("seller_stats_recompute", "--check")
    assert "0 sellers differ" in capsys.readouterr().out
    seller_stats_bump(seller_id=order.seller_id, orders_paid=2)
    call_command("seller_stats_recompute", "--check")
    assert "orders_paid 3 -> 1" in capsys.readouterr().out
    call_command("seller_stats_recompute")
    assert _counters(order.seller)["orders_paid"] == 1
