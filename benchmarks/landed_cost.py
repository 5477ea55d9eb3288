"""Landed-cost engine speed: the pure quote, and POST /api/v1/landed-cost over HTTP.

    .venv/bin/python benchmarks/landed_cost.py [--seconds 5] [--workers 2] [--clients 4]

1. The domain quote (no Django) for 1-line and 20-line CN-CBEC baskets priced in USD,
   and a 20-line EU IOSS basket: microseconds per line and lines per second.
2. The HTTP endpoint: `entrepot serve` with N gunicorn workers on 127.0.0.1 in a
   fresh data directory, driven by client processes with keep-alive connections for
   a fixed time; requests per second and latency percentiles. Bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import free_port, stop_server  # noqa: E402

from entrepot.domain.landed_cost.policies import quote  # noqa: E402
from tests.domain.landed_cost_helpers import POSITIVE_LIST, RATES, item, request  # noqa: E402

HS = ["21069090", "33049900", "49019900", "61091000", "19011010"]


def basket(lines: int, destination: str = "CN", currency: str = "CNY"):
    items = [
        item("12.99", "USD", sku=f"SKU-{i}", hs=HS[i % len(HS)], net=("50", "ml"), duty="0.05")
        for i in range(lines)
    ]
    return request(*items, destination=destination, currency=currency, shipping="35")


def time_domain(lines: int, seconds: float, destination="CN", currency="CNY") -> dict:
    req = basket(lines, destination, currency)
    quote(req, rates=RATES, positive_list=POSITIVE_LIST)  # warm
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(50):
            quote(req, rates=RATES, positive_list=POSITIVE_LIST)
        count += 50
    elapsed = time.perf_counter() - started
    per_quote = elapsed / count
    return {
        "basket": f"{destination} {lines} line{'s' if lines > 1 else ''}",
        "quotes_per_s": count / elapsed,
        "us_per_quote": per_quote * 1e6,
        "us_per_line": per_quote * 1e6 / lines,
        "lines_per_s": count * lines / elapsed,
    }


BODY = json.dumps({
    "destination": "CN", "currency": "CNY", "as_of": "2026-11-27",
    "shipping": {"amount": "35", "currency": "CNY"},
    "items": [
        {"sku": "VIT-D3", "hs_code": "21069090", "origin": "US",
         "unit_price": {"amount": "19.99", "currency": "USD"}, "quantity": 2,
         "unit_weight_kg": "0.18"},
        {"sku": "SERUM", "hs_code": "33049900", "origin": "FR",
         "unit_price": {"amount": "32.00", "currency": "EUR"}, "quantity": 1,
         "unit_weight_kg": "0.12", "net_content": {"value": "30", "unit": "ml"}},
    ],
})  # fmt: skip


def _client(port: int, seconds: float, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    latencies, errors, deadline = [], 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        conn.request("POST", "/api/v1/landed-cost", BODY, headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors += 1
    out.put((latencies, errors))


def time_http(seconds: float, workers: int, clients: int) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="entrepot-bench-lc-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env["ENTREPOT_DATA_DIR"] = data_dir
        entrepot = [sys.executable, "-m", "entrepot.cli"]
        seed = ["seed", "--sellers", "1", "--products", "1", "--buyers", "0", "--orders", "0"]
        subprocess.run([*entrepot, *seed, "--quiet"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [*entrepot, "serve", "--port", str(port), "--workers", str(workers), "--threads", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                        "GET", "/healthz"
                    )
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            _client(port, 1.0, multiprocessing.Queue())  # warm every worker a little
            queue = multiprocessing.Queue()
            procs = [multiprocessing.Process(target=_client, args=(port, seconds, queue))
                     for _ in range(clients)]  # fmt: skip
            for p in procs:
                p.start()
            results = [queue.get(timeout=seconds + 30) for _ in procs]
            for p in procs:
                p.join()
        finally:
            stop_server(server)
    latencies = sorted(x for lat, _e in results for x in lat)
    errors = sum(e for _lat, e in results)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    rows = [
        time_domain(1, args.seconds),
        time_domain(20, args.seconds),
        time_domain(20, args.seconds, "DE", "EUR"),
    ]
    print("\nDomain quote (pure Python, prices in USD converted through EUR)")
    print(f"{'basket':<14}{'quotes/s':>12}{'µs/quote':>12}{'µs/line':>10}{'lines/s':>12}")
    for r in rows:
        print(f"{r['basket']:<14}{r['quotes_per_s']:>12,.0f}{r['us_per_quote']:>12.1f}"
              f"{r['us_per_line']:>10.1f}{r['lines_per_s']:>12,.0f}")  # fmt: skip
    if not args.no_http:
        h = time_http(args.seconds, args.workers, args.clients)
        print(f"\nPOST /api/v1/landed-cost (2 lines), gunicorn {args.workers} workers, "
              f"{args.clients} keep-alive clients, {args.seconds:.0f} s, SQLite")  # fmt: skip
        print(f"requests {h['requests']:,}  errors {h['errors']}  {h['rps']:,.0f} req/s  "
              f"p50 {h['p50_ms']:.2f} ms  p95 {h['p95_ms']:.2f} ms  "
              f"p99 {h['p99_ms']:.2f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
