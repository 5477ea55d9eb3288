"""Crash safety: SIGKILL the server and the worker in the middle of checkouts and
payments, restart them, and prove nothing was lost, sold twice or applied twice.

The real `entrepot serve` (gunicorn, 2 workers, 127.0.0.1) and `entrepot worker` run as
subprocesses on their own database: a temporary data directory on SQLite; with
DATABASE_URL pointing at PostgreSQL, a database of its own (`<name>_crash_safety`),
created and dropped here. The queue is the one the settings give (SQLite next to the
data, or Redis with REDIS_URL). Shoppers (threads, tests/reliability/crashload.py) check
out and pay while the test kills and restarts everything several times at random
moments; afterwards the database is checked (tests/reliability/crashdb.py) and
`entrepot ledger check` must pass.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.cli import ENTREPOT, cli_env
from tests.conftest import count
from tests.reliability.crashload import Shopper, Tally

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-safety-sandbox-secret"
ROUNDS = 3  # kill / restart rounds
STOCK = 25  # units of each variant the shoppers buy, so some sell out
SHOPPERS = 4
# a hard cap on the whole test, every wait included; alone on 2 cores it takes under a
# minute, but a machine busy with other work slows the server's restarts down
BUDGET_S = 240
LAST_ROUND_AFTER_S = 60  # of load: on a slow machine, no new round after (at least 2)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict, what: str) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def database_url():
    """None on SQLite (the data directory holds the database); on PostgreSQL the URL
    of a fresh database of this test's own, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_crash_safety"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def sql(statement: str) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(statement)

    sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Processes:
    """The server and the worker, each in its own process group so that a kill takes
    the gunicorn master and its workers (or the consumer and its threads) at once."""

    def __init__(self, env: dict, port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def _start(self, *argv: str) -> subprocess.Popen:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [*ENTREPOT, *argv], env=self.env, cwd=ROOT, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip

    def start_server(self, deadline: float) -> float:
        started = time.monotonic()
        self.server = self._start("serve", "--port", str(self.port), "--workers", "2")
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise AssertionError("the server did not start:\n" + self.tail())
            time.sleep(0.1)

    def start_worker(self) -> None:
        self.worker = self._start("worker", "--workers", "2")

    @staticmethod
    def signal(proc: subprocess.Popen | None, signum: int) -> None:
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signum)

    def kill(self, proc: subprocess.Popen | None) -> None:
        self.signal(proc, signal.SIGKILL)
        if proc is not None:
            proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in (self.server, self.worker):
            self.kill(proc)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def _wait_for(condition, seconds: float) -> None:
    limit = time.monotonic() + seconds
    while not condition() and time.monotonic() < limit:
        time.sleep(0.005)


