"""The buyer's address book under /account/addresses/ (issue 5)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.buyers.models import BuyerAddress
from entrepot.buyers.services import AddressFields, address_add
from entrepot.domain.china_divisions import Division
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/account/addresses/"
ADDRESS = {
    "recipient": "王芳", "phone": "13800138000", "province": "浙江省", "city": "杭州市",
    "district": "西湖区", "street": "文三路100号", "postcode": "310012",
}  # fmt: skip


@pytest.fixture
def buyer_client(client, settings):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.buyer = buyer
    return client


def _saved(buyer, *, street="文三路100号", default=False) -> BuyerAddress:
    division = Division("浙江省", "杭州市", "西湖区")
    fields = AddressFields(recipient="王芳", phone="13800138000", division=division, street=street)
    return address_add(buyer=buyer, fields=fields, make_default=default)


def _errors(response) -> dict:
    assert response.status_code == 200
    return {field: " ".join(errors) for field, errors in response.context["form"].errors.items()}


def test_pages_are_mounted_under_account_addresses():
    assert reverse("buyers:addresses") == URL
    assert reverse("buyers:address_add") == f"{URL}add/"
    assert reverse("buyers:address_edit", args=[7]) == f"{URL}7/edit/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_first_address_added_becomes_the_default(buyer_client):
    response = buyer_client.post(f"{URL}add/", ADDRESS)
    assert response.status_code == 302 and response["Location"] == URL
    address = BuyerAddress.objects.get(buyer=buyer_client.buyer)
    assert address.is_default and address.postcode == "310012"
    assert address.address_line == "浙江省杭州市西湖区文三路100号"
    assert "浙江省杭州市西湖区文三路100号" in buyer_client.get(URL).content.decode()


def test_short_names_and_a_spaced_phone_are_stored_in_full(buyer_client):
    buyer_client.post(f"{URL}add/", {**ADDRESS, "province": "浙江", "city": "杭州",
                                     "district": "西湖", "phone": "+86 138 0013 8000"})  # fmt: skip
    address = BuyerAddress.objects.get()
    assert (address.province, address.city, address.district) == ("浙江省", "杭州市", "西湖区")
    assert address.phone == "13800138000"


def test_a_city_not_in_the_province_is_refused_with_the_reason(buyer_client):
    errors = _errors(buyer_client.post(f"{URL}add/", {**ADDRESS, "province": "江苏省"}))
    assert "杭州市 is not a city of 江苏省" in errors["city"]
    assert not BuyerAddress.objects.exists()


def test_a_district_not_in_the_city_is_refused_listing_the_right_ones(buyer_client):
    errors = _errors(buyer_client.post(f"{URL}add/", {**ADDRESS, "district": "朝阳区"}))
    assert "朝阳区 is not a district of 杭州市" in errors["district"]
    assert "西湖区" in errors["district"] and "余杭区" in errors["district"]


def test_hong_kong_is_refused_as_outside_mainland_delivery(buyer_client):
    errors = _errors(buyer_client.post(f"{URL}add/", {**ADDRESS, "province": "香港特别行政区"}))
    assert "mainland China only" in errors["province"]


def test_a_bad_phone_and_a_bad_postcode_are_refused(buyer_client):
    errors = _errors(buyer_client.post(f"{URL}add/", {**ADDRESS, "phone": "12345",
                                                      "postcode": "31001"}))  # fmt: skip
    assert "11 digits" in errors["phone"] and "6 digits" in errors["postcode"]


def test_the_whole_address_on_the_street_line_fills_province_city_and_district(buyer_client):
    data = {**ADDRESS, "province": "", "city": "", "district": "",
            "street": "北京市朝阳区建国路1号"}  # fmt: skip
    assert buyer_client.post(f"{URL}add/", data).status_code == 302
    address = BuyerAddress.objects.get()
    assert (address.province, address.city, address.district, address.street) == (
        "北京市", "北京市", "朝阳区", "建国路1号"
    )  # fmt: skip


def test_the_form_suggests_the_chosen_citys_districts(buyer_client):
    page = buyer_client.post(f"{URL}add/", {**ADDRESS, "district": ""}).content.decode()
    assert '<datalist id="district-options"><option value="上城区">' in page


def test_the_district_list_for_scripts(client):
    body = client.get(f"{URL}districts/", {"province": "浙江省", "city": "杭州市"}).json()
    assert "西湖区" in body["districts"]
    assert client.get(f"{URL}districts/", {"province": "x"}).json() == {"districts": []}


def test_edit_changes_the_address(buyer_client):
    address = _saved(buyer_client.buyer)
    page = buyer_client.get(f"{URL}{address.pk}/edit/").content.decode()
    assert 'value="文三路100号"' in page
    response = buyer_client.post(f"{URL}{address.pk}/edit/", {**ADDRESS, "street": "文二路1号"})
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.street == "文二路1号"


def test_set_default_leaves_one_default(buyer_client):
    first = _saved(buyer_client.buyer)
    second = _saved(buyer_client.buyer, street="文二路1号")
    assert first.is_default and not second.is_default
    buyer_client.post(f"{URL}{second.pk}/default/")
    assert list(BuyerAddress.objects.filter(is_default=True)) == [second]


def test_deleting_the_default_hands_it_to_another_address(buyer_client):
    first = _saved(buyer_client.buyer)
    second = _saved(buyer_client.buyer, street="文二路1号")
    assert buyer_client.post(f"{URL}{first.pk}/delete/").status_code == 302
    second.refresh_from_db()
    assert second.is_default and not BuyerAddress.objects.filter(pk=first.pk).exists()


def test_delete_and_set_default_take_post_only(buyer_client):
    address = _saved(buyer_client.buyer)
    assert buyer_client.get(f"{URL}{address.pk}/delete/").status_code == 405
    assert BuyerAddress.objects.filter(pk=address.pk).exists()


def test_another_buyers_address_is_404_for_every_page(buyer_client):
    theirs = _saved(factories.buyer(), default=True)
    assert buyer_client.get(f"{URL}{theirs.pk}/edit/").status_code == 404
    assert buyer_client.post(f"{URL}{theirs.pk}/edit/", ADDRESS).status_code == 404
    assert buyer_client.post(f"{URL}{theirs.pk}/delete/").status_code == 404
    assert buyer_client.post(f"{URL}{theirs.pk}/default/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.street == "文三路100号" and theirs.is_default
    assert f"{theirs.pk}/edit/" not in buyer_client.get(URL).content.decode()


def test_forms_need_the_csrf_token(settings):
    buyer = factories.buyer()
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer.user)
    assert client.post(f"{URL}add/", ADDRESS).status_code == 403
    address = _saved(buyer)
    assert client.post(f"{URL}{address.pk}/delete/").status_code == 403


def test_recipient_names_are_escaped(buyer_client):
    buyer_client.post(f"{URL}add/", {**ADDRESS, "recipient": "<script>alert(1)</script>"})
    page = buyer_client.get(URL).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_the_book_is_limited_and_says_so(buyer_client, monkeypatch):
    from entrepot.buyers import services

    monkeypatch.setattr(services, "MAX_ADDRESSES", 2)
    _saved(buyer_client.buyer)
    _saved(buyer_client.buyer, street="文二路1号")
    response = buyer_client.post(f"{URL}add/", ADDRESS)
    assert "at most 2 addresses" in response.content.decode()
    assert BuyerAddress.objects.count() == 2


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", [URL, "/account/", f"{URL}add/"])
def test_account_pages_cost_a_fixed_number_of_queries(buyer_client, page):
    _saved(buyer_client.buyer)
    few = _queries(buyer_client, page)
    for n in range(8):
        _saved(buyer_client.buyer, street=f"文二路{n}号")
    many = _queries(buyer_client, page)
    assert many == few
    # user, buyer, the header's roles; then the page's own (the account page: four)
    assert many <= 8
