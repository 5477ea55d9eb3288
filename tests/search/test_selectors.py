"""Search as the storefront and the API see it: retrieval, ranking, facets, sorts."""

import pytest

from entrepot.search.selectors import SearchQuery, hit_products, search_listings, suggest
from tests import factories
from tests.search.conftest import index, listing

pytestmark = pytest.mark.django_db


def _ids(text: str, **filters) -> list[int]:
    return [h.product_id for h in search_listings(SearchQuery(text=text, **filters)).hits]


def _first(text: str) -> int:
    return _ids(text)[0]


VITAMINS = ("d3", "gummies_zh")


@pytest.mark.parametrize(
    ("query", "products"),
    [
        ("维生素", VITAMINS),
        ("維生素D3", ("d3",)),  # traditional characters
        ("weishengsu", VITAMINS),  # pinyin
        ("wei sheng su", VITAMINS),
        ("wss", VITAMINS),  # initials
        ("yujiadian", ("yoga",)),
        ("yjd", ("yoga",)),
        ("鱼油", ("fish_oil",)),  # a pair of characters jieba does not cut out
        ("yuyouruanjiaonang", ("fish_oil",)),  # the pinyin of a phrase
        ("vitamins", ("d3",)),  # stemmed
        ("vitamn d3", ("d3",)),  # misspelt
        ("fish oill", ("fish_oil",)),
        ("yoga mat", ("yoga",)),
    ],
)
def test_finds_by_chinese_pinyin_english_traditional_and_misspelt(shop, query, products):
    assert _first(query) in {shop[p].id for p in products}


def test_a_chinese_query_finds_a_listing_with_english_text_only(shop):
    assert _first("泳镜") == shop["goggles"].id


def test_an_english_query_finds_a_listing_with_chinese_text_only(shop):
    assert _first("multivitamin gummies for kids") == shop["gummies_zh"].id


def test_without_embeddings_search_still_works_by_keywords(shop, settings):
    settings.ENTREPOT_SEARCH_SEMANTIC = False
    # the fish oil is in the category 维生素与膳食补充剂: a weaker match than a title
    found = _ids("维生素")
    assert set(found) == {shop["d3"].id, shop["gummies_zh"].id, shop["fish_oil"].id}
    assert found[-1] == shop["fish_oil"].id
    assert _ids("泳镜") == []


def test_corrections_are_reported(shop):
    result = search_listings(SearchQuery(text="vitamn"))
    assert ("vitamn", "vitamin") in result.corrections


def test_when_no_listing_has_every_word_any_word_will_do(shop):
    result = search_listings(SearchQuery(text="瑜伽垫 鱼油"))
    assert result.relaxed
    assert {shop["yoga"].id, shop["fish_oil"].id} <= {h.product_id for h in result.hits}


def test_scores_are_between_zero_and_one_best_first(shop):
    hits = search_listings(SearchQuery(text="buckeye")).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_facets_count_the_matches(shop):
    result = search_listings(SearchQuery(text="lindenhof"))
    assert result.total == 3
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert facets["category"] == {"sports-gear": 2, "vitamins-supplements": 1}
    assert facets["origin"] == {"DE": 3}
    assert facets["seller"] == {"lindenhof-kontor": 3}
    assert facets["in_stock"] == {"1": 3}
    assert facets["mode"] == {"direct": 3}
    assert sum(facets["price"].values()) == 3


def test_filters_narrow_results_and_mark_the_chosen_values(shop):
    assert set(_ids("lindenhof", origins=("US",))) == set()
    result = search_listings(SearchQuery(text="buckeye", categories=("vitamins-supplements",)))
    assert {h.product_id for h in result.hits} == {shop["d3"].id, shop["fish_oil"].id}
    chosen = [v for v in result.facets["category"] if v.selected]
    assert [v.value for v in chosen] == ["vitamins-supplements"]
    lindenhof = {shop[p].id for p in ("goggles", "yoga", "gummies_zh")}
    assert set(_ids("buckeye", sellers=("lindenhof-kontor",))) <= lindenhof
    assert _ids("buckeye", sellers=("no-such-seller",)) == []


