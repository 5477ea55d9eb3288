"""Checkout end to end over HTTP: orders per second, SQLite or PostgreSQL.

    .venv/bin/python benchmarks/checkout.py [--seconds 20] [--clients 4] [--workers 2]
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/checkout.py   # or --database postgres

Target: at least 100 orders per second end to end on SQLite with 2 workers.

1. Setup, in a fresh temporary data directory (on PostgreSQL: in the database named by
   DATABASE_URL, emptied first with `entrepot manage flush`): `entrepot seed --sellers 20
   --products 2000 --buyers 400 --orders 0`, then a setup step (this script, run as a
   Django subprocess) gives every buyer in CN a verified real-name identity
   (identity_verify, a generated GB 11643 resident ID number), picks the cheapest
   variants that every benchmark buyer's destination can check out (dry runs of
   checkout_place, rolled back) and sets 1,000,000 units of stock on each
   (stock_set), so neither stock nor the yearly CBEC quota runs out during the run.
   Buyers in countries where checkout_place fails outright are left out, and listed.
2. `entrepot serve --workers N --threads 1` on a free 127.0.0.1 port, with a known
   ENTREPOT_PAYMENT_SANDBOX_SECRET.
3. Client processes, each a browser for its own buyers (http.client, cookies, the CSRF
   token) and the wallet: log in (untimed), one warm-up cycle, then for a fixed time,
   round-robin over its buyers, one cycle:
     POST /cart/add/ (1 or 2 variants)     -> 302 to the cart
     POST /checkout/ (delivery address)    -> 302 to the review page /checkout/<id>/
     GET  /checkout/<id>/                  the locked quote
     POST /checkout/<id>/ (Pay)            -> 302 to the sandbox wallet page
     GET  /payments/sandbox/<token>/       the wallet page: the amount to pay
     POST /payments/notify/sandbox/        the wallet's signed "succeeded" event, built
                                           as SandboxGateway.event_body does; 200 = paid
   (when POST /checkout/ sends the buyer straight to the wallet, review and Pay are
   skipped). A checkout makes one order per seller in the cart: 1 or 2 per cycle. The
   clients send back every cookie, the `messages` one included, as a browser does.
4. Server-side counts (orders, payments, notifications) and `entrepot ledger check`,
   and the CPU seconds the server (and PostgreSQL), the clients and everything else on
   the machine used during the timed run, read from /proc.

Everything runs on 127.0.0.1, is bounded in time, and the server's process group is
killed at the end, errors included. Client and server share the machine's CPUs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402
    cpu_seconds,
    free_port,
    limits_off,
    machine_busy_seconds,
    stop_server,
)

from entrepot.payments.gateway import SIGNATURE_HEADER, sign  # noqa: E402
from entrepot.seeding.defaults import DEMO_PASSWORD  # noqa: E402

SECRET = "checkout-benchmark-sandbox-secret"
SEED = ["--sellers", "20", "--products", "2000", "--buyers", "400", "--orders", "0"]
STOCK = 1_000_000
TARGET_ORDERS_PER_S = 100
SANDBOX_PAGE = re.compile(r"/payments/sandbox/([0-9a-f-]{36})/")
PRICE = re.compile(r'class="price">([^<]*)<')
REVIEW_PAGE = re.compile(r"^/checkout/(\d+)/$")
STEPS = ("cart add", "checkout", "review", "pay", "wallet page", "place (API)", "notify", "cycle")
PATHS = ("api", "pages")


# --- setup and verification: run as Django subprocesses in the data directory --------


def resident_id(rng: random.Random, used: set[str]) -> str:
    """A valid GB 11643 number: address code, birth date, sequence, check character."""
    from entrepot.domain.resident_id import check_character

    while True:
        born = date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        area = rng.choice(["110105", "310115", "440305", "330106", "510107", "320102"])
        first17 = f"{area}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        number = first17 + check_character(first17)
        if number not in used:
            used.add(number)
            return number


def address_name(buyer) -> str:
    identity = getattr(buyer, "identity", None)
    return identity.name if identity else buyer.display_name


def saved_address(buyer) -> int | str:
    """A returning buyer's delivery address: in China, the default of the address book
    (its id, which the checkout form preselects); elsewhere, typed as at home."""
    from entrepot.buyers.services import AddressFields, address_add
    from entrepot.domain.china_divisions import check_division, find_province

    if buyer.country != "CN":
        return f"1 Main Street, {buyer.city} {buyer.province}"
    province = find_province(buyer.province)
    city = province.city(buyer.city) if province else None
    if city is None:
        raise SystemExit(f"seeded buyer {buyer.pk}: {buyer.province}{buyer.city} is not known")
    district = city.districts[0] if city.districts else "城区"
    division = check_division(province=province.name, city=city.name, district=district)
    fields = AddressFields(recipient=address_name(buyer), phone="13800138000",
                           division=division, street="文三路1号")  # fmt: skip
    return address_add(buyer=buyer, fields=fields).pk


def setup_main(args: argparse.Namespace) -> int:
    """Identities, the benchmark's buyers and variants, stock; JSON on stdout."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from entrepot.buyers.models import Buyer
    from entrepot.buyers.services import IdentityRefused, identity_verify
    from entrepot.catalog.models import Product, ProductVariant
    from entrepot.logistics.models import Stock
    from entrepot.logistics.services import stock_set
    from entrepot.orders.checkout import CartLine, CheckoutRefused, checkout_place

    rng = random.Random(7)
    today = timezone.now().date()
    used: set[str] = set()
    buyers = list(Buyer.objects.select_related("user").order_by("id"))
    with transaction.atomic():
        for buyer in buyers:
            if buyer.country != "CN":
                continue
            number = resident_id(rng, used)
            try:
                identity_verify(buyer=buyer, name=buyer.display_name, id_number=number,
                                consent=True, today=today)  # fmt: skip
            except IdentityRefused:  # a seeded name the real-name rule does not take
                identity_verify(buyer=buyer, name="王小明", id_number=number, consent=True,
                                today=today)  # fmt: skip
    stocked = Stock.objects.filter(quantity__gt=0).values_list("variant_id", flat=True)
    candidates = list(
        ProductVariant.objects.filter(pk__in=stocked, product__status=Product.Status.PUBLISHED)
        .select_related("product")
        .order_by("id")
    )
    rng.shuffle(candidates)

    refusals: dict[str, str] = {}

    def dry_run(buyer, variant) -> Decimal | None:
        try:
            with transaction.atomic():
                checkout = checkout_place(buyer=buyer, lines=[CartLine(variant.pk, 1)])
                transaction.set_rollback(True)
                return checkout.total_amount
        except CheckoutRefused as exc:
            refusals[buyer.country] = str(exc)
            return None

    # what a one-unit checkout costs in CN, for the cheapest variants
    probe = next(b for b in buyers if b.country == "CN")
    cn_total: dict[int, Decimal] = {}
    for variant in candidates[: args.variants * 3]:
        total = dry_run(probe, variant)
        if total is not None:
            cn_total[variant.pk] = total
    by_id = {v.pk: v for v in candidates}
    cheapest = sorted(cn_total, key=cn_total.get)
    # destinations where checkout_place fails or refuses the cheapest variant sit the run out
    excluded: dict[str, str] = {}
    one_per_country = {}
    for buyer in buyers:
        if buyer.country in one_per_country or buyer.country in excluded:
            continue
        try:
            if dry_run(buyer, by_id[cheapest[0]]) is None:  # no rule pack for it, say
                excluded[buyer.country] = f"CheckoutRefused: {refusals[buyer.country]}"[:100]
            else:
                one_per_country[buyer.country] = buyer
        except Exception as exc:  # reported
            excluded[buyer.country] = f"{type(exc).__name__}: {exc}"[:100]
    rng.shuffle(buyers)
    chosen = [b for b in buyers if b.country not in excluded][: args.buyers_needed]
    fresh = Buyer.objects.select_related("user", "identity").in_bulk([b.pk for b in chosen])
    chosen = [fresh[b.pk] for b in chosen]
    countries = {b.country for b in chosen}

    # the cheapest variants every chosen buyer's destination can check out
    variants = []
    for variant_id in cheapest:
        variant = by_id[variant_id]
        others = (b for c, b in one_per_country.items() if c in countries and c != "CN")
        if all(dry_run(b, variant) is not None for b in others):
            variants.append(variant)
        if len(variants) == args.variants:
            break
    with transaction.atomic():
        for variant in variants:
            stock = Stock.objects.filter(variant=variant).select_related("warehouse").first()
            stock_set(variant=variant, warehouse=stock.warehouse, quantity=STOCK)
    totals = [cn_total[v.pk] for v in variants]
    json.dump({
        "buyers": [[b.user.get_username(), address_name(b), saved_address(b)] for b in chosen],
        "countries": dict(Counter(b.country for b in chosen)),
        "identities": len(used),
        "excluded": {c: [sum(b.country == c for b in buyers), why] for c, why in excluded.items()},
        "variants": [[v.pk, v.product.seller_id] for v in variants],
        "variant_total_cny": [str(min(totals)), str(statistics.median(totals)), str(max(totals))],
    }, sys.stdout)  # fmt: skip
    return 0


