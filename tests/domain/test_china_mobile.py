import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.china_mobile import InvalidMobile, normalize_mobile


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+8613800138000",
     "0086 13800138000", "8613800138000", "１３８００１３８０００", " 13800138000 "],
)  # fmt: skip
def test_the_usual_spellings_normalize_to_eleven_digits(typed):
    assert normalize_mobile(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["1380013800", "138001380001", "call me", "", "+1 415 555 0100"])
def test_not_eleven_digits_is_refused_as_format(typed):
    with pytest.raises(InvalidMobile) as refused:
        normalize_mobile(typed)
    assert refused.value.code == "format"


@pytest.mark.parametrize("typed", ["12800138000", "10086100861", "23800138000"])
def test_eleven_digits_not_starting_13_to_19_are_refused_as_prefix(typed):
    with pytest.raises(InvalidMobile) as refused:
        normalize_mobile(typed)
    assert refused.value.code == "prefix"


def test_the_error_never_repeats_the_number():
    with pytest.raises(InvalidMobile) as refused:
        normalize_mobile("12800138000")
    assert "12800138000" not in str(refused.value)


@given(
    second=st.sampled_from("3456789"),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "86"]),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_any_valid_number_in_any_spelling_comes_back_unchanged(second, rest, prefix, separator):
    number = f"1{second}{rest}"
    typed = prefix + separator.join([number[:3], number[3:7], number[7:]])
    assert normalize_mobile(typed) == number
