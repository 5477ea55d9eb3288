"""ledger_post_many: the same guarantees as ledger_post, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepot.domain.ledger import Unbalanced
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.services import (
    IdempotencyKeyReused,
    Posting,
    ledger_post,
    ledger_post_many,
)
from tests.ledger.test_posting import capture

pytestmark = pytest.mark.django_db


def _postings(n: int, prefix: str = "many") -> list[Posting]:
    return [Posting(capture(), f"order:EP{i}", f"{prefix}-{i}") for i in range(n)]


def test_many_postings_write_the_same_rows_as_one_by_one_in_constant_queries():
    with CaptureQueriesContext(connection) as two:
        ledger_post_many(_postings(2, "two"))
    with CaptureQueriesContext(connection) as ten:
        posted = ledger_post_many(_postings(10))
    assert len(ten) == len(two)
    assert [t.reference for t in posted] == [f"order:EP{i}" for i in range(10)]
    assert LedgerEntry.objects.filter(transaction__in=posted).count() == 30
    for transaction in posted:
        debits = sum(e.debit_amount for e in transaction.entries.all())
        assert debits == sum(e.credit_amount for e in transaction.entries.all()) > 0


def test_a_repeat_writes_nothing_and_returns_what_was_posted_first():
    first = ledger_post(transaction=capture(), reference="order:EP0", idempotency_key="many-0")
    posted = ledger_post_many(_postings(3))
    assert posted[0].pk == first.pk
    assert LedgerTransaction.objects.count() == 3
    again = ledger_post_many(_postings(3))
    assert [t.pk for t in again] == [t.pk for t in posted]
    assert LedgerTransaction.objects.count() == 3


def test_a_key_reused_for_other_entries_or_one_unbalanced_posting_writes_nothing():
    ledger_post(transaction=capture("50.00", "1.00"), reference="order:EP1",
                idempotency_key="many-1")  # fmt: skip
    with pytest.raises(IdempotencyKeyReused):
        ledger_post_many(_postings(3))
    assert LedgerTransaction.objects.count() == 1
    lopsided = capture()
    object.__setattr__(lopsided, "postings", lopsided.postings[:2])
    with pytest.raises(Unbalanced):
        ledger_post_many([Posting(capture(), "order:EP9", "many-9"),
                          Posting(lopsided, "order:EP8", "many-8")])  # fmt: skip
    assert LedgerTransaction.objects.count() == 1


def test_the_same_key_twice_in_one_call_is_refused():
    with pytest.raises(ValueError, match="same idempotency key twice"):
        ledger_post_many([Posting(capture(), "order:EP1", "k"),
                          Posting(capture(), "order:EP2", "k")])  # fmt: skip
