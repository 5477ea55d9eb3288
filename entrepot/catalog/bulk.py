"""Bulk import and export of listings: CSV or XLSX, one row per variant.

The format is described for sellers in docs/seller-guide.md, "Bulk import and export".
Rows with the same `product_ref` form one listing; its product columns come from the
first of those rows.

An import validates the whole file first (file-level problems such as the encoding,
the size or the columns refuse it before anything is written), then writes one
product at a time, each in its own transaction, through `listing_create` and
`listing_update`: a product is imported whole or not at all. A product already in the
catalogue (matched by the seller and any of its SKUs) is compared first and written
only if something differs, so importing the same file again changes nothing, and an
import interrupted half-way continues where it stopped when the file is imported again.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import PurePath

from babel import Locale
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.catalog.services import (
    ListingInput,
    VariantInput,
    _apply,
    _price,
    listing_create,
    listing_update,
)
from entrepot.domain.money import Money, minor_units
from entrepot.sellers.models import Seller

COLUMNS = (
    "product_ref",
    "sku",
    "category",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "brand",
    "hs_code",
    "origin_country",
    "weight_grams",
    "net_content_value",
    "net_content_unit",
    "variant_name_en",
    "variant_name_zh",
    "price",
    "stock",
)
REQUIRED_COLUMNS = (
    "product_ref",
    "sku",
    "category",
    "title_en",
    "weight_grams",
    "variant_name_en",
    "price",
)
# taken from the first row of a product_ref; later rows may repeat them or leave them empty
PRODUCT_COLUMNS = (
    "category",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "brand",
    "hs_code",
    "origin_country",
    "net_content_value",
    "net_content_unit",
)
# the columns a rejected-rows report adds: ignored on import, so a corrected report
# can be imported as it is
REPORT_COLUMNS = ("error_field", "error_message")
NET_CONTENT_UNITS = ("ml", "g", "piece")

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_STOCK = 10_000_000
MAX_WEIGHT_GRAMS = 100_000
# products validated, looked up and written per round: one query fetches the listings
# of a round that exist already, with their variants and stock
CHUNK = 200
# how often a running job's row is told the progress
JOB_PROGRESS_SECONDS = 0.5

_EXTRA = "__extra__"  # cells outside the named columns
_DECIMAL = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, the Excel format before 2007


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class RowError:
    line: int  # the row's number in the file (the header is line 1)
    field: str  # the column
    message: str


Row = tuple[int, dict[str, str]]


# --- reading ------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> Iterator[Row]:
    """(line, {column: text}) of every non-empty row of a CSV or XLSX listing file.

    Raises ImportFileError for a file that cannot be imported at all: too large, too
    many rows, not UTF-8, not a spreadsheet, unknown or missing columns.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. "
                "Split it into several files and import them one after the other."
            )
            % {"size": f"{len(data) / 2**20:.1f}", "limit": MAX_FILE_BYTES // 2**20}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty: it needs a header row and listing rows."))
    cells = _xlsx_cells(data) if _file_kind(data, filename) == "xlsx" else _csv_cells(data)
    for _line, header in cells:
        if any(header):
            break
    else:
        raise ImportFileError(_("The file is empty: it needs a header row and listing rows."))
    columns = _columns(header)
    count = 0
    for line, values in cells:
        if not any(values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows; the limit is %(limit)s. "
                    "Split it into several files and import them one after the other."
                )
                % {"limit": f"{MAX_ROWS:,}"}
            )
        row: dict[str, str] = {}
        extra = []
        for index, value in enumerate(values):
            name = columns[index] if index < len(columns) else ""
            if name and name not in REPORT_COLUMNS:
                row[name] = value
            elif value and not name:
                extra.append(value)
        for name in columns:
            if name and name not in REPORT_COLUMNS:
                row.setdefault(name, "")
        if extra:
            row[_EXTRA] = " | ".join(extra)
        yield line, row


def _file_kind(data: bytes, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == _OLE_MAGIC or suffix == ".xls":
        raise ImportFileError(
            _(
                "This is an old Excel .xls file: save it as .xlsx (Excel Workbook) or "
                "as CSV UTF-8 and upload that."
            )
        )
    if suffix == ".xlsx":
        raise ImportFileError(
            _("The file is named .xlsx but is not an Excel workbook: save it again from Excel.")
        )
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise ImportFileError(
            _("Files of type %(suffix)s cannot be imported: upload a .csv or .xlsx file.")
            % {"suffix": suffix}
        )
    return "csv"


def _csv_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:1000]:
        raise ImportFileError(
            _(
                "The file is UTF-16 text (Excel's “Unicode text”), not UTF-8: in Excel use "
                "File → Save as → “CSV UTF-8 (comma delimited)” and upload that."
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text: line %(line)s has bytes that are not UTF-8 "
                "(it looks like %(encoding)s). Save it as “CSV UTF-8” (Excel: File → Save "
                "as → CSV UTF-8) and upload it again."
            )
            % {"line": line, "encoding": _legacy_encoding_guess(data)}
        ) from None


