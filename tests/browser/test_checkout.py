"""A buyer verifies identity, checks out a two-seller cart, pays on the sandbox page and
sees two paid orders; each seller sees its own; `entrepot ledger check` passes
(issue 6, must-show 1)."""

import os
import re
import subprocess
import sys

import pytest
from django.db import connection

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.orders.test_checkout import _variant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def market(settings, live_server):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "browser-test-secret"
    settings.ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL = f"{live_server.url}/payments/notify/sandbox/"
    from huey.contrib.djhuey import HUEY

    was, HUEY.immediate = HUEY.immediate, True
    factories.rates()
    positive_list_load_sample()
    ohio = factories.seller(verification_status="approved")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    a, b = _variant(ohio), _variant(lyon, price="24.00")
    buyer = factories.buyer(display_name="王芳")
    yield a, b, buyer
    HUEY.immediate = was


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _ledger_check_cli() -> subprocess.CompletedProcess:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([sys.executable, "-m", "entrepot.cli", "ledger", "check"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_identity_two_seller_checkout_sandbox_payment_and_paid_orders(live_server, browser,
                                                                      market):  # fmt: skip
    a, b, buyer = market
    base = live_server.url
    page = browser.new_context(locale="en-US").new_page()
    _login(page, base, buyer.user.username)
    for variant in (a, b):
        page.goto(f"{base}/p/{variant.product_id}/")
        page.locator("button.add-to-cart").first.click()
        page.wait_for_load_state()
    assert page.locator(".cart-group").count() == 2
    page.fill("#id_consignee_phone", "13800138000")
    page.fill("#id_consignee_address", "浙江省杭州市西湖区文三路100号")
    page.locator("form[action$='/checkout/'] button").click()
    page.wait_for_url(re.compile(r"/account/identity/"))
    page.fill("#id_name", "王芳")
    page.fill("#id_id_number", ID_NUMBER)
    page.check("#id_consent")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert ID_NUMBER not in page.content()
    assert "110105********002X" in page.content()

    page.goto(f"{base}/cart/")
    page.fill("#id_consignee_phone", "13800138000")
    page.fill("#id_consignee_address", "浙江省杭州市西湖区文三路100号")
    page.locator("form[action$='/checkout/'] button").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    assert page.locator(".review-order").count() == 2
    page.locator("button.pay").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/"))
    assert "Sandbox" in page.content() or "沙盒" in page.content()
    page.locator("form[action$='/pay/'] button").click()
    page.wait_for_load_state()

    page.goto(f"{base}/orders/")
    rows = page.locator(".order-row")
    assert rows.count() == 2
    assert page.locator(".order-status").all_inner_texts() == ["已付款", "已付款"]
    assert ID_NUMBER not in page.content()

    for variant in (a, b):
        seller_page = browser.new_context(locale="en-US").new_page()
        _login(seller_page, base, variant.product.seller.user.username)
        seller_page.goto(f"{base}/seller/orders/")
        assert seller_page.locator(".seller-order").count() == 1
        seller_page.context.close()

    result = _ledger_check_cli()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
