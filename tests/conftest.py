"""Shared fixtures. Tests under tests/domain stay free of Django: they get none of this."""

import pytest


@pytest.fixture(autouse=True)
def _django_test_defaults(request):
    if "domain" in request.node.path.parts:
        yield
        return
    from django.core.cache import cache
    from django.utils import translation

    # PBKDF2 at production strength costs ~0.3 s per user; tests create hundreds.
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # cached rate tables and pages must not leak from one test into the next
    cache.clear()
    # Code running outside a request (services, tasks, the CLI) speaks English, the
    # operators' and sellers' language; a request still picks its own by area.
    with translation.override("en"):
        yield
    cache.clear()


# what the long checks tried (cases fuzzed, endpoints x roles, kills survived, state
# machine steps): label -> count, printed at the end of every run, `make test` included,
# so that a check that quietly tried nothing is seen
COUNTS: dict[str, int] = {}


def count(label: str, n: int) -> None:
    COUNTS[label] = COUNTS.get(label, 0) + n


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if COUNTS:
        terminalreporter.section("what the checks tried")
        for label, n in COUNTS.items():
            terminalreporter.write_line(f"{label}: {n:,}")


def pytest_report_header(config):
    """Say which database and cache this run really used (CI runs SQLite and PostgreSQL)."""
    from django.conf import settings

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"entrepot: database={db} cache={cache}"
