"""The columns of a listing file (CSV or XLSX, one row per variant) and what a row is."""

from __future__ import annotations

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

EXTRA = "__extra__"  # cells outside the named columns


Row = tuple[int, dict[str, str]]
