"""The cart: variant ids and quantities in the buyer's session (works before login)."""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "cart"
MAX_LINES = 50
MAX_QUANTITY = 99


def cart_lines(request: HttpRequest) -> dict[int, int]:
    raw = request.session.get(SESSION_KEY, {})
    return {int(k): int(v) for k, v in raw.items() if int(v) > 0}


def cart_set(request: HttpRequest, variant_id: int, quantity: int) -> None:
    lines = cart_lines(request)
    if quantity <= 0:
        lines.pop(variant_id, None)
    else:
        lines[variant_id] = min(quantity, MAX_QUANTITY)
    request.session[SESSION_KEY] = {str(k): v for k, v in list(lines.items())[:MAX_LINES]}


def cart_add(request: HttpRequest, variant_id: int, quantity: int = 1) -> None:
    cart_set(request, variant_id, cart_lines(request).get(variant_id, 0) + quantity)


def cart_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
