"""Succeeded handlers for tests, named in ENTREPOT_PAYMENT_SUCCEEDED_HANDLER."""

from __future__ import annotations

# payment ids, one per call
calls: list[int] = []
# how many more calls of `fail_once` raise
failures_left = [0]


def count(*, payment) -> None:
    calls.append(payment.pk)


def fail_once(*, payment) -> None:
    """Raises the first time (like a ledger write hitting a bug), then counts."""
    if failures_left[0]:
        failures_left[0] -= 1
        raise RuntimeError("the orders side failed")
    calls.append(payment.pk)
