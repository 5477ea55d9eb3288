"""Reads of the audit trail for the operator page: filters and keyset pages, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from entrepot.audit.models import AuditRecord

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    target_type: str = ""
    target_id: str = ""
    actor: str = ""
    action: str = ""
    day_from: date | None = None
    day_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    # the id to pass as `before` for the next (older) page, or None on the last page
    next_before: int | None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def audit_page(
    *, where: AuditFilter, before: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """One page of records matching `where`, with ids below `before`: one query whatever
    the page (keyset pagination, no OFFSET), served by the indexes of AuditRecord."""
    records = AuditRecord.objects.all()
    if where.target_type:
        records = records.filter(target_type=where.target_type)
    if where.target_id:
        records = records.filter(target_id=where.target_id)
    if where.actor:
        records = records.filter(actor=where.actor)
    if where.action:
        records = records.filter(action=where.action)
    if where.day_from:
        records = records.filter(created_at__gte=_start_of(where.day_from))
    if where.day_to:
        records = records.filter(created_at__lt=_start_of(where.day_to + timedelta(days=1)))
    if before is not None:
        records = records.filter(id__lt=before)
    page = list(records.order_by("-id")[: size + 1])
    more = len(page) > size
    page = page[:size]
    return AuditPage(page, page[-1].id if more else None)


def audit_of(*, target_type: str, target_id: object, limit: int = 100) -> list[AuditRecord]:
    """The newest records of one object (for tests and object pages)."""
    return list(
        AuditRecord.objects.filter(target_type=target_type, target_id=str(target_id)).order_by(
            "-id"
        )[:limit]
    )
