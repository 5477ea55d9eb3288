"""Direct mail: an order not shipped within 120 hours of payment is flagged, the seller
reminded by e-mail and shown a notice in seller central."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from entrepot.logistics.shipments import shipment_ship, shipments_flag_overdue
from tests import factories
from tests.customs.helpers import cleared_order


def _seller():
    return factories.seller(verification_status="approved", contact_email="ship@buckeye.example")


def test_an_order_not_shipped_within_120_hours_is_flagged_and_its_seller_reminded_once():
    order = cleared_order(seller=_seller())
    shipment = order.shipment
    assert shipment.ship_by == order.paid_at + timedelta(hours=120)
    assert shipments_flag_overdue(now=order.paid_at + timedelta(hours=119)) == 0
    assert shipments_flag_overdue(now=order.paid_at + timedelta(hours=121)) == 1
    assert shipments_flag_overdue(now=order.paid_at + timedelta(hours=140)) == 0
    shipment.refresh_from_db()
    assert shipment.overdue_at is not None and shipment.reminded_at is not None
    (message,) = mail.outbox
    assert message.to == ["ship@buckeye.example"]
    assert order.number in message.subject and "120 hours" in message.subject


def test_a_shipped_order_is_not_flagged():
    order = cleared_order(seller=_seller())
    shipment_ship(shipment=order.shipment, actor="seller")
    assert shipments_flag_overdue(now=timezone.now() + timedelta(days=30)) == 0
    assert mail.outbox == []


def test_the_window_is_a_setting(settings):
    settings.ENTREPOT_SHIP_WITHIN_HOURS = 48
    order = cleared_order(seller=_seller())
    assert order.shipment.ship_by == order.paid_at + timedelta(hours=48)


def test_seller_central_shows_the_flag_and_a_notice(client):
    seller = _seller()
    order = cleared_order(seller=seller)
    shipments_flag_overdue(now=order.paid_at + timedelta(hours=121))
    client.force_login(seller.user)
    page = client.get(reverse("seller_shipping:orders")).content.decode()
    assert "Not shipped within 120 hours: 1" in page
    assert f'id="shipment-{order.number}"' in page and "overdue" in page
    detail = client.get(reverse("seller_shipping:shipment", args=[order.number])).content.decode()
    assert "Not shipped within 120 hours of payment" in detail
