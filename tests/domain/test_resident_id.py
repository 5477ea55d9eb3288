"""Resident identity numbers (GB 11643-1999), with python-stdnum as the oracle."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from entrepot.domain.resident_id import (
    InvalidResidentId,
    ResidentId,
    has_valid_check_character,
    mask_resident_id,
    validate_resident_id,
)

TODAY = date(2026, 6, 1)
EARLIEST = date(1896, 6, 1)
# address codes stdnum knows for every year since 1896 (others it rejects before founding)
STABLE_REGIONS = ["110105", "310101"]


def test_worked_examples_are_valid():
    assert validate_resident_id("360426199101010071", today=TODAY) == ResidentId(
        number="360426199101010071", birth_date=date(1991, 1, 1), sex="M", region_code="360426"
    )
    beijing = validate_resident_id("11010519491231002X", today=TODAY)
    assert (beijing.birth_date, beijing.sex, beijing.region_code) == (
        date(1949, 12, 31), "F", "110105"
    )  # fmt: skip
    assert validate_resident_id("130435200009241538", today=TODAY).sex == "M"


def test_lower_case_x_spaces_and_hyphens_are_normalized():
    assert validate_resident_id(" 110105-19491231-002x ", today=TODAY).number == (
        "11010519491231002X"
    )


def test_wrong_check_digit_says_which_digit_is_expected():
    with pytest.raises(InvalidResidentId, match="check digit should be 1, not 2") as error:
        validate_resident_id("360426199101010072", today=TODAY)
    assert error.value.code == "check_digit"
    assert error.value.params == {"expected": "1", "given": "2"}


@pytest.mark.parametrize(
    "value",
    ["", "36042619910101007", "3604261991010100711", "36042619910101007Y", "X60426199101010071"],
)
def test_wrong_length_or_characters_are_refused(value):
    with pytest.raises(
        InvalidResidentId, match="must be 18 characters: 17 digits and a check digit 0-9 or X"
    ) as error:
        validate_resident_id(value, today=TODAY)
    assert error.value.code == "format"


def _with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_impossible_birth_date_is_refused():
    with pytest.raises(InvalidResidentId, match="real birth date") as error:
        validate_resident_id(_with_check("11010519910231001"), today=TODAY)
    assert error.value.code == "birth_date"


def test_birth_date_after_today_is_refused():
    with pytest.raises(InvalidResidentId, match="in the future: it must be 2026-06-01") as error:
        validate_resident_id(_with_check("11010520260602001"), today=TODAY)
    assert error.value.code == "birth_date_future"


def test_birth_today_is_accepted():
    assert validate_resident_id(_with_check("11010520260601001"), today=TODAY).birth_date == TODAY


def test_birth_date_more_than_130_years_ago_is_refused():
    with pytest.raises(InvalidResidentId, match="more than 130 years ago") as error:
        validate_resident_id(_with_check("11010518960531001"), today=TODAY)
    assert error.value.code == "birth_date_too_old"
    assert validate_resident_id(_with_check("11010518960601001"), today=TODAY)


def test_errors_never_repeat_the_number():
    for value in ["360426199101010072", _with_check("11010520260602001")]:
        with pytest.raises(InvalidResidentId) as error:
            validate_resident_id(value, today=TODAY)
        assert value not in str(error.value)
        assert value[6:14] not in str(error.value)


def test_masking_keeps_the_first_six_and_last_four_characters():
    assert mask_resident_id("11010519491231002X") == "110105********002X"
    assert mask_resident_id("11010519491231002x") == "110105********002X"


def test_masking_hides_anything_that_is_not_18_characters():
    assert mask_resident_id("1101051949") == "**********"


def test_str_and_repr_of_a_resident_id_are_masked():
    resident = validate_resident_id("11010519491231002X", today=TODAY)
    assert str(resident) == "110105********002X"
    assert "19491231" not in repr(resident)


def test_check_character_alone_ignores_the_date():
    assert has_valid_check_character("360426199101010071")
    assert has_valid_check_character("11010519491231002x")
    assert not has_valid_check_character("360426199101010072")
    assert not has_valid_check_character("36042619910101007")


_regions = st.text("0123456789", min_size=6, max_size=6)
_sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")
_births = st.dates(min_value=EARLIEST, max_value=TODAY)


def _first17(region: str, born: date, sequence: str) -> str:
    return f"{region}{born:%Y%m%d}{sequence}"


@settings(max_examples=500, deadline=None)
@given(_regions, _births, _sequences)
def test_check_digit_agrees_with_stdnum(region, born, sequence):
    first17 = _first17(region, born, sequence)
    expected = ric.calc_check_digit(first17 + "0")
    resident = validate_resident_id(first17 + expected, today=TODAY)
    assert resident.number[-1] == expected
    assert resident.birth_date == ric.get_birth_date(resident.number) == born
    assert resident.sex == ("M" if int(sequence) % 2 else "F")


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(STABLE_REGIONS), _births, _sequences, st.sampled_from("0123456789X"))
def test_validity_agrees_with_stdnum(region, born, sequence, check):
    number = _first17(region, born, sequence) + check
    try:
        validate_resident_id(number, today=TODAY)
    except InvalidResidentId as error:
        assert error.code == "check_digit"
        valid = False
    else:
        valid = True
    assert valid == ric.is_valid(number)