def verify_main(args: argparse.Namespace) -> int:
    """What the database holds after the run; JSON on stdout."""
    import django

    django.setup()
    from django.db.models import Count

    from entrepot.orders.models import Checkout, Order
    from entrepot.payments.models import Payment, PaymentNotification

    def by(model, field):
        return {r[field]: r["n"] for r in model.objects.values(field).annotate(n=Count("id"))}

    json.dump({
        "checkouts": Checkout.objects.count(),
        "orders": by(Order, "status"),
        "payments": by(Payment, "status"),
        "notifications": by(PaymentNotification, "outcome"),
    }, sys.stdout)  # fmt: skip
    return 0


# --- the clients ----------------------------------------------------------------------


class Browser:
    """One keep-alive connection with a cookie jar, as a browser would hold them."""

    def __init__(self, port: int, *, cookies: bool = True) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.jar: dict[str, str] | None = {} if cookies else None
        self.address: dict[str, str] = {}  # the checkout form's delivery address
        self.delivery: dict = {}  # the same, as POST /api/v1/checkout takes it

    def request(self, method, path, form=None, *, body=None, headers=None):
        headers = dict(headers or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        if form is not None:
            if self.jar is not None and "csrftoken" in self.jar:
                form = {**form, "csrfmiddlewaretoken": self.jar["csrftoken"]}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            response, data = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # the server closed the kept-alive connection before reading this request (its
            # keep-alive timeout): send it again on a new one, as browsers do
            self.conn.close()
            try:
                response, data = self._send(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                self.conn.close()
                raise
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a new connection
            raise
        if self.jar is not None:
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.jar.pop(name, None)
                    else:
                        self.jar[name] = morsel.coded_value
        return response.status, response.getheader("Location", ""), data

    def _send(self, method, path, body, headers):
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        return response, response.read()

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, _location, _data = self.request(
            "POST", "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login as {username} answered {status}")


def wallet_event(token: str, amount: Decimal, now: datetime) -> bytes:
    """A "succeeded" event exactly as SandboxGateway.event_body writes one."""
    event = {
        "amount": f"{amount:.2f}", "currency": "CNY", "occurred_at": now.isoformat(),
        "payment": token, "sequence": 2, "status": "succeeded",
        "transaction_id": f"SBX{now:%Y%m%d}{secrets.token_hex(8).upper()}",
    }  # fmt: skip
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Refused(Exception):
    pass


def cycle(buyer: Browser, wallet: Browser, lines: list[int], timings: dict) -> None:
    """Cart, checkout, review and Pay, the wallet page, the wallet's notification; raises
    Refused when the shop sends the buyer back to the cart, RuntimeError on anything
    else unexpected."""

    def timed(step, *request, **kwargs):
        t = time.perf_counter()
        answer = buyer.request(*request, **kwargs)
        timings[step].append(time.perf_counter() - t)
        return answer

    started = time.perf_counter()
    for variant in lines:
        status, _location, _ = timed("cart add", "POST", "/cart/add/", {"variant": variant})
        if status != 302:
            raise RuntimeError(f"cart add answered {status}")
    status, location, _ = timed("checkout", "POST", "/checkout/", buyer.address)
    path = urlsplit(location).path if status == 302 else ""
    if REVIEW_PAGE.match(path):
        # the locked quote: the buyer reads it, then presses Pay
        status, _location, _ = timed("review", "GET", path)
        if status != 200:
            raise RuntimeError(f"review page answered {status}")
        status, location, _ = timed("pay", "POST", path, {})
        path = urlsplit(location).path if status == 302 else ""
    match = SANDBOX_PAGE.fullmatch(path)
    if not match:
        # refused (quota, a missing identity...): empty the cart for the next round
        buyer.request("POST", "/cart/", {f"qty-{v}": "0" for v in lines})
        raise Refused(f"checkout answered {status} {path}")
    token = match.group(1)
    status, _location, page = timed("wallet page", "GET", path)
    price = PRICE.search(page.decode("utf-8")) if status == 200 else None
    if not price:
        raise RuntimeError(f"wallet page answered {status} without an amount")
    amount = Decimal(re.sub(r"[^\d.]", "", price.group(1)))
    body = wallet_event(token, amount, datetime.now(UTC))
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(SECRET, body)}
    t = time.perf_counter()
    status, _location, answer = wallet.request(
        "POST", "/payments/notify/sandbox/", body=body, headers=headers
    )
    timings["notify"].append(time.perf_counter() - t)
    if status != 200:
        raise RuntimeError(f"notify answered {status} {answer[:40]!r}")
    timings["cycle"].append(time.perf_counter() - started)


def api_cycle(buyer: Browser, wallet: Browser, lines: list[int], timings: dict) -> None:
    """What a shop app does: POST /api/v1/checkout (the orders placed, the payment
    registered, the amount and the wallet's page in the answer), then the wallet's signed
    notification. Raises Refused for a 422 (the yearly quota, say), RuntimeError else."""
    body = {"lines": [{"variant": v, "quantity": 1} for v in lines], **buyer.delivery}
    headers = {"Content-Type": "application/json", "X-CSRFToken": buyer.jar.get("csrftoken", "")}
    started = time.perf_counter()
    status, _location, answer = buyer.request(
        "POST", "/api/v1/checkout", body=json.dumps(body).encode(), headers=headers
    )
    timings["place (API)"].append(time.perf_counter() - started)
    if status == 422:
        raise Refused(f"POST /api/v1/checkout answered 422 {answer[:80]!r}")
    if status != 201:
        raise RuntimeError(f"POST /api/v1/checkout answered {status} {answer[:80]!r}")
    placed = json.loads(answer)
    match = SANDBOX_PAGE.fullmatch(placed["payment"]["pay_url"])
    if not match:
        raise RuntimeError(f"no wallet page in {placed['payment']}")
    event = wallet_event(match.group(1), Decimal(placed["total"]["amount"]), datetime.now(UTC))
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(SECRET, event)}
    t = time.perf_counter()
    status, _location, answer = wallet.request(
        "POST", "/payments/notify/sandbox/", body=event, headers=headers
    )
    timings["notify"].append(time.perf_counter() - t)
    if status != 200:
        raise RuntimeError(f"notify answered {status} {answer[:40]!r}")
    timings["cycle"].append(time.perf_counter() - started)


