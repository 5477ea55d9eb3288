"""Plain SQL for the few statements on the checkout's and the payment's hot path where
the ORM spent more time compiling than the database spent running (see
docs/performance.md). Only simple shapes; everything else stays in the ORM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import connection
from django.db.models import Model


def _value(value: object) -> object:
    """A column value as the ORM would send it (SQLite keeps datetimes as UTC text)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def update_where(
    model: type[Model], changes: Mapping[str, object], where: str, params: Sequence
) -> int:
    """UPDATE `model`'s table SET `changes` (field name -> text, number, None or an aware
    datetime) WHERE `where` (SQL on column names, %s placeholders, `params`); the number
    of rows changed. A conditional WHERE makes it a compare-and-set, as .update() is."""
    meta = model._meta
    columns = ", ".join(f"{meta.get_field(name).column} = %s" for name in changes)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {meta.db_table} SET {columns} WHERE {where}",
            [*(_value(v) for v in changes.values()), *(_value(p) for p in params)],
        )
        return cursor.rowcount


def placeholders(values: Sequence) -> str:
    """ "%s, %s, %s" for an IN list of `values` (never empty: the caller checks)."""
    return ", ".join(["%s"] * len(values))
