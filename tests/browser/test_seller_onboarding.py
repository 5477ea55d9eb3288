"""A new seller signs up, is approved, lists a product with a suggested HS code, and the
product shows on the storefront in Chinese (issue 4, must-show 1)."""

import re

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def marketplace():
    factories.rates()
    factories.category(slug="vitamins-supplements", name_en="Vitamins & supplements")
    return factories.user(username="operator@example.com", is_staff=True, is_superuser=True)


def test_sign_up_approval_listing_with_suggested_hs_code_reaches_the_storefront(
    live_server, browser, marketplace
):
    base = live_server.url
    seller = browser.new_context(locale="en-US").new_page()
    seller.goto(f"{base}/seller/signup/")
    seller.fill("#id_email", "dana@buckeye.example")
    seller.fill("#id_password", "Vitamins-from-Ohio-2026")
    seller.fill("#id_business_name", "Buckeye Naturals")
    seller.select_option("#id_country", "US")
    seller.select_option("#id_currency", "USD")
    seller.click("main button[type=submit]")
    seller.wait_for_url(re.compile(r"/seller/onboarding/$"))

    seller.fill("#id_legal_name", "Buckeye Naturals LLC")
    seller.fill("#id_contact_name", "Dana Miller")
    seller.fill("#id_city", "Columbus, Ohio")
    seller.fill("#id_employee_count", "6")
    seller.fill("#id_annual_revenue", "850000")
    seller.check("#id_accept_terms")
    seller.click("main button[type=submit]")
    assert seller.get_by_text("Waiting for verification").is_visible()

    operator = browser.new_context(locale="en-US").new_page()
    operator.goto(f"{base}/accounts/login/?next=/backoffice/sellers/")
    operator.fill("#id_username", "operator@example.com")
    operator.fill("#id_password", factories.PASSWORD)
    operator.click("main button[type=submit]")
    operator.wait_for_url(re.compile(r"/backoffice/sellers/$"))
    card = operator.locator("article.seller-review", has_text="Buckeye Naturals LLC")
    card.get_by_role("button", name="Approve").click()
    operator.wait_for_load_state()
    assert operator.get_by_text("Buckeye Naturals approved.").is_visible()

    seller.goto(f"{base}/seller/products/new/")
    seller.select_option("#id_category", label="Vitamins & supplements")
    seller.fill("#id_title_en", "Vitamin D3 2000 IU Softgels")
    seller.fill("#id_title_zh", "维生素D3 2000IU软胶囊")
    seller.fill("#id_description_en", "One softgel a day, made in Ohio.")
    seller.fill("#id_description_zh", "每日一粒，俄亥俄州制造。")
    seller.fill("#id_weight_grams", "180")
    seller.fill("#id_form-0-sku", "BN-D3-60")
    seller.fill("#id_form-0-name_en", "60 softgels")
    seller.fill("#id_form-0-name_zh", "60粒")
    seller.fill("#id_form-0-price", "19.99")
    seller.fill("#id_form-0-stock", "40")
    seller.get_by_role("button", name="Suggest HS codes").click()
    seller.wait_for_load_state()
    seller.locator("input[data-hs='21069090']").check()
    assert seller.input_value("#id_hs_code") == "21069090"
    seller.get_by_role("button", name="Save draft").click()
    seller.wait_for_url(re.compile(r"/seller/products/\d+/$"))
    assert seller.get_by_text("Everything China requires is there.").is_visible()
    seller.get_by_role("button", name="Publish").click()
    seller.wait_for_load_state()
    assert seller.get_by_text("Published: buyers in China can find it now.").is_visible()

    buyer = browser.new_context(locale="en-US").new_page()  # Chinese first anyway
    buyer.goto(f"{base}/")
    buyer.get_by_text("维生素D3 2000IU软胶囊").first.click()
    buyer.wait_for_load_state()
    assert buyer.locator("h1").inner_text() == "维生素D3 2000IU软胶囊"
    assert re.fullmatch(
        r"¥\d[\d,]*\.\d\d", buyer.locator(".landed-total .display-price").inner_text()
    )
    buyer.screenshot(path=str(live_server_screenshot_dir() / "seller-listing-storefront.png"))


def live_server_screenshot_dir():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.gettempdir()) / "entrepot-browser"
    path.mkdir(exist_ok=True)
    return path
