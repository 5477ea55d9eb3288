"""Token-free protection against cross-site form posts, for "Add to cart".

The product page is the same for every visitor, so it can be cached as a whole and
kept by shared caches; a per-visitor CSRF token in its add-to-cart form would forbid
both. Browsers say where a request comes from instead: every current browser sends
``Sec-Fetch-Site`` on a form post, and ``Origin`` on every cross-origin one. The rule
is Go's ``net/http.CrossOriginProtection``:

- ``Sec-Fetch-Site: same-origin`` or ``none`` (typed by the user): allowed; any other
  value (``cross-site``, ``same-site``): refused;
- no ``Sec-Fetch-Site``: ``Origin`` must name this host (or a CSRF_TRUSTED_ORIGINS
  entry); no ``Origin`` either: allowed — not a browser posting from another site.

Only adding to the cart relies on this: a cart is a cookie of ids and quantities,
and checkout, payment and every account form keep Django's CSRF tokens.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def is_cross_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    # the host alone: behind a TLS-terminating proxy the scheme seen here may be http
    return urlsplit(origin).netloc != request.get_host()
