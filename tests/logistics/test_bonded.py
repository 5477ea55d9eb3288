"""Bonded warehouse (1210): stock sent ahead, orders picked after clearance, moves recorded."""

import pytest
from django.db.models import Sum

from entrepot.customs.models import CustomsMessage, Declaration
from entrepot.customs.services import declarations_sweep, receipts_collect
from entrepot.domain.customs import ceb_xml
from entrepot.logistics.bonded import (
    ConsignmentRefused,
    bonded_orders_dispatch,
    consignment_receive,
    consignment_send,
)
from entrepot.logistics.models import Stock, StockMovement
from entrepot.logistics.selectors import bonded_stock
from entrepot.logistics.services import bonded_warehouses_ensure
from entrepot.logistics.shipments import carrier_events_poll
from tests import factories
from tests.customs.helpers import paid_order, variant


@pytest.fixture
def ningbo():
    return bonded_warehouses_ensure()[0]


@pytest.fixture
def seller():
    return factories.seller(verification_status="approved")


def _stocked(seller, ningbo, units=20):
    item = variant(seller, stock=0)
    consignment = consignment_send(seller=seller, warehouse=ningbo, lines=[(item, units)],
                                   reference="PO-7")  # fmt: skip
    consignment_receive(consignment=consignment, actor="op")
    item.refresh_from_db()
    return item, consignment


def test_a_received_consignment_becomes_sellable_stock_with_one_inbound_movement(seller, ningbo):
    item, consignment = _stocked(seller, ningbo)
    assert Stock.objects.get(variant=item, warehouse=ningbo).quantity == 20
    assert item.stock == 20
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.quantity, movement.reference) == (
        "inbound", 20, f"consignment:{consignment.pk}",
    )  # fmt: skip
    consignment_receive(consignment=consignment, actor="op")  # again: nothing changes
    assert StockMovement.objects.count() == 1
    assert Stock.objects.get(variant=item, warehouse=ningbo).quantity == 20


def test_a_seller_consigns_only_its_own_products_to_a_bonded_warehouse(seller, ningbo):
    other = factories.seller(verification_status="approved")
    with pytest.raises(ConsignmentRefused, match="not your products"):
        consignment_send(seller=seller, warehouse=ningbo, lines=[(variant(other), 5)])
    from entrepot.logistics.services import warehouse_own_ensure

    with pytest.raises(ConsignmentRefused, match="not a bonded warehouse"):
        consignment_send(seller=seller, warehouse=warehouse_own_ensure(seller=seller),
                         lines=[(variant(seller), 5)])  # fmt: skip


def test_an_order_from_bonded_stock_is_declared_1210_picked_after_clearance_and_shipped(
    seller, ningbo
):
    item, _consignment = _stocked(seller, ningbo)
    order = paid_order(seller=seller, item=item, quantity=3)
    assert order.lines.get().warehouse == ningbo
    declarations_sweep()
    assert Declaration.objects.get(order=order).trade_mode == "1210"
    inventory = CustomsMessage.objects.get(message_type="CEB621")
    assert ceb_xml.parse(inventory.filed_xml.encode()).head.trade_mode == "1210"
    # not cleared yet: nothing is picked
    assert bonded_orders_dispatch() == 0
    receipts_collect()
    assert bonded_orders_dispatch() == 1
    order.refresh_from_db()
    assert order.status == "shipped"
    pick = StockMovement.objects.get(kind="pick")
    assert (pick.quantity, pick.reference) == (-3, f"order:{order.number}")
    assert bonded_orders_dispatch() == 0  # picked and shipped once
    carrier_events_poll()
    order.refresh_from_db()
    assert order.status == "delivered"
    nodes = list(order.shipment.events.order_by("occurred_at", "id").values_list("node", flat=True))
    assert nodes == ["dispatched", "domestic_delivery", "delivered"]


def test_on_the_shelf_is_sellable_plus_reserved_until_picked(seller, ningbo):
    item, _consignment = _stocked(seller, ningbo)
    paid_order(seller=seller, item=item, quantity=4)
    (row,) = bonded_stock()
    assert (row.available, row.on_hand) == (16, 20)  # 4 reserved, still on the shelf
    declarations_sweep()
    receipts_collect()
    bonded_orders_dispatch()
    (row,) = bonded_stock()
    assert (row.available, row.on_hand) == (16, 16)
    assert StockMovement.objects.aggregate(n=Sum("quantity"))["n"] == 16
