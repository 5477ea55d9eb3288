"""The shoppers and the wallet of the crash-safety test, over HTTP (no Django here).

Each Shopper is a thread: browsers of its buyers (http.client, cookies, the CSRF token)
that, round after round, add to the cart, check out, press Pay on the checkout's review
page and then pay in one of two ways, in turn:

- "wallet": the shopper plays the wallet itself, as benchmarks/checkout.py does: it
  posts the signed "succeeded" notification to the notify URL, again and again until
  the shop answers 2xx (a killed server answers nothing), and now and then once more
  after the 2xx, as real wallets do. A 2xx is an acknowledgement: the payment's token
  goes into `acknowledged`.
- "sandbox": the buyer presses Pay on the sandbox wallet's page; the shop queues the
  wallet's notifications and `entrepot worker` delivers them. The redirect that
  answers Pay means the tasks were queued: the token goes into `pay_acknowledged`.

A request that fails because the server was killed abandons the round (the buyer
empties the cart once the server is back), as a person would start over.
"""

from __future__ import annotations

import html
import http.client
import json
import random
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

SANDBOX_PAGE = re.compile(r"/payments/sandbox/([0-9a-f-]{36})/")
PRICE = re.compile(r'class="price">([^<]*)<')
REVIEW_PAGE = re.compile(r"^/checkout/(\d+)/$")
TITLE = re.compile(r"<title>([^<]*)<")
MESSAGE = re.compile(r'<li class="msg-[a-z ]*error[a-z ]*"[^>]*>([^<]*)<')
NUMBERS = re.compile(r"[\w-]*\d[\w-]*")
DROPPED = (OSError, http.client.HTTPException)


class Interrupted(Exception):
    """The server went away (or answered 5xx) in the middle of a round."""


