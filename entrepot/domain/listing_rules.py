"""What China requires before a listing can be published.

A pure check of a `ListingSnapshot` against the cross-border positive list. Every
finding is a `ListingProblem`: a code, the form field to fix, the values a message
needs, and whether it blocks publishing. Non-blocking problems are still shown: a
bonded-only tariff number, for instance, can be sold, but only from a bonded warehouse.

The wording of the messages belongs to the caller (entrepot.catalog.listing_check),
which translates them; this module only decides what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from entrepot.domain.landed_cost.positive_list import PositiveList

MISSING_TITLE_EN = "MISSING_TITLE_EN"
MISSING_TITLE_ZH = "MISSING_TITLE_ZH"
MISSING_DESCRIPTION_ZH = "MISSING_DESCRIPTION_ZH"
MISSING_WEIGHT = "MISSING_WEIGHT"
MISSING_ORIGIN = "MISSING_ORIGIN"
HS_CODE_FORMAT = "HS_CODE_FORMAT"
HS_NOT_ON_POSITIVE_LIST = "HS_NOT_ON_POSITIVE_LIST"
HS_BONDED_ONLY = "HS_BONDED_ONLY"
HS_LIST_CONDITION = "HS_LIST_CONDITION"
MISSING_NET_CONTENT = "MISSING_NET_CONTENT"
NO_VARIANT = "NO_VARIANT"
PRICE_NOT_POSITIVE = "PRICE_NOT_POSITIVE"
NO_STOCK = "NO_STOCK"
TRANSLATION_NOT_REVIEWED = "TRANSLATION_NOT_REVIEWED"

ALL_CODES = (
    MISSING_TITLE_EN,
    MISSING_TITLE_ZH,
    MISSING_DESCRIPTION_ZH,
    MISSING_WEIGHT,
    MISSING_ORIGIN,
    HS_CODE_FORMAT,
    HS_NOT_ON_POSITIVE_LIST,
    HS_BONDED_ONLY,
    HS_LIST_CONDITION,
    MISSING_NET_CONTENT,
    NO_VARIANT,
    PRICE_NOT_POSITIVE,
    NO_STOCK,
    TRANSLATION_NOT_REVIEWED,
)

# China's consumption tax on cosmetics depends on the price per ml, g or piece
# (see corridors/cn_cbec.py), so these listings cannot be quoted without net content.
COSMETICS_PREFIXES = ("3303", "3304")
NET_CONTENT_UNITS = ("ml", "g", "piece")
TRANSLATION_REVIEWED = "reviewed"
TRANSLATION_MACHINE = "machine"


@dataclass(frozen=True, slots=True)
class ListingSnapshot:
    """The fields of a product (and its variants) that decide whether it may be listed."""

    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    hs_code: str
    origin_country: str
    weight_grams: int | None
    net_content_value: Decimal | None
    net_content_unit: str
    variant_prices: tuple[Decimal, ...]
    total_stock: int
    translation_status: str


@dataclass(frozen=True)
class ListingProblem:
    """One thing to fix (`blocking`) or to know (not blocking) before publishing."""

    code: str
    field: str
    params: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True


def tariff_digits(hs_code: str) -> str:
    """The tariff number as typed, without the dots and spaces people write in it."""
    return hs_code.replace(".", "").replace(" ", "").strip()


def listing_problems(
    snapshot: ListingSnapshot, positive_list: PositiveList
) -> list[ListingProblem]:
    """Everything that stops (or qualifies) publishing `snapshot` for buyers in China.

    Problems come in the order of the listing form. `positive_list` must be the edition
    in force; an empty list would put every tariff number off the list.
    """
    return [
        *_text_problems(snapshot),
        *_shipping_problems(snapshot),
        *_tariff_problems(snapshot, positive_list),
        *_net_content_problems(snapshot),
        *_variant_problems(snapshot),
        *_translation_problems(snapshot),
    ]


def _text_problems(snapshot: ListingSnapshot) -> list[ListingProblem]:
    problems = []
    if not snapshot.title_en.strip():
        problems.append(ListingProblem(MISSING_TITLE_EN, "title_en"))
    if not snapshot.title_zh.strip():
        problems.append(ListingProblem(MISSING_TITLE_ZH, "title_zh"))
    # a listing can go live without it, but few buyers order what they cannot read about
    if not snapshot.description_zh.strip():
        problems.append(ListingProblem(MISSING_DESCRIPTION_ZH, "description_zh", blocking=False))
    return problems


def _shipping_problems(snapshot: ListingSnapshot) -> list[ListingProblem]:
    problems = []
    if not snapshot.weight_grams or snapshot.weight_grams <= 0:
        problems.append(ListingProblem(MISSING_WEIGHT, "weight_grams"))
    origin = snapshot.origin_country.strip()
    if not (len(origin) == 2 and origin.isascii() and origin.isalpha()):
        problems.append(ListingProblem(MISSING_ORIGIN, "origin_country", {"value": origin}))
    return problems


def _tariff_problems(
    snapshot: ListingSnapshot, positive_list: PositiveList
) -> list[ListingProblem]:
    digits = tariff_digits(snapshot.hs_code)
    # China declares 8-digit tariff numbers; 10 digits add the customs statistics suffix
    if not (len(digits) in (8, 10) and digits.isascii() and digits.isdigit()):
        return [ListingProblem(HS_CODE_FORMAT, "hs_code", {"value": snapshot.hs_code.strip()})]
    tariff_number = digits[:8]
    entry = positive_list.get(tariff_number)
    if entry is None:
        params = {"tariff_number": tariff_number, "edition": positive_list.edition.isoformat()}
        return [ListingProblem(HS_NOT_ON_POSITIVE_LIST, "hs_code", params)]
    problems = []
    if entry.bonded_only:
        problems.append(
            ListingProblem(
                HS_BONDED_ONLY, "hs_code", {"tariff_number": tariff_number}, blocking=False
            )
        )
    if entry.note:
        problems.append(
            ListingProblem(
                HS_LIST_CONDITION,
                "hs_code",
                {"tariff_number": tariff_number, "note": entry.note},
                blocking=False,
            )
        )
    return problems


def _net_content_problems(snapshot: ListingSnapshot) -> list[ListingProblem]:
    if not tariff_digits(snapshot.hs_code).startswith(COSMETICS_PREFIXES):
        return []
    value = snapshot.net_content_value
    if value is None or value <= 0 or snapshot.net_content_unit not in NET_CONTENT_UNITS:
        return [ListingProblem(MISSING_NET_CONTENT, "net_content_value")]
    return []


def _variant_problems(snapshot: ListingSnapshot) -> list[ListingProblem]:
    if not snapshot.variant_prices:
        return [ListingProblem(NO_VARIANT, "variants")]
    problems = []
    unpriced = sum(1 for price in snapshot.variant_prices if price <= 0)
    if unpriced:
        problems.append(ListingProblem(PRICE_NOT_POSITIVE, "variants", {"count": unpriced}))
    # publishing with no stock is allowed (pre-announcing), but buyers see "sold out"
    if snapshot.total_stock <= 0:
        problems.append(ListingProblem(NO_STOCK, "variants", blocking=False))
    return problems


def _translation_problems(snapshot: ListingSnapshot) -> list[ListingProblem]:
    status = snapshot.translation_status
    if status == TRANSLATION_REVIEWED:
        return []
    # a machine draft may go live, but the seller should know nobody has read it;
    # anything else (missing, or a status this code does not know) blocks
    blocking = status != TRANSLATION_MACHINE
    return [
        ListingProblem(
            TRANSLATION_NOT_REVIEWED, "translation_status", {"status": status}, blocking=blocking
        )
    ]
