"""After a buyer verifies, the clear ID number is nowhere: pages, logs, database."""

import logging
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepot.buyers.logfilter import RedactResidentIds
from entrepot.buyers.models import BuyerIdentity
from entrepot.domain.resident_id import check_character, mask_resident_id
from tests import factories

# not one of the documented examples, which other tests may store on purpose (the file
# check below would then find their bytes in freed pages)
NUMBER = "44030519870623417" + check_character("44030519870623417")
MASKED = mask_resident_id(NUMBER)


@pytest.fixture
def redacted_caplog(caplog):
    """caplog at DEBUG everywhere (SQL with its parameters too), through the filter."""
    redact = RedactResidentIds()
    caplog.handler.addFilter(redact)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    yield caplog
    caplog.handler.removeFilter(redact)


def _all_stored_text() -> str:
    """Every value of every row of every table, as text (works on SQLite and PostgreSQL)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    chunks.append(str(value))
    return "\n".join(chunks)


def _database_files() -> list[Path]:
    if connection.vendor != "sqlite":
        return []
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return []
    return [
        path for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-journal")) if path.exists()
    ]


@pytest.mark.urls("tests.buyers.urls_for_tests")
@pytest.mark.django_db(transaction=True)
def test_clear_id_number_is_in_no_page_log_or_database_byte(client, redacted_caplog):
    factories.rates()
    seller = factories.seller()
    factories.product(seller=seller, category=factories.category())
    buyer = factories.buyer()
    client.force_login(buyer.user)

    with CaptureQueriesContext(connection):  # SQL and its parameters logged at DEBUG
        bad = client.post(
            "/account/identity/", {"name": "王芳", "id_number": NUMBER[:-1] + "0", "consent": "on"}
        )
        verified = client.post(
            "/account/identity/", {"name": "王芳", "id_number": NUMBER, "consent": "on"}
        )
        pages = {url: client.get(url) for url in ("/account/identity/", "/")}
    assert verified.status_code == 302
    identity = BuyerIdentity.objects.get(buyer=buyer)
    assert identity.id_number_masked == MASKED

    # (a) every page the buyer opened, with headers and cookies
    for response in [bad, verified, *pages.values()]:
        assert response.status_code in (200, 302)
        for text in (response.content.decode(), str(response.headers), str(response.cookies)):
            assert NUMBER not in text.upper()
    assert MASKED in pages["/account/identity/"].content.decode()

    # (b) the logs: including a line that names the number on purpose
    logging.getLogger("entrepot.tests").warning("buyer typed %s", NUMBER)
    logging.getLogger("entrepot.tests").error(f"payer {NUMBER.lower()} refused")
    assert "buyer typed " + MASKED in redacted_caplog.text
    assert 'INSERT INTO "buyers_buyeridentity"' in redacted_caplog.text  # SQL captured
    assert NUMBER not in redacted_caplog.text.upper()
    assert all(NUMBER not in r.getMessage().upper() for r in redacted_caplog.records)

    # (c) the database: every stored value, and on SQLite the raw file bytes
    assert identity.id_number_fingerprint in _all_stored_text()
    assert NUMBER not in _all_stored_text().upper()
    for session in Session.objects.all():
        assert NUMBER not in str(session.get_decoded()).upper()
    files = _database_files()
    connection.close()  # checkpoints the WAL into the file
    for path in files:
        if path.exists():
            raw = path.read_bytes()
            assert NUMBER.encode() not in raw
            assert NUMBER.encode("utf-16-le") not in raw
    if connection.vendor == "sqlite" and files:
        assert any(MASKED.encode() in p.read_bytes() for p in files if p.exists())
