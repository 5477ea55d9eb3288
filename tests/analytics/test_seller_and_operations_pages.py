"""A seller's own dashboard shows its numbers only; the operations page gathers the
operator's queues; rate imports record who made them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepot.analytics.services import analytics_refresh
from entrepot.pricing.models import RateChange
from entrepot.pricing.services import rates_store
from tests import factories
from tests.analytics.helpers import DAY0, move, place

pytestmark = pytest.mark.django_db
SELLER_URL = reverse("selleranalytics:dashboard")
RANGE = {"start": "2025-01-01", "end": "2025-01-31"}


@pytest.fixture
def two_shops():
    factories.rates(date(2024, 1, 1))
    category = factories.category()
    shops = []
    for name, orders, province in (("Buckeye Naturals", 3, "浙江省"), ("Rhein Tee", 5, "广东省")):
        seller = factories.seller(business_name=name)
        product = factories.product(seller=seller, category=category, title_en=f"{name} best")
        buyer = factories.buyer(province=province)
        for n in range(orders):
            at = DAY0 + timedelta(days=n)
            move(place(buyer=buyer, seller=seller, product=product, at=at, quantity=2,
                       total="50.00"), "pay", at)  # fmt: skip
        shops.append(seller)
    analytics_refresh()
    return shops


def _board(client, seller):
    client.force_login(seller.user)
    response = client.get(SELLER_URL, RANGE)
    assert response.status_code == 200
    return response


def test_each_seller_sees_only_its_own_numbers(client, two_shops):
    buckeye, rhein = two_shops
    first = _board(client, buckeye)
    board = first.context["board"]
    assert (board.orders, board.units, board.buyers) == (3, 6, 1)
    assert board.gmv.amount == 150
    assert [p.province for p in board.provinces] == ["浙江省"]
    assert [p.title for p in board.products] == ["Buckeye Naturals best"]
    html = first.content.decode()
    assert "Rhein Tee" not in html and "广东省" not in html
    other = _board(client, rhein).context["board"]
    assert (other.orders, other.buyers) == (5, 1)
    assert [p.province for p in other.provinces] == ["广东省"]


def test_seller_dashboard_is_for_sellers(client):
    client.force_login(factories.user())
    assert client.get(SELLER_URL).status_code == 403


def test_seller_dashboard_queries_do_not_grow_with_orders(client, two_shops):
    buckeye, _rhein = two_shops
    client.force_login(buckeye.user)
    with CaptureQueriesContext(connection) as few:
        client.get(SELLER_URL, RANGE)
    product = buckeye.products.first()
    buyer = factories.buyer(province="四川省")
    for n in range(20):
        at = DAY0 + timedelta(days=n)
        move(place(buyer=buyer, seller=buckeye, product=product, at=at), "pay", at)
    analytics_refresh()
    with CaptureQueriesContext(connection) as many:
        client.get(SELLER_URL, RANGE)
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


@pytest.fixture
def operator(client):
    client.force_login(factories.user(username="ops@example.com", is_staff=True))
    return client


def test_operations_page_gathers_the_queues_and_settings(operator):
    factories.rates()
    factories.seller(business_name="Waiting Co", verification_status="pending")
    html = operator.get(reverse("operations:home")).content.decode()
    for section in ("Seller approvals", "Listing moderation", "Exchange rates", "Tax rule packs",
                    "Commission rates", "Payment queues", "Customs queues"):  # fmt: skip
        assert section in html
    assert "Waiting Co" in html
    assert reverse("customs:queue") in html and reverse("logistics_backoffice:bonded") in html
    assert "2019-01-01" in html  # China's CBEC pack in force since 2019, order limit 5000
    assert operator.get(reverse("operations:home")).status_code == 200


def test_operations_page_is_for_staff_only(client):
    client.force_login(factories.user())
    assert client.get(reverse("operations:home")).status_code == 302


def test_a_listing_number_opens_its_moderation_page(operator):
    product = factories.product(seller=factories.seller(), category=factories.category())
    response = operator.get(reverse("operations:home"), {"listing": product.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:listing_moderate", args=[product.pk])




def test_an_operator_imports_rates_and_the_page_says_who(operator):
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope '
           b'xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
           b'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube>'
           b"<Cube time='2026-11-26'><Cube currency='USD' rate='1.0500'/>"
           b"<Cube currency='CNY' rate='7.6000'/></Cube></Cube></gesmes:Envelope>")  # fmt: skip
    upload = SimpleUploadedFile("eurofxref-daily.xml", xml, content_type="text/xml")
    response = operator.post(reverse("operations:rates_import"), {"file": upload})
    assert response.status_code == 302
    change = RateChange.objects.get()
    assert (change.actor, change.rows, change.currencies) == ("ops@example.com", 2, "CNY USD")
    html = operator.get(reverse("operations:home")).content.decode()
    assert "ops@example.com" in html and "ECB (eurofxref-daily.xml)" in html


def test_every_rate_write_is_audited():
    rates_store(effective_date=date(2026, 1, 5), per_eur={"USD": "1.1"}, source="by hand",
                actor="someone")  # fmt: skip
    assert RateChange.objects.get().actor == "someone"