def client(number, port, usernames, variants, seconds, ready, start, out, path="pages") -> None:
    rng = random.Random(number)
    result = {"checkouts": 0, "orders": 0, "errors": Counter(), "refused": Counter()}
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    try:
        buyers = []
        for username, name, address in usernames:
            browser = Browser(port)
            browser.login(username)
            if isinstance(address, int):  # the default of the buyer's address book
                browser.address = {"saved_address": str(address)}
                browser.delivery = {"address_id": address}
            else:
                phone = f"+1 614 555 {rng.randrange(10**4):04d}"
                browser.address = {"consignee_name": name, "consignee_address": address,
                                   "consignee_phone": phone}  # fmt: skip
                browser.delivery = {"consignee": {"name": name, "phone": phone,
                                                  "address": address}}  # fmt: skip
            buyers.append(browser)
        wallet = Browser(port, cookies=False)
        run_cycle = api_cycle if path == "api" else cycle
        run_cycle(buyers[0], wallet, [variants[0][0]], {step: [] for step in STEPS})  # warm-up
    except Exception as exc:  # reported, not raised: the parent waits
        ready.put(f"client {number}: {type(exc).__name__}: {exc}")
        out.put({**result, "timings": timings, "elapsed": 0.0, "cpu": 0.0})
        return
    ready.put("")
    start.wait(timeout=300)
    cpu, began = time.process_time(), time.monotonic()
    deadline, turn, finished = began + seconds, 0, began
    while buyers and time.monotonic() < deadline:
        browser = buyers[turn % len(buyers)]
        turn += 1
        picked = rng.sample(variants, rng.choice((1, 2)))
        try:
            run_cycle(browser, wallet, [v for v, _seller in picked], timings)
        except Refused as exc:
            result["refused"][str(exc)] += 1
            buyers.remove(browser)  # most likely the buyer's yearly quota
            continue
        except Exception as exc:  # counted; the run goes on
            result["errors"][f"{type(exc).__name__}: {exc}"[:120]] += 1
            continue
        finished = time.monotonic()
        result["checkouts"] += 1
        result["orders"] += len({seller for _v, seller in picked})
    result.update(timings=timings, elapsed=finished - began, cpu=time.process_time() - cpu,
                  buyers_left=len(buyers))  # fmt: skip
    out.put(result)


