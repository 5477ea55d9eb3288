"""Customs code tables used in the CEB messages.

Currencies: the rules sheet (shared/domain/cross-border-rules.md §1, "Customs currency
codes"): 142 CNY, 502 USD, 300 EUR, 303 GBP, 501 CAD, 601 AUD.

Countries and units: China Customs' own numeric tables. Only the origins the demo
catalogue uses are listed, and they are UNCONFIRMED against the current table: an
operator extends COUNTRY_CODES; an origin missing here holds the declaration with a
message naming it, rather than sending a guess.
"""

from __future__ import annotations

CURRENCY_CODES = {"CNY": "142", "USD": "502", "EUR": "300", "GBP": "303", "CAD": "501",
                  "AUD": "601"}  # fmt: skip

# China Customs country (region) codes, sample (UNCONFIRMED)
COUNTRY_CODES = {
    "HK": "110", "JP": "116", "MO": "121", "KR": "133", "CN": "142", "BE": "301", "DK": "302",
    "GB": "303", "DE": "304", "FR": "305", "IE": "306", "IT": "307", "LU": "308", "NL": "309",
    "GR": "310", "PT": "311", "ES": "312", "AT": "315", "FI": "318", "SE": "330", "CH": "331",
    "CA": "501", "US": "502", "AU": "601", "NZ": "609",
}  # fmt: skip

# units of measure (UNCONFIRMED): declared quantity in pieces, legal quantity in kilograms
UNIT_PIECE = "011"
UNIT_KG = "035"

ID_CARD = "1"  # buyerIdType / payerIdType: resident identity card
IMPORT = "I"
APP_NEW, APP_CHANGE = "1", "2"
APP_DECLARED = "2"


def currency_code(iso: str) -> str:
    """The customs code of an ISO 4217 currency; KeyError names what is supported."""
    try:
        return CURRENCY_CODES[iso]
    except KeyError:
        raise KeyError(
            f"no customs currency code for {iso}; known: {', '.join(sorted(CURRENCY_CODES))}"
        ) from None


def iso_currency(code: str) -> str:
    """The ISO 4217 currency of a customs currency code ("142" -> "CNY")."""
    for iso, value in CURRENCY_CODES.items():
        if value == code:
            return iso
    raise KeyError(f"unknown customs currency code {code!r}")
