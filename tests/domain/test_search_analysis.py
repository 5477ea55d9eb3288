"""Index terms of listings and plans of queries (no database)."""

from entrepot.domain.search.analysis import (
    Alternative,
    ListingText,
    display_names,
    embedding_key,
    embedding_text,
    field_terms,
    listing_terms,
    plan_query,
    plan_terms,
    vocabulary_terms,
)
from entrepot.domain.search.typos import TypoCorrector

D3 = ListingText(
    title_en="Buckeye Naturals Vitamin D3 2000 IU Softgels",
    title_zh="【美国直邮】Buckeye Naturals 维生素D3 2000IU软胶囊",
    brand="Buckeye Naturals",
    description_en="One softgel a day supports bones and teeth.",
    description_zh="每日一粒，富含维生素D3。",
    category_en="Vitamins & supplements",
    category_zh="维生素与膳食补充剂",
    seller="Buckeye Naturals",
)


def _vocabulary(*listings: ListingText) -> TypoCorrector:
    terms = set()
    for listing in listings:
        indexed = listing_terms(listing)
        terms |= indexed.all()
    return TypoCorrector(terms)


def test_english_words_are_stemmed_and_stopwords_dropped():
    assert field_terms("The Vitamins and Softgels") == ("vitamin", "softgel")


def test_letters_and_digits_stuck_together_are_also_split():
    terms = field_terms("SPF50 2000IU")
    assert {"spf50", "spf", "50", "2000iu", "2000", "iu"} <= set(terms)


def test_chinese_titles_hold_words_pairs_characters_pinyin_and_initials():
    terms = set(field_terms("深海鱼油软胶囊", rich=True))
    assert {"深海鱼", "软胶囊", "胶囊"} <= terms  # jieba words
    assert "鱼油" in terms  # a pair jieba does not cut out
    assert "油" in terms and "深" in terms  # single characters
    assert {"yuyou", "ruanjiaonang", "shenhaiyu"} <= terms  # pinyin
    assert "rjn" in terms  # initials


def test_pinyin_is_read_in_the_context_of_the_whole_run():
    # 伽 alone reads ga; in 瑜伽 it is jia. Pairs of words get pinyin and initials too.
    terms = set(field_terms("天然软木瑜伽垫", rich=True))
    assert {"jiadian", "yujiadian", "yjd"} <= terms
    assert "gadian" not in terms


def test_descriptions_are_indexed_by_words_only():
    terms = set(field_terms("深海鱼油软胶囊"))
    assert {"深海鱼", "软胶囊"} <= terms
    assert "鱼油" not in terms and "yuyou" not in terms  # no pairs, no pinyin
    assert "软" not in terms  # a single character, not a word of jieba's


def test_listing_terms_put_titles_categories_and_descriptions_in_their_fields():
    indexed = listing_terms(D3)
    assert "维生素" in indexed.title.split() and "weishengsu" in indexed.title.split()
    assert "supplement" in indexed.extra.split() and "膳食" in indexed.extra.split()
    assert "teeth" in indexed.body.split()
    assert "  " not in indexed.title and indexed.title == indexed.title.strip()


def test_vocabulary_terms_are_latin_script_and_not_numbers():
    terms = vocabulary_terms(listing_terms(D3))
    assert {"vitamin", "weishengsu", "wss"} <= terms
    assert "2000" not in terms and all(t.isascii() for t in terms)


def test_display_names_leave_out_brand_and_tags():
    assert display_names(D3) == ("Vitamin D3 2000 IU Softgels", "维生素D3 2000IU软胶囊")


def test_listings_of_the_same_product_by_different_sellers_share_an_embedding():
    other = ListingText(
        title_en="Sorak Market Vitamin D3 2000 IU Softgels",
        title_zh="【韩国直邮】Sorak Market 维生素D3 2000IU软胶囊",
        brand="Sorak Market",
        category_en=D3.category_en,
        category_zh=D3.category_zh,
    )
    assert embedding_text(other) == embedding_text(D3)
    assert embedding_key(embedding_text(other)) == embedding_key(embedding_text(D3))
    assert "Vitamins & supplements" in embedding_text(D3)


def test_a_chinese_query_word_may_match_as_itself_its_pairs_or_its_pinyin():
    plan = plan_query("維生素", _vocabulary(D3))
    (group,) = plan.groups
    assert Alternative(("维生素",)) in group.alternatives
    assert Alternative(("维生", "生素")) in group.alternatives
    assert Alternative(("weishengsu",)) in group.alternatives


def test_pinyin_and_initials_queries_are_known_terms():
    vocabulary = _vocabulary(D3)
    assert plan_terms(plan_query("weishengsu", vocabulary)) == {"weishengsu"}
    assert plan_terms(plan_query("wss", vocabulary)) == {"wss"}


def test_pinyin_typed_with_spaces_is_read_as_one_word():
    plan = plan_query("wei sheng su", _vocabulary(D3))
    assert len(plan.groups) == 1
    assert Alternative(("weishengsu",)) in plan.groups[0].alternatives


def test_pinyin_of_a_phrase_is_looked_for_through_its_pairs():
    fish_oil = ListingText(title_en="Fish Oil", title_zh="深海鱼油软胶囊")
    plan = plan_query("yuyouruanjiaonang", _vocabulary(fish_oil))
    assert Alternative(("yuyou", "youruan", "ruanjiao", "jiaonang")) in plan.groups[0].alternatives


def test_misspelt_words_are_corrected_and_said_so():
    plan = plan_query("vitamn d3", _vocabulary(D3))
    assert ("vitamn", "vitamin") in plan.corrections
    assert "vitamin" in plan_terms(plan) and "d3" in plan_terms(plan)


def test_known_words_are_not_corrected():
    plan = plan_query("vitamins", _vocabulary(D3))
    assert plan.corrections == () and plan_terms(plan) == {"vitamin"}


def test_autocomplete_reads_the_last_word_as_a_prefix_not_a_typo():
    plan = plan_query("vit", _vocabulary(D3), prefix_last=True)
    assert Alternative(("vit",), prefix=True) in plan.groups[0].alternatives
    assert plan.corrections == ()


def test_stopwords_are_dropped_unless_the_query_is_nothing_else():
    vocabulary = _vocabulary(D3)
    assert [g.word for g in plan_query("vitamin for bones", vocabulary).groups] == [
        "vitamin",
        "bones",
    ]
    assert [g.word for g in plan_query("the", vocabulary).groups] == ["the"]


def test_an_empty_query_has_no_groups():
    assert plan_query("  ！？ ", _vocabulary(D3)).empty