def drive(
    port: int,
    setup: dict,
    *,
    clients: int,
    buyers_per_client: int,
    seconds: float,
    path: str = "pages",
    started=lambda: None,
    finished=lambda: None,
) -> tuple[list[dict], list[str]]:
    """Run `clients` client processes against the server on `port` for `seconds`, each
    with its own `buyers_per_client` of `setup["buyers"]` (logged in before the clock
    starts), and return their results and the problems of those that could not start.
    `started()` and `finished()` are called as the clock starts and when every client has
    reported (the CPU accounting). Used by this script and by the suite (suite.py)."""
    procs: list[multiprocessing.Process] = []
    try:
        ready, out = multiprocessing.Queue(), multiprocessing.Queue()
        start = multiprocessing.Event()
        per = buyers_per_client
        for n in range(clients):
            names = setup["buyers"][n * per : (n + 1) * per]
            procs.append(multiprocessing.Process(
                target=client,
                args=(n, port, names, setup["variants"], seconds, ready, start, out, path),
                daemon=True,
            ))  # fmt: skip
        for p in procs:
            p.start()
        problems = [m for m in (ready.get(timeout=300) for _ in procs) if m]
        for problem in problems:
            print(problem, file=sys.stderr)
        started()
        start.set()
        results = [out.get(timeout=seconds + 120) for _ in procs]
        finished()
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    return results, problems


