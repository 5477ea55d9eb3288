"""`entrepot bench` works end to end: a tiny data set, one-second scenarios, one table.

The numbers mean nothing at this size; what is checked is that the one command builds
the data set, starts the server, runs every scenario bounded in time with a load
generator of its own, and prints every row with its fraction of the floor. It uses wrk
when it is installed and the Python load generator otherwise (nothing is installed by
the test: --no-install). On PostgreSQL (DATABASE_URL set) it runs with --database
postgres, in database entrepot_bench and its template.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks import pyload
from entrepot.config.bench_floor import floor_urls

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    ("floor", "-"),
    ("home", "cold"),
    ("home", "warm"),
    ("category", "cold"),
    ("category", "warm"),
    ("product page", "cold"),
    ("product page", "warm"),
    ("search", "cold"),
    ("search", "warm"),
    ("add to cart", "-"),
    ("landed-cost API", "-"),
    ("order + payment", "api"),
    ("order + payment", "pages"),
    ("floor, again", "-"),
]


def _entrepot_bench(*argv: str, env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "entrepot.cli", "bench", *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture
def database():
    """postgres when the tests run on PostgreSQL; its data set's template is dropped after."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield "sqlite"
        return
    yield "postgres"
    import psycopg
    from psycopg import sql

    admin = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in ("entrepot_bench_tpl_300p_30o", "entrepot_bench"):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_one_command_prints_every_path_with_its_fraction_of_the_floor(tmp_path, database):
    env = {**os.environ}
    done = _entrepot_bench(
        "--products", "300", "--orders", "30", "--duration", "1", "--warmup", "0",
        "--clients", "2", "--buyers-per-client", "2", "--database", database,
        "--no-install", "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "out"),
        env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    table = done.stdout
    header = next(line for line in table.splitlines() if line.startswith("path"))
    assert "x floor" in header and "p95 ms" in header and "RSS MB/worker" in header
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [(r["name"], r["cache"]) for r in results["rows"]] == ROWS
    floor = max(r["rps"] for r in results["rows"] if r["name"].startswith("floor"))
    for row in results["rows"]:
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["p50"] <= row["p95"] <= row["p99"], row
        assert len(row["rss_mb"]) == 2 and all(mb > 20 for mb in row["rss_mb"]), row
        # each row of the printed table: its name, cache state and fraction of the floor
        line = next(
            line for line in table.splitlines()
            if line.startswith(f"{row['name']:<17}{row['cache']:<6}")
        )  # fmt: skip
        assert f"{row['rps'] / floor:.2f}" in line.split()
    for checkout in results["rows"][-3:-1]:
        assert checkout["orders"] > 0 and "orders/s" in checkout["note"]
    assert "product page, warm:" in table and "x floor, target >= 0.40" in table
    assert "search, cold: p95" in table and "orders/s, target >= 100" in table
    assert results["ledger_exit"] == 0 and results["tracebacks"] == 0
    assert (tmp_path / "out" / "table.txt").read_text().startswith("Entrepôt benchmark suite")

    # a second run at the same size reuses the kept data set instead of building it again
    again = _entrepot_bench(
        "--products", "300", "--orders", "30", "--duration", "1", "--warmup", "0",
        "--scenarios", "landed-cost", "--database", database, "--no-install",
        "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "again"),
        env=env, timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    assert "data set: reusing" in again.stderr
    rows = json.loads((tmp_path / "again" / "results.json").read_text())["rows"]
    assert [(r["name"], r["cache"]) for r in rows] == [
        ("floor", "-"), ("landed-cost API", "-"), ("floor, again", "-")
    ]  # fmt: skip


def test_without_wrk_and_without_installing_it_the_suite_says_how_to_get_it(tmp_path):
    # PATH without wrk (the venv's python is called by its full path)
    env = {**os.environ, "PATH": str(tmp_path)}
    done = _entrepot_bench(
        "--load", "wrk", "--no-install", "--cache-dir", str(tmp_path), env=env, timeout=60
    )
    assert done.returncode != 0
    assert "wrk is not installed" in done.stderr and "apt-get install wrk" in done.stderr
    assert "--load python" in done.stderr
    assert not list(tmp_path.glob("*/dataset.json"))  # it stopped before building anything


class _Pages(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        self.seen.append(self.path)
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_python_load_generator_walks_each_url_once_and_counts_error_answers():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        walk = [("GET", f"/page/{n}", "") for n in range(40)]
        result = pyload.run(port, walk, mode="walk", connections=3, seconds=20)
        assert result["requests"] == 40 and result["status"] == 0
        assert sorted(_Pages.seen) == sorted(path for _m, path, _b in walk)  # each once
        assert 0 < result["p50"] <= result["p95"] <= result["p99"] <= result["max"]
        assert result["us"] < 20_000_000  # the walk ended when the list did

        mixed = [("GET", "/ok", ""), ("GET", "/missing", "")]
        result = pyload.run(port, mixed, mode="random", connections=2, seconds=0.5)
        assert result["requests"] > 0 and 0 < result["status"] < result["requests"]
        assert result["rps"] > 0
    finally:
        server.shutdown()
        server.server_close()


def test_the_floor_page_is_routed_only_when_the_benchmark_flag_is_on(monkeypatch):
    monkeypatch.delenv("ENTREPOT_BENCH_FLOOR", raising=False)
    assert floor_urls() == []
    monkeypatch.setenv("ENTREPOT_BENCH_FLOOR", "1")
    (pattern,) = floor_urls()
    assert str(pattern.pattern) == "bench/floor"


@pytest.mark.django_db
def test_the_floor_page_is_not_served_by_default(client):
    assert client.get("/bench/floor").status_code == 404
