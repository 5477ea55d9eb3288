"""China's resident identity number (GB 11643-1999), checked without a database.

18 characters: a 6-digit address code, the birth date as YYYYMMDD, a 3-digit sequence
(odd for men, even for women) and a check character. The check character is the sum
of the first 17 digits times the weights below, mod 11, looked up in "10X98765432".

The number is sensitive personal information (PIPL Art. 28): error messages here never
repeat it, and `mask_resident_id` is the only form fit for a page or a log.

`InvalidResidentId.code` says which rule failed, with `params` for the wording, so the
web layer can show a translated message; `str()` of the error is plain English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LENGTH = 18
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
MAX_AGE_YEARS = 130
MASK = "*" * 8

_SHAPE = re.compile(r"\d{17}[\dX]")
# spaces and hyphens people type to group the digits; dropped before checking
_SEPARATORS = re.compile(r"[\s\-]")


class InvalidResidentId(ValueError):
    """The text is not a resident identity number; `code` says which rule failed.

    codes: "format", "birth_date", "birth_date_future", "birth_date_too_old",
    "check_digit" (params "expected" and "given").
    """

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalized: 18 characters, an upper-case X as check character
    birth_date: date
    sex: str  # "M" or "F", from the parity of the sequence number
    region_code: str  # the 6-digit address code of first registration

    def __str__(self) -> str:
        # a stray f-string or log call shows the masked form, not the number
        return mask_resident_id(self.number)

    def __repr__(self) -> str:
        return f"ResidentId({mask_resident_id(self.number)!r})"


def normalize_resident_id(value: str) -> str:
    """The number without spaces or hyphens, with an upper-case X."""
    return _SEPARATORS.sub("", value).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def has_valid_check_character(value: str) -> bool:
    """True for 17 digits followed by their correct check character (no date check)."""
    number = value.upper()
    return bool(_SHAPE.fullmatch(number)) and check_character(number[:17]) == number[17]


def validate_resident_id(value: str, *, today: date) -> ResidentId:
    """Check a resident identity number and read what it says about its holder.

    Raises InvalidResidentId for the wrong length or characters, a birth date that does
    not exist, lies after `today` or more than 130 years before it, or a wrong check
    character.
    """
    number = normalize_resident_id(value)
    if not _SHAPE.fullmatch(number):
        raise InvalidResidentId(
            "format",
            "a resident ID number must be 18 characters: 17 digits and a check digit 0-9 or X",
        )
    birth_date = _birth_date(number, today=today)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidResidentId(
            "check_digit",
            f"the check digit should be {expected}, not {number[17]}: "
            "a digit of the number is probably mistyped",
            expected=expected,
            given=number[17],
        )
    return ResidentId(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[14:17]) % 2 else "F",
        region_code=number[:6],
    )


def _birth_date(number: str, *, today: date) -> date:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidResidentId(
            "birth_date",
            "digits 7 to 14 must be a real birth date written YYYYMMDD",
        ) from None
    if born > today:
        raise InvalidResidentId(
            "birth_date_future",
            f"the birth date (digits 7 to 14) lies in the future: it must be {today:%Y-%m-%d} "
            "or earlier",
            latest=today.isoformat(),
        )
    earliest = _years_before(today, MAX_AGE_YEARS)
    if born < earliest:
        raise InvalidResidentId(
            "birth_date_too_old",
            f"the birth date (digits 7 to 14) is more than {MAX_AGE_YEARS} years ago: it must "
            f"be {earliest:%Y-%m-%d} or later",
            earliest=earliest.isoformat(),
        )
    return born


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def mask_resident_id(number: str) -> str:
    """The form to show or log: the first 6 and last 4 characters, 8 asterisks between.

    110105********002X. Anything that is not 18 characters is masked entirely.
    """
    number = normalize_resident_id(number)
    if len(number) != LENGTH:
        return "*" * len(number)
    return f"{number[:6]}{MASK}{number[-4:]}"
