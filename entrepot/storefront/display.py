"""Showing catalogue values to a person in the active language."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.utils import translation

from entrepot.domain.money import Money

BABEL_LOCALES = {"zh-hans": "zh_Hans_CN", "en": "en"}
REGIONAL_INDICATOR_A = 0x1F1E6


def babel_locale() -> str:
    return BABEL_LOCALES.get(translation.get_language() or "en", "en")


def format_money(money: Money) -> str:
    return money.format(babel_locale())


@lru_cache(maxsize=4096)
def _country_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code.upper(), code)


def country_name(code: str) -> str:
    return _country_name(code, babel_locale())


def flag(code: str) -> str:
    """The flag emoji of an ISO 3166 alpha-2 country code ("" for anything else).

    Decoration only: pages show the country's name next to it, for screen readers and
    for systems (Windows) that draw regional indicators as two letters.
    """
    code = (code or "").upper()
    if len(code) != 2 or not ("A" <= code[0] <= "Z" and "A" <= code[1] <= "Z"):
        return ""
    return "".join(chr(REGIONAL_INDICATOR_A + ord(letter) - ord("A")) for letter in code)


def bilingual(obj, field: str) -> str:
    """`obj.<field>_zh` in Chinese, `obj.<field>_en` otherwise, falling back to the other."""
    chinese = (translation.get_language() or "").startswith("zh")
    first, second = ("zh", "en") if chinese else ("en", "zh")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
