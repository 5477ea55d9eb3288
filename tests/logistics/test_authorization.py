"""A seller sees and ships only its own orders; a buyer sees and confirms only theirs;
customs pages are for operators."""

from django.urls import reverse

from entrepot.logistics.models import Shipment
from tests import factories
from tests.customs.helpers import cleared_order


def test_a_seller_sees_only_its_own_orders_to_ship(client):
    mine = cleared_order()
    theirs = cleared_order()
    client.force_login(mine.seller.user)
    page = client.get(reverse("seller_shipping:orders")).content.decode()
    assert mine.number in page and theirs.number not in page
    other = client.get(reverse("seller_shipping:shipment", args=[theirs.number]))
    assert other.status_code == 404


def test_a_seller_cannot_ship_another_sellers_order(client):
    mine = cleared_order()
    theirs = cleared_order()
    client.force_login(mine.seller.user)
    response = client.post(reverse("seller_shipping:shipment", args=[theirs.number]),
                           {"carrier": "simulated"})  # fmt: skip
    assert response.status_code == 404
    assert Shipment.objects.get(order=theirs).status == "booked"
    theirs.refresh_from_db()
    assert theirs.status == "cleared"


def test_an_account_without_a_seller_profile_has_no_shipping_pages(client):
    client.force_login(factories.buyer().user)
    assert client.get(reverse("seller_shipping:orders")).status_code == 403


def test_a_buyer_cannot_confirm_or_see_another_buyers_order(client):
    order = cleared_order()
    stranger = factories.buyer()
    client.force_login(stranger.user)
    confirm = client.post(reverse("delivery:confirm_receipt", args=[order.number]))
    assert confirm.status_code == 404
    assert client.get(reverse("storefront:order", args=[order.number])).status_code == 404


def test_customs_and_bonded_pages_are_for_operators_only(client):
    order = cleared_order()
    client.force_login(order.seller.user)
    for url in (reverse("customs:queue"), reverse("customs:detail", args=[order.declaration.pk]),
                reverse("logistics_backoffice:bonded")):  # fmt: skip
        assert client.get(url).status_code == 302  # to the admin login
    resubmit = client.post(reverse("customs:resubmit", args=[order.declaration.pk]))
    assert resubmit.status_code == 302 and "login" in resubmit["Location"]
