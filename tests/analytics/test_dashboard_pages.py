"""The operator's dashboard page: staff only, filters by GET, CSV of every table, charts
with nothing fetched from elsewhere, and a query count that does not grow with orders."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.analytics.services import analytics_refresh
from entrepot.analytics.views import CSV_TABLES
from tests import factories
from tests.analytics.helpers import DAY0, move, place

pytestmark = pytest.mark.django_db
URL = reverse("analytics:dashboard")
RANGE = {"start": "2025-01-01", "end": "2025-03-31"}


@pytest.fixture
def market():
    factories.rates(date(2024, 1, 1))
    us = factories.seller(country="US", business_name="Buckeye Naturals")
    de = factories.seller(country="DE", currency="EUR", business_name="Rhein Tee")
    cat = factories.category(name_en="Tea")
    return {
        "us": factories.product(seller=us, category=cat),
        "de": factories.product(seller=de, category=cat),
        "buyer": factories.buyer(),
    }


def _orders(market, count: int, start=DAY0) -> None:
    for n in range(count):
        product = market["us"] if n % 3 else market["de"]
        at = start + timedelta(days=n % 60)
        move(place(buyer=market["buyer"], seller=product.seller, product=product, at=at,
                   total=f"{100 + n}.00"), "pay", at)  # fmt: skip
    analytics_refresh()


@pytest.fixture
def operator_client(client):
    client.force_login(factories.user(is_staff=True))
    return client


def test_the_dashboard_is_for_staff_only(client):
    client.force_login(factories.user())
    assert client.get(URL).status_code == 302
    assert client.get(reverse("analytics:dashboard_csv", args=["corridors"])).status_code == 302


def test_the_dashboard_shows_figures_charts_and_breakdowns(operator_client, market):
    _orders(market, 9)
    html = operator_client.get(URL, RANGE).content.decode()
    assert "Marketplace dashboard" in html
    assert html.count("<svg") == 4  # GMV, cross-border share, corridors, categories
    assert "Buckeye Naturals" in html and "Rhein Tee" in html
    assert "US → CN" in html and "DE → CN" in html
    assert 'id="figure-gmv"' in html


def test_charts_load_nothing_from_elsewhere(operator_client, market):
    _orders(market, 3)
    html = operator_client.get(URL, RANGE).content.decode()
    assert not re.search(r"<script[^>]*src=", html)
    assert not re.search(r"""(?:src|href)=["']https?://""", html)


def test_the_corridor_filter_narrows_every_figure(operator_client, market):
    _orders(market, 9)
    everything = operator_client.get(URL, RANGE).context["board"]
    us_only = operator_client.get(URL, {**RANGE, "corridor": "US-CN"}).context["board"]
    assert us_only.totals.orders == 6 and everything.totals.orders == 9
    assert [r.label for r in us_only.corridors] == ["US → CN"]
    assert [s.name for s in us_only.active.top_sellers] == ["Buckeye Naturals"]


def test_a_wrong_filter_is_said_and_the_default_range_is_shown(operator_client, market):
    response = operator_client.get(URL, {"start": "2025-03-01", "end": "2025-01-01",
                                         "corridor": "nowhere"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "The range must start on or before its last day." in html
    assert "A corridor is written like US-CN." in html


@pytest.mark.parametrize("table", CSV_TABLES)
def test_every_table_exports_as_csv(operator_client, market, table):
    _orders(market, 6)
    response = operator_client.get(reverse("analytics:dashboard_csv", args=[table]), RANGE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) >= 2 and rows[0]


def test_the_corridor_csv_adds_up_to_the_gmv(operator_client, market):
    _orders(market, 6)
    response = operator_client.get(reverse("analytics:dashboard_csv", args=["corridors"]), RANGE)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = sum(float(r["gmv_cny"]) for r in rows)
    assert total == sum(100 + n for n in range(6))


def test_the_projection_states_its_assumption(operator_client, market):
    _orders(market, 4, start=DAY0 - timedelta(days=365))
    _orders(market, 8)
    html = operator_client.get(URL, {"end": "2025-12-31", "target": "100000"}).content.decode()
    assert "Assumption:" in html
    assert "reaches the target around" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {**RANGE, "corridor": "US-CN"}).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_orders(operator_client, market):
    _orders(market, 3)
    few = _queries(operator_client)
    _orders(market, 60)
    assert _queries(operator_client) == few
    assert few <= 16


def test_a_shop_name_cannot_become_a_spreadsheet_formula(operator_client, market):
    market["us"].seller.business_name = '=HYPERLINK("http://evil.example","x")'
    market["us"].seller.save()
    _orders(market, 3)
    response = operator_client.get(reverse("analytics:dashboard_csv", args=["top-sellers"]), RANGE)
    names = [row["seller"] for row in csv.DictReader(io.StringIO(response.content.decode()))]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names


def test_negative_growth_stays_a_number_in_csv():
    from entrepot.analytics.views import _cell

    assert _cell("-12.5") == "-12.5"
    assert _cell("-cmd") == "'-cmd"
