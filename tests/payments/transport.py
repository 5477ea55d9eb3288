"""A sandbox transport for tests (ENTREPOT_PAYMENT_SANDBOX_TRANSPORT): delivers through
Django's test client instead of HTTP, and records every attempt."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.test import Client

# (url, body, headers) of every attempt, in order
attempts: list[tuple[str, bytes, dict[str, str]]] = []
# answers to give instead of delivering, first come first served (a receiver that is down)
refusals: list[int] = []


def reset() -> None:
    attempts.clear()
    refusals.clear()


def deliver(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    attempts.append((url, body, dict(headers)))
    if refusals:
        return refusals.pop(0)
    extra = {name: value for name, value in headers.items() if name != "Content-Type"}
    response = Client().post(
        urlsplit(url).path, data=body, content_type=headers["Content-Type"], headers=extra
    )
    return response.status_code
