"""Storefront pages over HTTP: wrk against `entrepot serve`, requests per second.

    .venv/bin/python benchmarks/storefront_http.py [--sizes 10000 100000] [--seconds 10]
    .venv/bin/python benchmarks/storefront_http.py --sizes 100000 --data-dir DIR  # reuse

Target: the product page at least 500 requests/s at 100,000 products with 2 workers
(2 CPUs, SQLite, the embedded local-memory cache).

Per size, in a fresh temporary data directory (or `--data-dir`, seeded only when it holds
no products): `entrepot seed --products N --sellers N/200 --buyers 100 --orders 0`
(search documents included). Then `entrepot serve --workers 2 --threads 1` on a free
127.0.0.1 port, in its own session, and one bounded wrk run per scenario
(`wrk -t2 -c8 -d<seconds>s --latency`, after an untimed warm-up run of a few seconds):

  floor          GET /healthz: Django's whole stack and one `SELECT 1`, no template
  home           GET /
  category       GET /c/<slug>/         (the 6th category by id, as catalogue_scale.py)
  seller shop    GET /s/<slug>/         (the 4th seller by id)
  product, hot   GET /p/<id>/ at random over 200 published products: after the warm-up
                 their rendered bodies are in each worker's fragment cache
  product, cold  GET /p/<id>/ walking a shuffled list of up to 20,000 published products,
                 each thread its own stride: every request a product the server has not
                 rendered yet (first touch), until the list runs out

Anonymous GETs without cookies and without If-None-Match: every answer is a full
render. wrk's Lua script (written to the data directory) picks the product ids and
reports p50/p95/p99 from wrk's latency histogram. Per scenario: requests/s, latency
percentiles, non-2xx answers and socket errors, the CPU seconds of the server's process
group, of wrk and of everything else on the machine during the run (from /proc), and the
server's CPU milliseconds per request; each page's rate as a fraction of the floor's.
At the end, each gunicorn process's resident memory (VmRSS, VmHWM).

Client and server share the machine's CPUs. The server's process group is killed at
the end, errors included. Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from harness import cpu_seconds, free_port, machine_busy_seconds, stop_server  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000)
TARGET_PRODUCT_RPS = 500
HOT_PRODUCTS = 200
COLD_PRODUCTS = 20_000

LUA = r"""
-- ids: one product id a line; mode: "random" or "walk" (each thread its own stride)
local ids, mode, counter, threads = {}, "random", 0, 1
local created = 0

function setup(thread)  -- main state, once per thread, before init
  thread:set("tid", created)
  created = created + 1
end

function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  mode, threads = args[2], tonumber(args[3])
  math.randomseed(os.time() * 100 + (tid or 0))
end

