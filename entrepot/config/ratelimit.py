"""Abuse limits, counted in the Django cache (Redis in production, so every process and
host shares the counts; the embedded default counts per process).

A limit is "at most N requests per W seconds", in a fixed window: the first hit opens a
window of W seconds, and the (N+1)-th hit in it is refused until the window ends. Each
limit is counted per client address and, where there is one, per account; the address
limits are higher because many Chinese mobile users share one carrier-grade NAT address.

Configured by `ENTREPOT_RATE_<NAME>` ("N/W", e.g. "10/60"; "0" or "off" switches it
off), see ENTREPOT_RATE_LIMITS in entrepot.config.settings and docs/operator-guide.md.

Login failures are counted apart (`lockout_*`): after LOCKOUT failures for one account
(or LOCKOUT_IP from one address) within its window, logins are refused until the window
has passed, without checking the password; a successful login clears the account's
count. The site's login view and the admin's (`guard_login`) share the counts.

Views raise `RateLimited`; RateLimitMiddleware answers it with 429 and Retry-After: a
page in the visitor's language, or JSON `detail` under /api/.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

API_PREFIX = "/api/"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # at most this many hits per window; 0: no limit
    seconds: int

    @property
    def off(self) -> bool:
        return self.count <= 0 or self.seconds <= 0


def parse_limit(name: str, text: str) -> Limit:
    """'10/60' -> at most 10 per 60 seconds; '0', 'off' or '' -> no limit."""
    value = text.strip().lower()
    if value in {"", "0", "off", "none"}:
        return Limit(name, 0, 0)
    count, sep, seconds = value.partition("/")
    try:
        limit = Limit(name, int(count), int(seconds) if sep else 60)
    except ValueError:
        raise ValueError(
            f"rate limit {name} must be COUNT/SECONDS, e.g. 10/60, or off; got {text!r}"
        ) from None
    if limit.count < 0 or limit.seconds < 0:
        raise ValueError(f"rate limit {name} must not be negative; got {text!r}")
    return limit


def limit(name: str) -> Limit:
    """The configured limit called `name` (see settings.ENTREPOT_RATE_LIMITS)."""
    return parse_limit(name, settings.ENTREPOT_RATE_LIMITS.get(name, "off"))


class RateLimited(Exception):
    """Refused for now; `wait` seconds until the client may try again."""

    def __init__(self, wait: int, message: str = "") -> None:
        self.wait = max(1, int(wait))
        self.message = message or too_often_message(self.wait)
        super().__init__(self.message)


# --- who is asking ---------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets
    (ENTREPOT_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP; for X-Forwarded-For its first entry)."""
    header = getattr(settings, "ENTREPOT_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"ratelimit:{parts[0]}:{digest}"


# --- counting --------------------------------------------------------------------------------


def _count(key: str, seconds: int) -> int:
    cache.add(key, 0, seconds + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds + 5)
        return 1


def _now() -> float:
    return time.time()


def hit(rule: Limit, who: str, *, now: float | None = None) -> int:
    """Count one hit of `who` against `rule`; the seconds to wait if it is over (0: go on)."""
    if rule.off or not who:
        return 0
    now = _now() if now is None else now
    window = int(now // rule.seconds)
    count = _count(_key(rule.name, who, str(window)), rule.seconds)
    if count <= rule.count:
        return 0
    return max(1, math.ceil((window + 1) * rule.seconds - now))


def check(request: HttpRequest, name: str, *, account: str = "") -> None:
    """Count this request against limit `name` per account (if given) and against
    `name_ip` per client address; raise RateLimited when either is over."""
    waits = [hit(limit(f"{name}_ip"), client_ip(request))]
    if account:
        waits.append(hit(limit(name), account))
    wait = max(waits)
    if wait:
        raise RateLimited(wait)


def account_of(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ""


# --- login lockout ---------------------------------------------------------------------------


def login_account(request: HttpRequest) -> str:
    """The account a login attempt names, the same however it is typed (+86, spaces, case)."""
    from entrepot.domain.china_mobile import InvalidMobile, normalize_mobile

    typed = request.POST.get("username", "").strip()
    try:
        return "mobile:" + normalize_mobile(typed)
    except InvalidMobile:
        return "login:" + typed.casefold()


def guard_login(view):
    """A login view (e.g. the admin site's) with the lockout and the per-address limit:
    a POST answered with a redirect logged in; one answered 200 showed the form's error."""
    from functools import wraps

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        account = login_account(request)
        wait = lockout_wait(request, account)
        if wait:
            raise RateLimited(wait, lockout_message(wait))
        check(request, "login")
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            login_succeeded(request, account)
        elif response.status_code == 200 and request.POST.get("password"):
            wait = login_failed(request, account)
            if wait:
                raise RateLimited(wait, lockout_message(wait))
        return response

    return guarded


def _lock_key(who: str) -> str:
    return _key("lockout-until", who)


def _failure_key(who: str) -> str:
    return _key("lockout-failures", who)


def _subjects(request: HttpRequest, account: str) -> list[tuple[str, Limit]]:
    subjects = [(f"ip:{client_ip(request)}", limit("lockout_ip"))]
    if account:
        subjects.append((f"account:{account}", limit("lockout")))
    return subjects


def lockout_wait(request: HttpRequest, account: str, *, now: float | None = None) -> int:
    """Seconds until this account (or this address) may try to log in again (0: now)."""
    now = _now() if now is None else now
    wait = 0
    for who, rule in _subjects(request, account):
        if rule.off:
            continue
        until = cache.get(_lock_key(who))
        if until and until > now:
            wait = max(wait, math.ceil(until - now))
    return wait


def login_failed(request: HttpRequest, account: str, *, now: float | None = None) -> int:
    """Count a failed login; the seconds of the lockout it started (0: none)."""
    now = _now() if now is None else now
    wait = 0
    for who, rule in _subjects(request, account):
        if rule.off:
            continue
        failures = _count(_failure_key(who), rule.seconds)
        if failures >= rule.count:
            cache.set(_lock_key(who), now + rule.seconds, rule.seconds + 5)
            cache.delete(_failure_key(who))
            wait = max(wait, rule.seconds)
    return wait


def login_succeeded(request: HttpRequest, account: str) -> None:
    """A successful login clears the account's failures (the address's stay counted)."""
    if account:
        who = f"account:{account}"
        cache.delete_many([_failure_key(who), _lock_key(who)])


# --- answers ---------------------------------------------------------------------------------


def _duration(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def too_often_message(wait: int) -> str:
    return _("Too many requests in a short time. Please try again in %(duration)s.") % {
        "duration": _duration(wait)
    }


def lockout_message(wait: int) -> str:
    return _(
        "Too many failed logins: logging in to this account is blocked for now. Please try "
        "again in %(duration)s."
    ) % {"duration": _duration(wait)}


def too_many_response(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """429 with Retry-After: JSON {"detail": ...} under /api/, else a readable page."""
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {
                "detail": limited.message,
                "errors": [{"code": "RATE_LIMITED", "message": limited.message}],
            },
            status=429,
        )
    else:
        response = render(
            request,
            "429.html",
            {"message": limited.message, "wait": limited.wait},
            status=429,
        )
    response["Retry-After"] = str(limited.wait)
    response["Cache-Control"] = "no-store"
    return response


def _api_credential(request: HttpRequest) -> str:
    """The account an API request speaks for: its bearer token or API key (hashed), or the
    logged-in user of a browser session."""
    token = request.META.get("HTTP_AUTHORIZATION", "") or request.META.get("HTTP_X_API_KEY", "")
    if token:
        return "credential:" + hashlib.sha256(token.encode()).hexdigest()
    return account_of(request)


class RateLimitMiddleware:
    """Counts every /api/ request (per address, and per credential when it has one), and
    turns RateLimited raised by a view into its 429 answer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and not request.path.startswith(
            ("/api/docs", "/api/openapi.json")
        ):
            try:
                check(request, "api", account=_api_credential(request))
            except RateLimited as limited:
                return too_many_response(request, limited)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RateLimited):
            return too_many_response(request, exception)
        return None
