"""The benchmark suite: one command, one table.

    entrepot bench [--products 100000] [--workers 2] [--duration 10] [--database sqlite]
                   [--scenarios ...] [--profile] [--load auto|wrk|python]
    .venv/bin/python -m benchmarks ...          # the same, from the checkout

1. A data set of N products (sellers N/200, buyers N/20 (200 to 5,000), orders N/10),
   built once per size and database with `entrepot seed`, then prepared for the checkout
   scenario (checkout.py's setup: verified identities, well-stocked variants) and for the
   load (the product ids, categories, search queries and variants the scenarios use). It
   is kept in the cache directory (default var/bench/, `--cache-dir`): a rerun at the
   same size does not rebuild it. Every run works on a copy (SQLite: the data directory
   copied; PostgreSQL: database `entrepot_bench` created from the kept template database
   `entrepot_bench_tpl_<key>`, and Redis's database flushed), so runs do not see each
   other's carts and orders.
2. `entrepot serve --migrate --workers W --threads 1` on a free 127.0.0.1 port, in its own
   session, with ENTREPOT_BENCH_FLOOR on (the floor page) and the abuse limits off (the
   load comes from one address and a few accounts).
3. One bounded run per scenario, by a load generator that is its own process: wrk
   (`-t2 -c<connections>`, default 2 connections per worker) or, without wrk, the Python
   client processes of pyload.py. Warm rows get an untimed warm-up run first; cold rows
   none, and every request of a cold row is a URL the server has not answered before.
4. One table: requests per second, p50 / p95 / p99 latency, the rate as a fraction of the
   floor's, the server's CPU per request, errors, and each gunicorn worker's resident
   memory after the scenario; then the targets. Also written to the output directory
   (default var/bench/results/<time>/: table.txt, results.json, server.log, and with
   `--profile` py-spy flame graphs of one worker for the product page and search).

Scenarios (`--scenarios`; the floor always runs, first and again last):

  floor          GET /bench/floor: a fixed small page from a minimal Django view, same
                 server, settings and middleware (what the framework itself costs)
  home           cold: GET /?v=<n>, a new URL each request (page and card caches miss);
                 warm: GET /
  category       cold: GET /c/<slug>/?v=<n> over every category; warm: 5 categories
  product        cold: GET /p/<id>/ walking up to 20,000 products never shown;
                 warm: at random over 200 products
  search         cold: GET /search/?q=<title> over distinct product titles (the query's
                 embedding computed every time); warm: the 40 queries of search.py
  cart           POST /cart/add/ (anonymous: a new cart cookie each time)
  landed-cost    POST /api/v1/landed-cost (the 2-line basket of landed_cost.py)
  checkout       order placement + payment notification, by checkout.py's client
                 processes, each logged in as its own buyers, two ways: "api" (POST
                 /api/v1/checkout, then the wallet's signed notification) and "pages"
                 (cart, checkout, review, Pay, the wallet page, the notification)

"cold" means the page's own caches miss (the whole-page cache, rendered cards and
product bodies, the query embedding); what every page shares (the category list, the
rate table, the positive list) is in the cache after the first request of the run.

`--database postgres` uses DATABASE_URL's server (database `entrepot_bench` and its
templates) and REDIS_URL (default redis://127.0.0.1:6390/7) for the cache and sessions.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(ROOT), str(HERE)):  # the sibling scripts import each other by name
    if _path not in sys.path:
        sys.path.insert(0, _path)

import checkout  # noqa: E402
import pyload  # noqa: E402
import storefront_http  # noqa: E402
from harness import (  # noqa: E402
    RATE_LIMITS,
    _processes,
    free_port,
    limits_off,
    machine_busy_seconds,
    stop_server,
)
from landed_cost import BODY as LANDED_COST_BODY  # noqa: E402
from search import QUERIES  # noqa: E402
from suite_report import render_table  # noqa: E402

SCENARIOS = ("home", "category", "product", "search", "cart", "landed-cost", "checkout")
FLOOR_PATH = "/bench/floor"  # entrepot.config.bench_floor
HOT_PRODUCTS = 200
COLD_PRODUCTS = 20_000
COLD_QUERIES = 5_000
WARM_CATEGORIES = 5
CART_VARIANTS = 500
PRIMERS = 4  # URLs of a cold row's kind sent before its timed run (see _prime)
PRIME_SECONDS = 60
PG_DATABASE = "entrepot_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6390/7"
FORMAT_VERSION = 1  # of the cached data set; a change rebuilds it

# one generic wrk script: requests from a file (METHOD <tab> PATH <tab> BODY), at random
# or walked once (each thread its own stride), and storefront_http.py's done()
LUA = (
    r"""
