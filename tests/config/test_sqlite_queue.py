"""The SQLite writers' queue: write transactions wait on a file lock, in turn, and wake
as soon as the one before them ends (not after SQLite's 1-2-5-10 ms busy sleeps)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from entrepot.config.sqlite_queue.base import DatabaseWrapper

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the queue is SQLite's"),
]


def test_the_embedded_default_uses_the_queue():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.transaction_mode == "IMMEDIATE"


def test_a_waiting_writer_starts_right_after_the_holder_commits_and_the_lock_is_dropped():
    held, started = threading.Event(), []

    def second_writer():
        with connection.cursor() as cursor:
            # without the queue, BEGIN IMMEDIATE would now fail at once: "database is locked"
            cursor.execute("PRAGMA busy_timeout = 0")
        held.wait(timeout=10)
        try:
            with transaction.atomic():
                started.append(time.perf_counter())
        finally:
            connections.close_all()

    other = threading.Thread(target=second_writer, daemon=True)
    other.start()
    with transaction.atomic():
        assert connection._writers_fd is not None  # the lock is held in a transaction
        held.set()
        time.sleep(0.15)
        committed = time.perf_counter()
    other.join(timeout=10)
    assert connection._writers_fd is None  # and dropped at commit
    # the waiter waited in the queue (not in SQLite's busy handler, switched off) and
    # started after the commit
    assert started and started[0] >= committed


def test_a_rolled_back_transaction_drops_the_lock_too():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert connection._writers_fd is not None
        raise RuntimeError("refused")
    assert connection._writers_fd is None
    with transaction.atomic():  # and the next transaction can take it again
        assert connection._writers_fd is not None
