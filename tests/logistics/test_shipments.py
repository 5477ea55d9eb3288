"""Shipping a cleared order, carrier events to the door, and the buyer's confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from entrepot.ledger.selectors import ledger_check, seller_payable
from entrepot.logistics.carriers import CarrierEvent
from entrepot.logistics.models import TrackingEvent
from entrepot.logistics.selectors import tracking_of
from entrepot.logistics.shipments import (
    ConfirmRefused,
    ShipRefused,
    carrier_events_poll,
    order_receipt_confirm,
    shipment_ship,
    tracking_event_record,
)
from entrepot.orders.selectors import escrow_expected
from tests.customs.helpers import cleared_order, paid_order


def test_an_order_not_cleared_yet_cannot_ship():
    from entrepot.customs.services import declarations_sweep

    order = paid_order()
    declarations_sweep()  # submitted, no receipt yet
    with pytest.raises(ShipRefused, match="not cleared"):
        shipment_ship(shipment=order.shipment, actor="seller")


def test_shipping_moves_the_order_and_records_the_first_node():
    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    order.refresh_from_db()
    assert order.status == "shipped"
    assert list(order.shipment.events.values_list("node", flat=True)) == ["dispatched"]
    assert order.shipment.tracking_no == order.shipment.waybill_no


def test_the_own_carrier_needs_the_tracking_number_the_seller_typed():
    order = cleared_order()
    with pytest.raises(ShipRefused, match="tracking number"):
        shipment_ship(shipment=order.shipment, actor="seller", carrier="manual")
    shipment = shipment_ship(shipment=order.shipment, actor="seller", carrier="manual",
                             tracking_no="9400111899223344556677")  # fmt: skip
    assert shipment.carrier == "manual" and shipment.tracking_no == "9400111899223344556677"


def test_shipping_twice_is_refused():
    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    with pytest.raises(ShipRefused, match="already"):
        shipment_ship(shipment=order.shipment, actor="seller")


def test_the_simulated_carrier_reports_every_node_to_delivered():
    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    assert carrier_events_poll() == 5  # the dispatched node is already there
    order.refresh_from_db()
    assert order.status == "delivered"
    timeline = tracking_of(order).timeline
    assert [n.node for n in timeline] == ["dispatched", "line_haul", "arrived_cn",
                                          "customs_clearance", "domestic_delivery", "delivered"]
    assert timeline[-1].description == "已签收，感谢使用"
    assert carrier_events_poll() == 0  # nothing new: nothing recorded twice


def test_the_simulated_carrier_reports_one_node_per_step(settings):
    settings.ENTREPOT_SIM_CARRIER_STEP_MINUTES = 240
    order = cleared_order()
    shipped = timezone.now()
    shipment_ship(shipment=order.shipment, actor="seller", now=shipped)
    assert carrier_events_poll(now=shipped + timedelta(hours=5)) == 1  # line haul
    assert carrier_events_poll(now=shipped + timedelta(hours=5)) == 0
    assert carrier_events_poll(now=shipped + timedelta(hours=20)) == 4
    order.refresh_from_db()
    assert order.status == "delivered"


def test_a_repeated_or_late_carrier_event_is_recorded_once_and_sorted_by_route():
    order = cleared_order()
    shipment = shipment_ship(shipment=order.shipment, actor="seller")
    now = timezone.now()
    later = CarrierEvent("arrived_cn", now + timedelta(days=3), "", "到达", "X:arrived")
    earlier = CarrierEvent("line_haul", now + timedelta(days=1), "", "干线", "X:haul")
    assert tracking_event_record(shipment=shipment, event=later)
    assert tracking_event_record(shipment=shipment, event=earlier)
    assert not tracking_event_record(shipment=shipment, event=later)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    assert [n.node for n in tracking_of(order).timeline] == ["dispatched", "line_haul",
                                                             "arrived_cn"]  # fmt: skip


def test_a_manual_carriers_parcel_counts_as_delivered_after_the_window(settings):
    settings.ENTREPOT_MANUAL_DELIVERY_DAYS = 30
    order = cleared_order()
    shipped = timezone.now()
    shipment_ship(shipment=order.shipment, actor="seller", carrier="manual",
                  tracking_no="LX123456789US", now=shipped)  # fmt: skip
    assert carrier_events_poll(now=shipped + timedelta(days=29)) == 0
    assert carrier_events_poll(now=shipped + timedelta(days=31)) == 1
    order.refresh_from_db()
    assert order.status == "delivered"
    assert "reports no tracking" in tracking_of(order).timeline[-1].note


def test_the_buyers_confirmation_of_a_shipped_order_releases_escrow_to_the_seller():
    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    assert seller_payable(order.seller_id) == {}
    order = order_receipt_confirm(order=order, actor="buyer")
    assert order.status == "completed"
    assert [e.event for e in order.events.all()][-2:] == ["deliver", "complete"]
    assert seller_payable(order.seller_id)["CNY"].amount > 0
    assert ledger_check(expected_escrow=escrow_expected()).ok
    with pytest.raises(ConfirmRefused):
        order_receipt_confirm(order=order, actor="buyer")


def test_auto_confirmation_after_delivery_releases_escrow():
    from entrepot.orders.services import orders_auto_confirm

    order = cleared_order()
    shipment_ship(shipment=order.shipment, actor="seller")
    carrier_events_poll()
    assert orders_auto_confirm(now=timezone.now() + timedelta(days=15)) == 1
    order.refresh_from_db()
    assert order.status == "completed"
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_a_buyer_cannot_confirm_an_order_not_shipped():
    order = cleared_order()
    with pytest.raises(ConfirmRefused):
        order_receipt_confirm(order=order, actor="buyer")


def test_an_order_shipping_outside_china_ships_once_paid_without_a_declaration():
    from entrepot.customs.models import Declaration
    from entrepot.customs.services import declarations_sweep
    from entrepot.logistics.shipments import shipments_book_undeclared
    from tests import factories

    order = paid_order(buyer=factories.buyer(country="US", display_name="Mary Jones",
                                             province="OH", city="Columbus"))  # fmt: skip
    declarations_sweep()
    assert not Declaration.objects.filter(order=order).exists()  # not China: nothing to declare
    assert shipments_book_undeclared() == 1
    assert shipments_book_undeclared() == 0  # booked once
    order.refresh_from_db()
    shipment_ship(shipment=order.shipment, actor="seller")
    order.refresh_from_db()
    assert order.status == "shipped"
