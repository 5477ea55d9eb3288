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

from entrepot.catalog.bulk.columns import (
    COLUMNS,
    NET_CONTENT_UNITS,
    PRODUCT_COLUMNS,
    REPORT_COLUMNS,
    REQUIRED_COLUMNS,
    Row,
)
from entrepot.catalog.bulk.exporting import catalog_export, catalog_export_rows
from entrepot.catalog.bulk.importing import (
    CHUNK,
    JOB_PROGRESS_SECONDS,
    ImportReport,
    catalog_import,
    listing_differs,
)
from entrepot.catalog.bulk.reading import MAX_FILE_BYTES, MAX_ROWS, ImportFileError, read_rows
from entrepot.catalog.bulk.validation import (
    MAX_STOCK,
    MAX_WEIGHT_GRAMS,
    ImportContext,
    RowError,
    validate_group,
)

__all__ = [
    "CHUNK",
    "COLUMNS",
    "JOB_PROGRESS_SECONDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_STOCK",
    "MAX_WEIGHT_GRAMS",
    "NET_CONTENT_UNITS",
    "PRODUCT_COLUMNS",
    "REPORT_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportContext",
    "ImportFileError",
    "ImportReport",
    "Row",
    "RowError",
    "catalog_export",
    "catalog_export_rows",
    "catalog_import",
    "listing_differs",
    "read_rows",
    "validate_group",
]
