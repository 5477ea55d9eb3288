"""Importing a listing file: one product at a time, only when something differs, and the report."""

from __future__ import annotations

import copy
import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from entrepot.catalog.bulk import stock
from entrepot.catalog.bulk.columns import COLUMNS, EXTRA, REPORT_COLUMNS, Row
from entrepot.catalog.bulk.reading import ImportFileError, read_rows
from entrepot.catalog.bulk.validation import ImportContext, RowError, validate_group
from entrepot.catalog.models import Product, ProductVariant
from entrepot.catalog.services import (
    ListingInput,
    _apply,
    _price,
    listing_create,
    listing_update,
)
from entrepot.sellers.models import Seller

# products validated, looked up and written per round: one query fetches the listings
# of a round that exist already, with their variants and stock
CHUNK = 200
# how often a running job's row is told the progress
JOB_PROGRESS_SECONDS = 0.5


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
        if item.stock is not None and stock.own_stock(variant, own_warehouse_id) != item.stock:
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
    columns = tuple(c for c in rows[0][1] if c != EXTRA)
    report = ImportReport(rows_total=len(rows), columns=columns)
    context = ImportContext.build(seller=seller, rows=rows)
    own_id = stock.own_warehouse_id(seller)
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