function request()
  local id
  if mode == "walk" then
    id = ids[((tid or 0) + counter * threads) % #ids + 1]
  else
    id = ids[math.random(#ids)]
  end
  counter = counter + 1
  return wrk.format("GET", "/p/" .. id .. "/")
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# the same done() for the fixed-URL scenarios
LUA_FIXED = LUA[LUA.index("function done") :]


# --- run as a Django subprocess in the data directory -----------------------------------


def pick_main() -> int:
    """The pages to load, as JSON on stdout."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from entrepot.catalog.models import Category, Product
    from entrepot.sellers.models import Seller

    published = list(
        Product.objects.filter(status=Product.Status.PUBLISHED).values_list("id", flat=True)
    )
    random.Random(5).shuffle(published)
    json.dump({
        "products": Product.objects.count(),
        "published": len(published),
        "category": Category.objects.order_by("id")[5].slug,
        "seller": Seller.objects.order_by("id")[3].slug,
        "hot": published[:HOT_PRODUCTS],
        "cold": published[HOT_PRODUCTS : HOT_PRODUCTS + COLD_PRODUCTS],
    }, sys.stdout)  # fmt: skip
    return 0


# --- /proc ------------------------------------------------------------------------------


def _group_memory(pgid: int) -> list[tuple[int, str, int, int]]:
    """(pid, role, VmRSS kB, VmHWM kB) of the server's processes: the gunicorn master
    (whose pid is the group's) and its workers."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except (OSError, IndexError):
            continue
        if int(fields[2]) != pgid:
            continue
        kb = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        role = "master" if int(entry.name) == pgid else "worker"
        rows.append((int(entry.name), role, int(kb.get("VmRSS", 0)), int(kb.get("VmHWM", 0))))
    return sorted(rows, key=lambda r: (r[1] != "master", r[0]))


# --- the runs ---------------------------------------------------------------------------


def _get(port: int, path: str) -> tuple[int, dict, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, len(body)
    finally:
        conn.close()


def _wrk(args, port: int, path: str, script: Path, lua_args: list[str], seconds: float):
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s",
           "--latency", "--timeout", "10s", "-s", str(script),
           f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    if lua_args:
        cmd += ["--", *lua_args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    found = re.search(r"^WRKJSON (\{.*\})$", done.stdout, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", done.stdout, re.M)
    if not found or not rate:
        raise SystemExit(f"could not read wrk's output:\n{done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    result["rps"] = float(rate.group(1))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["wrk_cpu"] = cpu
    result["text"] = done.stdout
    return result


def measure(args, size: int, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(ENTREPOT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="entrepot.config.settings")
    entrepot = [sys.executable, "-m", "entrepot.cli"]
    me = [sys.executable, str(Path(__file__).resolve())]

    def run(cmd, what) -> str:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    seeded = None
    has_db = any(data_dir.glob("*.sqlite3")) or any(data_dir.glob("*.db"))
    picked = json.loads(run([*me, "--_pick"], "pick")) if has_db else None
    if picked is None or picked["products"] == 0:
        started = time.perf_counter()
        run([*entrepot, "seed", "--products", str(size), "--sellers", str(max(50, size // 200)),
             "--buyers", "100", "--orders", "0", "--quiet"], "entrepot seed")  # fmt: skip
        seeded = time.perf_counter() - started
        print(f"  {size:,} products seeded in {seeded:.0f} s", file=sys.stderr, flush=True)
        picked = json.loads(run([*me, "--_pick"], "pick"))
    elif picked["products"] != size:
        print(f"  note: {data_dir} holds {picked['products']:,} products, not {size:,}",
              file=sys.stderr)  # fmt: skip

    lua_dir = Path(tempfile.mkdtemp(prefix="entrepot-wrk-", dir=data_dir))
    product_lua, fixed_lua = lua_dir / "products.lua", lua_dir / "fixed.lua"
    product_lua.write_text(LUA)
    fixed_lua.write_text(LUA_FIXED)
    hot_ids, cold_ids = lua_dir / "hot.txt", lua_dir / "cold.txt"
    hot_ids.write_text("".join(f"{i}\n" for i in picked["hot"]))
    cold_ids.write_text("".join(f"{i}\n" for i in picked["cold"]))
    threads = str(args.threads)
    scenarios = [
        ("floor /healthz", "/healthz", fixed_lua, [], None),
        ("home", "/", fixed_lua, [], None),
        ("category", f"/c/{picked['category']}/", fixed_lua, [], None),
        ("seller shop", f"/s/{picked['seller']}/", fixed_lua, [], None),
        ("product, hot", f"/p/{picked['hot'][0]}/", product_lua,
         [str(hot_ids), "random", threads], None),
        # no warm-up: a warm-up would render the products the timed run then asks for
        ("product, cold", f"/p/{picked['cold'][0]}/", product_lua,
         [str(cold_ids), "walk", threads], 0),
    ]  # fmt: skip

    port = free_port()
    log = data_dir / "server-storefront-http.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [*entrepot, "serve", "--port", str(port), "--workers", str(args.workers),
             "--threads", "1"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file,
            start_new_session=True,
        )  # fmt: skip
    results, memory, probes = {}, [], {}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    tail = log.read_text()[-3000:]
                    raise SystemExit(f"the server did not start:\n{tail}") from None
                time.sleep(0.2)
        for name, path, script, lua_args, warm in scenarios:
            status, headers, length = _get(port, path)
            if status != 200:
                raise SystemExit(f"{name}: GET {path} answered {status}")
            probes[name] = {
                "path": path, "bytes": length,
                "cache_control": headers.get("cache-control", ""),
                "cookies": "set-cookie" in headers,
            }  # fmt: skip
            warm = args.warmup if warm is None else warm
            if warm:
                _wrk(args, port, path, script, lua_args, warm)
            cpu_before, busy_before = cpu_seconds(server.pid)[0], machine_busy_seconds()
            result = _wrk(args, port, path, script, lua_args, args.seconds)
            result["server_cpu"] = cpu_seconds(server.pid)[0] - cpu_before
            result["busy"] = machine_busy_seconds() - busy_before
            results[name] = result
            print(f"  {size:,} {name}: {result['rps']:,.0f} req/s", file=sys.stderr, flush=True)
        memory = _group_memory(server.pid)
    finally:
        stop_server(server)
    errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line]
    return {
        "size": size, "picked": picked, "seeded": seeded, "results": results,
        "memory": memory, "probes": probes, "server_tracebacks": len(errors),
        "cold_list": len(picked["cold"]),
    }  # fmt: skip


def report(args, runs: list[dict]) -> None:
    load = os.getloadavg()
    print(f"\nStorefront over HTTP: gunicorn {args.workers} workers x 1 thread, wrk "
          f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s (warm-up "
          f"{args.warmup:g} s), SQLite, local-memory cache, {os.cpu_count()} CPUs shared "
          f"by server and wrk; load average now {load[0]:.2f}")  # fmt: skip
    head = (f"{'products':>9} {'page':<15}{'req/s':>8}{'x floor':>8}{'p50 ms':>8}"
            f"{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}{'srv CPU s':>10}{'ms CPU/req':>11}"
            f"{'wrk CPU s':>10}{'other s':>8}")  # fmt: skip
    print(head)
    for run in runs:
        floor = run["results"]["floor /healthz"]["rps"] or 1e-9
        for name, r in run["results"].items():
            errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
            other = max(0.0, r["busy"] - r["server_cpu"] - r["wrk_cpu"])
            print(f"{run['size']:>9,} {name:<15}{r['rps']:>8,.0f}{r['rps'] / floor:>8.2f}"
                  f"{r['p50'] / 1000:>8.1f}{r['p95'] / 1000:>8.1f}{r['p99'] / 1000:>8.1f}"
                  f"{errors:>7}{r['server_cpu']:>10.1f}"
                  f"{r['server_cpu'] / max(r['requests'], 1) * 1000:>11.2f}"
                  f"{r['wrk_cpu']:>10.1f}{other:>8.1f}")  # fmt: skip
    for run in runs:
        cold = run["results"].get("product, cold")
        if cold and cold["requests"] > run["cold_list"]:
            print(f"note: {run['size']:,} product, cold: {cold['requests']:,} requests over "
                  f"{run['cold_list']:,} products, so some were second touches")  # fmt: skip
        product = max(run["results"]["product, hot"]["rps"], 0)
        cold_rps = cold["rps"] if cold else 0
        if run["size"] == 100_000:
            verdict = (
                "MET"
                if min(product, cold_rps) >= TARGET_PRODUCT_RPS
                else ("MET warm, MISSED cold" if product >= TARGET_PRODUCT_RPS else "MISSED")
            )
            print(f"target: product page >= {TARGET_PRODUCT_RPS} req/s at 100,000 products: "
                  f"{verdict} (hot {product:,.0f}, cold {cold_rps:,.0f})")  # fmt: skip
        mem = ", ".join(f"{role} {pid} {rss / 1024:.0f} MB (peak {hwm / 1024:.0f})"
                        for pid, role, rss, hwm in run["memory"])  # fmt: skip
        print(f"{run['size']:,} products: RSS after the runs: {mem}")
        if run["server_tracebacks"]:
            print(f"{run['size']:,}: {run['server_tracebacks']} tracebacks in the server log")
    print("\nwhat an anonymous visitor gets (one GET each, no cookies):")
    for name, p in runs[-1]["probes"].items():
        print(
            f"  {name:<15}{p['path']:<28}{p['bytes']:>8,} bytes  Cache-Control: "
            f"{p['cache_control'] or '-'}{'  (sets a cookie)' if p['cookies'] else ''}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--data-dir", type=Path, help="reuse (or seed once) this data directory")
    parser.add_argument("--seconds", type=float, default=10, help="each timed run (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="untimed run first (default 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--_pick", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._pick:
        return pick_main()
    if shutil.which("wrk") is None:
        print("storefront_http.py needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    if args.data_dir and len(args.sizes) != 1:
        parser.error("--data-dir takes one size (--sizes N)")
    runs = []
    for size in args.sizes:
        if args.data_dir:
            args.data_dir.mkdir(parents=True, exist_ok=True)
            runs.append(measure(args, size, args.data_dir.resolve()))
            continue
        with tempfile.TemporaryDirectory(prefix=f"entrepot-bench-http-{size}-") as data_dir:
            runs.append(measure(args, size, Path(data_dir)))
    if args.json:
        for run in runs:
            for result in run["results"].values():
                result.pop("text", None)
        args.json.write_text(json.dumps(runs, indent=1))
    report(args, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
