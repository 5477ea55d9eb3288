"""Importing ECB reference rates: files, a real HTTP fetch, and the daily task."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from entrepot.domain.ecb import EcbFormatError
from entrepot.pricing.models import ExchangeRate
from entrepot.pricing.selectors import rate_table_on
from entrepot.pricing.services import (
    rates_import,
    rates_load_bundled,
    rates_refresh,
    rates_store,
)

pytestmark = pytest.mark.django_db

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
{days}
  </Cube>
</gesmes:Envelope>
"""


def _xml(days: dict[str, dict[str, str]]) -> bytes:
    cubes = "\n".join(
        f"    <Cube time='{day}'>"
        + "".join(f"<Cube currency='{c}' rate='{r}'/>" for c, r in rates.items())
        + "</Cube>"
        for day, rates in days.items()
    )
    return ENVELOPE.format(days=cubes).encode()


DAILY = _xml({"2026-11-02": {"USD": "1.1201", "CNY": "7.4512", "JPY": "176.02"}})
# Thursday, Friday and the Monday after: the weekend has no rates of its own.
HIST = _xml(
    {
        "2026-11-02": {"USD": "1.1201", "CNY": "7.4512", "JPY": "176.02"},
        "2026-10-30": {"USD": "1.1172", "CNY": "7.4326", "JPY": "175.68", "QQQ": "0.5823"},
        "2026-10-29": {"USD": "1.113", "CNY": "7.4101", "JPY": "175.92"},
    }
)


def _rows() -> list[tuple]:
    return list(
        ExchangeRate.objects.order_by("effective_date", "currency").values_list(
            "currency", "effective_date", "rate_per_eur", "source"
        )
    )


