"""Who is acting, and from where, for the audit records written while they act.

Pure Python (no Django import) so the CLI can set its actor before Django starts. The
middleware puts the request here; the CLI and tasks put a label ("cli:rates-import",
"system"). `audit_record` reads it when it writes, so a service needs no extra argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

USER_AGENT_MAX = 200
SYSTEM = "system"


@dataclass(frozen=True)
class Acting:
    """The request being served (its user is read lazily, at write time) or a label."""

    request: Any = None
    label: str = SYSTEM


_acting: ContextVar[Acting | None] = ContextVar("entrepot_audit_acting", default=None)


def current() -> Acting:
    return _acting.get() or Acting()


@contextmanager
def acting_as(label: str, *, request: Any = None) -> Iterator[None]:
    """Everything audited inside the block is attributed to `label` (or the request's user)."""
    token = _acting.set(Acting(request=request, label=label))
    try:
        yield
    finally:
        _acting.reset(token)