local reqs, mode, counter, threads = {}, "random", 0, 1
local created = 0

function setup(thread)
  thread:set("tid", created)
  created = created + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if body == "" then body = nil end
    reqs[#reqs + 1] = {method, path, body}
  end
  mode, threads = args[2], tonumber(args[3])
  if args[4] ~= nil and args[4] ~= "" then wrk.headers["Content-Type"] = args[4] end
  if args[5] ~= nil and args[5] ~= "" then wrk.headers["Origin"] = args[5] end
  math.randomseed(os.time() * 100 + (tid or 0))
end

function request()
  local r
  if mode == "walk" then
    r = reqs[((tid or 0) + counter * threads) % #reqs + 1]
  else
    r = reqs[math.random(#reqs)]
  end
  counter = counter + 1
  return wrk.format(r[1], r[2], nil, r[3])
end
"""
    + storefront_http.LUA_FIXED
)


# --- run as a Django subprocess in the data set's directory ------------------------------


def pick_main() -> int:
    """What the scenarios ask for, as JSON on stdout."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from entrepot.catalog.models import Category, Product, ProductVariant

    with connection.cursor() as cursor:  # fresh statistics for the planner
        cursor.execute("ANALYZE")
    published = list(
        Product.objects.filter(status=Product.Status.PUBLISHED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    rng = random.Random(5)
    rng.shuffle(published)
    hot, cold = published[:HOT_PRODUCTS], published[HOT_PRODUCTS : HOT_PRODUCTS + COLD_PRODUCTS]
    titles = Product.objects.filter(id__in=cold[: COLD_QUERIES * 2]).values_list(
        "title_zh", "title_en"
    )
    queries = list(dict.fromkeys(q.strip()[:60] for pair in titles for q in pair if q.strip()))
    rng.shuffle(queries)
    categories = list(Category.objects.order_by("id").values_list("slug", flat=True))
    variants = list(
        ProductVariant.objects.filter(product_id__in=published[:CART_VARIANTS])
        .order_by("id")
        .values_list("id", flat=True)[:CART_VARIANTS]
    )
    json.dump({
        "products": Product.objects.count(),
        "published": len(published),
        "hot": hot,
        "cold": cold,
        "categories": categories,
        "warm_categories": categories[:WARM_CATEGORIES],
        "cold_queries": queries[:COLD_QUERIES],
        "cart_variants": variants,
        "rate_limits": sorted(getattr(settings, "ENTREPOT_RATE_LIMITS", {})),
        "vendor": connection.vendor,
    }, sys.stdout)  # fmt: skip
    return 0


# --- small helpers ------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _run(cmd: list[str], env: dict, what: str, timeout: float = 3600) -> str:
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def _entrepot() -> list[str]:
    return [sys.executable, "-m", "entrepot.cli"]


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "entrepot.config.settings"
    env.pop("ENTREPOT_HUEY_IMMEDIATE", None)
    return env


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(url: str):
    """A connection to the server's maintenance database, in autocommit."""
    import psycopg

    return psycopg.connect(_with_database(url, "postgres"), autocommit=True)


def _pg_exists(url: str, name: str) -> bool:
    with _pg_admin(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def _pg_recreate(url: str, name: str, template: str | None = None) -> None:
    from psycopg import sql

    with _pg_admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(create)


def _copy_data_dir(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("static", "gunicorn.ctl"))


# --- the load generator -------------------------------------------------------------------


def choose_load(args) -> str:
    """ "wrk" or "python". Installs wrk with apt-get when it is missing, we are root and
    --no-install was not given; --load wrk without wrk is an error (exit 2)."""
    if args.load == "python":
        return "python"
    if shutil.which("wrk"):
        return "wrk"
    if not args.no_install and hasattr(os, "geteuid") and os.geteuid() == 0:
        if shutil.which("apt-get"):
            say("wrk is not installed: apt-get install -y wrk")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            install = ["apt-get", "install", "-y", "-qq", "wrk"]
            if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
                subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
                subprocess.run(install, env=env, capture_output=True, check=False)
            if shutil.which("wrk"):
                return "wrk"
    if args.load == "wrk":
        raise SystemExit(
            "entrepot bench --load wrk: wrk is not installed. Debian/Ubuntu: "
            "apt-get install wrk (the suite does it itself when run as root without "
            "--no-install); or use --load python."
        )
    say(
        "note: wrk is not installed (Debian/Ubuntu: apt-get install wrk); using the Python "
        "load generator (benchmarks/pyload.py), which costs more CPU per request: rates "
        "are lower than with wrk, the floor's most."
    )
    return "python"


# --- the data set -------------------------------------------------------------------------


def dataset_sizes(args) -> dict[str, int]:
    n = args.products
    return {
        "products": n,
        "sellers": max(10, n // 200),
        "buyers": max(200, min(n // 20, 5_000)),
        "orders": n // 10 if args.orders is None else args.orders,
    }


def ensure_dataset(args, env: dict) -> tuple[Path, dict]:
    """The kept data set for this size and database: (its data directory, its meta)."""
    sizes = dataset_sizes(args)
    key = f"{args.database}-{sizes['products']}p-{sizes['orders']}o"
    home = args.cache_dir / key
    meta_path = home / "dataset.json"
    template = f"{PG_DATABASE}_tpl_{sizes['products']}p_{sizes['orders']}o"
    if meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text())
        usable = meta.get("format") == FORMAT_VERSION and meta.get("sizes") == sizes
        if usable and args.database == "postgres":
            usable = bool(_pg_exists(args.database_url, template))
        if usable:
            say(f"data set: reusing {home} (built {meta['built_at']})")
            return home / "data", meta
    say(f"data set: building {key} in {home} ...")
    started = time.perf_counter()
    if home.exists():
        shutil.rmtree(home)
    (home / "data").mkdir(parents=True)
    env = {**env, "ENTREPOT_DATA_DIR": str(home / "data")}
    if args.database == "postgres":
        _pg_recreate(args.database_url, template)
        env["DATABASE_URL"] = _with_database(args.database_url, template)
        env["REDIS_URL"] = args.redis_url
    seed = ["seed", "--quiet", *(f"--{k}={v}" for k, v in sizes.items())]
    _run([*_entrepot(), *seed], env, "entrepot seed")
    seeded = time.perf_counter() - started
    say(f"  seeded in {seeded:.0f} s; preparing the checkout buyers and stock ...")
    # the two checkout rows (API, pages) each have their own buyers: a row must not find
    # its buyers' yearly CBEC quota spent by the row before
    needed = 2 * max(args.clients * args.buyers_per_client, 48)
    variants = min(300, max(20, sizes["products"] // 10))  # each costs 3 dry-run checkouts
    setup = json.loads(_run(
        [sys.executable, checkout.__file__, "--_setup", "--buyers-needed", str(needed),
         "--variants", str(variants)],
        env, "the checkout setup (checkout.py --_setup)",
    ))  # fmt: skip
    prepared = time.perf_counter() - started - seeded
    say(f"  checkout setup in {prepared:.0f} s; picking the pages and queries ...")
    picked = json.loads(_run([sys.executable, __file__, "--_pick"], env, "picking pages"))
    meta = {
        "format": FORMAT_VERSION,
        "sizes": sizes,
        "database": args.database,
        "template": template if args.database == "postgres" else None,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed_seconds": round(seeded, 1),
        "build_seconds": round(time.perf_counter() - started, 1),
        "setup": setup,
        "picked": picked,
    }
    meta_path.write_text(json.dumps(meta))
    say(f"  built in {meta['build_seconds']:.0f} s")
    return home / "data", meta


# --- the server ---------------------------------------------------------------------------


def start_server(args, env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # gunicorn's access log (stdout) is kept too: the status of every request
    with log.open("wb") as log_file, log.with_name("access.log").open("wb") as access:
        server = subprocess.Popen(
            [*_entrepot(), "serve", "--migrate", "--port", str(port),
             "--workers", str(args.workers), "--threads", "1"],
            env=env, cwd=ROOT, stdout=access, stderr=log_file,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 180
    while True:
        try:
            status, _headers, _length = storefront_http._get(port, FLOOR_PATH)
            if status != 200:
                stop_server(server)
                raise SystemExit(f"GET {FLOOR_PATH} answered {status}: is the floor routed?")
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop_server(server)
                raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.3)


def server_cpu(server: subprocess.Popen, database: str | None) -> dict[int, float]:
    """CPU seconds so far, per process, of the server: its process group (with the
    master's reaped-children times: workers that exited) and, on PostgreSQL, the
    backends serving `database` (other databases' backends are other people's work)."""
    tick, cpu = os.sysconf("SC_CLK_TCK"), {}
    for pid, comm, fields in _processes():
        if int(fields[2]) == server.pid:
            cpu[pid] = int(fields[11]) + int(fields[12])
            if pid == server.pid:
                cpu[pid] += int(fields[13]) + int(fields[14])
        elif database and comm == "postgres":
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if f" {database} ".encode() in title:
                cpu[pid] = int(fields[11]) + int(fields[12])
    return {pid: ticks / tick for pid, ticks in cpu.items()}


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two server_cpu() readings, process by process: a backend that
    ended in between (PostgreSQL closes idle connections) is left out, not subtracted."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def worker_pids(server: subprocess.Popen) -> list[int]:
    return [pid for pid, role, _rss, _hwm in storefront_http._group_memory(server.pid)
            if role == "worker"]  # fmt: skip


def worker_rss_mb(server: subprocess.Popen) -> list[int]:
    return [round(rss / 1024) for _pid, role, rss, _hwm in
            storefront_http._group_memory(server.pid) if role == "worker"]  # fmt: skip


# --- the scenarios ------------------------------------------------------------------------


def scenario_table(args, meta: dict, port: int) -> list[dict]:
    """Every row to measure, in order: name, cache state, requests, mode, headers."""
    picked = meta["picked"]
    wanted = set(args.scenarios)
    many = int(args.duration * 2_000) + 1_000  # more unique URLs than a cold run can use
    get = "GET"
    rows = [dict(name="floor", cache="-", requests=[(get, FLOOR_PATH, "")], mode="random")]
    if "home" in wanted:
        rows += [
            dict(name="home", cache="cold", mode="walk",
                 requests=[(get, f"/?v={n}", "") for n in range(many)]),
            dict(name="home", cache="warm", mode="random", requests=[(get, "/", "")]),
        ]  # fmt: skip
    if "category" in wanted:
        slugs = picked["categories"]
        rows += [
            dict(name="category", cache="cold", mode="walk",
                 requests=[(get, f"/c/{slugs[n % len(slugs)]}/?v={n}", "") for n in range(many)]),
            dict(name="category", cache="warm", mode="random",
                 requests=[(get, f"/c/{s}/", "") for s in picked["warm_categories"]]),
        ]  # fmt: skip
    if "product" in wanted:
        rows += [
            dict(name="product page", cache="cold", mode="walk",
                 requests=[(get, f"/p/{i}/", "") for i in picked["cold"]]),
            dict(name="product page", cache="warm", mode="random",
                 requests=[(get, f"/p/{i}/", "") for i in picked["hot"]]),
        ]  # fmt: skip
    if "search" in wanted:
        rows += [
            dict(name="search", cache="cold", mode="walk",
                 requests=[(get, f"/search/?q={quote(q)}", "") for q in picked["cold_queries"]]),
            dict(name="search", cache="warm", mode="random",
                 requests=[(get, f"/search/?q={quote(q)}", "") for q, _f in QUERIES]),
        ]  # fmt: skip
    if "cart" in wanted:
        rows.append(dict(
            name="add to cart", cache="-", mode="random",
            requests=[("POST", "/cart/add/", f"variant={v}") for v in picked["cart_variants"]],
            content_type="application/x-www-form-urlencoded",
            origin=f"http://127.0.0.1:{port}",
        ))  # fmt: skip
    if "landed-cost" in wanted:
        rows.append(dict(
            name="landed-cost API", cache="-", mode="random",
            requests=[("POST", "/api/v1/landed-cost", LANDED_COST_BODY)],
            content_type="application/json",
        ))  # fmt: skip
    if "checkout" in wanted:  # the cache column says which way the buyer checks out
        rows.append(dict(name="order + payment", cache="api", checkout=True, path="api"))
        rows.append(dict(name="order + payment", cache="pages", checkout=True, path="pages"))
    rows.append(dict(rows[0], name="floor, again"))
    for row in rows:  # a cold row's primers are set apart from its walk
        if row["cache"] == "cold" and len(row["requests"]) > 2 * PRIMERS:
            row["primers"], row["requests"] = row["requests"][-PRIMERS:], row["requests"][:-PRIMERS]
    return rows


def _load(args, kind: str, port: int, row: dict, seconds: float, work: Path) -> dict:
    """One bounded load run of `row` for `seconds`, by wrk or the Python clients."""
    requests = row["requests"]
    if kind == "python":
        headers = {}
        if row.get("content_type"):
            headers["Content-Type"] = row["content_type"]
        if row.get("origin"):
            headers["Origin"] = row["origin"]
        before = os.times()
        result = pyload.run(port, requests, mode=row["mode"], connections=args.connections,
                            seconds=seconds, headers=headers)  # fmt: skip
        after = os.times()
        result["client_cpu"] = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        return result
    lines = work / f"requests-{row['name'].replace(' ', '-')}-{row['cache']}.txt"
    if not lines.exists():
        lines.write_text("".join(f"{m}\t{p}\t{b}\n" for m, p, b in requests))
    script = work / "suite.lua"
    if not script.exists():
        script.write_text(LUA)
    lua_args = [str(lines), row["mode"], str(args.wrk_threads), row.get("content_type", ""),
                row.get("origin", "")]  # fmt: skip
    first = requests[0][1]
    seconds = max(1, math.ceil(seconds))  # wrk takes whole seconds
    result = storefront_http._wrk(args, port, first, script, lua_args, seconds)
    result.pop("text", None)
    result["client_cpu"] = result.pop("wrk_cpu")
    return result


def _prime(args, port: int, row: dict) -> None:
    """Send the row's primer requests, 2 per worker at once, and wait for every answer:
    each worker has loaded what it loads on first use (templates, the embedding model,
    the rate table) before the clock starts. A cold row's primers are URLs of its kind set
    apart from its walk, sent twice; a warm row's are all its URLs, sent 2 x workers
    times (each worker keeps its own cache: most of them then hold every page), within
    PRIME_SECONDS; the warm-up run comes after."""
    if row["cache"] == "warm":
        primers, rounds = row["requests"], 2 * args.workers
    else:
        primers, rounds = row.get("primers") or row["requests"][:1], 2
    deadline = time.monotonic() + PRIME_SECONDS
    headers = {k: v for k, v in (("Content-Type", row.get("content_type")),
                                 ("Origin", row.get("origin"))) if v}  # fmt: skip

    def send(request) -> None:
        method, path, body = request
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            conn.request(method, path, body.encode() or None, headers)
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass  # the timed run counts errors
        finally:
            conn.close()

    batch = primers * max(1, -(-2 * args.workers // len(primers)))  # >= 2 per worker
    with ThreadPoolExecutor(2 * args.workers) as pool:
        for _round in range(rounds):
            if time.monotonic() > deadline:
                break
            list(pool.map(send, batch))


def measure_row(args, kind, server, port, row, work: Path) -> dict:
    if row.get("checkout"):
        return measure_checkout(args, server, port, row)
    _prime(args, port, row)
    if row["cache"] != "cold" and args.warmup > 0:
        _load(args, kind, port, row, args.warmup, work)
    cpu_before, busy_before = server_cpu(server, args.pg_name), machine_busy_seconds()
    result = _load(args, kind, port, row, args.duration, work)
    result["server_cpu"] = cpu_since(cpu_before, server_cpu(server, args.pg_name))
    result["busy"] = machine_busy_seconds() - busy_before
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    if row["cache"] == "cold" and row["mode"] == "walk":
        distinct = len(row["requests"])
        if result["requests"] > distinct:
            result["note"] = f"{distinct:,} distinct: some were second touches"
        else:
            result["note"] = f"{result['requests']:,} of {distinct:,} distinct"
    return {**{k: row[k] for k in ("name", "cache")}, **result}


def measure_checkout(args, server, port, row) -> dict:
    measured = {}

    def clock_starts() -> None:
        measured["before"] = server_cpu(server, args.pg_name), machine_busy_seconds(), os.times()

    def clock_stops() -> None:
        cpu, busy, times = measured["before"]
        after = os.times()
        measured["server_cpu"] = cpu_since(cpu, server_cpu(server, args.pg_name))
        measured["busy"] = machine_busy_seconds() - busy
        measured["client_cpu"] = (after.children_user - times.children_user) + (
            after.children_system - times.children_system
        )

    results, problems = checkout.drive(
        port, row["setup"], clients=args.clients, buyers_per_client=args.buyers_per_client,
        seconds=args.duration, path=row["path"], started=clock_starts, finished=clock_stops,
    )  # fmt: skip
    elapsed = max((r["elapsed"] for r in results), default=0) or 1e-9
    steps = [s for s in checkout.STEPS if s != "cycle"]
    latencies = sorted(x for r in results for s in steps for x in r["timings"][s])
    cycles = sorted(x for r in results for x in r["timings"]["cycle"])
    orders = sum(r["orders"] for r in results)
    checkouts = sum(r["checkouts"] for r in results)
    errors = sum(sum(r["errors"].values()) for r in results) + len(problems)
    refused = sum(sum(r["refused"].values()) for r in results)

    def pct(values, p):
        return int(values[min(len(values) - 1, int(len(values) * p))] * 1e6) if values else 0

    messages = [m for r in results for m in list(r["errors"]) + list(r["refused"])] + problems
    return {
        "name": row["name"], "cache": row["cache"],
        "requests": len(latencies), "rps": len(latencies) / elapsed, "us": int(elapsed * 1e6),
        "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95), "p99": pct(latencies, 0.99),
        "errors": errors, "refused": refused, "orders": orders, "checkouts": checkouts,
        "orders_per_s": orders / elapsed, "checkouts_per_s": checkouts / elapsed,
        "cycle_p50": pct(cycles, 0.5), "cycle_p95": pct(cycles, 0.95),
        "cycle_p99": pct(cycles, 0.99),
        "server_cpu": measured.get("server_cpu", 0.0), "busy": measured.get("busy", 0.0),
        "client_cpu": measured.get("client_cpu", 0.0), "messages": messages[:8],
        "note": f"{orders / elapsed:,.1f} orders/s ({checkouts / elapsed:,.1f} checkouts/s), "
                f"cycle p95 {pct(cycles, 0.95) / 1000:,.0f} ms",
    }  # fmt: skip


def profile_runs(args, kind, server, port, rows, work: Path, out: Path) -> list[str]:
    """py-spy flame graphs of one worker for the product page and search rows."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return ["py-spy is not installed (pip install -e '.[dev]'): no profiles"]
    written = []
    for row in rows:
        if row["name"] not in ("product page", "search"):
            continue
        pid = worker_pids(server)[0]
        target = out / f"profile-{row['name'].replace(' ', '-')}-{row['cache']}.svg"
        run = dict(row)
        if row["cache"] == "cold":  # from the other end: still pages never shown
            run["requests"] = list(reversed(row["requests"]))
            run["name"] = row["name"] + " profiled"
        elif args.warmup > 0:
            _load(args, kind, port, run, args.warmup, work)
        spy_proc = subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--output", str(target), "--format",
             "flamegraph", "--duration", str(max(1, round(args.duration))), "--rate", "100",
             "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(0.5)  # attached before the load starts
        _load(args, kind, port, run, args.duration, work)
        try:
            _out, err = spy_proc.communicate(timeout=args.duration + 60)
        except subprocess.TimeoutExpired:
            spy_proc.kill()
            _out, err = spy_proc.communicate()
        if target.exists():
            written.append(str(target))
        else:
            written.append(f"py-spy failed for {row['name']} {row['cache']}: "
                           f"{err.decode(errors='replace')[-300:]}")  # fmt: skip
    return written


# --- the whole run ------------------------------------------------------------------------


def run_suite(args) -> int:
    wall = time.perf_counter()
    kind = choose_load(args)
    env = _base_env()
    data, meta = ensure_dataset(args, env)
    build_wall = time.perf_counter() - wall
    out = args.out or args.cache_dir / "results" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)

    work = out / "run"
    run_data = work / "data"
    say(f"copying the data set to {run_data} ...")
    _copy_data_dir(data, run_data)
    env.update(
        ENTREPOT_DATA_DIR=str(run_data),
        ENTREPOT_BENCH_FLOOR="1",
        ENTREPOT_PAYMENT_SANDBOX_SECRET=checkout.SECRET,
    )
    # one client address and a few accounts: every abuse limit off, the known ones and
    # whatever the settings name (ENTREPOT_RATE_LIMITS)
    env.update(limits_off((*RATE_LIMITS, *meta["picked"]["rate_limits"])))
    if args.database == "postgres":
        _pg_recreate(args.database_url, PG_DATABASE, template=meta["template"])
        env["DATABASE_URL"] = _with_database(args.database_url, PG_DATABASE)
        env["REDIS_URL"] = args.redis_url
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()  # cold: nothing cached from before
    log = out / "server.log"
    say(f"starting entrepot serve ({args.workers} workers) ...")
    server, port = start_server(args, env, log)
    rows: list[dict] = []
    profiles: list[str] = []
    try:
        plan = scenario_table(args, meta, port)
        for row in plan:
            if row.get("checkout"):
                per_row = args.clients * args.buyers_per_client
                first = per_row if row["path"] == "pages" else 0
                buyers = meta["setup"]["buyers"][first : first + per_row]
                row["setup"] = {**meta["setup"], "buyers": buyers}
                if len(buyers) < per_row:
                    raise SystemExit(
                        "the kept data set has too few checkout buyers for "
                        "--clients x --buyers-per-client: add --rebuild"
                    )
            result = measure_row(args, kind, server, port, row, work)
            result["rss_mb"] = worker_rss_mb(server)
            rows.append(result)
            say(f"  {row['name']}, {row['cache']}: {result['rps']:,.0f} req/s, p95 "
                f"{result['p95'] / 1000:,.1f} ms, {result['errors']} errors")  # fmt: skip
        if args.profile:
            say("profiling the product page and search (py-spy, one worker) ...")
            profiles = profile_runs(args, kind, server, port, plan, work, out)
    finally:
        stop_server(server)
    ledger = subprocess.run(
        [*_entrepot(), "ledger", "check"], env=env, cwd=ROOT, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    server_log = log.read_text(errors="replace")
    tracebacks = server_log.count("Traceback")
    table = render_table(args, kind, meta, rows)
    total = time.perf_counter() - wall
    footer = [
        "",
        f"data set: {'built' if build_wall > 5 else 'reused'} ({meta['build_seconds']:.0f} s "
        f"to build, {meta['built_at']}); wall time of this run {total:,.0f} s",
        f"entrepot ledger check: {(ledger.stdout or ledger.stderr).strip()[-300:]} "
        f"(exit {ledger.returncode})",
        f"server log: {tracebacks} tracebacks ({log}; requests in access.log)",
        *(f"profile: {p}" for p in profiles),
    ]
    for r in rows:
        for message in r.get("messages", []):
            footer.append(f"{r['name']}: {message}")
    if tracebacks:  # the last one, to start from
        last = server_log[server_log.rindex("Traceback") :].splitlines()
        footer += ["the server's last traceback:", *last[:15]]
    text = table + "\n" + "\n".join(footer)
    print(text, flush=True)
    (out / "table.txt").write_text(text + "\n")
    (out / "results.json").write_text(json.dumps({
        "args": {k: str(v) for k, v in vars(args).items()}, "load": kind,
        "dataset": {k: v for k, v in meta.items() if k not in {"picked", "setup"}},
        "rows": [{k: v for k, v in r.items() if k != "messages"} for r in rows],
        "profiles": profiles, "ledger_exit": ledger.returncode, "tracebacks": tracebacks,
        "wall_seconds": round(total, 1),
    }, indent=1))  # fmt: skip
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.database == "postgres" and not args.keep:
        _pg_drop_quietly(args.database_url, PG_DATABASE)
    return 0 if ledger.returncode == 0 and tracebacks == 0 else 1


def _pg_drop_quietly(url: str, name: str) -> None:
    from psycopg import sql

    try:
        with _pg_admin(url) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    except Exception as exc:  # the table is printed already: say it, do not fail
        say(f"note: could not drop {name}: {exc}")


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="entrepot bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--products",
        type=int,
        default=100_000,
        metavar="N",
        help="data set size (default 100000; 10000 and 1000000 too)",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=None,
        metavar="N",
        help="seeded orders (default products / 10)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--duration",
        type=float,
        default=10,
        metavar="S",
        help="seconds of each timed run (default 10)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        metavar="S",
        help="untimed run before each warm row (default min(3, duration))",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=SCENARIOS,
        default=list(SCENARIOS),
        metavar="NAME",
        help=f"among {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy flame graphs of one worker for product page and search",
    )
    parser.add_argument(
        "--load",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (default: wrk, else the Python one)",
    )
    parser.add_argument(
        "--no-install", action="store_true", help="do not apt-get install wrk when it is missing"
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help="concurrent connections (default 2 per worker)",
    )
    parser.add_argument("--clients", type=int, default=4, help="checkout client processes (4)")
    parser.add_argument(
        "--buyers-per-client",
        type=int,
        default=12,
        help="logged-in buyers per checkout client (12)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="kept data sets (default ENTREPOT_BENCH_DIR or var/bench)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default <cache-dir>/results/<time>)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's copy of the data (and entrepot_bench)"
    )
    parser.add_argument("--_pick", action="store_true", help=argparse.SUPPRESS)  # fmt: skip
    return parser


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = build_parser().parse_args(argv)
    if args._pick:
        return pick_main()
    if args.products < 50:
        raise SystemExit("entrepot bench: --products must be at least 50")
    if args.duration <= 0 or args.workers < 1:
        raise SystemExit("entrepot bench: --duration and --workers must be positive")
    args.warmup = min(3.0, args.duration) if args.warmup is None else args.warmup
    args.connections = args.connections or 2 * args.workers
    args.wrk_threads = min(2, args.connections)
    args.threads = args.wrk_threads  # storefront_http._wrk reads these two
    args.cache_dir = (
        args.cache_dir or Path(os.environ.get("ENTREPOT_BENCH_DIR") or ROOT / "var" / "bench")
    ).resolve()
    if args.out:
        args.out = args.out.resolve()
    args.pg_name = PG_DATABASE if args.database == "postgres" else None
    if args.database == "postgres":
        args.database_url = os.environ.get("DATABASE_URL", "")
        if not args.database_url.startswith("postgres"):
            raise SystemExit("entrepot bench --database postgres needs DATABASE_URL=postgres://...")
        args.redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if "checkout" in args.scenarios and args.clients * args.buyers_per_client > 100:
        # each of the two checkout rows has its own buyers, of the 200 seeded at least
        raise SystemExit("entrepot bench: --clients x --buyers-per-client must be at most 100")
    return run_suite(args)


if __name__ == "__main__":
    sys.exit(main())
