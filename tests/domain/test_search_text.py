"""Normalising and cutting text for search (no database)."""

from entrepot.domain.search.text import (
    bigrams,
    chinese_tokens,
    chinese_words,
    is_han,
    latin_words,
    normalize,
    runs,
    strip_tags,
)


def test_normalize_folds_width_case_and_traditional_characters():
    assert normalize("ＶＩＴＡＭＩＮ  Ｄ３") == "vitamin d3"
    assert normalize("維生素 嬰兒奶粉 魚油") == "维生素 婴儿奶粉 鱼油"
    assert normalize("  Café\tCrème ") == "café crème"


def test_runs_separate_chinese_from_latin_words_even_when_they_touch():
    assert runs("维生素d3 2000iu软胶囊 spf50+") == ["维生素", "d3", "2000iu", "软胶囊", "spf50"]
    assert latin_words("维生素d3 2000iu软胶囊") == ["d3", "2000iu"]


def test_is_han():
    assert is_han("a维b") and not is_han("vitamin")


def test_strip_tags_drops_bracketed_marketing():
    assert strip_tags("【美国直邮】Buckeye 维生素D3 [现货]") == "Buckeye 维生素D3"


def test_chinese_words_search_mode_adds_the_words_inside_long_ones():
    assert "维生素" in chinese_words("维生素软胶囊", search_mode=False)
    found = chinese_words("维生素软胶囊", search_mode=True)
    assert {"维生素", "软胶囊", "胶囊"} <= set(found)


def test_chinese_tokens_carry_offsets():
    assert chinese_tokens("天然瑜伽垫", search_mode=False) == [
        ("天然", 0, 2),
        ("瑜伽", 2, 4),
        ("垫", 4, 5),
    ]


def test_bigrams():
    assert bigrams("鱼油软胶囊") == ["鱼油", "油软", "软胶", "胶囊"]
    assert bigrams("茶") == []
