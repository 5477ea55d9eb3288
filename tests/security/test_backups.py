"""`entrepot backup` and `entrepot restore`: a marketplace with orders, payments, ledger
postings, payouts and pictures, backed up and restored into a fresh data directory (and,
on PostgreSQL, a fresh database), where `entrepot ledger check` passes with the same
balance on every account."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from PIL import Image

from entrepot import backups
from entrepot.buyers import vault
from entrepot.catalog.images import image_add
from entrepot.cli import main
from entrepot.ledger.models import LedgerEntry
from entrepot.ledger.services import post_payout
from entrepot.orders.services import order_confirm_receipt, order_transition
from tests import factories
from tests.cli import ENTREPOT, cli_env
from tests.customs import helpers

RESTORE_DB = "entrepot_hardening_restore"
PII_KEY = Fernet.generate_key().decode()


@pytest.fixture
def source(settings, tmp_path):
    """The backed-up marketplace's data directory and media (the test database is its
    database); its ID numbers are encrypted with PII_KEY from ENTREPOT_PII_KEYS."""
    data_dir = tmp_path / "source"
    (data_dir / "media").mkdir(parents=True)
    (data_dir / "secret_key").write_text("source secret key " * 4)
    (data_dir / "payment_sandbox_secret").write_text("sandbox secret")
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "media"
    settings.ENTREPOT_PII_KEYS = [PII_KEY]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    vault.reset()
    yield data_dir
    vault.reset()


def _marketplace() -> None:
    """Paid orders (real checkout and payment), two of them completed (escrow released),
    a payout to their seller, a refundless open one, and a product picture."""
    from entrepot.pricing.positive_list import positive_list_load_sample

    factories.rates()
    factories.rates(timezone.localdate())  # payouts convert at today's rates
    positive_list_load_sample()
    seller = factories.seller(verification_status="approved")
    item = helpers.variant(seller, price="59.00", stock=50)
    buyer = helpers.cn_buyer()
    orders = [helpers.paid_order(seller=seller, buyer=buyer, item=item) for _ in range(4)]
    for order in orders[:2]:
        for event in ("declare", "clear", "ship", "deliver"):
            order = order_transition(order=order, event=event)
        order_confirm_receipt(order=order)
    assert post_payout(seller=seller, on=timezone.localdate()).posted
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(picture, "PNG")
    image_add(product=item.product, upload=SimpleUploadedFile("p.png", picture.getvalue()))


def _balances_here() -> dict[tuple[str, str, str], Decimal]:
    rows = LedgerEntry.objects.values("account_kind", "account_owner", "currency").annotate(
        debit=Sum("debit_amount"), credit=Sum("credit_amount")
    )
    return {
        (r["account_kind"], r["account_owner"], r["currency"]): (r["debit"] - r["credit"])
        for r in rows
    }


BALANCES_SQL = (
    "SELECT account_kind, account_owner, currency, SUM(debit_amount), SUM(credit_amount) "
    "FROM ledger_ledgerentry GROUP BY account_kind, account_owner, currency"
)
COUNTS_SQL = (
    "SELECT (SELECT count(*) FROM orders_order), (SELECT count(*) FROM payments_payment), "
    "(SELECT count(*) FROM ledger_ledgertransaction), "
    "(SELECT count(*) FROM ledger_ledgertransaction WHERE kind = 'payout')"
)


def _counts_here() -> tuple[int, int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL)
        return tuple(cursor.fetchone())


def _query(env: dict, data_dir: Path, sql: str) -> list[tuple]:
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as db:
            return db.execute(sql).fetchall()
    with contextlib.closing(sqlite3.connect(data_dir / "entrepot.sqlite3")) as db:
        return db.execute(sql).fetchall()


def _balances_there(env: dict, data_dir: Path) -> dict[tuple[str, str, str], Decimal]:
    return {
        (kind, owner, currency): Decimal(str(debit)) - Decimal(str(credit))
        for kind, owner, currency, debit, credit in _query(env, data_dir, BALANCES_SQL)
    }


def _entrepot(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([*ENTREPOT, *args], env=env, capture_output=True, text=True, timeout=180)


@contextlib.contextmanager
def _target_env(tmp_path: Path):
    """A fresh data directory and, on PostgreSQL, a fresh database to restore into."""
    target = tmp_path / "restored"
    env = cli_env(target)
    env["ENTREPOT_PII_KEYS"] = PII_KEY
    env["ENTREPOT_PII_INDEX_KEY"] = "index key for tests"
    if connection.vendor != "postgresql":
        yield target, env
        return
    import psycopg

    params = connection.settings_dict
    admin = f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}"
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
        db.execute(f"CREATE DATABASE {RESTORE_DB}")
    env["DATABASE_URL"] = f"{admin}/{RESTORE_DB}"
    try:
        yield target, env
    finally:
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_passes_the_ledger_check_with_the_same_balances(source, tmp_path, capsys):
    _marketplace()
    balances = _balances_here()
    counts = _counts_here()
    assert counts[0] == 4 and counts[1] == 4 and counts[3] == 1  # orders, payments, payout
    archive = tmp_path / "market.tar"

    started = time.perf_counter()
    assert main(["backup", "-o", str(archive)]) == 0
    backup_seconds = time.perf_counter() - started
    said = capsys.readouterr().out
    assert f"Backup written to {archive}" in said and "media: 3 files" in said
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds keys
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert {"data/secret_key", "data/payment_sandbox_secret", "manifest.json"} <= names
    assert manifest["database"]["engine"] == ("postgresql" if connection.vendor ==
                                              "postgresql" else "sqlite")  # fmt: skip
    assert manifest["pii_keys"]["source"] == "environment"

    with _target_env(tmp_path) as (target, env):
        started = time.perf_counter()
        restored = _entrepot("restore", str(archive), "--data-dir", str(target), env=env)
        restore_seconds = time.perf_counter() - started
        assert restored.returncode == 0, restored.stderr
        assert "media: 3 files" in restored.stdout and "warning" not in restored.stdout
        checked = _entrepot("ledger", "check", env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.rstrip().endswith("OK")
        assert _balances_there(env, target) == balances
        assert tuple(_query(env, target, COUNTS_SQL)[0]) == counts
        assert (target / "secret_key").read_text() == (source / "secret_key").read_text()
        pictures = sorted(p.name for p in (target / "media").rglob("*.jpg"))
        assert len(pictures) == 3
        # restoring again over what is there is refused, and nothing is changed
        again = _entrepot("restore", str(archive), "--data-dir", str(target), env=env)
        assert again.returncode == 2
        assert "the target is not empty" in again.stderr and "--force" in again.stderr
        forced = _entrepot("restore", str(archive), "--data-dir", str(target), "--force", env=env)
        assert forced.returncode == 0, forced.stderr
        assert "replaced: the database" in forced.stdout
        assert _entrepot("ledger", "check", env=env).returncode == 0
    print(
        f"\nbackup {archive.stat().st_size:,} bytes in {backup_seconds:.2f} s; "
        f"restore {restore_seconds:.2f} s (subprocess)"
    )


@pytest.mark.django_db(transaction=True)
def test_a_restore_without_the_pii_key_warns_that_the_id_numbers_cannot_be_read(source, tmp_path):
    factories.rates()
    helpers.cn_buyer()  # an encrypted resident ID number
    archive = tmp_path / "b.tar"
    assert main(["backup", "-o", str(archive)]) == 0
    with _target_env(tmp_path) as (target, env):
        del env["ENTREPOT_PII_KEYS"]
        restored = _entrepot("restore", str(archive), "--data-dir", str(target), env=env)
        assert restored.returncode == 0, restored.stderr
        assert "warning: the backed-up ID numbers were encrypted with ENTREPOT_PII_KEYS" in (
            restored.stdout
        )


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(tmp_path):
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    target = tmp_path / "target"
    result = _entrepot("restore", str(foreign), "--data-dir", str(target), env=cli_env(target))
    assert result.returncode == 2
    assert "is not an Entrepôt backup" in result.stderr
    assert not (target / "entrepot.sqlite3").exists()

    # a real archive whose database bytes were changed: the checksum catches it
    db = tmp_path / "source.sqlite3"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    good = tmp_path / "good.tar"
    backups.backup_create(
        good, database={"ENGINE": "django.db.backends.sqlite3", "NAME": db},
        data_dir=tmp_path / "nodata", media_root=tmp_path / "nomedia",
    )  # fmt: skip
    bad = tmp_path / "bad.tar"
    with tarfile.open(good) as src, tarfile.open(bad, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == backups.SQLITE_MEMBER:
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore_from(
            bad, database={"ENGINE": "django.db.backends.sqlite3", "NAME": target / "x.db"},
            data_dir=target, media_root=target / "media",
        )  # fmt: skip
    assert not (target / "x.db").exists()


def test_a_sqlite_backup_taken_while_a_writer_commits_is_one_consistent_snapshot(tmp_path):
    """Each writer transaction inserts a +5 and a -5 row; any snapshot sums to zero per
    transaction and holds whole transactions only."""
    db = tmp_path / "live.sqlite3"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE entry (tx INTEGER, amount INTEGER, pad TEXT)")
        conn.executemany(
            "INSERT INTO entry VALUES (?, ?, ?)",
            [(i // 2, 5 if i % 2 else -5, "x" * 200) for i in range(40_000)],
        )
        conn.commit()
    stop = threading.Event()
    written = []

    def write() -> None:
        with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
            tx = 100_000
            while not stop.is_set():
                with conn:
                    conn.execute("INSERT INTO entry VALUES (?, 5, 'w')", (tx,))
                    conn.execute("INSERT INTO entry VALUES (?, -5, 'w')", (tx,))
                tx += 1
            written.append(tx - 100_000)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.05)
        copies = []
        for n in range(3):
            copy = tmp_path / f"copy{n}.sqlite3"
            backups._sqlite_copy(db, copy)
            copies.append(copy)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert written and written[0] > 0
    for copy in copies:
        with contextlib.closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            odd = conn.execute(
                "SELECT count(*) FROM (SELECT tx FROM entry GROUP BY tx "
                "HAVING sum(amount) != 0 OR count(*) != 2)"
            ).fetchone()[0]
            assert odd == 0
            assert conn.execute("SELECT count(*) FROM entry").fetchone()[0] >= 40_000


def test_pg_binaries_are_found_on_this_machine():
    for name in ("pg_dump", "pg_restore"):
        found = backups.pg_binary(name)
        assert Path(found).name == name and os.access(found, os.X_OK)


def test_a_backup_of_an_engine_it_does_not_know_is_refused(tmp_path):
    with pytest.raises(backups.BackupError, match="SQLite and PostgreSQL, not"):
        backups.backup_create(
            tmp_path / "x.tar.gz", database={"ENGINE": "django.db.backends.mysql", "NAME": "m"},
            data_dir=tmp_path, media_root=tmp_path,
        )  # fmt: skip
