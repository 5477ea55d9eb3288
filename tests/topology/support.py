"""What the topology tests share: the PostgreSQL and Redis they run against, a private
database, free ports, a small cookie-keeping HTTP client, Django subprocesses."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "entrepot_topology"
REDIS_DB = 8


def postgres_url() -> str:
    """DATABASE_URL, which must name PostgreSQL: these tests prove the production
    topology and fail (never skip) when run without it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(
            "the topology tests need DATABASE_URL=postgres://... and REDIS_URL=redis://... "
            "(`make test-topology` in .ci/run sets them); got DATABASE_URL="
            f"{url.split('://')[0] + '://...' if url else '(unset)'}"
        )
    return url


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        pytest.fail("the topology tests need REDIS_URL=redis://... (see `make test-topology`)")
    return urlunsplit(urlsplit(url)._replace(path=f"/{REDIS_DB}"))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{auth}{parts.hostname}:{port}"))


def admin_execute(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) in the server's
    `postgres` database, as DATABASE_URL's role."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def fresh_database(url: str, *, template: str = "", name: str = DATABASE) -> str:
    """An empty database `name` (or a copy of `template`, a migrated one) on DATABASE_URL's
    server; its URL."""
    create = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    admin_execute(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", create)
    return with_database(url, name)


def drop_database(url: str, name: str = DATABASE) -> None:
    admin_execute(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_env(data_dir: Path, database_url: str, cache_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "CI"}}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=cache_url,
        ENTREPOT_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="entrepot.config.settings",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def run_django(module: str, env: dict, *args: str, timeout: float = 60) -> dict:
    """Run `python -m module args` (a Django script of these tests); its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        pytest.fail(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_entrepot(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "entrepot.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        pytest.fail(f"entrepot {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def wait_for(predicate, *, timeout: float, every: float = 0.25, what: str, detail=None):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            more = f":\n{detail()}" if detail else ""
            pytest.fail(f"gave up after {timeout:g} s waiting for {what}{more}")
        time.sleep(every)


class Browser:
    """One buyer's browser: cookies, and the CSRF token sent back with every form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jar: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if form is not None:
            if "csrftoken" in self.jar:
                form = {**form, "csrfmiddlewaretoken": self.jar["csrftoken"]}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.coded_value
        location = urlsplit(response.getheader("Location", "")).path
        return response.status, location, data


def live_members(pgid: int) -> list[int]:
    """The processes of process group `pgid` that still run (zombies left to an init
    that does not reap them do not count: they are gone but for their exit status)."""
    live = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            live.append(int(entry.name))
    return live
