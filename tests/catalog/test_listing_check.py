"""The publishing check of stored products: snapshot, positive list in force, messages."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from entrepot.catalog.listing_check import (
    listing_problems_for,
    listing_snapshot,
    problem_message,
)
from entrepot.catalog.models import Product
from entrepot.domain import listing_rules as rules
from entrepot.domain.listing_rules import ListingProblem
from entrepot.pricing.models import PositiveListLine
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.seller()


@pytest.fixture
def category():
    return factories.category()


def test_snapshot_sums_stock_and_collects_prices_from_prefetched_variants(seller, category):
    product = factories.product(seller=seller, category=category, price="10.00", variants=2)
    product = Product.objects.prefetch_related("variants").get(pk=product.pk)
    with CaptureQueriesContext(connection) as queries:
        snapshot = listing_snapshot(product)
    assert len(queries) == 0
    assert snapshot.variant_prices == (Decimal("10.00"), Decimal("20.00"))
    assert snapshot.total_stock == 20
    assert snapshot.hs_code == "21069090"
    assert snapshot.translation_status == "reviewed"


def test_a_complete_product_can_be_published_against_the_shipped_sample(seller, category):
    product = factories.product(seller=seller, category=category)
    assert listing_problems_for(product, on=date(2026, 10, 30)) == []


def test_the_stored_edition_in_force_decides_over_the_sample(seller, category):
    PositiveListLine.objects.create(
        edition=date(2026, 1, 1), tariff_number="04090000", description_zh="天然蜂蜜", source="t"
    )
    product = factories.product(seller=seller, category=category, hs_code="21069090")
    [problem] = listing_problems_for(product, on=date(2026, 10, 30))
    assert problem.code == rules.HS_NOT_ON_POSITIVE_LIST
    assert problem.params == {"tariff_number": "21069090", "edition": "2026-01-01"}


def test_cosmetics_without_net_content_are_held_back(seller, category):
    product = factories.product(seller=seller, category=category, hs_code="33049900")
    codes = [p.code for p in listing_problems_for(product, on=date(2026, 10, 30))]
    assert codes == [rules.MISSING_NET_CONTENT]


def test_the_not_on_list_message_names_the_tariff_number_and_edition():
    problem = ListingProblem(
        rules.HS_NOT_ON_POSITIVE_LIST,
        "hs_code",
        {"tariff_number": "85171300", "edition": "2022-03-01"},
    )
    with translation.override("en"):
        message = problem_message(problem)
    assert message.startswith(
        "Tariff number 85171300 is not on China's cross-border positive list "
        "(edition 2022-03-01); this product cannot be sold to China through cross-border "
        "e-commerce."
    )


def test_the_missing_chinese_title_message_says_why():
    with translation.override("en"):
        message = problem_message(ListingProblem(rules.MISSING_TITLE_ZH, "title_zh"))
    assert message == "Add a Chinese title: buyers in China search and read in Chinese."


def test_a_bad_tariff_number_message_repeats_it_and_says_what_is_allowed():
    problem = ListingProblem(rules.HS_CODE_FORMAT, "hs_code", {"value": "2106"})
    with translation.override("en"):
        message = problem_message(problem)
    assert "2106" in message
    assert "8 digits" in message


def test_machine_and_missing_translations_get_different_advice():
    def message(status: str) -> str:
        problem = ListingProblem(rules.TRANSLATION_NOT_REVIEWED, "", {"status": status})
        with translation.override("en"):
            return problem_message(problem)

    assert "You may publish" in message("machine")
    assert "before publishing" in message("missing")


PARAMS = {
    rules.HS_CODE_FORMAT: {"value": "2106"},
    rules.HS_NOT_ON_POSITIVE_LIST: {"tariff_number": "85171300", "edition": "2022-03-01"},
    rules.HS_BONDED_ONLY: {"tariff_number": "04021000"},
    rules.HS_LIST_CONDITION: {"tariff_number": "30049090", "note": "仅限非处方药"},
    rules.PRICE_NOT_POSITIVE: {"count": 2},
    rules.TRANSLATION_NOT_REVIEWED: {"status": "missing"},
}


@pytest.mark.parametrize("code", rules.ALL_CODES)
def test_every_problem_code_has_its_own_sentence(code):
    problem = ListingProblem(code, "field", PARAMS.get(code, {}))
    with translation.override("en"):
        message = problem_message(problem)
    assert code not in message
    assert message.endswith(".")
    assert "%(" not in message
