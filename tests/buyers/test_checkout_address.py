"""The checkout's delivery step uses the address book (issue 5)."""

from datetime import date

import pytest
from django.urls import reverse

from entrepot.buyers.models import BuyerAddress
from entrepot.buyers.services import AddressFields, address_add, identity_verify
from entrepot.domain.china_divisions import Division
from entrepot.orders.models import Checkout, Order
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.orders.test_checkout import _variant

pytestmark = pytest.mark.django_db
CHECKOUT = "/checkout/"


@pytest.fixture
def variant():
    factories.rates()
    positive_list_load_sample()
    return _variant(factories.seller(verification_status="approved"))


@pytest.fixture
def buyer_client(client, settings, variant):
    buyer = factories.buyer()
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    client.force_login(buyer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    client.buyer = buyer
    return client


def _add(buyer, recipient, street, *, district="西湖区", default=False) -> BuyerAddress:
    fields = AddressFields(recipient=recipient, phone="13900139000", street=street,
                           division=Division("浙江省", "杭州市", district))  # fmt: skip
    return address_add(buyer=buyer, fields=fields, make_default=default)


def test_the_cart_preselects_the_default_address(buyer_client):
    _add(buyer_client.buyer, "李雷", "文一路1号")
    default = _add(buyer_client.buyer, "韩梅梅", "文二路2号", district="拱墅区", default=True)
    page = buyer_client.get("/cart/").content.decode()
    assert _checked_value(page) == str(default.pk)
    assert "浙江省杭州市拱墅区文二路2号" in page


def _checked_value(page: str) -> str:
    import re

    found = re.search(r'<input type="radio" name="saved_address" value="([^"]+)"[^>]*checked', page)
    return found.group(1) if found else ""


def test_checkout_with_the_preselected_default_fills_the_consignee(buyer_client):
    _add(buyer_client.buyer, "李雷", "文一路1号")
    default = _add(buyer_client.buyer, "韩梅梅", "文二路2号", district="拱墅区", default=True)
    response = buyer_client.post(CHECKOUT, {"saved_address": _checked_value(
        buyer_client.get("/cart/").content.decode())})  # fmt: skip
    assert response.status_code == 302 and "/checkout/" in response["Location"]
    checkout = Checkout.objects.get()
    assert (checkout.consignee_name, checkout.consignee_phone, checkout.consignee_address) == (
        "韩梅梅", "13900139000", "浙江省杭州市拱墅区文二路2号"
    )  # fmt: skip
    assert default.address_line == checkout.consignee_address


def test_a_new_address_at_checkout_is_used_and_kept_in_the_book(buyer_client):
    _add(buyer_client.buyer, "李雷", "文一路1号")
    response = buyer_client.post(CHECKOUT, {
        "saved_address": "new", "consignee_name": "王芳", "consignee_phone": "+86 13800138000",
        "province": "北京市", "city": "北京市", "district": "朝阳区",
        "consignee_address": "建国路1号",
    })  # fmt: skip
    assert response.status_code == 302
    assert Checkout.objects.get().consignee_address == "北京市朝阳区建国路1号"
    kept = BuyerAddress.objects.get(buyer=buyer_client.buyer, street="建国路1号")
    assert (kept.recipient, kept.phone, kept.is_default) == ("王芳", "13800138000", False)


def test_the_first_address_typed_at_checkout_becomes_the_default(buyer_client, variant):
    buyer_client.post(CHECKOUT, {"consignee_name": "王芳", "consignee_phone": "13800138000",
                                 "consignee_address": "浙江省杭州市西湖区文三路100号"})  # fmt: skip
    kept = BuyerAddress.objects.get(buyer=buyer_client.buyer)
    assert kept.is_default and kept.address_line == "浙江省杭州市西湖区文三路100号"
    buyer_client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    assert _checked_value(buyer_client.get("/cart/").content.decode()) == str(kept.pk)


def test_the_same_new_address_twice_is_kept_once(buyer_client, variant):
    data = {"consignee_name": "王芳", "consignee_phone": "13800138000",
            "consignee_address": "浙江省杭州市西湖区文三路100号"}  # fmt: skip
    buyer_client.post(CHECKOUT, data)
    buyer_client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    buyer_client.post(CHECKOUT, {**data, "saved_address": "new"})
    assert BuyerAddress.objects.filter(buyer=buyer_client.buyer).count() == 1
    assert Order.objects.count() == 2


def test_a_city_not_in_the_province_is_refused_at_checkout(buyer_client):
    page = buyer_client.post(CHECKOUT, {
        "consignee_name": "王芳", "consignee_phone": "13800138000", "province": "江苏省",
        "city": "杭州市", "district": "西湖区", "consignee_address": "文三路100号",
    }, follow=True).content.decode()  # fmt: skip
    assert "杭州市 is not a city of 江苏省" in page
    assert not Order.objects.exists() and not BuyerAddress.objects.exists()


def test_another_buyers_address_cannot_be_chosen(buyer_client):
    theirs = _add(factories.buyer(), "陌生人", "秘密路1号", default=True)
    _add(buyer_client.buyer, "李雷", "文一路1号")
    page = buyer_client.post(CHECKOUT, {"saved_address": str(theirs.pk)}, follow=True)
    assert not Order.objects.exists()
    assert "秘密路1号" not in page.content.decode()


def test_a_saved_address_and_a_typed_street_together_are_refused(buyer_client):
    mine = _add(buyer_client.buyer, "李雷", "文一路1号")
    page = buyer_client.post(CHECKOUT, {"saved_address": str(mine.pk),
                                        "consignee_address": "文二路2号"}, follow=True)  # fmt: skip
    assert "You chose a saved address and also typed a new one" in page.content.decode()
    assert not Order.objects.exists()


def test_a_slip_in_the_unused_new_address_fields_does_not_block_a_saved_address(buyer_client):
    mine = _add(buyer_client.buyer, "李雷", "文一路1号", default=True)
    response = buyer_client.post(CHECKOUT, {"saved_address": str(mine.pk),
                                            "consignee_phone": "12"})  # fmt: skip
    assert response.status_code == 302
    assert Checkout.objects.get().consignee_address == mine.address_line


def test_a_buyer_outside_china_checks_out_with_the_address_written_as_at_home(client):
    factories.rates()
    positive_list_load_sample()
    variant = _variant(factories.seller(verification_status="approved"))
    buyer = factories.buyer(country="US", display_name="Mary Jones", province="OH",
                            city="Columbus")  # fmt: skip
    client.force_login(buyer.user)
    client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    cart = client.get(reverse("storefront:cart")).content.decode()
    assert 'name="province"' not in cart  # no Chinese divisions to choose from
    refused = client.post(reverse("storefront:checkout"), {
        "consignee_name": "Mary Jones", "consignee_phone": "call me",
        "consignee_address": "12 Oak St, Columbus OH 43004",
    }, follow=True).content.decode()  # fmt: skip
    assert "+1 614 555 0100" in refused and not Checkout.objects.exists()
    placed = client.post(reverse("storefront:checkout"), {
        "consignee_name": "Mary Jones", "consignee_phone": "+1 614 555 0100",
        "consignee_address": "12 Oak St, Columbus OH 43004",
    })  # fmt: skip
    assert placed.status_code == 302, placed
    checkout = Checkout.objects.get()
    assert checkout.consignee_address == "12 Oak St, Columbus OH 43004"
    assert checkout.consignee_phone == "+1 614 555 0100"
    assert not buyer.addresses.exists()