def test_a_daily_xml_file_is_stored_and_used(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = rates_import(data=DAILY, name="eurofxref-daily.xml", source="ECB (daily)")
    assert (report.days, report.rows) == (1, 3)
    assert report.first_day == report.last_day == date(2026, 11, 2)
    assert report.summary() == "imported 1 days, 3 rates, 2026-11-02 .. 2026-11-02"
    table = rate_table_on(date(2026, 11, 2))
    assert table.per_eur["CNY"] == Decimal("7.4512")
    assert ExchangeRate.objects.filter(source="ECB (daily)").count() == 3


def test_a_history_file_stores_every_day_and_weekends_use_friday(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = rates_import(data=HIST, name="eurofxref-hist.xml", source="ECB (hist)")
    assert (report.days, report.rows) == (3, 9)
    assert (report.first_day, report.last_day) == (date(2026, 10, 29), date(2026, 11, 2))
    # not an ISO 4217 code: skipped, but said so
    assert report.skipped_currencies == {"QQQ"}
    assert not ExchangeRate.objects.filter(currency="QQQ").exists()

    assert rate_table_on(date(2026, 10, 29)).per_eur["USD"] == Decimal("1.113")
    saturday = rate_table_on(date(2026, 10, 31))
    assert saturday.as_of == date(2026, 10, 30)
    assert saturday.per_eur["USD"] == Decimal("1.1172")
    assert rate_table_on(date(2026, 11, 2)).per_eur["JPY"] == Decimal("176.02")


def test_importing_again_is_idempotent_and_the_newer_rate_wins(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        rates_import(data=HIST, name="hist.xml", source="ECB (hist)")
    first = _rows()
    with django_capture_on_commit_callbacks(execute=True):
        rates_import(data=HIST, name="hist.xml", source="ECB (hist)")
    assert _rows() == first
    # the cached table of Friday must not survive a correction of Friday's rate
    assert rate_table_on(date(2026, 10, 30)).per_eur["USD"] == Decimal("1.1172")

    corrected = _xml({"2026-10-30": {"USD": "1.1180"}})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = rates_import(data=corrected, name="fix.xml", source="ECB (fix)")
    assert callbacks, "the rate-table cache generation is bumped on commit"
    assert report.rows == 1
    assert ExchangeRate.objects.count() == len(first)
    row = ExchangeRate.objects.get(currency="USD", effective_date=date(2026, 10, 30))
    assert (row.rate_per_eur, row.source) == (Decimal("1.1180"), "ECB (fix)")
    assert rate_table_on(date(2026, 10, 30)).per_eur["USD"] == Decimal("1.1180")


def test_a_bad_file_leaves_the_stored_rates_untouched():
    rates_import(data=HIST, name="hist.xml", source="ECB (hist)")
    before = _rows()
    # the broken rate is on the last day of the file, after two good ones
    broken = HIST.replace(b"'175.92'", b"'n/a'")
    with pytest.raises(EcbFormatError, match="bad rate 'n/a' for JPY on 2026-10-29"):
        rates_import(data=broken, name="hist.xml", source="ECB (broken)")
    with pytest.raises(EcbFormatError, match="holds no exchange rates"):
        rates_import(data=b"Date,QQQ\n2007-12-31,0.585\n", name="odd.csv", source="x")
    assert _rows() == before


def test_a_csv_file_imports_through_the_same_path():
    # retired currencies such as CYP are still known to CLDR and stored as history
    csv = b"Date,USD,CNY,CYP,\n2026-10-30,1.1172,7.4326,N/A,\n2007-12-31,1.4721,10.7524,0.585274,\n"
    report = rates_import(data=csv, name="eurofxref-hist.csv", source="ECB (csv)")
    assert (report.days, report.rows, report.skipped_currencies) == (2, 5, frozenset())


def test_a_long_source_is_shortened_to_fit_the_column():
    source = "ECB (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml)"
    rates_import(data=DAILY, name="daily.xml", source=source)
    stored = ExchangeRate.objects.values_list("source", flat=True).first()
    assert len(stored) == ExchangeRate._meta.get_field("source").max_length
    assert stored.startswith("ECB (https://www.ecb.") and stored.endswith("…")


def test_rates_store_and_the_bundled_loader_still_work():
    assert (
        rates_store(
            effective_date=date(2026, 1, 5),
            per_eur={"EUR": Decimal(1), "USD": Decimal("1.04")},
            source="manual",
        )
        == 1
    )
    with pytest.raises(ValueError, match="rate for USD on 2026-01-05 must be positive"):
        rates_store(effective_date=date(2026, 1, 5), per_eur={"USD": Decimal(0)}, source="x")
    day, count = rates_load_bundled()
    assert count > 20
    assert ExchangeRate.objects.filter(effective_date=day, source="ECB (bundled)").count() == count


# --- fetching over HTTP -----------------------------------------------------------


@pytest.fixture
def ecb_server(monkeypatch) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the daily file; yields its base URL."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "ftp://127.0.0.1/eurofxref-daily.xml")
                self.end_headers()
                return
            if self.path != "/eurofxref-daily.xml":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(DAILY)))
            self.end_headers()
            self.wfile.write(DAILY)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_rates_refresh_fetches_and_imports_the_file(ecb_server):
    report = rates_refresh(url=f"{ecb_server}/eurofxref-daily.xml", timeout=5)
    assert (report.days, report.rows) == (1, 3)
    row = ExchangeRate.objects.get(currency="USD", effective_date=date(2026, 11, 2))
    assert row.rate_per_eur == Decimal("1.1201")
    assert row.source.startswith("ECB (http://127.0.0.1:")


def test_rates_refresh_reports_http_errors_and_refuses_odd_redirects(ecb_server):
    with pytest.raises(OSError, match="404"):
        rates_refresh(url=f"{ecb_server}/missing.xml", timeout=5)
    with pytest.raises(ValueError, match="http:// or https://"):
        rates_refresh(url=f"{ecb_server}/moved", timeout=5)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://ftp.example.com/rates.xml", "www.ecb.europa.eu/x.xml", "http://"],
)
def test_rates_refresh_refuses_urls_that_are_not_http(url):
    with pytest.raises(ValueError, match=r"use an http:// or https:// URL"):
        rates_refresh(url=url)


# --- the daily task ---------------------------------------------------------------


def test_the_daily_task_does_nothing_without_a_url(settings, caplog):
    from entrepot.pricing.tasks import refresh_exchange_rates

    settings.ENTREPOT_FX_REFRESH_URL = ""
    with caplog.at_level(logging.INFO, logger="entrepot.pricing.tasks"):
        assert refresh_exchange_rates.call_local() is None
    assert "ENTREPOT_FX_REFRESH_URL is not set" in caplog.text
    assert not ExchangeRate.objects.exists()


def test_the_daily_task_imports_from_the_configured_url(settings, ecb_server):
    from entrepot.pricing.tasks import refresh_exchange_rates

    settings.ENTREPOT_FX_REFRESH_URL = f"{ecb_server}/eurofxref-daily.xml"
    report = refresh_exchange_rates.call_local()
    assert report.rows == 3
    assert ExchangeRate.objects.filter(effective_date=date(2026, 11, 2)).count() == 3
