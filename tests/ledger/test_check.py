"""ledger_check and `entrepot ledger check`: every transaction balances, totals are zero."""

import sqlite3
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry
from entrepot.ledger.selectors import ledger_check
from entrepot.ledger.services import post_payment_captured
from tests.cli import ENTREPOT
from tests.cli import cli_env as _env


def capture(number: str = "EP1"):
    return post_payment_captured(
        order_number=number,
        seller_id=7,
        order_total=Money("118.00", "CNY"),
        tax_withheld=Money("9.10", "CNY"),
    )


@pytest.mark.django_db
def test_a_clean_ledger_reports_ok_with_its_totals_and_escrow():
    capture("EP1")
    capture("EP2")
    report = ledger_check()
    assert report.ok
    assert (report.transactions, report.entries) == (2, 6)
    assert report.totals["CNY"].debits == Decimal("236.00")
    assert report.escrow == {"CNY": Money("217.80", "CNY")}
    summary = report.summary()
    assert "2 transactions, 6 entries" in summary
    assert "Escrow: 217.80 CNY" in summary
    assert summary.endswith("OK")


@pytest.mark.django_db
def test_a_corrupted_entry_is_reported_with_its_transaction_and_currency():
    posted = capture()
    # what a bad manual fix would do: one more debit, no matching credit
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LedgerEntry._meta.db_table} (transaction_id, account_kind, "
            "account_owner, currency, debit_amount, credit_amount, created_at) "
            "VALUES (%s, 'escrow', '', 'CNY', %s, %s, %s)",
            [posted.pk, "5.0000", "0", timezone.now()],
        )
    report = ledger_check()
    assert not report.ok
    [offender] = report.unbalanced
    assert (offender.transaction_id, offender.currency) == (posted.pk, "CNY")
    assert (offender.debits, offender.credits) == (Decimal("123"), Decimal("118"))
    problems = report.problems()
    assert f"transaction {posted.pk} (payment_captured, order:EP1) does not balance" in problems[0]
    assert "off by 5.0000" in problems[0]
    assert "all CNY entries do not add up to zero" in problems[1]
    assert "2 problems:" in report.summary()


@pytest.mark.django_db
def test_escrow_is_compared_with_the_unreleased_orders_when_they_are_given():
    capture()
    assert ledger_check(expected_escrow={"CNY": Decimal("108.90")}).ok
    report = ledger_check(expected_escrow={"CNY": Decimal("100.00"), "USD": Decimal("1")})
    assert [m.currency for m in report.escrow_mismatches] == ["CNY", "USD"]
    assert (
        "escrow holds 108.9000 CNY but unreleased orders add up to 100.0000 CNY (off by 8.9000)"
        in report.problems()
    )


def test_ledger_check_command_prints_ok_on_a_fresh_data_dir_and_fails_on_a_corrupt_ledger(
    tmp_path,
):
    result = subprocess.run(
        [*ENTREPOT, "ledger", "check"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Ledger: 0 transactions, 0 entries" in result.stdout
    assert result.stdout.rstrip().endswith("OK")

    with sqlite3.connect(tmp_path / "entrepot.sqlite3") as db:
        db.execute(
            "INSERT INTO ledger_ledgertransaction (kind, reference, idempotency_key, "
            "created_at, memo) VALUES ('manual', 'order:EP1', 'manual-1', '2026-11-02', '')"
        )
        db.execute(
            "INSERT INTO ledger_ledgerentry (transaction_id, account_kind, account_owner, "
            "currency, debit_amount, credit_amount, created_at) "
            "VALUES (1, 'escrow', '', 'CNY', '5', '0', '2026-11-02')"
        )
    result = subprocess.run(
        [*ENTREPOT, "ledger", "check"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "transaction 1 (manual, order:EP1) does not balance in CNY" in result.stdout
