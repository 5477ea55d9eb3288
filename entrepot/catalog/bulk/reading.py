"""Reading a CSV or XLSX listing file into rows, refusing files that cannot be imported."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from entrepot.catalog.bulk.columns import COLUMNS, EXTRA, REPORT_COLUMNS, REQUIRED_COLUMNS, Row

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, the Excel format before 2007


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


def _limits() -> tuple[int, int]:
    """(MAX_FILE_BYTES, MAX_ROWS) as the package `entrepot.catalog.bulk` has them now:
    callers know the limits by that name (and tests lower them there), so they are
    read from it when a file is read."""
    from entrepot.catalog import bulk

    return bulk.MAX_FILE_BYTES, bulk.MAX_ROWS


def read_rows(data: bytes, filename: str) -> Iterator[Row]:
    """(line, {column: text}) of every non-empty row of a CSV or XLSX listing file.

    Raises ImportFileError for a file that cannot be imported at all: too large, too
    many rows, not UTF-8, not a spreadsheet, unknown or missing columns.
    """
    max_file_bytes, max_rows = _limits()
    if len(data) > max_file_bytes:
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. "
                "Split it into several files and import them one after the other."
            )
            % {"size": f"{len(data) / 2**20:.1f}", "limit": max_file_bytes // 2**20}
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
        if count > max_rows:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows; the limit is %(limit)s. "
                    "Split it into several files and import them one after the other."
                )
                % {"limit": f"{max_rows:,}"}
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
            row[EXTRA] = " | ".join(extra)
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


# a workbook is a zip: 1 MB can unpack to gigabytes of XML ("zip bomb"), and openpyxl
# holds the shared strings in memory; 100,000 real rows unpack to well under this
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED_BYTES (zipfile
    stops reading a part at its declared size, so the declared sizes can be trusted)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The workbook unpacks to %(size)s MB, more than the %(limit)s MB a listing file "
                "can take: remove other sheets and pictures, or save it as CSV UTF-8."
            )
            % {"size": f"{unpacked / 2**20:,.0f}", "limit": MAX_UNPACKED_BYTES // 2**20}
        )


def _xlsx_cells(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    _check_unpacked_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # SyntaxError: a part of the workbook is not well-formed XML (lxml's and ElementTree's
    # parse errors are both SyntaxErrors)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
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