def _payment_status(port: int, token: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", f"/payments/{token}/status.json")
    response = conn.getresponse()
    return json.loads(response.read())["status"] if response.status == 200 else ""


def test_killing_server_and_worker_mid_checkout_loses_nothing_and_applies_nothing_twice(
    tmp_path, database_url
):
    from entrepot.payments.gateway import SIGNATURE_HEADER, sign

    began = time.monotonic()
    deadline = began + BUDGET_S
    env = cli_env(tmp_path)  # a data directory of its own; SQLite unless told below
    env.update(
        ENTREPOT_PAYMENT_SANDBOX_SECRET=SECRET, DJANGO_SETTINGS_MODULE="entrepot.config.settings",
        # every shopper comes from 127.0.0.1 and checks out every few seconds
        ENTREPOT_RATE_CHECKOUT="off", ENTREPOT_RATE_CHECKOUT_IP="off",
    )  # fmt: skip
    if database_url:
        env["DATABASE_URL"] = database_url
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    port = _free_port()
    env["ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL"] = f"http://127.0.0.1:{port}/payments/notify/sandbox/"

    phases = {}
    crashdb = [sys.executable, "-m", "tests.reliability.crashdb"]
    setup = json.loads(_run([*crashdb, "setup", str(STOCK)], env, "setup"))
    assert setup["buyers"] and setup["variants"], setup

    phases["setup"] = time.monotonic() - began
    procs = Processes(env, port, tmp_path / "processes.log")
    tally, stop = Tally(), threading.Event()

    def signed(body: bytes) -> dict[str, str]:
        return {SIGNATURE_HEADER: sign(SECRET, body)}

    shoppers: list[Shopper] = []
    kills, restart_s, queued_before_kill, just_paid = 0, [], set(), set()
    try:
        restart_s.append(procs.start_server(deadline))
        procs.start_worker()
        per = max(1, len(setup["buyers"]) // SHOPPERS)
        for n in range(SHOPPERS):
            buyers = setup["buyers"][n * per : (n + 1) * per] or setup["buyers"][:1]
            shopper = Shopper(n, port, buyers, setup["variants"], signed, stop,
                              tally, deadline - 30)  # fmt: skip
            for browser in shopper.buyers:
                shopper.login(browser)
            shoppers.append(shopper)
        for shopper in shoppers:
            shopper.start()
        rng, load_began = random.Random(), time.monotonic()
        for round_no in range(ROUNDS):
            if round_no >= 2 and time.monotonic() - load_began > LAST_ROUND_AFTER_S:
                break
            # a few checkouts into the load (on a busy machine they come slower)...
            placed = tally.counts["checkouts placed"] + rng.randint(2, 5)
            _wait_for(lambda n=placed: tally.counts["checkouts placed"] >= n, 20)
            # ...the worker dies just as a Pay is answered, when its notifications are
            # queued or being delivered
            paid = len(tally.pay_acknowledged)
            _wait_for(lambda n=paid: len(tally.pay_acknowledged) > n, 10)
            if round_no == 0:
                # the host dies while the worker delivers: the server hangs (SIGSTOP)
                # just as Pay is answered, the worker's deliveries wait on it, and
                # both die together
                procs.signal(procs.server, signal.SIGSTOP)
                worker_killed = time.monotonic()
                with tally.lock:
                    just_paid = {
                        t for t, when in tally.pay_acknowledged.items() if when > worker_killed - 1
                    }
                time.sleep(rng.uniform(0.8, 1.2))
                procs.kill(procs.worker)
                procs.kill(procs.server)
            else:
                # the worker dies just as a Pay is answered; Pay keeps queueing
                # notifications while it is down, and the server dies a moment later
                time.sleep(rng.uniform(0.0, 0.05))
                procs.kill(procs.worker)
                worker_killed = time.monotonic()
                _wait_for(lambda t=worker_killed: tally.last_pay > t, 30)
                time.sleep(rng.uniform(0.0, 0.3))
                procs.kill(procs.server)
            kills += 1
            with tally.lock:
                queued_before_kill |= {
                    t for t, when in tally.pay_acknowledged.items() if when > worker_killed
                }
            restart_s.append(procs.start_server(deadline))
            procs.start_worker()
        time.sleep(1.5)  # a little more load on the restarted processes
        stop.set()
        for shopper in shoppers:
            shopper.join(timeout=max(1, deadline - time.monotonic()))
        phases["load and kills"] = time.monotonic() - began - phases["setup"]
        # the queued notifications run after the restart, retries included (they back
        # off 2, 4, 8, 16 s while the server is down)
        waiting, limit = set(tally.pay_acknowledged), min(deadline, time.monotonic() + 45)
        while waiting and time.monotonic() < limit:
            waiting = {t for t in waiting if _payment_status(port, t) != "succeeded"}
            time.sleep(0.5)
        state = tmp_path / "state.json"
        state.write_text(json.dumps({
            "start_stock": setup["start_stock"],
            "acknowledged": sorted(tally.acknowledged),
            "pay_acknowledged": sorted(tally.pay_acknowledged),
        }))  # fmt: skip
        # a Pay whose answer the kill cut off may have been taken by the wallet all the
        # same: its notifications may still be on their way (retries back off)
        early = json.loads(_run([*crashdb, "verify", str(state)], env, "verify"))
        late = set(early["problems"]["the sandbox wallet took the payment, the shop never heard"])
        limit = min(deadline, time.monotonic() + 30)
        while late and time.monotonic() < limit:
            late = {t for t in late if _payment_status(port, t) != "succeeded"}
            time.sleep(0.5)
        phases["queue drained"] = time.monotonic() - began - sum(phases.values())
    finally:
        stop.set()
        procs.stop()
    assert not any(s.is_alive() for s in shoppers), "a shopper did not stop"
    # with everything stopped, the database holds still while it is checked
    found = json.loads(_run([*crashdb, "verify", str(state)], env, "verify"))
    ledger = subprocess.run([*ENTREPOT, "ledger", "check"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    elapsed = time.monotonic() - began

    counts = dict(tally.counts)
    resent = sum(
        int(line.split(" on ")[1].split()[0])
        for line in procs.log.read_text(errors="replace").splitlines()
        if "open payments again" in line
    )
    count("crash safety: SIGKILLs of server and worker survived", kills)
    count("crash safety: payments acknowledged", len(tally.acknowledged))
    print(
        f"\ncrash safety: {kills} kills of server and worker survived (server starts "
        f"{', '.join(f'{s:.1f}' for s in restart_s)} s), {elapsed:.0f} s in all "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in phases.items())})\n"
        f"shoppers: {counts}\n"
        f"  wallet notifications acknowledged {len(tally.acknowledged)} payments, "
        f"sandbox Pay answered {len(tally.pay_acknowledged)} "
        f"({len(queued_before_kill)} queued while the worker was down, {len(just_paid)} "
        f"answered in the second before the host died; the restarted workers sent "
        f"{resent} open payments' notifications again)\n"
        f"database: orders {found['orders']}, payments {found['payments']}, "
        f"notifications {found['notifications']}, captures {found['captures']}, "
        f"units sold {found['units_sold']}, variants sold out {found['sold_out_variants']}\n"
        f"errors: {dict(tally.errors.most_common(8))}\n"
        f"ledger check: {ledger.stdout.strip()[-300:]}"
    )
    assert kills >= 2
    problems = {what: offenders for what, offenders in found["problems"].items() if offenders}
    assert problems == {}, problems
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr
    unexpected = {e: n for e, n in tally.errors.items() if not e.startswith("interrupted")}
    assert unexpected == {}, unexpected
    # the load really ran, across the kills, through both ways of paying
    assert counts.get("checkouts placed", 0) >= 8, counts
    assert len(tally.acknowledged) >= 2 and len(tally.pay_acknowledged) >= 2, counts
    assert queued_before_kill, "no Pay was queued while the worker was down"
    assert found["captures"] == sum(
        n for status, n in found["orders"].items() if status not in ("placed", "cancelled")
    )
