"""Correcting misspelt query words towards indexed terms (no database)."""

from entrepot.domain.search.typos import TypoCorrector, best_matches

VOCABULARY = ["vitamin", "probiot", "sunscreen", "lipstick", "tenni", "espresso", "collagen",
              "tea", "yoga", "mat", "weishengsu"]  # fmt: skip


def test_one_slip_is_corrected():
    corrector = TypoCorrector(VOCABULARY)
    assert corrector.similar("vitamn") == ["vitamin"]
    assert corrector.similar("sunscren") == ["sunscreen"]
    assert corrector.similar("expresso") == ["espresso"]
    assert corrector.similar("colagen") == ["collagen"]


def test_far_words_are_not_corrected():
    corrector = TypoCorrector(VOCABULARY)
    assert corrector.similar("chocolate") == []
    assert corrector.similar("watch") == []


def test_the_term_itself_is_no_correction():
    assert best_matches("vitamin", ["vitamin", "vitamins"]) == ["vitamins"]


def test_known_reports_the_indexed_terms():
    corrector = TypoCorrector(VOCABULARY)
    assert corrector.known({"tea", "coffee"}) == {"tea"}
    assert "yoga" in corrector and len(corrector) == len(VOCABULARY)


def test_equal_scores_come_in_a_stable_order():
    found = best_matches("tennisx", ["tennisc", "tennisb", "tennisa"], limit=3)
    assert found == ["tennisa", "tennisb", "tennisc"]
