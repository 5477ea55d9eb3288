"""Synthetic sample vocabulary for ``entrepot seed``.

Pure data, no Django: the deterministic seed generator combines these words into small-business
sellers (US, Europe, the UK, Japan and a few others), bilingual English / Simplified Chinese
products that Chinese shoppers buy abroad, and buyers who are mostly in mainland China.

Everything here is invented sample data. The tariff numbers (``hs_code``) are illustrative
8-digit samples from the Chinese import tariff, not a legal customs classification, and the
tax rates are simplified defaults that the generator may refine.

Description placeholders: English texts may use ``{brand}``, ``{origin_en}`` and ``{city}``;
Chinese texts ``{brand}``, ``{origin_zh}`` and ``{city}``. Seller stories use ``{city}``,
``{founded}`` and ``{country_en}`` / ``{country_zh}``.
The words themselves live in ``data/vocabulary.json``; this module turns them into
typed, immutable specs once, at import.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """A product category with its default Chinese import taxes."""

    slug: str
    name_en: str
    name_zh: str
    # China import VAT: 13 % in general, 9 % for books.
    vat_rate: Decimal
    # Consumption tax where it may apply (high-end cosmetics, watches); the generator decides.
    consumption_tax_rate: Decimal


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """One purchasable variant; factors multiply the template's base price and weight."""

    name_en: str
    name_zh: str
    price_factor: Decimal
    weight_factor: Decimal


@dataclass(frozen=True, slots=True)
class ProductTemplate:
    """A kind of product a small seller might list, in English and Simplified Chinese."""

    noun_en: str
    noun_zh: str
    hs_code: str  # 8-digit Chinese tariff number, digits only (illustrative)
    price_usd: tuple[Decimal, Decimal]  # plausible retail price range in USD (low, high)
    weight_grams: tuple[int, int]  # shipping weight range
    variants: tuple[VariantSpec, ...]  # 1 to 3; the first has price_factor 1
    description_en: str  # placeholders: {brand} {origin_en} {city}
    description_zh: str  # placeholders: {brand} {origin_zh} {city}


@dataclass(frozen=True, slots=True)
class SellerCountry:
    """Where sellers are based and how their business names are built.

    A business name joins one ``name_first`` word and one ``name_second`` word with a space
    ("Buckeye" + "Naturals"). A ``name_second`` entry containing ``"{0}"`` is instead a
    ``str.format`` pattern that takes the first word ("Maison {0}" -> "Maison Provence").
    """

    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    weight: int  # relative share of sellers
    name_en: str
    name_zh: str
    cities: tuple[str, ...]
    name_first: tuple[str, ...]
    name_second: tuple[str, ...]


def _load() -> dict:
    text = resources.files("entrepot.seeding").joinpath("data/vocabulary.json").read_text("utf-8")
    return json.loads(text)


def _template(raw: dict) -> ProductTemplate:
    return ProductTemplate(
        noun_en=raw["noun_en"],
        noun_zh=raw["noun_zh"],
        hs_code=raw["hs_code"],
        price_usd=(Decimal(raw["price_usd"][0]), Decimal(raw["price_usd"][1])),
        weight_grams=(int(raw["weight_grams"][0]), int(raw["weight_grams"][1])),
        variants=tuple(
            VariantSpec(
                v["name_en"], v["name_zh"], Decimal(v["price_factor"]), Decimal(v["weight_factor"])
            )
            for v in raw["variants"]
        ),
        description_en=raw["description_en"],
        description_zh=raw["description_zh"],
    )


_DATA = _load()

CATEGORIES: tuple[CategorySpec, ...] = tuple(
    CategorySpec(
        c["slug"],
        c["name_en"],
        c["name_zh"],
        Decimal(c["vat_rate"]),
        Decimal(c["consumption_tax_rate"]),
    )
    for c in _DATA["categories"]
)
PRODUCT_TEMPLATES: dict[str, tuple[ProductTemplate, ...]] = {
    slug: tuple(_template(t) for t in templates)
    for slug, templates in _DATA["product_templates"].items()
}
SELLER_COUNTRIES: tuple[SellerCountry, ...] = tuple(
    SellerCountry(
        code=c["code"],
        currency=c["currency"],
        weight=int(c["weight"]),
        name_en=c["name_en"],
        name_zh=c["name_zh"],
        cities=tuple(c["cities"]),
        name_first=tuple(c["name_first"]),
        name_second=tuple(c["name_second"]),
    )
    for c in _DATA["seller_countries"]
)
CN_BUYER_LOCATIONS: tuple[tuple[str, str, int], ...] = tuple(
    (p, c, int(w)) for p, c, w in _DATA["cn_buyer_locations"]
)
OTHER_BUYER_LOCATIONS: tuple[tuple[str, str, str, int], ...] = tuple(
    (cc, r, c, int(w)) for cc, r, c, w in _DATA["other_buyer_locations"]
)
CN_SURNAMES: tuple[str, ...] = tuple(_DATA["cn_surnames"])
CN_GIVEN: tuple[str, ...] = tuple(_DATA["cn_given"])
WESTERN_FIRST: tuple[str, ...] = tuple(_DATA["western_first"])
WESTERN_LAST: tuple[str, ...] = tuple(_DATA["western_last"])
STORY_EN: tuple[str, ...] = tuple(_DATA["story_en"])
STORY_ZH: tuple[str, ...] = tuple(_DATA["story_zh"])
