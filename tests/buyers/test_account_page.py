"""The account page at /account/ and its links (issue 5)."""

from datetime import date

import pytest

from entrepot.buyers.services import AddressFields, address_add, identity_verify
from entrepot.domain.china_divisions import Division
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_client(client, settings):
    buyer = factories.buyer(phone="13800138000")
    client.force_login(buyer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.buyer = buyer
    return client


def test_the_account_page_links_orders_addresses_and_identity(buyer_client):
    page = buyer_client.get("/account/").content.decode()
    for url in ("/orders/", "/account/addresses/", "/account/identity/"):
        assert f'href="{url}"' in page
    assert "13800138000" in page


def test_the_account_page_shows_the_default_address_and_the_masked_id(buyer_client):
    buyer = buyer_client.buyer
    address_add(buyer=buyer, fields=AddressFields(
        recipient="王芳", phone="13800138000", division=Division("浙江省", "杭州市", "西湖区"),
        street="文三路100号"))  # fmt: skip
    identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    page = buyer_client.get("/account/").content.decode()
    assert "浙江省杭州市西湖区文三路100号" in page
    assert "110105********002X" in page and "11010519491231002X" not in page


def test_the_header_links_the_account_page_for_buyers(buyer_client):
    assert 'href="/account/"' in buyer_client.get("/cart/").content.decode()


def test_accounts_without_a_buyer_profile_are_refused(client):
    client.force_login(factories.user())
    assert client.get("/account/").status_code == 403