class Browser:
    """One keep-alive connection with a cookie jar, as a browser would hold them."""

    def __init__(self, port: int, *, cookies: bool = True) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        self.jar: dict[str, str] | None = {} if cookies else None

    def request(self, method, path, form=None, *, body=None, headers=None):
        headers = dict(headers or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        if form is not None:
            if self.jar is not None and "csrftoken" in self.jar:
                form = {**form, "csrfmiddlewaretoken": self.jar["csrftoken"]}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            try:
                self.conn.request(method, path, body, headers)
            except BrokenPipeError:
                # the kept-alive connection died with the last server before this request
                # went out: send it on a new one, as browsers do
                self.conn.close()
                self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            data = response.read()
        except DROPPED:
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


def wallet_event(token: str, amount: Decimal) -> bytes:
    """A "succeeded" event exactly as SandboxGateway.event_body writes one."""
    now = datetime.now(UTC)
    event = {
        "amount": f"{amount:.2f}", "currency": "CNY", "occurred_at": now.isoformat(),
        "payment": token, "sequence": 2, "status": "succeeded",
        "transaction_id": f"SBX{now:%Y%m%d}{secrets.token_hex(8).upper()}",
    }  # fmt: skip
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class Tally:
    """What every shopper saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    acknowledged: set[str] = field(default_factory=set)
    pay_acknowledged: dict[str, float] = field(default_factory=dict)  # token -> when
    last_pay: float = 0.0  # when the last Pay was answered (time.monotonic)

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what[:160]] += 1


class Shopper(threading.Thread):
    def __init__(self, number, port, buyers, variants, sign, stop, tally, deadline) -> None:
        super().__init__(name=f"shopper-{number}", daemon=True)
        self.rng = random.Random(number)
        self.port, self.variants, self.sign = port, variants, sign
        self.stop, self.tally, self.deadline = stop, tally, deadline
        self.buyers = []
        for username, address in buyers:
            browser = Browser(port)
            browser.address = address
            browser.username = username
            self.buyers.append(browser)
        self.wallet = Browser(port, cookies=False)

    def login(self, browser: Browser) -> None:
        from entrepot.seeding.defaults import DEMO_PASSWORD

        browser.request("GET", "/accounts/login/")
        form = {"username": browser.username, "password": DEMO_PASSWORD}
        status, _location, _data = browser.request("POST", "/accounts/login/", form)
        if status != 302:
            raise RuntimeError(f"login as {browser.username} answered {status}")

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            browser = self.buyers[turn % len(self.buyers)]
            mode = ("wallet", "sandbox")[(turn // len(self.buyers)) % 2]
            turn += 1
            picked = self.rng.sample(self.variants, self.rng.choice((1, 2)))
            try:
                self.round(browser, [v for v, _seller in picked], mode)
            except Interrupted as exc:
                self.tally.count("rounds interrupted by a kill")
                self.tally.error(f"interrupted: {exc}")
                self.empty_cart(browser)
            except Exception as exc:  # counted and asserted on by the test
                self.tally.error(f"{type(exc).__name__}: {exc}")
                self.empty_cart(browser)

    def empty_cart(self, browser: Browser) -> None:
        form = {f"qty-{v}": "0" for v, _seller in self.variants}
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            try:
                status, _location, _data = browser.request("POST", "/cart/", form)
                if status < 500:
                    return
            except DROPPED:
                pass
            time.sleep(0.2)

    def step(self, browser: Browser, *request, **kwargs):
        try:
            status, location, data = browser.request(*request, **kwargs)
        except DROPPED as exc:
            raise Interrupted(f"{request[0]} {request[1]}: {type(exc).__name__}") from exc
        if status >= 500:
            raise Interrupted(f"{request[0]} {request[1]} answered {status}")
        return status, location, data

    def round(self, browser: Browser, lines: list[int], mode: str) -> None:
        for variant in lines:
            status, _location, _ = self.step(browser, "POST", "/cart/add/", {"variant": variant})
            if status != 302:
                raise RuntimeError(f"cart add answered {status}")
        status, location, page = self.step(browser, "POST", "/checkout/", browser.address)
        path = urlsplit(location).path if status == 302 else ""
        if REVIEW_PAGE.match(path):
            status, location, page = self.step(browser, "POST", path, {})  # Pay on the review
            path = urlsplit(location).path if status == 302 else ""
        match = SANDBOX_PAGE.fullmatch(path)
        if not match:
            # refused (sold out, most likely): the cart page says why; start again
            if status == 302:
                _status, _location, page = self.step(browser, "GET", urlsplit(location).path)
            said = MESSAGE.search(page.decode("utf-8")) or TITLE.search(page.decode("utf-8"))
            reason = f"{status} {html.unescape(said.group(1)) if said else location}"
            self.tally.count(f"checkouts refused: {NUMBERS.sub('N', reason)[:80]}")
            self.empty_cart(browser)
            return
        self.tally.count("checkouts placed")
        token = match.group(1)
        if mode == "sandbox":
            status, location, _ = self.step(browser, "POST", f"{path}pay/", {})
            if status != 302 or "/result/" not in location:
                raise RuntimeError(f"sandbox Pay answered {status} {location}")
            with self.tally.lock:
                self.tally.pay_acknowledged[token] = self.tally.last_pay = time.monotonic()
            return
        status, _location, page = self.step(browser, "GET", path)
        price = PRICE.search(page.decode("utf-8")) if status == 200 else None
        if not price:
            raise RuntimeError(f"wallet page answered {status} without an amount")
        body = wallet_event(token, Decimal(re.sub(r"[^\d.]", "", price.group(1))))
        self.notify(token, body)
        if self.rng.random() < 0.25:  # wallets send again now and then
            self.notify(token, body)

    def notify(self, token: str, body: bytes) -> None:
        """Deliver the wallet's notification until the shop acknowledges it (2xx)."""
        headers = {"Content-Type": "application/json", **self.sign(body)}
        while time.monotonic() < self.deadline + 30:
            try:
                status, _location, answer = self.wallet.request(
                    "POST", "/payments/notify/sandbox/", body=body, headers=headers
                )
            except DROPPED:
                self.tally.count("notifications resent after no answer")
                time.sleep(0.2)
                continue
            if 200 <= status < 300:
                with self.tally.lock:
                    self.tally.acknowledged.add(token)
                    self.tally.counts["notifications acknowledged"] += 1
                return
            if status >= 500:
                self.tally.count("notifications resent after a 5xx")
                time.sleep(0.2)
                continue
            raise RuntimeError(f"notify answered {status} {answer[:60]!r}")
        raise RuntimeError(f"notification for {token} never acknowledged")