def _legacy_encoding_guess(data: bytes) -> str:
    """Chinese Windows text (GBK) has its non-ASCII bytes in pairs; Western European
    text (Windows-1252, Latin-1) mostly one at a time, between ASCII letters."""
    runs = [len(run) for run in re.findall(rb"[\x80-\xff]+", data[:200_000])]
    paired = sum(1 for n in runs if n % 2 == 0)
    if runs and paired / len(runs) > 0.8:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            return _("GBK / GB18030, a Chinese Windows encoding")
    return _("Windows-1252 or Latin-1, a Western European Windows encoding")


def _csv_cells(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _csv_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for values in reader:
            start, end = end + 1, reader.line_num
            yield start, [value.strip() for value in values]
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV (%(problem)s): check its quotes.")
            % {"line": end + 1, "problem": exc}
        ) from None


def _xlsx_cells(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("The file cannot be read as an Excel workbook (%(problem)s): save it again.")
            % {"problem": exc}
        ) from None
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        # some tools write a wrong size into the sheet, and read-only mode trusts it
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a seller sees in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 19.99, not
        # 19.989999999999998; the Decimal is then made from that text, never the float
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _columns(header: list[str]) -> list[str]:
    names = [re.sub(r"[\s\-]+", "_", name.strip().lower()) for name in header]
    present = [name for name in names if name]
    unknown = [n for n in present if n not in COLUMNS and n not in REPORT_COLUMNS]
    expected = ", ".join(COLUMNS)
    if unknown:
        raise ImportFileError(
            _("Unknown column(s): %(unknown)s. The columns are: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": expected}
        )
    twice = sorted({n for n in present if present.count(n) > 1})
    if twice:
        raise ImportFileError(
            _("Column(s) %(columns)s appear more than once: keep one of each.")
            % {"columns": ", ".join(twice)}
        )
    missing = [n for n in REQUIRED_COLUMNS if n not in present]
    if missing:
        raise ImportFileError(
            _(
                "Missing required column(s): %(missing)s. The columns are: %(expected)s "
                "(required: %(required)s)."
            )
            % {
                "missing": ", ".join(missing),
                "expected": expected,
                "required": ", ".join(REQUIRED_COLUMNS),
            }
        )
    return names


# --- validation ---------------------------------------------------------------------


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

    if row.get(_EXTRA):
        error(
            "row",
            _(
                "This row has values outside the named columns (%(values)s): quote text "
                "that contains the delimiter, or remove the extra cells."
            )
            % {"values": row[_EXTRA][:100]},
        )
    sku = row.get("sku", "")
    if not sku:
        error("sku", _("Required: your code for this variant, unique in the marketplace."))
    elif _too_long(sku, 64):
        error("sku", _too_long(sku, 64) or "")
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


# --- import -------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    rejected_products: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows_total: int = 0
    seconds: float = 0.0
    columns: tuple[str, ...] = COLUMNS
    rejected: list[Row] = field(default_factory=list)  # the rows not imported, as read

    @property
    def rows_per_second(self) -> float:
        return self.rows_total / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        text = _(
            "%(rows)s rows in %(seconds)s s (%(rate)s rows/s): %(created)s listings created, "
            "%(updated)s updated, %(unchanged)s unchanged; %(rejected)s rows rejected"
        ) % {
            "rows": f"{self.rows_total:,}",
            "seconds": f"{self.seconds:.1f}",
            "rate": f"{self.rows_per_second:,.0f}",
            "created": f"{self.created:,}",
            "updated": f"{self.updated:,}",
            "unchanged": f"{self.unchanged:,}",
            "rejected": f"{self.rejected_rows:,}",
        }
        if self.rejected_products:
            text += " " + _(
                "(%(products)s products: a product is imported whole or not at all)"
            ) % {"products": f"{self.rejected_products:,}"}
        return text

    def rejected_csv(self) -> str:
        """The rejected rows as CSV: their columns as read plus error_field and error_message."""
        by_line: dict[int, list[RowError]] = {}
        for error in self.errors:
            by_line.setdefault(error.line, []).append(error)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*self.columns, *REPORT_COLUMNS])
        for line, row in self.rejected:
            errors = by_line.get(line, [])
            writer.writerow(
                [
                    *(row.get(column, "") for column in self.columns),
                    "; ".join(e.field for e in errors),
                    " ".join(e.message for e in errors),
                ]
            )
        return out.getvalue()


