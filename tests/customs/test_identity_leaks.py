"""Declaring to customs needs the buyer's ID number in the messages; it is nowhere in clear
afterwards: not in the database, not in a log, not in a page."""

import logging

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.customs.models import Declaration
from entrepot.customs.services import declarations_sweep, receipts_collect
from entrepot.domain.resident_id import check_character, mask_resident_id
from entrepot.logistics.shipments import carrier_events_poll, shipment_ship
from tests import factories
from tests.buyers.test_leaks import _all_stored_text
from tests.customs.helpers import cn_buyer, paid_order

NUMBER = "32010619900307123" + check_character("32010619900307123")


def test_the_id_number_is_in_no_row_log_or_page_after_declaring_and_delivering(client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    with CaptureQueriesContext(connection):  # SQL with its parameters, logged at DEBUG
        order = paid_order(buyer=cn_buyer(name="张伟", id_number=NUMBER), payer_name="张伟")
        declarations_sweep()
        receipts_collect()
        order.refresh_from_db()
        shipment_ship(shipment=order.shipment, actor="seller")
        carrier_events_poll()
        client.force_login(factories.user(is_staff=True))
        declaration = Declaration.objects.get(order=order)
        pages = [
            client.get(reverse("customs:queue")),
            client.get(reverse("customs:detail", args=[declaration.pk])),
        ]
        client.force_login(order.seller.user)
        pages.append(client.get(reverse("seller_shipping:shipment", args=[order.number])))
        client.force_login(order.buyer.user)
        pages.append(client.get(reverse("storefront:order", args=[order.number])))
    assert declaration.status == "cleared"
    for page in pages:
        assert page.status_code == 200
        assert NUMBER not in page.content.decode().upper()
    assert mask_resident_id(NUMBER) in pages[1].content.decode()
    assert "INSERT INTO" in caplog.text  # the SQL was captured
    assert NUMBER not in caplog.text.upper()
    assert NUMBER not in _all_stored_text().upper()
