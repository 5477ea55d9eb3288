"""Plain SQL for the few statements on the checkout's and the payment's hot path where
the ORM spent more time compiling than the database spent running (see
docs/performance.md). Only simple shapes; everything else stays in the ORM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Model


def db_value(value: object) -> object:
    """A parameter as the ORM would send it (SQLite keeps datetimes as UTC text)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


_AMOUNT_PLACES = Decimal("0.0001")


def stored_amount(value) -> Decimal:
    """A read money column (4 places) as the ORM gives it: SQLite hands DECIMAL back as a
    float or an int, PostgreSQL as a Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(_AMOUNT_PLACES)


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
            [*(db_value(v) for v in changes.values()), *(db_value(p) for p in params)],
        )
        return cursor.rowcount


def placeholders(values: Sequence) -> str:
    """ "%s, %s, %s" for an IN list of `values` (never empty: the caller checks)."""
    return ", ".join(["%s"] * len(values))
