"""The README's demo command, run for real in a fresh data directory."""

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli import ENTREPOT
from tests.cli import cli_env as _env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("demo")


def test_first_demo_run_creates_a_wal_sqlite_database_and_loads_the_demo(demo_dir):
    result = subprocess.run(
        [*ENTREPOT, "demo", "--no-serve"],
        env=_env(demo_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "journal_mode=wal" in out
    assert "2,000 products" in out and "rows/s" in out
    for text in (
        "http://127.0.0.1:8000/",
        "buyer@example.com",
        "seller@example.com",
        "operator@example.com",
    ):
        assert text in out
    assert (demo_dir / "entrepot.sqlite3").exists()


def test_second_demo_run_keeps_the_data_and_starts_in_seconds(demo_dir):
    started = time.monotonic()
    result = subprocess.run(
        [*ENTREPOT, "demo", "--no-serve"],
        env=_env(demo_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "already loaded" in result.stdout
    assert time.monotonic() - started < 15


def _start(args: list[str], data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start a server command on a free 127.0.0.1 port and wait for /healthz."""
    port = _free_port()
    server = subprocess.Popen(
        [*ENTREPOT, *args, "--port", str(port), "--workers", "1"],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                assert response.status == 200
                return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                _stop(server)
                raise
            time.sleep(0.3)


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, 15)
    server.wait(timeout=20)


def test_demo_serves_the_chinese_storefront_on_127_0_0_1(demo_dir):
    server, base = _start(["demo"], demo_dir)
    try:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            html = response.read().decode()
        assert "直邮】" in html  # Chinese product titles
        assert 'class="display-price">¥' in html  # CNY prices
        with urllib.request.urlopen(base + "/static/entrepot/site.css", timeout=5) as response:
            assert response.status == 200
    finally:
        _stop(server)


def test_serve_runs_the_production_server_with_hashed_static_files(tmp_path):
    server, base = _start(["serve", "--migrate"], tmp_path)
    try:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            html = response.read().decode()
        match = re.search(r'href="(/static/entrepot/site\.[0-9a-f]{12}\.css)"', html)
        assert match, "static files are not served under content-hashed names"
        with urllib.request.urlopen(base + match.group(1), timeout=5) as response:
            assert "max-age=315360000" in response.headers["Cache-Control"]
    finally:
        _stop(server)


def test_seed_command_reports_its_rate(tmp_path):
    result = subprocess.run(
        [
            *ENTREPOT,
            "seed",
            "--sellers",
            "3",
            "--products",
            "50",
            "--buyers",
            "5",
            "--orders",
            "10",
            "--quiet",
        ],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "50 products" in result.stdout and "rows/s" in result.stdout


def test_seed_command_refuses_negative_sizes_clearly(tmp_path):
    result = subprocess.run(
        [*ENTREPOT, "seed", "--products", "-5", "--quiet"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--products must be zero or more" in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = subprocess.run(
        [*ENTREPOT, "manage", "check", "--deploy", "--fail-level", "ERROR"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified" in result.stdout + result.stderr
