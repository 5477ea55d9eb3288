"""A small HTTP load generator in Python, for machines without wrk.

Client processes of their own (not threads of the suite), each with one connection at a
time to 127.0.0.1, send requests from a list for a fixed time: "random" picks each
request at random, "walk" goes through the list once in order (process i takes
requests i, i+P, i+2P, ...: every request of a cold walk is new to the server). The
server's answers are read whole; a status of 400 or more, or a socket error, is counted
as an error. The result has the fields the suite reads from wrk's: requests, duration
(µs), p50 / p95 / p99 / max latency (µs), errors by kind, requests per second.

It costs far more CPU per request than wrk (about 0.3 ms against 0.05 ms here), and the
client shares the CPUs with the server: rates measured with it are lower than with wrk,
most of all for the cheapest pages (the floor).
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import time

Request = tuple[str, str, str]  # method, path, body ("" for none)


def _client(number, processes, port, requests, mode, headers, seconds, start, out) -> None:
    rng = random.Random(number)
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    start.wait(timeout=60)
    began = time.monotonic()
    deadline, turn = began + seconds, number
    while time.monotonic() < deadline:
        if mode == "walk":
            if turn >= len(requests):
                break  # the list is done: no request twice
            method, path, body = requests[turn]
            turn += processes
        else:
            method, path, body = rng.choice(requests)
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request(method, path, body.encode() or None, headers)
            response = conn.getresponse()
            response.read()
        except TimeoutError:
            errors["timeout"] += 1
            continue
        except ConnectionRefusedError:
            errors["connect"] += 1
            continue
        except (OSError, http.client.HTTPException):
            errors["read"] += 1
            continue
        finally:
            conn.close()
        latencies.append(time.perf_counter() - started)
        if response.status >= 400:
            errors["status"] += 1
    out.put((latencies, errors, time.monotonic() - began))


def run(
    port: int,
    requests: list[Request],
    *,
    mode: str = "random",
    connections: int = 4,
    seconds: float = 5,
    headers: dict[str, str] | None = None,
) -> dict:
    """Drive the server from `connections` client processes for `seconds`."""
    if not requests:
        raise ValueError("no requests to send")
    start, out = multiprocessing.Event(), multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_client,
            args=(n, connections, port, requests, mode, headers or {}, seconds, start, out),
            daemon=True,
        )
        for n in range(connections)
    ]
    for p in procs:
        p.start()
    try:
        start.set()
        results = [out.get(timeout=seconds + 60) for _ in procs]
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    latencies = sorted(x for lat, _e, _s in results for x in lat)
    elapsed = max(s for _l, _e, s in results) or 1e-9
    errors = {kind: sum(e[kind] for _l, e, _s in results) for kind in results[0][1]}

    def pct(p: float) -> int:
        if not latencies:
            return 0
        return int(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1e6)

    return {
        "requests": len(latencies),
        "us": int(elapsed * 1e6),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": int(latencies[-1] * 1e6) if latencies else 0,
        **errors,
        "rps": len(latencies) / elapsed,
    }
