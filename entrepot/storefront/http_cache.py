"""HTTP caching of the storefront's pages: weak ETags, Cache-Control and 304 answers.

Who may keep a copy of a page:

- nobody's in particular (anonymous, no cart, nothing of the visitor's in the page):
  ``public, max-age=60`` — the browser and any shared cache may serve it for a minute;
- a page that carries this visitor's CSRF token: ``private, no-cache``. The body is
  theirs (a shared cache must never hand the token, or the cookie renewing it, to
  somebody else); their browser keeps it and asks again each time, cheaply. Today the
  header's language switch (base.html) is a POST form with a token, so every page is in
  this case until that switch stops needing one; the storefront's own forms need none;
- logged in, or holding a cart: ``private, no-cache`` (the header names the user; the
  page may show the cart);
- a flash message waiting in its cookie: no validator, the page is rendered (and the
  message shown) every time.

The ETag is computed before rendering from what the page is made of — its URL, the
language, who asks, the catalogue or product version, the day and the rate and
positive-list generations — so a 304 costs one indexed query and no template. It cannot be
a hash of the body: the CSRF token is masked differently in every response. It is weak
(``W/``) for the same reason, and it expires after ETAG_LIFETIME so that what the
versions do not see (a seller's story, a category's name) is not kept forever.

A public page (what any anonymous visitor without a cookie of ours gets) is also kept
whole in the cache for PAGE_SECONDS under its ETag: a visitor without a copy then gets
the bytes a render would give, for the price of a 304 (the ETag says the page has not
changed; it is what a shared cache would serve under ``public, max-age=60`` anyway).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from entrepot.pricing.positive_list import POSITIVE_LIST_GENERATION_KEY
from entrepot.pricing.selectors import RATES_GENERATION_KEY
from entrepot.storefront.cart import COOKIE as CART_COOKIE

PUBLIC = "public, max-age=60"
PRIVATE = "private, no-cache"
ETAG_LIFETIME = 300  # seconds
PAGE_SECONDS = 60  # a whole public page, by its ETag: as long as a shared cache keeps it


def pricing_generations() -> tuple:
    """Bumped by every write of rates or of the positive list (entrepot.pricing): part of
    every key of something that shows a price."""
    return (cache.get(RATES_GENERATION_KEY, 1), cache.get(POSITIVE_LIST_GENERATION_KEY, 1))


def _personal(request: HttpRequest) -> bool:
    return request.user.is_authenticated or CART_COOKIE in request.COOKIES


def _has_flash_message(request: HttpRequest) -> bool:
    return CookieStorage.cookie_name in request.COOKIES


def digest(value: tuple) -> str:
    """A short stable digest of plain values (the same in every process, unlike hash())."""
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


def page_etag(request: HttpRequest, parts: tuple) -> str:
    now = timezone.now()
    cookies = request.COOKIES
    key = (
        request.get_full_path(),
        translation.get_language(),
        request.user.pk if request.user.is_authenticated else 0,
        # a page with a token is good only with the CSRF secret the token came from: the
        # visitor's cookie, or the one minted while rendering (their next request's cookie)
        request.META.get("CSRF_COOKIE", ""),
        cookies.get(CART_COOKIE, ""),
        now.date().isoformat(),
        int(now.timestamp() // ETAG_LIFETIME),
        *pricing_generations(),
        *parts,
    )
    return f'W/"{digest(key)}"'


def cache_control(request: HttpRequest, response: HttpResponse | None = None) -> str:
    """``public, max-age=60`` for what nobody owns, else ``private, no-cache``.

    With a rendered `response`, whether the page used a CSRF token (or sets any cookie)
    is known; for a 304 it is inferred: a visitor with a CSRF cookie got a token-bearing
    page before.
    """
    if _personal(request):
        return PRIVATE
    if response is None:
        owned = settings.CSRF_COOKIE_NAME in request.COOKIES
    else:
        owned = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies)
    return PRIVATE if owned else PUBLIC


def _finish(request: HttpRequest, response: HttpResponse, control: str) -> HttpResponse:
    response["Cache-Control"] = control
    # the language comes from a cookie (entrepot.config.locale), as does who is asking
    patch_vary_headers(response, ("Cookie",))
    return response


def conditional_page(
    request: HttpRequest, parts: tuple, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """`render()`'s page with an ETag and Cache-Control, or a 304 when the visitor's copy
    is still good. `parts` are what the page is made of beyond the URL (versions)."""
    if _has_flash_message(request):
        response = render()
        response["Cache-Control"] = "private, no-cache"
        return response
    etag = page_etag(request, parts)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return _finish(request, not_modified, cache_control(request))
    shared = cache_control(request) == PUBLIC  # anonymous, no cart, no CSRF cookie
    page_key = f"storefront:page:{etag[3:-1]}"
    if shared and (stored := cache.get(page_key)) is not None:
        content, content_type = stored
        response = HttpResponse(content, content_type=content_type)
        response["ETag"] = etag
        return _finish(request, response, PUBLIC)
    response = render()
    if response.status_code != 200:
        return response
    response["ETag"] = page_etag(request, parts)  # with the CSRF secret the page used
    control = cache_control(request, response)
    if shared and control == PUBLIC and response["ETag"] == etag and not response.streaming:
        cache.set(page_key, (response.content, response["Content-Type"]), PAGE_SECONDS)
    return _finish(request, response, control)
