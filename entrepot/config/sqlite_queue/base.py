"""SQLite whose writers queue on a file lock instead of polling (the embedded default).

With IMMEDIATE transactions only one connection writes at a time. When a second one
finds the database locked, SQLite's busy handler sleeps and retries: 1, 2, 5, 10, 15,
20, 25 ms... so a checkout that waits for a 2 ms transaction of the other web worker
loses 3 ms or more doing nothing, while the CPU idles. Here every write transaction
first takes an exclusive flock(2) on `<database>.writers` (one file per database,
shared by every process and thread on the machine): a waiter sleeps in the kernel and
wakes the moment the holder commits, rolls back, closes, or dies (the kernel drops the
lock of a killed process, so a crash never leaves the queue stuck).

Reads never take the lock (WAL lets them run beside the writer). A single write
statement outside `atomic` still meets SQLite's own busy handler, as before; the
handler's timeout ("timeout" in OPTIONS) still bounds how long such a statement waits.
A transaction that holds the lock for minutes blocks the other writers as long: that is
a bug to fix where it happens, as it would be without the queue.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd: int | None = None

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.transaction_mode is None or self.is_in_memory_db() or not name:
            return None
        return f"{name}.writers"

    def _queue_enter(self) -> None:
        path = self._queue_path()
        if path is None or self._writers_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        except BaseException:
            os.close(fd)
            raise
        self._writers_fd = fd

    def _queue_leave(self) -> None:
        fd, self._writers_fd = self._writers_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops its lock

    def _start_transaction_under_autocommit(self):
        self._queue_enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._queue_leave()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._queue_leave()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._queue_leave()
