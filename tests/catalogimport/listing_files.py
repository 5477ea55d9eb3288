"""Listing files for the bulk-import tests: good rows, a known set of bad ones, CSV, XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from entrepot.catalog.bulk import COLUMNS

CATEGORY = "vitamins"


def good_row(n: int, *, variant: int = 0, prefix: str = "BN") -> dict[str, str]:
    return {
        "product_ref": f"{prefix}-P{n:04d}",
        "sku": f"{prefix}-{n:04d}-{variant}",
        "category": CATEGORY,
        "title_en": f"Buckeye Vitamin D3 Softgels No. {n}",
        "title_zh": f"维生素D3软胶囊 {n}号",
        "description_en": "One softgel a day, with a meal.",
        "description_zh": "每日一粒，随餐服用。",
        "brand": "Buckeye Naturals",
        "hs_code": "2106.90.90",
        "origin_country": "US",
        "weight_grams": str(180 + 60 * variant),
        "net_content_value": "60" if variant == 0 else "120",
        "net_content_unit": "piece",
        "variant_name_en": f"{60 * (variant + 1)} softgels",
        "variant_name_zh": f"{60 * (variant + 1)}粒",
        "price": f"{19 + n % 7}.{n % 100:02d}" if variant == 0 else "34.50",
        "stock": str(n % 50),
    }


def product_rows(n: int, *, variants: int = 1, prefix: str = "BN") -> list[dict[str, str]]:
    rows = [good_row(n, variant=v, prefix=prefix) for v in range(variants)]
    for row in rows[1:]:  # later rows of a product repeat the product columns or not
        row["net_content_value"] = rows[0]["net_content_value"]
    return rows


@dataclass
class BadFile:
    rows: list[dict[str, str]]
    bad: dict[int, str]  # line -> the column that is wrong
    siblings: list[int]  # good lines of products that have a bad line
    good_products: int
    rejected_products: int
    bad_skus: set[str]  # SKUs that must not exist after the import


def bad_file(products: int = 180, two_variant_from: int = 160) -> BadFile:
    """200 rows (160 one-variant products, 20 two-variant ones), 10 of them bad (5%)."""
    rows: list[dict[str, str]] = []
    for n in range(products):
        rows.extend(product_rows(n, variants=2 if n >= two_variant_from else 1))

    def line_of(index: int) -> int:
        return index + 2  # the header is line 1

    breakage = {
        3: ("price", "12,50"),
        17: ("category", "no-such-category"),
        29: ("hs_code", "33A4"),
        41: ("stock", "-3"),
        55: ("sku", rows[10]["sku"]),  # a duplicate of an earlier row's SKU
        68: ("title_en", ""),
        90: ("price", "9.999"),  # USD has 2 decimals
        161: ("price", "0"),  # second row of a two-variant product
        164: ("category", "nope"),  # first row of a two-variant product
        171: ("stock", "-1"),  # second row of a two-variant product
    }
    bad, bad_skus, siblings = {}, set(), []
    for index, (column, value) in breakage.items():
        rows[index][column] = value
        bad[line_of(index)] = column
        ref = rows[index]["product_ref"]
        for other, row in enumerate(rows):
            if row["product_ref"] == ref:
                if other != index:
                    siblings.append(line_of(other))
                if not (column == "sku" and other == index):
                    bad_skus.add(row["sku"])
    assert len(rows) == 200 and len(bad) == 10
    return BadFile(
        rows=rows,
        bad=bad,
        siblings=sorted(siblings),
        good_products=products - len(breakage),
        rejected_products=len(breakage),
        bad_skus=bad_skus,
    )


def csv_bytes(
    rows: list[dict[str, str]],
    columns: tuple[str, ...] = COLUMNS,
    *,
    bom: bool = False,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """A workbook as Excel users make them: numbers in number cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column, "")
            if column in ("weight_grams", "stock") and value.isdigit():
                value = int(value)
            elif column == "price" and value.replace(".", "", 1).isdigit():
                value = float(value)
            cells.append(None if value == "" else value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
