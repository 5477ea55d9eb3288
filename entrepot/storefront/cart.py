"""The cart: variant ids and quantities in a signed cookie (works before login).

A cookie, not the session: adding to the cart then writes nothing to the database,
which on the embedded SQLite is the one writer every request queues behind. The
cookie is signed (tampering is refused) and holds only ids and quantities.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "cart"
SALT = "entrepot.cart"
MAX_LINES = 50
MAX_QUANTITY = 99
MAX_AGE = 30 * 24 * 3600


def cart_lines(request: HttpRequest) -> dict[int, int]:
    cached = getattr(request, "_cart", None)
    if cached is not None:
        return dict(cached)
    raw = request.get_signed_cookie(COOKIE, default="{}", salt=SALT, max_age=MAX_AGE)
    try:
        data = json.loads(raw)
        lines = {int(k): min(int(v), MAX_QUANTITY) for k, v in data.items() if int(v) > 0}
    except (ValueError, TypeError, AttributeError):
        lines = {}
    request._cart = lines
    return dict(lines)


def _store(request: HttpRequest, lines: dict[int, int]) -> None:
    request._cart = dict(list(lines.items())[:MAX_LINES])
    request._cart_dirty = True


def cart_set(request: HttpRequest, variant_id: int, quantity: int) -> None:
    lines = cart_lines(request)
    if quantity <= 0:
        lines.pop(variant_id, None)
    else:
        lines[variant_id] = min(quantity, MAX_QUANTITY)
    _store(request, lines)


def cart_add(request: HttpRequest, variant_id: int, quantity: int = 1) -> None:
    cart_set(request, variant_id, cart_lines(request).get(variant_id, 0) + quantity)


def cart_clear(request: HttpRequest) -> None:
    _store(request, {})


def cart_persist(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Write the changed cart into the response's cookie (or remove it when empty)."""
    if not getattr(request, "_cart_dirty", False):
        return response
    if request._cart:
        response.set_signed_cookie(
            COOKIE, json.dumps({str(k): v for k, v in request._cart.items()}), salt=SALT,
            max_age=MAX_AGE, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
        )  # fmt: skip
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
