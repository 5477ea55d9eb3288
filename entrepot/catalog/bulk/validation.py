"""Validating the rows of one product_ref into the listing they describe, or row errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from babel import Locale
from django.utils.translation import gettext as _

from entrepot.catalog.bulk.columns import EXTRA, NET_CONTENT_UNITS, PRODUCT_COLUMNS, Row
from entrepot.catalog.models import Category, ProductVariant
from entrepot.catalog.services import ListingInput, VariantInput
from entrepot.domain.money import minor_units
from entrepot.sellers.models import Seller

MAX_STOCK = 10_000_000
MAX_WEIGHT_GRAMS = 100_000

_DECIMAL = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
# the seller API's SKU rule (it names a variant by its SKU in URLs): the same everywhere
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def SKU_RULE() -> str:  # noqa: N802 - read like the constant it goes with
    return _("A SKU has letters, digits, “.”, “_” and “-” only, and starts with a letter or digit.")


@dataclass(frozen=True)
class RowError:
    line: int  # the row's number in the file (the header is line 1)
    field: str  # the column
    message: str


@cache
def _countries() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale.parse("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


@dataclass
class ImportContext:
    """What validating a file needs beyond its rows; built once per file."""

    seller: Seller
    categories: dict[str, Category]
    places: int  # decimals of the seller's currency
    sku_lines: dict[str, int]  # the first line of each SKU in the file
    sku_owners: dict[str, tuple[int, int]]  # SKU -> (seller id, product id) in the catalogue
    claimed: dict[int, tuple[str, int]] = field(default_factory=dict)  # product id -> ref, line

    @classmethod
    def build(cls, *, seller: Seller, rows: Iterable[Row]) -> ImportContext:
        sku_lines: dict[str, int] = {}
        for line, row in rows:
            sku = row.get("sku", "")
            if sku:
                sku_lines.setdefault(sku, line)
        owners: dict[str, tuple[int, int]] = {}
        skus = list(sku_lines)
        for start in range(0, len(skus), 500):
            found = ProductVariant.objects.filter(sku__in=skus[start : start + 500])
            for sku, seller_id, product_id in found.values_list(
                "sku", "product__seller_id", "product_id"
            ):
                owners[sku] = (seller_id, product_id)
        return cls(
            seller=seller,
            categories={c.slug: c for c in Category.objects.all()},
            places=minor_units(seller.currency),
            sku_lines=sku_lines,
            sku_owners=owners,
        )

    def product_id(self, listing: ListingInput) -> int | None:
        """The seller's listing that `listing` updates, or None for a new one."""
        for item in listing.variants:
            owner = self.sku_owners.get(item.sku)
            if owner and owner[0] == self.seller.id:
                return owner[1]
        return None


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("%(length)s characters is too long: at most %(limit)s.") % {
            "length": len(value),
            "limit": limit,
        }
    return None


def _positive_int(value: str, *, what: str, minimum: int, maximum: int) -> tuple[int | None, str]:
    if not _INTEGER.match(value):
        return None, _("“%(value)s” is not a whole number: %(what)s.") % {
            "value": value,
            "what": what,
        }
    number = int(value)
    if not minimum <= number <= maximum:
        return None, _("%(value)s is out of range: %(what)s, from %(min)s to %(max)s.") % {
            "value": number,
            "what": what,
            "min": minimum,
            "max": f"{maximum:,}",
        }
    return number, ""


