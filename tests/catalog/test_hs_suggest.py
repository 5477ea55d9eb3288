"""Tariff-number suggestions for product titles, and the seller central endpoint."""

import json
import statistics
import time
from datetime import date
from importlib import resources

import pytest
from django.urls import include, path, reverse

from entrepot.catalog.hs_suggest import suggest_hs_codes
from entrepot.pricing.models import PositiveListLine
from entrepot.sellercentral import hs_views
from tests import factories

pytestmark = pytest.mark.django_db

# the endpoint is wired in entrepot/sellercentral/urls.py; this urlconf stands in for it,
# under /seller/ so that seller central's English-first language choice applies
urlpatterns = [
    path("seller/hs-suggest/", hs_views.hs_suggest, name="hs_suggest"),
    path("", include("entrepot.config.urls")),  # the login page
]

DAY = date(2026, 10, 30)


def _top(title: str, category: str | None, n: int = 3) -> list[str]:
    return [s.code for s in suggest_hs_codes(title_en=title, category_slug=category, on=DAY)][:n]


def test_vitamin_softgels_suggest_food_preparations_nec():
    assert "21069090" in _top("Vitamin D3 2000 IU Softgels", "vitamins-supplements")


def test_a_face_serum_suggests_skin_care_preparations():
    assert "33049900" in _top("Hydrating Face Serum 30 ml", "cosmetics-skincare")


def test_a_cotton_t_shirt_suggests_knitted_cotton_t_shirts():
    assert "61091000" in _top("Organic Cotton T-Shirt", "apparel")


def test_a_picture_book_suggests_printed_books():
    assert {"49030000", "49019900"} & set(_top("Children's Picture Book", "books"))


def test_a_wrist_watch_suggests_a_heading_9102_line():
    assert any(code.startswith("9102") for code in _top("Automatic Wrist Watch", "watches"))


def test_suggestions_carry_both_descriptions_and_the_positive_list_flag():
    [best] = suggest_hs_codes(
        title_en="Hydrating Face Serum 30 ml", category_slug="cosmetics-skincare", limit=1, on=DAY
    )
    assert best.code == "33049900"
    assert best.hs6 == "330499"
    assert "skin" in best.description
    assert best.description_zh == "其他美容品或化妆品及护肤品"
    assert best.on_positive_list


def test_a_code_off_the_positive_list_keeps_its_six_digits():
    codes = suggest_hs_codes(title_en="Cotton T-shirt", category_slug=None, limit=10, on=DAY)
    off_list = [s for s in codes if not s.on_positive_list]
    assert off_list
    assert all(len(s.code) == 6 and s.description_zh == "" for s in off_list)


def test_suggestions_are_ranked_best_first_without_duplicates():
    suggestions = suggest_hs_codes(title_en="Automatic Wrist Watch", category_slug="watches")
    assert len(suggestions) == 5
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert len({s.code for s in suggestions}) == 5


def test_the_line_text_picks_the_right_line_of_a_shared_subheading():
    # 9503.00 has eight China lines: dolls, models, construction sets, puzzles...
    assert _top("1000-piece Jigsaw Puzzle", "toys", 1) == ["95030060"]


def test_the_stored_edition_in_force_decides_what_is_on_the_list():
    PositiveListLine.objects.create(
        edition=date(2026, 1, 1), tariff_number="04090000", description_zh="天然蜂蜜", source="t"
    )
    suggestions = suggest_hs_codes(
        title_en="Hydrating Face Serum", category_slug="cosmetics-skincare", on=DAY
    )
    assert not any(s.on_positive_list for s in suggestions)
    assert suggestions[0].code == "330499"


def test_a_title_of_only_numbers_and_units_still_answers():
    assert suggest_hs_codes(title_en="500 ml", category_slug=None, on=DAY) == []


def test_suggestions_take_under_50_ms_once_warm():
    titles = [("Vitamin D3 2000 IU Softgels", "vitamins-supplements"), ("Wool Socks", None)]
    for title, category in titles:
        suggest_hs_codes(title_en=title, category_slug=category, on=DAY)
    timings = []
    for n in range(10):
        for title, category in titles:
            started = time.perf_counter()
            # a new title each time: only the nomenclature is warm, not the title's search
            suggest_hs_codes(title_en=f"{title} {n}x", category_slug=category, on=DAY)
            timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.050


# --- the seller central endpoint -----------------------------------------------------------


@pytest.fixture
def seller_client(client):
    seller = factories.seller()
    client.force_login(seller.user)
    return client


def _url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('hs_suggest')}?{query}"


@pytest.mark.urls(__name__)
def test_the_endpoint_answers_suggestions_as_json(seller_client):
    response = seller_client.get(_url(title="Hydrating Face Serum", category="cosmetics-skincare"))
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert suggestions[0] == {
        "code": "33049900",
        "hs6": "330499",
        "description": suggestions[0]["description"],
        "description_zh": "其他美容品或化妆品及护肤品",
        "on_positive_list": True,
    }
    assert len(suggestions) == 5


@pytest.mark.urls(__name__)
def test_the_endpoint_refuses_an_empty_title_with_a_message(seller_client):
    response = seller_client.get(_url(title="  "))
    assert response.status_code == 400
    assert "title" in response.json()["detail"]


@pytest.mark.urls(__name__)
def test_the_endpoint_refuses_a_title_over_200_characters(seller_client):
    response = seller_client.get(_url(title="a" * 201))
    assert response.status_code == 400
    assert "at most 200" in response.json()["detail"]


@pytest.mark.urls(__name__)
def test_the_endpoint_sends_anonymous_visitors_to_log_in(client):
    response = client.get(_url(title="Serum"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.urls(__name__)
def test_the_endpoint_is_closed_to_accounts_without_a_seller_profile(client):
    client.force_login(factories.buyer().user)
    assert client.get(_url(title="Serum")).status_code == 403


@pytest.mark.urls(__name__)
def test_the_endpoint_accepts_only_get_and_head(seller_client):
    assert seller_client.post(reverse("hs_suggest"), {"title": "Serum"}).status_code == 405


def test_the_seeded_catalogue_finds_its_own_tariff_numbers_in_the_top_3():
    vocabulary = json.loads(
        (resources.files("entrepot.seeding") / "data" / "vocabulary.json").read_text("utf-8")
    )
    cases = [
        (template["noun_en"], slug, template["hs_code"])
        for slug, templates in vocabulary["product_templates"].items()
        for template in templates
    ]
    found = [code in _top(title, slug) for title, slug, code in cases]
    # 114 of 120 when written; the misses are titles a person could not classify either
    # ("Cork Footbed Sandals": leather or textile uppers?)
    assert sum(found) >= 0.9 * len(cases)
