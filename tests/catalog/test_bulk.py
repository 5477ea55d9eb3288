"""Bulk import and export of listings (entrepot.catalog.bulk)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from entrepot.catalog import bulk
from entrepot.catalog.bulk import (
    COLUMNS,
    ImportFileError,
    catalog_export,
    catalog_import,
    read_rows,
    validate_group,
)
from entrepot.catalog.models import Product, ProductVariant
from entrepot.logistics.models import Stock, Warehouse
from tests import factories
from tests.catalogimport.listing_files import (
    CATEGORY,
    bad_file,
    csv_bytes,
    good_row,
    product_rows,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

# a row as a French seller's Excel saves it: accents, no Chinese
WESTERN = {
    **good_row(1),
    "title_en": "Crème brûlée kit",
    "title_zh": "",
    "description_zh": "",
    "variant_name_zh": "",
}


@pytest.fixture
def seller():
    factories.category(slug=CATEGORY)
    factories.category(slug="skincare")
    return factories.seller(business_name="Buckeye Naturals", country="US", currency="USD")


def fingerprint() -> tuple:
    """Every row an import may write, timestamps included."""
    return (
        list(Product.objects.order_by("id").values()),
        list(ProductVariant.objects.order_by("id").values()),
        list(Stock.objects.order_by("id").values()),
        list(Warehouse.objects.order_by("id").values()),
    )


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- a file with bad rows ---------------------------------------------------------------


def test_a_file_with_bad_rows_imports_the_good_products_and_reports_each_bad_row(seller):
    file = bad_file()
    report = catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")

    assert report.rows_total == 200
    assert report.created == file.good_products == 170
    assert (report.updated, report.unchanged) == (0, 0)
    assert report.rejected_products == file.rejected_products
    assert report.rejected_rows == len(file.bad) + len(file.siblings) == 13
    assert Product.objects.filter(seller=seller).count() == 170
    found = {(e.line, e.field) for e in report.errors}
    for line, column in file.bad.items():
        assert (line, column) in found, f"line {line}: no error for {column}"
    messages = {(e.line, e.field): e.message for e in report.errors}
    assert "12,50" in messages[5, "price"] and "dot" in messages[5, "price"]
    assert "no-such-category" in messages[19, "category"] and CATEGORY in messages[19, "category"]
    assert "6 to 10 digits" in messages[31, "hs_code"]
    assert "from 0 to 10,000,000" in messages[43, "stock"]
    assert "also on line 12" in messages[57, "sku"]
    assert "Required" in messages[70, "title_en"]
    assert "at most 2 decimals" in messages[92, "price"]


def test_a_product_with_one_bad_row_is_not_imported_at_all(seller):
    file = bad_file()
    report = catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")

    assert not ProductVariant.objects.filter(sku__in=file.bad_skus).exists()
    for line in file.siblings:
        errors = [e for e in report.errors if e.line == line]
        assert errors, f"line {line} is rejected without a reason"
    notes = [e for e in report.errors if e.field == "product_ref"]
    assert len(notes) == 2
    assert all("whole or not at all" in e.message for e in notes)
    assert "whole or not at all" in report.summary()
    # every imported listing has all the variants of its product_ref
    for product in Product.objects.filter(seller=seller).prefetch_related("variants"):
        expected = 2 if int(product.variants.all()[0].sku.split("-")[1]) >= 160 else 1
        assert len(product.variants.all()) == expected


def test_imported_listings_are_drafts_with_stock_in_the_sellers_own_warehouse(seller):
    rows = product_rows(7, variants=2)
    catalog_import(seller=seller, data=csv_bytes(rows), filename="one.csv")

    product = Product.objects.get(seller=seller)
    assert product.status == "draft"
    assert product.hs_code == "21069090"  # dots dropped
    assert product.weight_grams == 180  # the first variant's
    assert product.price_amount == Decimal(rows[0]["price"])  # the lowest variant price
    assert product.net_content_value == 60 and product.net_content_unit == "piece"
    first, second = product.variants.all()
    assert (first.sku, first.stock, first.weight_grams) == ("BN-0007-0", 7, 180)
    assert (second.sku, second.price_amount, second.weight_grams) == (
        "BN-0007-1",
        Decimal("34.50"),
        240,
    )
    own = Warehouse.objects.get(seller=seller, kind="seller")
    assert Stock.objects.get(variant=first, warehouse=own).quantity == 7


# --- idempotent, resumable ---------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(seller):
    data = csv_bytes(bad_file().rows)
    first = catalog_import(seller=seller, data=data, filename="listings.csv")
    before = fingerprint()

    again = catalog_import(seller=seller, data=data, filename="listings.csv")

    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert again.rejected_rows == first.rejected_rows
    assert fingerprint() == before


def test_chinese_the_marketplace_drafted_for_empty_cells_is_no_change(seller):
    rows = [{**row, "title_zh": "", "description_zh": ""} for row in product_rows(1)]
    catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")
    # what translation_draft does after the listing is committed
    Product.objects.update(
        title_zh="维生素D3软胶囊", description_zh="每日一粒。", translation_status="machine"
    )
    before = fingerprint()

    report = catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")

    assert report.unchanged == 1
    assert fingerprint() == before


def test_a_changed_row_updates_only_its_listing(seller):
    rows = [row for n in range(5) for row in product_rows(n, variants=2)]
    catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")
    rows[3]["price"] = "36.00"
    rows[3]["stock"] = "99"

    report = catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    variant = ProductVariant.objects.get(sku=rows[3]["sku"])
    assert (variant.price_amount, variant.stock) == (Decimal("36.00"), 99)


def test_an_interrupted_import_continues_when_the_file_is_imported_again(seller):
    file = bad_file()
    data = csv_bytes(file.rows)

    def stop_half_way(done: int, total: int) -> None:
        if done >= total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        catalog_import(seller=seller, data=data, filename="listings.csv", progress=stop_half_way)
    half = Product.objects.filter(seller=seller).count()
    assert 0 < half < file.good_products

    report = catalog_import(seller=seller, data=data, filename="listings.csv")

    assert report.unchanged == half
    assert report.created == file.good_products - half
    assert Product.objects.filter(seller=seller).count() == file.good_products


def test_progress_is_reported_up_to_the_last_row(seller):
    seen = []
    rows = [row for n in range(30) for row in product_rows(n)]
    catalog_import(
        seller=seller,
        data=csv_bytes(rows),
        filename="listings.csv",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[0] == (0, 30) and seen[-1] == (30, 30)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


# --- the report of rejected rows ----------------------------------------------------------


def test_the_rejected_rows_report_keeps_the_columns_and_gives_the_reason(seller):
    file = bad_file()
    report = catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")

    rejected = parse_csv(report.rejected_csv())

    assert list(rejected[0]) == [*COLUMNS, "error_field", "error_message"]
    assert len(rejected) == report.rejected_rows
    by_sku = {row["sku"]: row for row in rejected}
    bad_price = by_sku[file.rows[3]["sku"]]
    assert bad_price["price"] == "12,50"
    assert bad_price["error_field"] == "price"
    assert "dot" in bad_price["error_message"]


def test_a_corrected_report_imports_as_it_is(seller):
    file = bad_file()
    report = catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")
    fixed = []
    for row in parse_csv(report.rejected_csv()):
        if row["error_field"] == "sku":
            row["sku"] += "-B"
        row.update(price="19.99", category=CATEGORY, hs_code="", stock="1", title_en="Fixed")
        fixed.append(row)

    again = catalog_import(
        seller=seller,
        data=csv_bytes(fixed, (*COLUMNS, "error_field", "error_message")),
        filename="rejected.csv",
    )

    assert (again.created, again.rejected_rows) == (file.rejected_products, 0)


# --- formats ---------------------------------------------------------------------------


def test_an_xlsx_file_imports_like_the_csv(seller):
    file = bad_file()
    report = catalog_import(seller=seller, data=xlsx_bytes(file.rows), filename="listings.xlsx")

    assert (report.created, report.rejected_rows) == (170, 13)
    assert {(e.line, e.field) for e in report.errors} >= set(file.bad.items())
    variant = ProductVariant.objects.get(sku=file.rows[0]["sku"])
    assert variant.price_amount == Decimal(file.rows[0]["price"])  # a float cell, read exactly
    again = catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")
    assert again.unchanged == 170


def test_a_csv_with_a_bom_and_semicolons_as_excel_saves_it_is_read(seller):
    rows = product_rows(1, variants=2)
    data = csv_bytes(rows, bom=True, delimiter=";")
    assert [line for line, _row in read_rows(data, "listings.csv")] == [2, 3]
    assert catalog_import(seller=seller, data=data, filename="listings.csv").created == 1


def test_header_names_are_read_loosely_and_optional_columns_may_be_left_out(seller):
    row = good_row(1)
    loose = (
        "Product Ref",
        "SKU",
        "Category",
        "Title EN",
        "weight-grams",
        "Variant Name EN",
        "Price",
    )
    text = ",".join(loose) + "\n" + ",".join(row[c] for c in bulk.REQUIRED_COLUMNS) + "\n"

    report = catalog_import(seller=seller, data=text.encode(), filename="minimal.csv")

    assert report.created == 1, report.errors
    variant = ProductVariant.objects.get()
    assert variant.stock == 0
    assert variant.product.brand == "Buckeye Naturals"  # the business name
    assert variant.product.origin_country == "US"  # the business's country


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"sku,price\n", "x.csv", "Missing required column.*product_ref.*The columns are"),
        (
            csv_bytes([good_row(1)], (*COLUMNS, "colour")),
            "x.csv",
            "Unknown column.*colour.*The columns are: product_ref, sku",
        ),
        (
            csv_bytes([good_row(1)]).replace(b"product_ref,sku", b"product_ref,sku,sku"),
            "x.csv",
            "more than once",
        ),
        (
            csv_bytes([WESTERN], encoding="cp1252"),
            "x.csv",
            "not UTF-8.*line 2.*Windows-1252",
        ),  # fmt: skip
        (
            csv_bytes([{**good_row(1), "title_en": "维生素"}], encoding="gbk"),
            "x.csv",
            "not UTF-8.*GBK",
        ),  # fmt: skip
        (csv_bytes([good_row(1)]).decode().encode("utf-16"), "x.csv", "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", r"\.xls"),
        (b"hello", "listings.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04broken", "listings.xlsx", "cannot be read as an Excel workbook"),
        (b"%PDF-1.4", "listings.pdf", r"\.pdf cannot be imported"),
        (csv_bytes([]), "x.csv", "no listing rows"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_before_anything_is_written(
    seller, data, filename, message
):
    with pytest.raises(ImportFileError, match=message):
        catalog_import(seller=seller, data=data, filename=filename)
    assert not Product.objects.exists()


def test_files_over_20_mb_are_refused_with_the_limit(seller):
    data = b"x" * (20 * 1024 * 1024 + 1)
    with pytest.raises(ImportFileError, match="the limit is 20 MB"):
        list(read_rows(data, "big.csv"))


def test_files_over_the_row_limit_are_refused_before_anything_is_written(seller, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 50)
    rows = [row for n in range(51) for row in product_rows(n)]
    with pytest.raises(ImportFileError, match="more than 50 rows"):
        catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")
    assert not Product.objects.exists()
    assert catalog_import(seller=seller, data=csv_bytes(rows[:50]), filename="x.csv").created == 50


def test_cells_outside_the_named_columns_reject_the_row(seller):
    out = io.StringIO()
    csv.writer(out).writerow([good_row(9)[c] for c in COLUMNS] + ["stray"])
    data = csv_bytes([good_row(1)]) + out.getvalue().encode()

    report = catalog_import(seller=seller, data=data, filename="listings.csv")

    assert (report.created, report.rejected_rows) == (1, 1)
    (error,) = report.errors
    assert (error.line, error.field) == (3, "row")
    assert "stray" in error.message and "quote" in error.message


# --- validation rules ----------------------------------------------------------------------


def _check(seller, rows: list[dict[str, str]]):
    return validate_group([(n + 2, row) for n, row in enumerate(rows)], seller=seller)


def test_product_columns_that_disagree_with_the_first_row_are_rejected(seller):
    first, second = product_rows(1, variants=2)
    second["title_en"] = "Something else"
    listing, errors = _check(seller, [first, second])
    assert listing is None
    (error,) = errors
    assert (error.line, error.field) == (3, "title_en")
    assert "first row" in error.message and "Something else" in error.message


def test_later_rows_of_a_product_may_leave_the_product_columns_empty(seller):
    first, second = product_rows(1, variants=2)
    for column in bulk.PRODUCT_COLUMNS:
        second[column] = ""
    listing, errors = _check(seller, [first, second])
    assert errors == []
    assert [v.sku for v in listing.variants] == [first["sku"], second["sku"]]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("origin_country", "USA", "ISO 3166 two-letter"),
        ("origin_country", "ZZ", "ISO 3166 two-letter"),
        ("weight_grams", "0", "out of range"),
        ("weight_grams", "1.5", "not a whole number"),
        ("weight_grams", "", "Required"),
        ("stock", "ten", "not a whole number"),
        ("price", "$19.99", "not a price"),
        ("price", "-5", "not a price"),
        ("price", "", "Required.*USD"),
        ("hs_code", "12345", "6 to 10 digits"),
        ("hs_code", "12345678901", "6 to 10 digits"),
        ("net_content_unit", "litre", "ml, g, piece"),
        ("net_content_value", "0", "above 0"),
        ("variant_name_en", "", "Required"),
        ("sku", "", "Required"),
        ("sku", "S" * 65, "at most 64"),
        ("title_en", "T" * 201, "at most 200"),
    ],
)
def test_each_column_is_checked_and_the_message_says_what_is_allowed(
    seller, column, value, message
):
    listing, errors = _check(seller, [{**good_row(1), column: value}])
    assert listing is None
    assert [e.field for e in errors] == [column]
    assert errors[0].line == 2
    assert re.search(message, errors[0].message), errors[0].message


def test_lower_case_countries_and_dotted_hs_codes_are_accepted(seller):
    listing, errors = _check(seller, [{**good_row(1), "origin_country": "fr"}])
    assert errors == [] and listing.origin_country == "FR"


def test_prices_have_at_most_the_currencys_decimals(seller):
    yen_seller = factories.seller(currency="JPY", country="JP")
    listing, errors = _check(yen_seller, [{**good_row(1), "price": "1200.5"}])
    assert listing is None and "JPY prices have at most 0 decimals" in errors[0].message
    listing, errors = _check(yen_seller, [{**good_row(1), "price": "1200"}])
    assert errors == [] and listing.variants[0].price_amount == 1200
    listing, errors = _check(seller, [{**good_row(1), "price": "19.90"}])
    assert errors == []


def test_a_sku_of_another_sellers_listing_is_refused(seller):
    other = factories.seller()
    taken = factories.product(seller=other, category=factories.category(), variants=1)
    sku = taken.variants.get().sku
    rows = [good_row(1), {**good_row(2), "sku": sku}]

    report = catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")

    assert (report.created, report.rejected_rows) == (1, 1)
    (error,) = report.errors
    assert (error.line, error.field) == (3, "sku")
    assert "another seller" in error.message
    assert taken.variants.get().product.seller == other  # untouched


def test_one_listing_cannot_be_split_over_two_product_refs(seller):
    rows = product_rows(1, variants=2)
    catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")
    rows[1]["product_ref"] = "ELSEWHERE"

    report = catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")

    assert report.rejected_rows == 1
    (error,) = report.errors
    assert (error.line, error.field) == (3, "product_ref")
    assert "one product_ref" in error.message


def test_variants_left_out_of_the_file_are_kept_with_no_stock(seller):
    rows = product_rows(1, variants=2)
    catalog_import(seller=seller, data=csv_bytes(rows), filename="listings.csv")

    report = catalog_import(seller=seller, data=csv_bytes(rows[:1]), filename="listings.csv")

    assert report.updated == 1
    gone = ProductVariant.objects.get(sku=rows[1]["sku"])
    assert gone.stock == 0
    again = catalog_import(seller=seller, data=csv_bytes(rows[:1]), filename="listings.csv")
    assert again.unchanged == 1


# --- export -------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(seller):
    file = bad_file()
    catalog_import(seller=seller, data=csv_bytes(file.rows), filename="listings.csv")
    handmade = factories.product(
        seller=seller, category=factories.category(slug="teas"), brand="Buckeye", variants=2
    )
    exported = catalog_export(seller=seller)
    before = fingerprint()

    report = catalog_import(seller=seller, data=exported.encode(), filename="export.csv")

    assert report.rejected_rows == 0, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 171)
    assert fingerprint() == before
    rows = parse_csv(exported)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 170 + 20 - 3 + 2  # every variant, one row each
    mine = [row for row in rows if row["product_ref"] == f"listing-{handmade.id}"]
    assert [row["price"] for row in mine] == ["19.99", "39.98"]
    assert [row["stock"] for row in mine] == ["10", "10"]


def test_export_shows_only_the_sellers_own_listings(seller):
    other = factories.seller()
    factories.product(seller=other, category=factories.category(), title_en="Bob's Mustard")
    catalog_import(seller=seller, data=csv_bytes(product_rows(1)), filename="listings.csv")
    text = catalog_export(seller=seller)
    assert "Bob's Mustard" not in text
    assert len(parse_csv(text)) == 1
