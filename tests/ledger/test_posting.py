"""ledger_post: balanced, atomic, append-only and idempotent on its key."""

import threading
import time

import pytest
from django.db import connection
from django.db.transaction import atomic

from entrepot.domain.ledger import (
    Account,
    AccountKind,
    Posting,
    Transaction,
    Unbalanced,
    payment_captured,
)
from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.services import IdempotencyKeyReused, NotStorable, ledger_post


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def capture(total: str = "118.00", tax: str = "9.10") -> Transaction:
    return payment_captured(order_total=cny(total), tax_withheld=cny(tax), seller_id=7)


@pytest.mark.django_db
def test_posting_writes_one_transaction_with_balanced_entries():
    posted = ledger_post(transaction=capture(), reference="order:EP1", idempotency_key="k1")
    entries = list(
        posted.entries.values_list("account_kind", "currency", "debit_amount", "credit_amount")
    )
    assert sorted(entries) == sorted(
        [
            ("buyer_clearing", "CNY", 0, cny("118.00").amount),
            ("escrow", "CNY", cny("108.90").amount, 0),
            ("customs_tax_withheld", "CNY", cny("9.10").amount, 0),
        ]
    )
    assert sum(debit for *_, debit, _credit in entries) == sum(c for *_, c in entries)
    assert (posted.kind, posted.reference) == ("payment_captured", "order:EP1")
    assert all(e.created_at == posted.created_at for e in posted.entries.all())


@pytest.mark.django_db
def test_an_unbalanced_transaction_is_refused_naming_its_currencies_and_writes_nothing():
    lopsided = Transaction(
        "manual",
        (
            Posting(Account(AccountKind.ESCROW, "CNY"), debit=cny("10.00")),
            Posting(Account(AccountKind.BUYER_CLEARING, "CNY"), credit=cny("9.99")),
            Posting(Account(AccountKind.FX, "USD"), credit=Money("2.00", "USD")),
        ),
    )
    with pytest.raises(Unbalanced, match=r"CNY debits 10.00 != credits 9.99.*USD debits 0"):
        ledger_post(transaction=lopsided, reference="manual:1", idempotency_key="k-bad")
    assert not LedgerTransaction.objects.exists()
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_reposting_with_the_same_key_writes_nothing_and_returns_the_first_posting():
    first = ledger_post(transaction=capture(), reference="order:EP1", idempotency_key="k1")
    again = ledger_post(transaction=capture(), reference="order:EP1", idempotency_key="k1")
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert LedgerEntry.objects.count() == 3


@pytest.mark.django_db
def test_reusing_a_key_for_different_entries_is_refused():
    ledger_post(transaction=capture(), reference="order:EP1", idempotency_key="k1")
    with pytest.raises(IdempotencyKeyReused, match="'k1' was already used"):
        ledger_post(transaction=capture("200.00"), reference="order:EP1", idempotency_key="k1")
    assert LedgerEntry.objects.count() == 3


@pytest.mark.django_db
def test_an_amount_finer_than_four_decimal_places_is_refused_before_anything_is_written():
    with pytest.raises(NotStorable, match="4 decimal places"):
        ledger_post(
            transaction=capture("118.00005", "0"), reference="order:EP1", idempotency_key="k1"
        )
    assert not LedgerTransaction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_the_same_key_record_one_transaction():
    """The threads find no posting yet (ours is not committed), then each insert meets
    the unique key once ours commits: every one returns the posting that won."""
    results, errors = [], []

    def post() -> None:
        try:
            posted = ledger_post(
                transaction=capture(), reference="order:EP1", idempotency_key="same-key"
            )
            results.append(posted.pk)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=post) for _ in range(6)]
    with atomic():
        first = ledger_post(
            transaction=capture(), reference="order:EP1", idempotency_key="same-key"
        )
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # let them look for the key and queue on the write
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert results == [first.pk] * 6
    assert LedgerTransaction.objects.count() == 1
    assert LedgerEntry.objects.count() == 3
