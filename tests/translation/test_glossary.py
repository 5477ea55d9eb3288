import pytest

from entrepot.translation.glossary import dictionary_index, glossary_terms
from entrepot.translation.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def test_cc_cedict_gives_the_usual_word_for_common_product_nouns():
    index = dictionary_index()
    assert index["vitamin"] == "维生素"
    # the word used on its own, not the bound syllable 咖 that also means "coffee"
    assert index["coffee"] == "咖啡"
    assert index["olive oil"] == "橄榄油"


def test_glossary_finds_vitamin_in_listing_text():
    terms = glossary_terms("Vitamin D3 2000 IU Softgels")
    assert ("vitamin", "维生素", "cc-cedict") in [(t.en, t.zh, t.source) for t in terms]


def test_plural_words_are_found_in_the_singular():
    terms = glossary_terms("Organic vitamins for kids")
    assert any(t.zh == "维生素" for t in terms)


def test_operator_terms_come_first_and_win_over_cc_cedict():
    GlossaryTerm.objects.create(term_en="Vitamin", term_zh="维他命", note="house style")
    GlossaryTerm.objects.create(term_en="fish oil", term_zh="鱼油")
    terms = glossary_terms("Fish oil with coffee and vitamin E. Vitamin D too.")
    assert terms[0].source == "operator"
    assert [(t.en, t.zh) for t in terms if t.source == "operator"] == [
        ("fish oil", "鱼油"),
        ("Vitamin", "维他命"),
    ]
    # CC-CEDICT's 维生素 is not offered next to the operator's choice, each term once
    assert all(t.zh != "维生素" for t in terms)
    assert [t.zh for t in terms].count("维他命") == 1
    assert ("coffee", "咖啡", "cc-cedict") in [(t.en, t.zh, t.source) for t in terms]


def test_operator_terms_match_whole_words_only():
    GlossaryTerm.objects.create(term_en="oil", term_zh="油")
    assert all(t.source != "operator" for t in glossary_terms("Boiling kettle"))


def test_stopwords_are_not_glossary_terms():
    terms = glossary_terms("One a day for you")
    assert not {t.en for t in terms} & {"one", "a", "for", "you"}


def test_the_limit_caps_the_list():
    assert len(glossary_terms("coffee tea honey milk water bread cheese salt sugar", limit=3)) == 3
