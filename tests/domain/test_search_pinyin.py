"""Pinyin for Chinese words, and typed pinyin cut into syllables (no database)."""

from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.search.pinyin import SYLLABLES, full_pinyin, initials, split_syllables


def test_full_pinyin_and_initials_of_a_word():
    assert full_pinyin("维生素") == "weishengsu"
    assert initials("维生素") == "wss"


def test_zh_ch_sh_initials_are_their_first_letter():
    assert initials("防晒霜") == "fss"


def test_split_syllables_cuts_typed_pinyin():
    assert split_syllables("weishengsu") == ("wei", "sheng", "su")
    assert split_syllables("yuyouruanjiaonang") == ("yu", "you", "ruan", "jiao", "nang")


def test_split_syllables_backtracks_when_the_longest_cut_leaves_no_syllable():
    # "xian" + "g" fails; "xi" + "ang" works
    assert split_syllables("xiang") == ("xiang",)
    assert split_syllables("fangan") in {("fang", "an"), ("fan", "gan")}


def test_split_syllables_refuses_what_is_not_pinyin():
    assert split_syllables("vitamin") is None
    assert split_syllables("d3") is None
    assert split_syllables("维生素") is None


@given(st.lists(st.sampled_from(sorted(SYLLABLES)), min_size=1, max_size=8))
def test_any_string_of_syllables_can_be_cut_back_into_syllables(parts):
    cut = split_syllables("".join(parts))
    assert cut is not None
    assert "".join(cut) == "".join(parts)
    assert all(s in SYLLABLES for s in cut)
