import pytest

from entrepot.translation.models import (
    GlossaryTerm,
    MemoryEntry,
    glossary_key,
    memory_source_key,
    normalize_text,
)
from entrepot.translation.services import memory_lookup, memory_record
from tests import factories

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "One softgel a day with a meal. Made in Ohio from sustainably sourced fish oil, "
    "third-party tested for purity."
)


def test_normalization_ignores_case_spacing_width_and_trailing_punctuation():
    assert normalize_text("  Vitamin  D3\n2000 IU Softgels!! ") == "vitamin d3 2000 iu softgels"
    # NFKC: full-width letters and digits are the ASCII ones
    assert normalize_text("ＶＩＴＡＭＩＮ Ｄ３.") == "vitamin d3"
    assert memory_source_key("One softgel a day.") == memory_source_key("one  SOFTGEL a day")
    # punctuation inside the text still counts
    assert normalize_text("Dr. Bronner's soap...") == "dr. bronner's soap"
    assert memory_source_key("Apply daily") != memory_source_key("Apply nightly")


def test_glossary_key_is_case_and_spacing_insensitive():
    assert glossary_key("Vitamin  C") == glossary_key("vitamin c") == "vitamin c"


def test_exact_match_is_found_through_normalization():
    memory_record(
        text_en="One softgel a day.", text_zh="每日一粒。", kind="description", reviewed=True
    )
    found = memory_lookup("  one SOFTGEL a day ")
    assert found is not None
    assert (found.text_zh, found.origin, found.reviewed, found.score) == (
        "每日一粒。",
        "memory",
        True,
        1.0,
    )


def test_near_match_finds_a_slightly_different_text():
    memory_record(text_en=DESCRIPTION, text_zh="每日随餐一粒。", kind="description", reviewed=True)
    changed = DESCRIPTION.replace("purity", "purity and freshness")
    found = memory_lookup(changed)
    assert found is not None
    assert found.origin == "memory-near"
    assert found.text_zh == "每日随餐一粒。"
    assert 0.92 <= found.score < 1


def test_near_match_needs_the_same_first_words_and_a_high_ratio():
    memory_record(text_en=DESCRIPTION, text_zh="每日随餐一粒。", kind="description", reviewed=True)
    # same text but the first words differ: outside the indexed bucket
    assert memory_lookup("Two softgels a day" + DESCRIPTION[len("One softgel a day") :]) is None
    # same first words, too different
    assert memory_lookup("One softgel a day keeps the doctor away.") is None


def test_near_match_prefers_reviewed_entries():
    memory_record(text_en=DESCRIPTION, text_zh="审核过的", kind="description", reviewed=True)
    memory_record(
        text_en=DESCRIPTION.replace("Ohio", "Iowa"),
        text_zh="机器草稿",
        kind="description",
        reviewed=False,
    )
    found = memory_lookup(DESCRIPTION.replace("Ohio", "Utah"))
    assert (found.text_zh, found.reviewed) == ("审核过的", True)


def test_an_unreviewed_text_never_replaces_a_reviewed_one():
    reviewer = factories.user()
    memory_record(
        text_en="Maple syrup", text_zh="枫糖浆", kind="title", reviewed=True, reviewer=reviewer
    )
    memory_record(text_en="maple syrup.", text_zh="枫树糖水", kind="title", reviewed=False)
    entry = MemoryEntry.objects.get()
    assert (entry.target_text, entry.reviewed, entry.reviewed_by) == ("枫糖浆", True, reviewer)


def test_a_review_replaces_an_earlier_draft():
    memory_record(text_en="Maple syrup", text_zh="枫树糖水", kind="title", reviewed=False)
    memory_record(text_en="Maple syrup", text_zh="枫糖浆", kind="title", reviewed=True)
    assert MemoryEntry.objects.get().target_text == "枫糖浆"


def test_memory_record_refuses_empty_text():
    with pytest.raises(ValueError, match="English text to remember is empty"):
        memory_record(text_en=" ... ", text_zh="空", kind="other", reviewed=True)
    with pytest.raises(ValueError, match="Chinese text"):
        memory_record(text_en="Honey", text_zh="  ", kind="other", reviewed=True)


def test_glossary_refuses_a_second_spelling_of_the_same_term():
    from django.core.exceptions import ValidationError

    GlossaryTerm.objects.create(term_en="Vitamin C", term_zh="维生素C")
    duplicate = GlossaryTerm(term_en="vitamin   c", term_zh="维C")
    with pytest.raises(ValidationError, match="already has this term"):
        duplicate.full_clean()
