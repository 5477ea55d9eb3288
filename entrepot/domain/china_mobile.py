"""Mainland China mobile numbers, checked without a database.

A mainland mobile number has 11 digits and starts with 13 to 19 (the ranges the
Ministry of Industry and Information Technology hands to carriers). People type it with
spaces or hyphens between groups and often with the country code: "+86 138-0013-8000",
"0086 13800138000" and "8613800138000" are all the number 13800138000.

`InvalidMobile.code` says which rule failed, so the web layer can show a translated
message; `str()` of the error is plain English.
"""

from __future__ import annotations

import re
import unicodedata

LENGTH = 11
EXAMPLE = "13800138000"

_SEPARATORS = re.compile(r"[\s\-().]")
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86(?=\d{11}$))")
_MOBILE = re.compile(r"1[3-9]\d{9}")


class InvalidMobile(ValueError):
    """The text is not a mainland China mobile number.

    codes: "format" (not 11 digits once separators and +86 are dropped), "prefix" (11
    digits, but not starting with 13 to 19).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalize_mobile(text: str) -> str:
    """The 11-digit number in `text`, without +86 or separators; InvalidMobile if none."""
    digits = _COUNTRY_CODE.sub("", _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)))
    if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
        raise InvalidMobile("format", "a mainland mobile number has 11 digits")
    if not _MOBILE.fullmatch(digits):
        raise InvalidMobile("prefix", "a mainland mobile number starts with 13 to 19")
    return digits

