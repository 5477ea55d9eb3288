"""Django side of the read-replica test, run in a subprocess with DATABASE_URL (the
primary) and DATABASE_REPLICA_URL (its streaming replica). Prints one line of JSON:
where each kind of read and write went, and what each server said it was."""

from __future__ import annotations

import json
import sys
import time
from datetime import date


def _recovery(alias: str) -> bool:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def _queries(function) -> tuple[object, dict[str, int]]:
    """Call function; how many queries it sent to each database."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        result = function()
    return result, {"default": len(primary), "replica": len(replica)}


def main() -> int:
    import django

    django.setup()
    from django.db import connections, router, transaction

    from entrepot.analytics.selectors import Filters, dashboard
    from entrepot.catalog.models import Category
    from entrepot.config.db_router import primary_pinned_scope, replica_reads

    answer: dict[str, object] = {
        "recovery": {"default": _recovery("default"), "replica": _recovery("replica")}
    }
    filters = Filters(start=date(2026, 11, 1), end=date(2026, 11, 27))

    # 1. a write on the primary appears on the replica
    with primary_pinned_scope():
        category = Category.objects.create(slug="replica-probe", name_en="Probe", name_zh="探针")
    started = time.monotonic()
    seen = False
    while time.monotonic() - started < 15 and not seen:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT 1 FROM catalog_category WHERE id = %s", [category.pk])
            seen = cursor.fetchone() is not None
        if not seen:
            time.sleep(0.05)
    answer["write_seen_on_replica"] = seen
    answer["replication_lag_ms"] = round((time.monotonic() - started) * 1000, 1)

    # 2. a marked selector reads the replica; an unmarked read stays on the primary
    with primary_pinned_scope():
        board, answer["dashboard"] = _queries(lambda: dashboard(filters))
        answer["dashboard_ok"] = board.filters == filters
        _rows, answer["unmarked_read"] = _queries(lambda: list(Category.objects.all()))
        marked = replica_reads(lambda: Category.objects.filter(slug="replica-probe"))
        rows = marked()
        answer["marked_queryset_alias"] = rows.db
        answer["marked_row_state_db"] = rows.get()._state.db

    # 3. inside a transaction, and after a write in the same request, the primary
    with primary_pinned_scope():
        with transaction.atomic():
            _board, answer["dashboard_in_transaction"] = _queries(lambda: dashboard(filters))
    with primary_pinned_scope():
        Category.objects.filter(pk=category.pk).update(name_en="Probe 2")
        _board, answer["dashboard_after_write"] = _queries(lambda: dashboard(filters))

    # 4. writes go to the primary, also from a replica-safe selector
    answer["db_for_write"] = router.db_for_write(Category)

    @replica_reads
    def write_inside_marked():
        return Category.objects.create(slug="written-inside", name_en="W", name_zh="写")

    with primary_pinned_scope():
        written, answer["write_inside_marked"] = _queries(write_inside_marked)
    answer["written_state_db"] = written._state.db
    # and the replica itself refuses any write
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("UPDATE catalog_category SET name_en = 'x' WHERE id = %s", [category.pk])
        answer["replica_refused_write"] = ""
    except Exception as exc:  # the error PostgreSQL gives, reported
        answer["replica_refused_write"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
