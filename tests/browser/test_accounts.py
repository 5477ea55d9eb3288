"""A buyer signs up with a mobile number, keeps an address in the book through the
province -> city -> district form, and finds it on the account page (issue 5)."""

import tempfile
from pathlib import Path

import pytest

from entrepot.buyers.models import Buyer, BuyerAddress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "plum-blossom-river-42"


def _shots() -> Path:
    path = Path(tempfile.gettempdir()) / "entrepot-browser"
    path.mkdir(exist_ok=True)
    return path


def test_sign_up_by_phone_then_add_an_address_and_see_the_account(live_server, browser):
    page = browser.new_context(locale="zh-CN").new_page()
    base = live_server.url
    page.goto(f"{base}/")
    page.locator("header a[href^='/accounts/signup/']").click()
    page.fill("#id_login", "+86 138 0013 8000")
    page.fill("#id_display_name", "王芳")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.screenshot(path=str(_shots() / "buyer-signup.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert Buyer.objects.get().phone == "13800138000"

    page.goto(f"{base}/account/addresses/add/")
    page.fill("#id_recipient", "王芳")
    page.fill("#id_phone", "13800138000")
    page.select_option("#id_province", "浙江省")
    # the script narrows the city list to the chosen province
    assert page.locator("#id_city optgroup:not([disabled])").count() == 1
    page.select_option("#id_city", "杭州市")
    # a locator wait, not wait_for_function: its polling evals, which the CSP forbids
    page.locator("#district-options option").nth(5).wait_for(state="attached")
    page.fill("#id_district", "西湖区")
    page.fill("#id_street", "文三路100号")
    page.screenshot(path=str(_shots() / "buyer-address-form.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/account/addresses/")
    assert BuyerAddress.objects.get().address_line == "浙江省杭州市西湖区文三路100号"

    page.locator("header a[href='/account/']").click()
    page.wait_for_load_state()
    assert "浙江省杭州市西湖区文三路100号" in page.content()
    assert "13800138000" in page.content()
    page.screenshot(path=str(_shots() / "buyer-account.png"), full_page=True)