def _groups(rows: list[Row]) -> list[list[Row]]:
    """Rows by product_ref, in the order each product first appears; a row without a
    product_ref is a product of its own."""
    groups: dict[object, list[Row]] = {}
    for line, row in rows:
        ref = row.get("product_ref", "")
        groups.setdefault(ref or ("", line), []).append((line, row))
    return list(groups.values())


def _own_warehouse_id(seller: Seller) -> int | None:
    from entrepot.logistics.models import Warehouse

    return (
        seller.warehouses.filter(kind=Warehouse.Kind.SELLER)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def _own_stock(variant: ProductVariant, own_id: int | None) -> int:
    """Units of `variant` in the seller's own warehouse. A variant with no stock rows
    at all (listed before warehouses existed) keeps its whole stock there."""
    stocks = list(variant.stocks.all())
    if not stocks:
        return variant.stock
    return sum(s.quantity for s in stocks if s.warehouse_id == own_id)


_COMPARED = (
    "category_id",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "brand",
    "hs_code",
    "origin_country",
    "weight_grams",
    "net_content_value",
    "net_content_unit",
    "currency",
    "price_amount",
)


def listing_differs(
    product: Product, data: ListingInput, *, seller: Seller, own_warehouse_id: int | None
) -> bool:
    """Whether `listing_update(product=product, data=data)` would change anything.

    Uses the service's own field mapping (`_apply`, `_price`), so the two cannot drift
    apart. `product` should come with its variants and their stocks prefetched. The
    translation status is left to the translation drafts: with the texts equal,
    listing_update keeps it.
    """
    after = copy.copy(product)
    _apply(after, seller, data)
    # Chinese left empty in the file is drafted by the marketplace after every write
    # (translation memory or machine translation, with its own translation_status): a
    # draft is no difference, or every import of the file would wipe and redraft it.
    for name in ("title_zh", "description_zh"):
        if not getattr(after, name):
            setattr(after, name, getattr(product, name))
    if any(getattr(after, name) != getattr(product, name) for name in _COMPARED):
        return True
    existing = {v.sku: v for v in product.variants.all()}
    for position, item in enumerate(data.variants):
        variant = existing.pop(item.sku, None)
        if variant is None:
            return True
        wanted = (
            item.name_en.strip(),
            item.name_zh.strip(),
            _price(seller, item.price_amount),
            seller.currency,
            item.weight_grams or data.weight_grams,
            position,
        )
        have = (
            variant.name_en,
            variant.name_zh,
            variant.price_amount,
            variant.currency,
            variant.weight_grams,
            variant.position,
        )
        if wanted != have:
            return True
        if item.stock is not None and _own_stock(variant, own_warehouse_id) != item.stock:
            return True
    # variants left out of the file are emptied by listing_update
    return any(s.quantity for gone in existing.values() for s in gone.stocks.all())


class _Progress:
    def __init__(self, total: int, callback: Callable[[int, int], None] | None, job) -> None:
        self.total, self.callback, self.job = total, callback, job
        self.reported = 0.0

    def __call__(self, done: int, *, final: bool = False) -> None:
        if self.callback is not None:
            self.callback(done, self.total)
        now = time.monotonic()
        if self.job is not None and (final or now - self.reported >= JOB_PROGRESS_SECONDS):
            self.reported = now
            type(self.job).objects.filter(pk=self.job.pk).update(
                rows_done=done, rows_total=self.total
            )
            self.job.rows_done, self.job.rows_total = done, self.total


def catalog_import(
    *,
    seller: Seller,
    data: bytes,
    filename: str,
    job: models.Model | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of listings for `seller`, one product at a time.

    Raises ImportFileError, before writing anything, for a file that cannot be
    imported at all. Otherwise every product is created, updated, left unchanged or
    rejected whole; the report says which, and why per row and column. `progress` is
    called with (rows done, rows in the file) after each product; `job` (a row with
    `rows_done` and `rows_total` fields, such as catalogimport's ImportJob) is kept up
    to date a few times a second.
    """
    started = time.perf_counter()
    rows = list(read_rows(data, filename))
    if not rows:
        raise ImportFileError(_("The file has a header row but no listing rows."))
    columns = tuple(c for c in rows[0][1] if c != _EXTRA)
    report = ImportReport(rows_total=len(rows), columns=columns)
    context = ImportContext.build(seller=seller, rows=rows)
    own_id = _own_warehouse_id(seller)
    tick = _Progress(len(rows), progress, job)
    tick(0, final=True)
    done = 0
    groups = _groups(rows)
    for start in range(0, len(groups), CHUNK):
        chunk = groups[start : start + CHUNK]
        checked = [
            (group, *validate_group(group, seller=seller, context=context)) for group in chunk
        ]
        ids = {context.product_id(listing) for _g, listing, _e in checked if listing}
        existing = {
            p.id: p
            for p in Product.objects.filter(seller=seller, id__in=ids - {None}).prefetch_related(
                Prefetch("variants", queryset=ProductVariant.objects.prefetch_related("stocks"))
            )
        }
        for group, listing, errors in checked:
            if listing is not None:
                errors = _write(
                    listing,
                    existing.get(context.product_id(listing) or 0),
                    seller=seller,
                    own_id=own_id,
                    report=report,
                    line=group[0][0],
                )
            if errors:
                _reject(report, group, errors)
            done += len(group)
            tick(done)
    tick(done, final=True)
    report.seconds = time.perf_counter() - started
    return report


def _write(
    listing: ListingInput,
    product: Product | None,
    *,
    seller: Seller,
    own_id: int | None,
    report: ImportReport,
    line: int,
) -> list[RowError]:
    if product is not None:
        product.seller = seller
        if not listing_differs(product, listing, seller=seller, own_warehouse_id=own_id):
            report.unchanged += 1
            return []
    try:
        with transaction.atomic():
            if product is None:
                listing_create(seller=seller, data=listing)
            else:
                listing_update(product=product, data=listing)
    except IntegrityError:
        return [
            RowError(
                line,
                "sku",
                _(
                    "Not saved: one of this product's SKUs was taken by another listing "
                    "while the file was imported. Choose other SKUs or import the file again."
                ),
            )
        ]
    if product is None:
        report.created += 1
    else:
        report.updated += 1
    return []


def _reject(report: ImportReport, group: list[Row], errors: list[RowError]) -> None:
    report.rejected_products += 1
    report.rejected_rows += len(group)
    report.rejected.extend(group)
    bad = {e.line for e in errors}
    errors = sorted(errors, key=lambda e: e.line)  # stable: a row's errors keep their order
    if len(group) > 1:
        lines = ", ".join(str(n) for n in sorted(bad))
        for line, _row in group:
            if line not in bad:
                errors.append(
                    RowError(
                        line,
                        "product_ref",
                        _(
                            "Not imported because of line %(lines)s of the same product: a "
                            "product is imported whole or not at all."
                        )
                        % {"lines": lines},
                    )
                )
        errors.sort(key=lambda e: e.line)
    report.errors.extend(errors)


# --- export -------------------------------------------------------------------------


def _csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def catalog_export_rows(*, seller: Seller) -> Iterator[str]:
    """The seller's listings as CSV lines in the import format, header first: one
    row per variant, `product_ref` the listing's number (`listing-17`)."""
    yield _csv_line(COLUMNS)
    own_id = _own_warehouse_id(seller)
    last = 0
    while True:
        page = list(
            Product.objects.filter(seller=seller, id__gt=last)
            .select_related("category")
            .prefetch_related(
                Prefetch("variants", queryset=ProductVariant.objects.prefetch_related("stocks"))
            )
            .order_by("id")[:500]
        )
        if not page:
            return
        for product in page:
            for variant in product.variants.all():
                price = Money(variant.price_amount, variant.currency).rounded().amount
                yield _csv_line(
                    (
                        f"listing-{product.id}",
                        variant.sku,
                        product.category.slug,
                        product.title_en,
                        product.title_zh,
                        product.description_en,
                        product.description_zh,
                        product.brand,
                        product.hs_code,
                        product.origin_country,
                        variant.weight_grams,
                        _decimal_text(product.net_content_value),
                        product.net_content_unit,
                        variant.name_en,
                        variant.name_zh,
                        format(price, "f"),
                        _own_stock(variant, own_id),
                    )
                )
        last = page[-1].id


def catalog_export(*, seller: Seller) -> str:
    """The seller's listings as one CSV text in the import format (see catalog_export_rows)."""
    return "".join(catalog_export_rows(seller=seller))
