"""Read replicas: which reads may go to a PostgreSQL streaming replica.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router.
Everything goes to the primary ("default") except the reads of selectors marked
replica-safe with `replica_reads` (a decorator, or a `with` block), and even those go
to the primary when

- they run inside a transaction (`transaction.atomic`): a transaction reads what it
  is about to write, and must see its own uncommitted rows;
- something was written earlier in the same request (or, outside requests, in the same
  thread): the request reads its own writes (`PrimaryPinMiddleware` starts every
  request unpinned).

A replica lags the primary by a little (milliseconds on one box, more across a
network), so only reads where "a few seconds old" is fine are marked: the operator's
analytics dashboard, for instance. A buyer's orders, cart, checkout and payment pages
are never marked: right after checkout the buyer reads the primary and sees the order.
Writes always go to the primary; PostgreSQL refuses writes on a replica anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

REPLICA = "replica"
F = TypeVar("F", bound=Callable[..., Any])

_replica_ok: ContextVar[bool] = ContextVar("entrepot_replica_ok", default=False)
_pinned: ContextVar[bool] = ContextVar("entrepot_primary_pinned", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """Where a replica-safe read made now goes: "replica" or "default"."""
    if (
        _replica_ok.get()
        and not _pinned.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def _replica_scope() -> Iterator[None]:
    token = _replica_ok.set(True)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def replica_reads(function: F) -> F:
    """Mark a selector replica-safe: its reads may come from the replica.

    A QuerySet it returns is bound to the database chosen when it was called, so that
    evaluating it later (in a template, say) reads the same database."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _replica_scope():
            result = function(*args, **kwargs)
            if isinstance(result, QuerySet) and result._db is None:
                result = result.using(read_alias())
        return result

    return wrapper  # type: ignore[return-value]


@contextmanager
def primary_pinned_scope() -> Iterator[None]:
    """A fresh "nothing written yet" state, e.g. for one request."""
    token = _pinned.set(False)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryPinMiddleware:
    """Each request starts unpinned; its first write pins its later reads to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with primary_pinned_scope():
            return self.get_response(request)


class ReplicaRouter:
    """Writes and migrations: the primary. Reads: see the module's docstring."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        _pinned.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
