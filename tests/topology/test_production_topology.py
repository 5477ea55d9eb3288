"""The production topology from one command: `entrepot topology` reads the Procfile,
migrates, runs gunicorn and two huey workers on PostgreSQL and Redis; a buyer's whole
order goes through it over HTTP, and the wallet's signed notification reaches the shop
through the Redis queue, posted by a worker process.

Needs PostgreSQL and Redis (`make test-topology`, run by .ci/run). Uses its own
database (entrepot_topology, created and dropped here) and Redis database 8."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.topology.support import (
    ROOT,
    Browser,
    django_env,
    drop_database,
    flush_redis,
    free_port,
    fresh_database,
    live_members,
    postgres_url,
    redis_url,
    run_django,
    wait_for,
)

pytestmark = pytest.mark.topology
ADDRESS = {
    "consignee_name": "王芳",
    "consignee_phone": "13800138000",
    "consignee_address": "浙江省杭州市西湖区文三路100号",
}
WALLET = re.compile(r"^/payments/sandbox/([0-9a-f-]{36})/$")
REVIEW = re.compile(r"^/checkout/\d+/$")


@pytest.fixture
def topology(tmp_path, migrated_template):
    """`entrepot topology` running on a free port; stopped (and checked to stop) after."""
    server = postgres_url()
    cache = redis_url()
    database = fresh_database(server, template=migrated_template)
    flush_redis(cache)
    port = free_port()
    env = django_env(tmp_path / "data", database, cache)
    log_path = tmp_path / "topology.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrepot.cli", "topology", "--port", str(port),
             "--web-workers", "2", "--grace", "15"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def log_text() -> str:
        return log_path.read_text(errors="replace")

    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"entrepot topology exited ({proc.returncode}):\n{log_text()[-4000:]}")
        return "| ready: " in log_text()

    try:
        wait_for(ready, timeout=75, every=0.5, what="the topology to answer /healthz")
        yield {"port": port, "env": env, "log": log_text, "proc": proc, "started": started}
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)  # as a service manager stops it
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        groups = [int(p) for p in re.findall(r"\| started \w+ \(pid (\d+)\)", log_text())]
        leftovers = {pgid: live_members(pgid) for pgid in groups}
        for pgid, members in leftovers.items():
            if members:
                os.killpg(pgid, signal.SIGKILL)
        drop_database(server)
        flush_redis(cache)
        # nothing the supervisor started outlives it
        assert not any(leftovers.values()), f"still running after the stop: {leftovers}"


def test_an_order_goes_through_web_queue_and_worker_and_the_topology_stops_cleanly(topology):
    port, env = topology["port"], topology["env"]
    log = topology["log"]
    assert re.search(r"\| started web \(pid \d+\): entrepot serve", log())
    assert re.search(r"\| started worker1 \(pid \d+\): entrepot worker", log())
    assert re.search(r"\| started worker2 \(pid \d+\): entrepot worker", log())
    seeded = run_django("tests.topology.smoke_script", env, "seed")

    buyer = Browser(port)
    assert buyer.request("GET", "/accounts/login/")[0] == 200
    status, _, _ = buyer.request(
        "POST", "/accounts/login/", {"username": seeded["username"], "password": seeded["password"]}
    )
    assert status == 302, "the seeded buyer could not log in"
    assert buyer.request("POST", "/cart/add/", {"variant": seeded["variant"]})[0] == 302
    status, review, _ = buyer.request("POST", "/checkout/", ADDRESS)
    assert status == 302 and REVIEW.match(review), (status, review)
    assert buyer.request("GET", review)[0] == 200
    status, wallet, _ = buyer.request("POST", review, {})
    assert status == 302 and WALLET.match(wallet), (status, wallet)
    token = WALLET.match(wallet).group(1)
    assert buyer.request("GET", wallet)[0] == 200
    # the payer presses Pay on the sandbox wallet: the shop answers at once, and the
    # wallet's signed notification is queued in Redis for a worker to deliver
    status, result, _ = buyer.request("POST", f"{wallet}pay/", {})
    assert status == 302 and result == f"/payments/{token}/result/"

    def paid():
        answer = run_django("tests.topology.smoke_script", env, "verify", token)
        return answer if answer["captures"] else None

    outcome = wait_for(paid, timeout=30, every=0.5, what="the order to be paid and captured",
                       detail=lambda: log()[-5000:])  # fmt: skip
    assert outcome["payment"] == "succeeded"
    assert list(outcome["orders"].values()) == ["paid"]
    assert outcome["captures"] == [["payment_captured", n] for n in outcome["orders"]]
    assert "applied" in outcome["notifications"]
    assert outcome["ledger_ok"]
    # a worker process, not the web process, ran the delivery, and it reached the web
    # process over HTTP
    text = log()
    assert re.search(r"\bworker[12] +\| Executing entrepot\.payments\.tasks\."
                     r"deliver_sandbox_notification", text), text[-3000:]  # fmt: skip
    assert re.search(r"\bweb +\| .*\"POST /payments/notify/sandbox/ HTTP/1\.1\" 200", text)
    elapsed = time.monotonic() - topology["started"]
    print(f"\ntopology up, order placed, paid through the queue: {elapsed:.1f} s")

    proc = topology["proc"]
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    text = log()
    assert "| stopping web (SIGTERM)" in text and "| stopping worker1 (SIGINT)" in text
    assert text.rstrip().endswith("| stopped")
