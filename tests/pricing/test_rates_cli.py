"""`entrepot rates ...` and `entrepot worker`, run for real in a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli import ENTREPOT
from tests.cli import cli_env as _env
from tests.pricing.test_rates_import import HIST


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ENTREPOT, *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rates")


def test_import_then_show_prints_the_table_of_the_day(data_dir):
    path = data_dir / "eurofxref-hist.xml"
    path.write_bytes(HIST)
    result = _run(["rates", "import", str(path)], data_dir)
    assert result.returncode == 0, result.stderr
    assert "imported 3 days, 9 rates, 2026-10-29 .. 2026-11-02" in result.stdout
    assert "skipped unknown currency codes: QQQ" in result.stdout

    # a Saturday uses Friday's rates
    result = _run(["rates", "show", "--date", "2026-10-31"], data_dir)
    assert result.returncode == 0, result.stderr
    assert "published 2026-10-30" in result.stdout
    usd = next(line for line in result.stdout.splitlines() if line.startswith("USD"))
    # 1 EUR = 1.1172 USD; 1 CNY = 1.1172 / 7.4326 USD
    assert usd.split() == ["USD", "1.1172", "0.150311"]


def test_a_bad_file_exits_2_and_says_what_is_wrong(data_dir):
    path = data_dir / "broken.xml"
    path.write_bytes(HIST.replace(b"'1.113'", b"'x'"))
    result = _run(["rates", "import", str(path), "--source", "ECB (manual)"], data_dir)
    assert result.returncode == 2
    assert "bad rate 'x' for USD on 2026-10-29" in result.stderr

    result = _run(["rates", "import", str(data_dir / "missing.csv")], data_dir)
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "missing.csv" in result.stderr


def test_refresh_without_a_url_says_how_to_configure_one(tmp_path):
    result = _run(["rates", "refresh"], tmp_path)
    assert result.returncode == 2
    assert "no URL configured" in result.stderr
    assert "ENTREPOT_FX_REFRESH_URL" in result.stderr


def test_show_without_rates_says_how_to_load_them(tmp_path):
    result = _run(["rates", "show"], tmp_path)
    assert result.returncode == 1
    assert "entrepot rates import FILE" in result.stderr


def test_worker_starts_the_huey_consumer(tmp_path):
    worker = subprocess.Popen(
        [*ENTREPOT, "worker", "--workers", "2"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = worker.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "refresh_exchange_rates" in line:
                break
        log = "".join(lines)
        assert "consumer started with 2 thread" in log, log
        assert "refresh_exchange_rates" in log, log
        assert (tmp_path / "huey.sqlite3").exists()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, 15)
        worker.wait(timeout=20)
        worker.stderr.close()
