"""Fast bulk inserts for synthetic data: executemany over plain tuples.

`bulk_create` builds a model instance per row; at a million products that is most
of the time. Rows here are tuples in the model's concrete-field order with
explicit primary keys, adapted by the database backend's own value adapters, and
written in batches, each in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.management.color import no_style
from django.db import connection, models, transaction


class BulkWriter:
    def __init__(
        self,
        model: type[models.Model],
        *,
        batch_size: int = 5000,
        on_write: Callable[[int], None] | None = None,
        parent: BulkWriter | None = None,
    ) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.batch_size = batch_size
        self.on_write = on_write
        # rows here reference the parent's rows: the parent's batch must land first
        self.parent = parent
        self.written = 0
        self._rows: list[tuple] = []
        ops = connection.ops
        adapters = []
        for field in self.fields:
            if isinstance(field, models.DateTimeField):
                adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(field, models.DateField):
                adapters.append(ops.adapt_datefield_value)
            else:
                adapters.append(None)
        self._adapt = [(i, a) for i, a in enumerate(adapters) if a is not None]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"

    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    def add(self, row: tuple) -> None:
        if self._adapt:
            row = list(row)
            for index, adapt in self._adapt:
                row[index] = adapt(row[index])
            row = tuple(row)
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self.flush()

    def add_many(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if self.parent is not None:
            self.parent.flush()
        if not self._rows:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(self.sql, self._rows)
        self.written += len(self._rows)
        if self.on_write:
            self.on_write(len(self._rows))
        self._rows = []


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After explicit ids, move PostgreSQL sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