def test_price_band_filter_uses_the_price_in_cny(shop):
    # 15.99 USD is about 106 CNY, 24.00 USD about 160 CNY: both in 100-200
    assert set(_ids("buckeye", prices=("100-200",))) == {shop["d3"].id, shop["fish_oil"].id}
    assert _ids("buckeye", prices=("0-100",)) == []


def test_stock_and_delivery_mode_filters(shop):
    from entrepot.logistics.models import Stock
    from entrepot.logistics.services import bonded_warehouses_ensure

    bonded = bonded_warehouses_ensure()[0]
    variant = shop["yoga"].variants.first()
    Stock.objects.create(variant=variant, warehouse=bonded, quantity=3)
    assert _ids("lindenhof", modes=("bonded",)) == [shop["yoga"].id]
    assert len(_ids("lindenhof", in_stock=True)) == 3
    assert _ids("lindenhof", modes=("direct",)) != []
    variant.stocks.filter(warehouse=bonded).update(quantity=0)
    assert _ids("lindenhof", modes=("bonded",)) == []


def test_sorts_and_pages(shop):
    by_price = _ids("lindenhof", sort="price_asc")
    assert by_price == [shop["gummies_zh"].id, shop["goggles"].id, shop["yoga"].id]
    assert _ids("lindenhof", sort="price_desc") == by_price[::-1]
    newest = _ids("lindenhof", sort="newest")
    assert newest == sorted(newest, reverse=True)
    assert _ids("lindenhof", sort="price_asc", offset=1, limit=1) == [shop["goggles"].id]


def test_an_unknown_sort_is_refused(shop):
    with pytest.raises(ValueError, match="unknown sort"):
        search_listings(SearchQuery(text="x", sort="rating"))


def test_hit_products_keep_the_order_and_skip_what_was_withdrawn(shop):
    result = search_listings(SearchQuery(text="buckeye", sort="price_desc"))
    products = hit_products(result.hits)
    assert [p.id for p in products] == [shop["fish_oil"].id, shop["d3"].id]
    shop["fish_oil"].status = "draft"
    shop["fish_oil"].save()
    assert [p.id for p in hit_products(result.hits)] == [shop["d3"].id]


def test_an_empty_or_punctuation_query_finds_nothing(shop):
    assert search_listings(SearchQuery(text="？！")).total == 0


def test_broad_queries_stay_bounded(shop, monkeypatch):
    from entrepot.search import selectors

    monkeypatch.setattr(selectors, "KEYWORD_CANDIDATES", 2)
    result = search_listings(SearchQuery(text="lindenhof"))
    assert result.total <= 2 + selectors.SEMANTIC_NEIGHBOURS * selectors.PER_EMBEDDING


@pytest.mark.parametrize(
    ("typed", "chinese", "expected"),
    [
        ("vit", False, "Vitamin D3 2000 IU Softgels"),
        ("weish", True, "维生素D3 2000IU软胶囊"),
        ("维生", True, "维生素D3 2000IU软胶囊"),
        ("yuj", True, "天然软木瑜伽垫"),
    ],
)
def test_suggestions_complete_words_pinyin_and_chinese(shop, typed, chinese, expected):
    assert expected in [s.text for s in suggest(typed, chinese=chinese)]


@pytest.mark.parametrize("typed", ["vit", "weish", "wss", "维生"])
def test_categories_are_suggested_by_name_pinyin_and_initials(shop, typed):
    found = [s for s in suggest(typed, chinese=True) if s.kind == "category"]
    assert [s.slug for s in found] == ["vitamins-supplements"]


def test_suggestions_of_nothing(shop):
    assert suggest("   ", chinese=True) == []
    assert suggest("zzzzqqq", chinese=True) == []


def test_listings_of_one_product_by_many_sellers_are_all_found(shop):
    category = shop["vitamins"]
    others = [
        listing(seller=factories.seller(business_name=f"Shop {n}"), category=category,
                title_en=f"Shop {n} Vitamin D3 2000 IU Softgels")
        for n in range(3)
    ]  # fmt: skip
    index(*others)
    assert {p.id for p in others} <= set(_ids("vitamin d3"))