def _product_fields(
    line: int, row: dict[str, str], context: ImportContext, errors: list[RowError]
) -> dict:
    """The listing's own fields from the first row of a product."""

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    fields: dict = {}
    slug = row.get("category", "")
    if not slug:
        error("category", _("Required: the category slug, e.g. %(slug)s.") % _slug_example(context))
    elif slug.lower() not in context.categories:
        slugs = sorted(context.categories)
        shown = ", ".join(slugs[:30]) + (", …" if len(slugs) > 30 else "")
        error(
            "category",
            _("Unknown category “%(slug)s”: use one of %(slugs)s.")
            % {"slug": slug, "slugs": shown},
        )
    else:
        fields["category"] = context.categories[slug.lower()]
    if not row.get("title_en", ""):
        error("title_en", _("Required: the English title buyers see."))
    for column, limit in (("title_en", 200), ("title_zh", 200), ("brand", 100)):
        problem = _too_long(row.get(column, ""), limit)
        if problem:
            error(column, problem)
    for column in ("title_en", "title_zh", "description_en", "description_zh", "brand"):
        fields[column] = row.get(column, "")

    hs_code = row.get("hs_code", "")
    digits = hs_code.replace(".", "").replace(" ", "")
    if hs_code and not (digits.isdigit() and digits.isascii() and 6 <= len(digits) <= 10):
        error(
            "hs_code",
            _("“%(value)s” is not an HS code: 6 to 10 digits, dots allowed, e.g. 3304.99.00.")
            % {"value": hs_code},
        )
    fields["hs_code"] = hs_code

    country = row.get("origin_country", "").upper()
    if country and country not in _countries():
        error(
            "origin_country",
            _(
                "“%(value)s” is not a country code: use the ISO 3166 two-letter code, e.g. "
                "US, FR, DE or JP (empty: your business's country, %(own)s)."
            )
            % {"value": row.get("origin_country", ""), "own": context.seller.country},
        )
    fields["origin_country"] = country

    raw_net = row.get("net_content_value", "")
    unit = row.get("net_content_unit", "").lower()
    net = None
    if raw_net:
        net = Decimal(raw_net) if _DECIMAL.match(raw_net) else None
        if net is None or net <= 0 or net >= 10**9 or net != round(net, 3):
            error(
                "net_content_value",
                _(
                    "“%(value)s” is not a net content: a number above 0 with at most 3 "
                    "decimals, e.g. 50 or 0.5 (the unit goes in net_content_unit)."
                )
                % {"value": raw_net},
            )
            net = None
        if not unit:
            error(
                "net_content_unit",
                _("Required with a net content: one of %(units)s.")
                % {"units": ", ".join(NET_CONTENT_UNITS)},
            )
    if unit and unit not in NET_CONTENT_UNITS:
        error(
            "net_content_unit",
            _("Unknown unit “%(value)s”: use one of %(units)s.")
            % {"value": row.get("net_content_unit", ""), "units": ", ".join(NET_CONTENT_UNITS)},
        )
    elif unit and not raw_net:
        error(
            "net_content_value",
            _("Required with a net content unit: the amount, e.g. 50, or leave both empty."),
        )
    fields["net_content_value"] = net
    fields["net_content_unit"] = unit
    return fields


def _slug_example(context: ImportContext) -> dict:
    return {"slug": next(iter(sorted(context.categories)), "vitamins-supplements")}


def _price_of(value: str, context: ImportContext) -> tuple[Decimal | None, str]:
    currency = context.seller.currency
    if not value:
        return None, _("Required: the price of this variant in %(currency)s, e.g. 19.99.") % {
            "currency": currency
        }
    if not _DECIMAL.match(value):
        return None, _(
            "“%(value)s” is not a price: write digits with a dot for decimals, without a "
            "currency sign or thousands separator, e.g. 1234.50."
        ) % {"value": value}
    amount = Decimal(value)
    if amount <= 0:
        return None, _("The price must be more than 0, got %(value)s.") % {"value": value}
    if amount >= 10**14:
        return None, _("%(value)s is too large: at most 14 digits before the decimal point.") % {
            "value": value
        }
    if amount != round(amount, context.places):
        return None, _("%(currency)s prices have at most %(places)s decimals, got %(value)s.") % {
            "currency": currency,
            "places": context.places,
            "value": value,
        }
    return amount, ""


