"""Writes of the audit trail: `audit_record` and its bulk form `audit_records`.

Call them inside the transaction of the change they record: the row commits or rolls back
with it. Who acted comes from entrepot.audit.context (the request's user, or the CLI's or
a task's label); a service may name an actor for work without a user ("system:auto-confirm").

Details never keep secrets: keys that name one are dropped to "[removed]", and resident
ID numbers inside any text are masked with the log filter's masking (110105********002X).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from entrepot.audit.context import SYSTEM, USER_AGENT_MAX, current
from entrepot.audit.models import AuditRecord
from entrepot.buyers.logfilter import redact_resident_ids

# a detail whose key contains one of these is never stored
SECRET_KEYS = ("password", "id_number", "secret", "token", "encrypted", "api_key", "signature")
REMOVED = "[removed]"
TEXT_MAX = 300
# names the operator page filters by; a model not listed is named by its model_name
TARGET_TYPES = {
    "orders.order": "order",
    "catalog.product": "listing",
    "sellers.seller": "seller",
    "buyers.buyer": "buyer",
    "ledger.commissionrate": "commission_rate",
    "pricing.exchangerate": "fx_rate",
    "pricing.positivelistline": "positive_list",
}

Target = models.Model | tuple[str, object]


@dataclass(frozen=True)
class _Who:
    actor: str
    user_id: int | None
    ip: str | None
    user_agent: str


def target_of(target: Target) -> tuple[str, str]:
    """(type, id) of a model instance or of a ("type", id) pair."""
    if isinstance(target, models.Model):
        label = target._meta.label_lower
        return TARGET_TYPES.get(label, target._meta.model_name), str(target.pk)
    kind, ident = target
    return str(kind)[:40], str(ident)[:64]


def clean_details(value: Any, *, key: str = "") -> Any:
    """`value` fit for the audit trail: secrets removed, ID numbers masked, JSON only."""
    if any(word in key.lower() for word in SECRET_KEYS):
        return REMOVED
    if isinstance(value, Mapping):
        return {str(k): clean_details(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean_details(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    return redact_resident_ids(str(value))[:TEXT_MAX]


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _who(actor: str | None) -> _Who:
    acting = current()
    request = acting.request
    ip, agent = None, ""
    if request is not None:
        ip = _ip(request.META.get("REMOTE_ADDR", ""))
        agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return _Who(user.get_username()[:150], user.pk, ip, agent)
    named = actor if actor and actor != SYSTEM else acting.label
    return _Who((named or SYSTEM)[:150], None, ip, agent)


def _record(who: _Who, action: str, target: Target, details: Mapping | None) -> AuditRecord:
    kind, ident = target_of(target)
    return AuditRecord(
        actor=who.actor, actor_user_id=who.user_id, ip=who.ip, user_agent=who.user_agent,
        action=action[:40], target_type=kind, target_id=ident,
        details=clean_details(details or {}),
    )  # fmt: skip


def audit_record(
    *, action: str, target: Target, details: Mapping | None = None, actor: str | None = None
) -> AuditRecord:
    """Record one action on one object (one INSERT)."""
    record = _record(_who(actor), action, target, details)
    record.save(force_insert=True)
    return record


def audit_records(
    *, action: str, items: Iterable[tuple[Target, Mapping | None]], actor: str | None = None
) -> list[AuditRecord]:
    """Record one action on several objects, each with its details, in one INSERT (hot
    paths: a payment's orders). Nothing is written for no items."""
    who = _who(actor)
    records = [_record(who, action, target, details) for target, details in items]
    return AuditRecord.objects.bulk_create(records) if records else []
