"""Seller central, Shipping: packing list, label data, customs status, shipping by form."""

from django.urls import reverse

from entrepot.customs.services import declarations_sweep, receipts_collect
from entrepot.logistics.models import InboundConsignment
from entrepot.logistics.services import bonded_warehouses_ensure
from tests.customs.helpers import cleared_order, cn_buyer, paid_order, variant


def test_the_order_page_has_the_packing_list_label_data_and_a_ship_form(client):
    order = cleared_order()
    client.force_login(order.seller.user)
    page = client.get(reverse("seller_shipping:shipment", args=[order.number])).content.decode()
    line = order.lines.get()
    for text in (order.shipment.waybill_no, "浙江省杭州市西湖区文三路100号", "13800138000",
                 line.variant.sku, "Cleared (released by customs)", "Confirm shipped"):  # fmt: skip
        assert text in page, text


def test_shipping_with_the_own_carrier_by_the_form(client):
    order = cleared_order()
    client.force_login(order.seller.user)
    url = reverse("seller_shipping:shipment", args=[order.number])
    refused = client.post(url, {"carrier": "manual", "tracking_no": ""})
    assert refused.status_code == 200 and "Type the tracking number" in refused.content.decode()
    done = client.post(url, {"carrier": "manual", "tracking_no": "LX123456789US"}, follow=True)
    assert "is shipped" in done.content.decode()
    order.refresh_from_db()
    assert order.status == "shipped" and order.shipment.tracking_no == "LX123456789US"


def test_a_held_declaration_shows_its_reason_in_plain_words(client):
    order = paid_order(buyer=cn_buyer(verified=False))
    declarations_sweep()
    receipts_collect()
    client.force_login(order.seller.user)
    page = client.get(reverse("seller_shipping:orders")).content.decode()
    assert "real-name verification is missing" in page
    detail = client.get(reverse("seller_shipping:shipment", args=[order.number])).content.decode()
    assert "You can ship once customs have cleared the order." in detail


def test_a_seller_announces_a_consignment_to_a_bonded_warehouse(client):
    order = cleared_order()
    seller = order.seller
    item = variant(seller, stock=0)
    client.force_login(seller.user)
    url = reverse("seller_shipping:consignments")
    ningbo = bonded_warehouses_ensure()[0]
    assert ningbo.name in client.get(url).content.decode()
    client.post(url, {"warehouse": ningbo.pk, "variant": item.pk, "quantity": 50,
                      "reference": "PO-9"})  # fmt: skip
    consignment = InboundConsignment.objects.get()
    assert (consignment.seller, consignment.warehouse, consignment.reference) == (
        seller, ningbo, "PO-9")  # fmt: skip
    assert consignment.lines.get().quantity == 50