def _variant(
    line: int, row: dict[str, str], context: ImportContext, errors: list[RowError]
) -> VariantInput | None:
    count = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    if row.get(EXTRA):
        error(
            "row",
            _(
                "This row has values outside the named columns (%(values)s): quote text "
                "that contains the delimiter, or remove the extra cells."
            )
            % {"values": row[EXTRA][:100]},
        )
    sku = row.get("sku", "")
    if not sku:
        error("sku", _("Required: your code for this variant, unique in the marketplace."))
    elif _too_long(sku, 64):
        error("sku", _too_long(sku, 64) or "")
    elif not SKU.fullmatch(sku):
        error("sku", SKU_RULE())
    elif context.sku_lines.get(sku, line) != line:
        error(
            "sku",
            _("SKU “%(sku)s” is also on line %(line)s: each variant needs its own SKU.")
            % {"sku": sku, "line": context.sku_lines[sku]},
        )
    elif sku in context.sku_owners and context.sku_owners[sku][0] != context.seller.id:
        error(
            "sku",
            _(
                "SKU “%(sku)s” is already used by another seller's listing: SKUs are unique "
                "across the marketplace, choose another one (e.g. with your shop's prefix)."
            )
            % {"sku": sku},
        )
    name_en = row.get("variant_name_en", "")
    if not name_en:
        error(
            "variant_name_en",
            _("Required: the option in English, e.g. “60 softgels”, or “Standard”."),
        )
    for column in ("variant_name_en", "variant_name_zh"):
        problem = _too_long(row.get(column, ""), 100)
        if problem:
            error(column, problem)
    price, problem = _price_of(row.get("price", ""), context)
    if problem:
        error("price", problem)
    raw_weight = row.get("weight_grams", "")
    weight = None
    if not raw_weight:
        error("weight_grams", _("Required: the shipping weight in whole grams, e.g. 180."))
    else:
        weight, problem = _positive_int(
            raw_weight,
            what=_("the shipping weight in whole grams"),
            minimum=1,
            maximum=MAX_WEIGHT_GRAMS,
        )
        if problem:
            error("weight_grams", problem)
    stock = None
    raw_stock = row.get("stock", "")
    if raw_stock:
        stock, problem = _positive_int(
            raw_stock,
            what=_("units in your own warehouse"),
            minimum=0,
            maximum=MAX_STOCK,
        )
        if problem:
            error("stock", problem)
    if len(errors) > count:
        return None
    return VariantInput(
        sku=sku,
        name_en=name_en,
        name_zh=row.get("variant_name_zh", ""),
        price_amount=price,
        weight_grams=weight,
        stock=stock,
    )


def validate_group(
    rows: list[Row], *, seller: Seller, context: ImportContext | None = None
) -> tuple[ListingInput | None, list[RowError]]:
    """The listing that the rows of one product_ref describe, or None and what is wrong.

    `context` carries what the whole file shares (categories, the SKUs already in the
    catalogue, duplicates within the file); without one it is built from `rows`.
    """
    if context is None:
        context = ImportContext.build(seller=seller, rows=rows)
    errors: list[RowError] = []
    first_line, first = rows[0]
    ref = first.get("product_ref", "")
    for line, row in rows[1:]:
        for column in PRODUCT_COLUMNS:
            value = row.get(column, "")
            if value and value != first.get(column, ""):
                errors.append(
                    RowError(
                        line,
                        column,
                        _(
                            "“%(value)s” differs from line %(line)s (“%(first)s”): product "
                            "columns are taken from the first row of a product_ref; repeat "
                            "them exactly or leave them empty."
                        )
                        % {"value": value, "line": first_line, "first": first.get(column, "")},
                    )
                )
    fields = _product_fields(first_line, first, context, errors)
    variants = [_variant(line, row, context, errors) for line, row in rows]
    if errors:
        return None, errors
    weight = variants[0].weight_grams  # the listing's weight: its first variant's
    listing = ListingInput(variants=tuple(variants), weight_grams=weight, **fields)
    owned = {
        context.sku_owners[v.sku][1]
        for v in listing.variants
        if v.sku in context.sku_owners and context.sku_owners[v.sku][0] == seller.id
    }
    if len(owned) > 1:
        numbers = ", ".join(f"#{n}" for n in sorted(owned))
        return None, [
            RowError(
                first_line,
                "sku",
                _(
                    "The SKUs of this product belong to different listings of yours "
                    "(%(numbers)s): the rows of one product_ref must match one listing."
                )
                % {"numbers": numbers},
            )
        ]
    if owned:
        product_id = owned.pop()
        claim = context.claimed.setdefault(product_id, (ref, first_line))
        if claim[1] != first_line:
            return None, [
                RowError(
                    first_line,
                    "product_ref",
                    _(
                        "Your listing #%(number)s, which these SKUs belong to, is already "
                        "imported from line %(line)s: put all variants of one listing under "
                        "one product_ref."
                    )
                    % {"number": product_id, "line": claim[1]},
                )
            ]
    return listing, []