# --- the run --------------------------------------------------------------------------


def _run(cmd, env, what) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


def bench(args: argparse.Namespace) -> int:
    me = [sys.executable, str(Path(__file__).resolve())]
    entrepot = [sys.executable, "-m", "entrepot.cli"]
    with tempfile.TemporaryDirectory(prefix="entrepot-bench-checkout-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(ENTREPOT_DATA_DIR=data_dir, ENTREPOT_PAYMENT_SANDBOX_SECRET=SECRET,
                   DJANGO_SETTINGS_MODULE="entrepot.config.settings")  # fmt: skip
        env.update(limits_off())  # one client address and a few accounts: no abuse limits
        if args.redis:  # cache, sessions and the task queue in Redis, as in production
            env["REDIS_URL"] = args.redis
        if args.database == "postgres":
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            _run([*entrepot, "manage", "flush", "--no-input"], env, "entrepot manage flush")
        started = time.perf_counter()
        _run([*entrepot, "seed", *SEED, "--quiet"], env, "entrepot seed")
        needed = args.clients * args.buyers_per_client
        setup = json.loads(_run(
            [*me, "--_setup", "--buyers-needed", str(needed), "--variants", str(args.variants)],
            env, "setup",
        ))  # fmt: skip
        print(f"setup {time.perf_counter() - started:.1f} s: {setup['identities']} CN identities, "
              f"{len(setup['buyers'])} buyers {setup['countries']}, {len(setup['variants'])} "
              f"variants at {' / '.join(setup['variant_total_cny'])} CNY "
              "(min / median / max landed, 1 unit)", flush=True)  # fmt: skip
        for country, (n, why) in setup["excluded"].items():
            print(f"left out: {n} buyers in {country}, checkout_place raises {why}")
        if len(setup["buyers"]) < needed or not setup["variants"]:
            raise SystemExit("not enough buyers or checkout-able variants for the run")

        port = free_port()
        log = Path(data_dir) / "server.log"
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [*entrepot, "serve", "--port", str(port), "--workers", str(args.workers),
                 "--threads", "1"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file,
                start_new_session=True,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    probe.request("GET", "/healthz")
                    probe.getresponse().read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        tail = log.read_text()[-3000:]
                        raise SystemExit(f"the server did not start:\n{tail}") from None
                    time.sleep(0.2)
            measured = {}

            def clock_starts() -> None:
                measured["before"] = cpu_seconds(server.pid), machine_busy_seconds()

            def clock_stops() -> None:
                (cpu_before, busy_before) = measured["before"]
                cpu_after, busy = cpu_seconds(server.pid), machine_busy_seconds() - busy_before
                measured["cpu"] = (
                    *(a - b for a, b in zip(cpu_after, cpu_before, strict=True)),
                    busy,
                )

            results, problems = drive(
                port, setup, clients=args.clients, buyers_per_client=args.buyers_per_client,
                seconds=args.seconds, path=args.path, started=clock_starts,
                finished=clock_stops,
            )  # fmt: skip
            server_cpu, postgres_cpu, busy = measured["cpu"]
        finally:
            stop_server(server)
        server_log = log.read_text(errors="replace")
        counts = json.loads(_run([*me, "--_verify"], env, "verify"))
        ledger = subprocess.run([*entrepot, "ledger", "check"], env=env, cwd=ROOT,
                                capture_output=True, text=True)  # fmt: skip

    report(args, results, counts, ledger, (server_cpu, postgres_cpu, busy), server_log)
    return 0 if ledger.returncode == 0 and not problems else 1


def report(args, results, counts, ledger, cpu, server_log) -> None:
    server_cpu, postgres_cpu, busy = cpu
    elapsed = max(r["elapsed"] for r in results) or 1e-9
    checkouts = sum(r["checkouts"] for r in results)
    orders = sum(r["orders"] for r in results)
    errors = sum((r["errors"] for r in results), Counter())
    refused = sum((r["refused"] for r in results), Counter())
    timings = {s: [x for r in results for x in r["timings"][s]] for s in STEPS}
    database = "PostgreSQL" if args.database == "postgres" else "SQLite"
    rate = orders / elapsed
    what = ("POST /api/v1/checkout + the wallet's notification" if args.path == "api"
            else "the buyer's pages + the wallet's notification")  # fmt: skip
    print(f"\nCheckout end to end ({what}):\ngunicorn {args.workers} workers x 1 thread, "
          f"{args.clients} clients x {args.buyers_per_client} buyers, {elapsed:.1f} s, {database}, "
          f"{os.cpu_count()} CPUs shared")  # fmt: skip
    print(f"checkouts {checkouts:,}  orders {orders:,}  "
          f"({orders / max(checkouts, 1):.2f} per checkout)  errors {sum(errors.values())}  "
          f"refused {sum(refused.values())}")  # fmt: skip
    print(f"checkouts/s {checkouts / elapsed:,.1f}   orders/s {rate:,.1f}   "
          f"target >= {TARGET_ORDERS_PER_S} orders/s"
          + ("" if database != "SQLite" else
             f": {'MET' if rate >= TARGET_ORDERS_PER_S else 'MISSED'}"))  # fmt: skip
    print(f"\n{'step':<13}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for step in STEPS:
        values = timings[step]
        if not values:
            continue
        median = statistics.median(values) * 1000 if values else 0.0
        print(f"{step:<13}{len(values):>10,}{len(values) / elapsed:>9.1f}{median:>9.1f}"
              f"{_pct(values, 0.95):>9.1f}{_pct(values, 0.99):>9.1f}")  # fmt: skip
    client_cpu = sum(r["cpu"] for r in results)
    other = max(0.0, busy - server_cpu - postgres_cpu - client_cpu)
    per_cycle = (server_cpu + postgres_cpu) / max(checkouts, 1) * 1000
    postgres = f"postgres {postgres_cpu:.1f}, " if args.database == "postgres" else ""
    print(f"\nCPU seconds in the timed run: gunicorn {server_cpu:.1f}, {postgres}"
          f"clients {client_cpu:.1f}, other processes {other:.1f} "
          f"(of {elapsed * (os.cpu_count() or 1):.0f}); server side "
          f"{per_cycle:.1f} ms CPU per cycle")  # fmt: skip
    print(
        f"database: {counts['checkouts']:,} checkouts, orders {counts['orders']}, "
        f"payments {counts['payments']}, notifications {counts['notifications']}"
    )
    print(f"entrepot ledger check: {ledger.stdout.strip() or ledger.stderr.strip()[-500:]} "
          f"(exit {ledger.returncode})")  # fmt: skip
    for message, n in (errors + refused).most_common(8):
        print(f"  {n:>6} x {message}")
    if errors:
        print("server log (tail):\n" + "\n".join(server_log.splitlines()[-20:]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--buyers-per-client",
        type=int,
        default=12,
        help="logged in before the clock starts (default 12)",
    )
    parser.add_argument(
        "--variants", type=int, default=300, help="variants the carts draw from (default 300)"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        help="postgres uses DATABASE_URL (default when it is set)",
    )
    parser.add_argument(
        "--path", choices=PATHS, default="api",
        help="api: POST /api/v1/checkout and the notification (order placement + payment, "
        "default); pages: the buyer's six pages",
    )  # fmt: skip
    parser.add_argument(
        "--redis", metavar="URL", default="",
        help="REDIS_URL for the server (cache, sessions, queue); default: none, as the demo",
    )  # fmt: skip
    parser.add_argument("--_setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_verify", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--buyers-needed", type=int, default=48, help=argparse.SUPPRESS)
    args = parser.parse_args()  # fmt: skip
    if args._setup:
        return setup_main(args)
    if args._verify:
        return verify_main(args)
    if args.database == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("post"):
        parser.error("--database postgres needs DATABASE_URL=postgres://...")
    if args.clients * args.buyers_per_client > 400:
        parser.error("at most 400 buyers are seeded: lower --clients or --buyers-per-client")
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
