"""The operator logs in, opens the marketplace dashboard, narrows the date range and the
corridor, and sees the figures and the charts follow (issue 9)."""

import re
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from entrepot.analytics.services import analytics_refresh
from tests import factories
from tests.analytics.helpers import move, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots() -> Path:
    path = Path(tempfile.gettempdir()) / "entrepot-browser"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def marketplace():
    factories.rates(date(2020, 1, 1))
    tea = factories.category(name_en="Tea")
    vitamins = factories.category(name_en="Vitamins & supplements")
    us = factories.seller(country="US", business_name="Buckeye Naturals")
    de = factories.seller(country="DE", currency="EUR", business_name="Rhein Tee")
    products = {"US": factories.product(seller=us, category=vitamins),
                "DE": factories.product(seller=de, category=tea)}  # fmt: skip
    buyers = [factories.buyer(province="浙江省"), factories.buyer(province="广东省")]
    today = timezone.localdate()
    for days_ago, country, total in ((5, "US", "300.00"), (12, "DE", "120.00"),
                                     (40, "US", "250.00"), (200, "DE", "80.00"),
                                     (380, "US", "150.00"), (420, "DE", "60.00")):  # fmt: skip
        at = datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=UTC)
        product = products[country]
        order = place(buyer=buyers[days_ago % 2], seller=product.seller, product=product, at=at,
                      total=total)  # fmt: skip
        move(order, "pay", at)
    analytics_refresh()
    factories.user(username="operator@example.com", is_staff=True)
    return today, us


def _log_in(page, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(then))


def _figure(page, key: str) -> str:
    return page.locator(f"#figure-{key} .value").inner_text()


def _chart(page) -> str:
    return page.locator("#chart-gmv svg").inner_html()


def _apply(page) -> None:
    page.click(".dashboard-filters button[type=submit]")
    page.wait_for_load_state()


def test_operator_filters_the_dashboard_and_sees_it_change(live_server, page, marketplace):
    today, _seller = marketplace
    _log_in(page, live_server.url, "operator@example.com", "/backoffice/dashboard/")
    assert page.locator("h1").inner_text() == "Marketplace dashboard"

    # the default: the 365 days to today, every corridor
    year_gmv = _figure(page, "gmv")
    assert "750.00" in year_gmv  # 300 + 120 + 250 + 80
    assert page.locator("#chart-gmv svg").count() == 1
    year_chart = _chart(page)
    assert "Buckeye Naturals" in page.locator("#table-top-sellers").inner_text()

    # the last 30 days only
    page.fill("#id_start", (today - timedelta(days=29)).isoformat())
    page.fill("#id_end", today.isoformat())
    _apply(page)
    month_gmv = _figure(page, "gmv")
    assert "420.00" in month_gmv and month_gmv != year_gmv
    month_chart = _chart(page)
    assert month_chart != year_chart  # daily bars instead of monthly ones
    assert page.locator("#figure-orders .value").inner_text() == "2"

    # ... and only what Germany sends to China
    page.select_option("#id_corridor", "DE-CN")
    _apply(page)
    assert "120.00" in _figure(page, "gmv")
    assert _chart(page) != month_chart
    corridors = page.locator("#table-corridors tbody").inner_text()
    assert "DE → CN" in corridors and "US → CN" not in corridors
    assert "Rhein Tee" in page.locator("#table-top-sellers").inner_text()
    assert "Buckeye Naturals" not in page.locator("#table-top-sellers").inner_text()
    assert "100%" in _figure(page, "cross_border") or "100.0%" in _figure(page, "cross_border")
    page.screenshot(path=str(_shots() / "backoffice-dashboard.png"), full_page=True)

    page.click("text=Back-office operations")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Operations"
    page.screenshot(path=str(_shots() / "backoffice-operations.png"), full_page=True)


def test_a_seller_sees_its_own_sales(live_server, page, marketplace):
    _today, seller = marketplace
    _log_in(page, live_server.url, seller.user.username, "/seller/analytics/")
    assert "550.00" in page.locator("#figure-sales strong").inner_text()  # 300 + 250
    text = page.locator("main").inner_text()
    assert "Buckeye Naturals" in text and "Rhein Tee" not in text
    assert page.locator("#chart-sales svg").count() == 1
    page.screenshot(path=str(_shots() / "seller-analytics.png"), full_page=True)
