"""China's CBEC positive list (跨境电子商务零售进口商品清单): import and the edition in force.

Writes (`positive_list_import`, `positive_list_load_sample`) and the one read
(`positive_list_on`) live together because they share the file format and the cache key.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from entrepot.audit.services import audit_record
from entrepot.domain.landed_cost.positive_list import PositiveList, PositiveListEntry
from entrepot.pricing.models import PositiveListLine

COLUMNS = (
    "tariff_number",
    "description_zh",
    "description_en",
    "bonded_only",
    "yearly_weight_cap_kg",
    "note",
)
REQUIRED_COLUMNS = ("tariff_number", "description_zh")

SAMPLE_EDITION = date(2022, 3, 1)
SAMPLE_SOURCE = "sample (entrepot/pricing/data)"
# What positive_list_on returns when no edition is in force; the caller decides what it means.
NO_EDITION = date(1970, 1, 1)

POSITIVE_LIST_CACHE_SECONDS = 600
# Bumped after every committed import, so cached lists go stale at once everywhere.
POSITIVE_LIST_GENERATION_KEY = "pricing:positive-list-generation"

_MAX_PROBLEMS_SHOWN = 10
_BATCH_SIZE = 1000
_TEXT_MAX_LENGTH = 300
_TRUE = {"1", "true", "yes", "是"}
_FALSE = {"", "0", "false", "no", "否"}
# DecimalField(max_digits=10, decimal_places=3)
_CAP_MAX = Decimal("9999999.999")


class PositiveListImportError(ValueError):
    """The file cannot be imported as it is; `problems` says what to fix, line by line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        lines = [f"{source}: nothing imported, {len(problems)} problem(s) to fix:"]
        lines += [f"  {problem}" for problem in shown]
        if len(problems) > len(shown):
            lines.append(f"  ... and {len(problems) - len(shown)} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    tariff_number: str
    description_zh: str
    description_en: str
    bonded_only: bool
    yearly_weight_cap_kg: Decimal | None
    note: str


# --- writes ---------------------------------------------------------------------------------


def _bump_generation() -> None:
    try:
        cache.incr(POSITIVE_LIST_GENERATION_KEY)
    except ValueError:
        cache.set(POSITIVE_LIST_GENERATION_KEY, 2, None)


def positive_list_import(*, path: Path | str, edition: date, source: str | None = None) -> int:
    """Replace every stored line of `edition` with the lines of the CSV at `path`.

    Every row is checked before anything is written, so a file with mistakes changes
    nothing and the error lists them all (the first ten). Returns the number of lines stored.
    """
    path = Path(path)
    rows = _parse(path)
    # a long file name must not make an otherwise good import fail at the database
    source = (source or path.name)[:100]
    lines = [
        PositiveListLine(
            edition=edition,
            tariff_number=row.tariff_number,
            description_zh=row.description_zh,
            description_en=row.description_en,
            bonded_only=row.bonded_only,
            yearly_weight_cap_kg=row.yearly_weight_cap_kg,
            note=row.note,
            source=source,
        )
        for row in rows
    ]
    with transaction.atomic():
        PositiveListLine.objects.filter(edition=edition).delete()
        PositiveListLine.objects.bulk_create(lines, batch_size=_BATCH_SIZE)
        audit_record(action="positive_list.import", target=("positive_list", edition),
                     details={"source": source, "lines": len(lines)})  # fmt: skip
        transaction.on_commit(_bump_generation)
    return len(lines)


def positive_list_load_sample() -> int:
    """Import the shipped sample of the 2022 edition (see entrepot/pricing/data/README.md)."""
    sample = resources.files("entrepot.pricing") / "data" / "positive_list_sample.csv"
    with resources.as_file(sample) as path:
        return positive_list_import(path=path, edition=SAMPLE_EDITION, source=SAMPLE_SOURCE)


def _parse(path: Path) -> list[_Row]:
    try:
        # utf-8-sig: spreadsheet programs often put a byte-order mark before the header
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PositiveListImportError(
            path.name, [f"the file is not UTF-8 text ({error.reason}); save it as UTF-8 CSV"]
        ) from None
    # newline="": line breaks inside quoted fields stay part of the field, as csv expects
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise PositiveListImportError(path.name, ["the file is empty"])
    columns = [name.strip().lower() for name in header]
    problems = _header_problems(columns)
    if problems:
        raise PositiveListImportError(path.name, problems)

    rows: list[_Row] = []
    first_seen: dict[str, int] = {}
    for fields in reader:
        if not any(value.strip() for value in fields):
            continue
        line = reader.line_num  # the line a text editor shows (the last, for multi-line rows)
        if len(fields) > len(columns):
            problems.append(f"line {line}: {len(fields)} fields, but the header has {len(columns)}")
            continue
        values = dict(zip(columns, (value.strip() for value in fields), strict=False))
        row, row_problems = _row(line, values)
        problems += row_problems
        if row is None:
            continue
        if row.tariff_number in first_seen:
            problems.append(
                f"line {line}: duplicate tariff number {row.tariff_number}"
                f" (first on line {first_seen[row.tariff_number]})"
            )
            continue
        first_seen[row.tariff_number] = line
        rows.append(row)
    if not problems and not rows:
        # an empty file would silently wipe the edition it is imported as
        problems.append("the file has a header but no tariff lines")
    if problems:
        raise PositiveListImportError(path.name, problems)
    return rows


def _header_problems(columns: list[str]) -> list[str]:
    expected = ", ".join(COLUMNS)
    problems = [
        f"line 1: unknown column {name!r}; expected columns: {expected}"
        for name in columns
        if name not in COLUMNS
    ]
    problems += [
        f"line 1: column {name!r} appears more than once"
        for name in sorted(set(columns))
        if columns.count(name) > 1
    ]
    problems += [
        f"line 1: required column {name!r} is missing; expected columns: {expected}"
        for name in REQUIRED_COLUMNS
        if name not in columns
    ]
    return problems


def _row(line: int, values: dict[str, str]) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []

    raw_number = values.get("tariff_number", "")
    # the printed list writes numbers as 0901.2100; the tariff line itself is the digits
    tariff_number = raw_number.replace(".", "").replace(" ", "")
    if not (len(tariff_number) == 8 and tariff_number.isascii() and tariff_number.isdigit()):
        problems.append(f"line {line}: tariff number {raw_number!r} must have 8 digits")

    texts = {}
    for name in ("description_zh", "description_en", "note"):
        texts[name] = values.get(name, "")
        if len(texts[name]) > _TEXT_MAX_LENGTH:
            problems.append(
                f"line {line}: {name} has {len(texts[name])} characters,"
                f" at most {_TEXT_MAX_LENGTH} fit"
            )
    if not texts["description_zh"]:
        problems.append(f"line {line}: description_zh is empty")

    raw_bonded = values.get("bonded_only", "")
    bonded_only = raw_bonded.lower() in _TRUE
    if raw_bonded.lower() not in _TRUE | _FALSE:
        problems.append(
            f"line {line}: bonded_only {raw_bonded!r} must be one of"
            " 1/0, true/false, yes/no, 是/否 (or empty for no)"
        )

    raw_cap = values.get("yearly_weight_cap_kg", "")
    cap = None
    if raw_cap:
        try:
            cap = Decimal(raw_cap)
        except InvalidOperation:
            cap = None
        if cap is None or not cap.is_finite() or not 0 < cap <= _CAP_MAX:
            problems.append(
                f"line {line}: yearly_weight_cap_kg {raw_cap!r} must be a positive number"
                " of kilograms (e.g. 2 or 0.5), or empty for no cap"
            )
        elif cap != cap.quantize(Decimal("0.001")):
            problems.append(
                f"line {line}: yearly_weight_cap_kg {raw_cap!r} has more than 3 decimal places"
            )

    if problems:
        return None, problems
    return (
        _Row(
            line=line,
            tariff_number=tariff_number,
            description_zh=texts["description_zh"],
            description_en=texts["description_en"],
            bonded_only=bonded_only,
            yearly_weight_cap_kg=cap,
            note=texts["note"],
        ),
        [],
    )


# --- reads ----------------------------------------------------------------------------------


def positive_list_on(day: date) -> PositiveList:
    """The newest stored edition in force on `day` (`edition <= day`).

    With no such edition, an empty list dated 1970-01-01: whether that means "allow" or
    "refuse" is the caller's decision. Cached, since every landed-cost quote needs it.
    """
    generation = cache.get_or_set(POSITIVE_LIST_GENERATION_KEY, 1, None)
    editions_key = f"pricing:positive-list-editions:{generation}"
    editions = cache.get(editions_key)
    if editions is None:
        editions = tuple(
            PositiveListLine.objects.order_by("edition")
            .values_list("edition", flat=True)
            .distinct()
        )
        cache.set(editions_key, editions, POSITIVE_LIST_CACHE_SECONDS)
    edition = max((e for e in editions if e <= day), default=None)
    if edition is None:
        return PositiveList(edition=NO_EDITION, entries={})

    # keyed by edition, not by day: every day of an edition shares one cached list
    key = f"pricing:positive-list:{generation}:{edition.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    lines = PositiveListLine.objects.filter(edition=edition).only(
        "tariff_number", "description_zh", "bonded_only", "yearly_weight_cap_kg", "note"
    )
    positive_list = _as_list(edition, lines)
    cache.set(key, positive_list, POSITIVE_LIST_CACHE_SECONDS)
    return positive_list


@lru_cache(maxsize=1)
def positive_list_sample() -> PositiveList:
    """The shipped sample as a value, without the database (the fallback when none is stored)."""
    sample = resources.files("entrepot.pricing") / "data" / "positive_list_sample.csv"
    with resources.as_file(sample) as path:
        rows = _parse(path)
    return _as_list(SAMPLE_EDITION, rows)


def _as_list(edition: date, lines) -> PositiveList:
    """Stored lines or parsed rows (same attribute names) as the domain value."""
    entries = {
        line.tariff_number: PositiveListEntry(
            tariff_number=line.tariff_number,
            description=line.description_zh,
            bonded_only=line.bonded_only,
            yearly_weight_cap_kg=line.yearly_weight_cap_kg,
            note=line.note,
        )
        for line in lines
    }
    return PositiveList(edition=edition, entries=entries)


def positive_list_in_force(day: date) -> PositiveList:
    """The stored edition in force on `day`, else the shipped sample (see `is_sample`)."""
    positive_list = positive_list_on(day)
    return positive_list if len(positive_list) else positive_list_sample()


def is_sample(positive_list: PositiveList) -> bool:
    return positive_list is positive_list_sample()
