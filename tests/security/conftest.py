"""Security checks: the API fuzzer and the authorization matrix.

Both tests count what they tried; the counts are printed at the end of every run (also
`make test`), so that a fuzzer that quietly generated nothing is seen.
"""

from __future__ import annotations

import pytest

from tests.conftest import count  # noqa: F401  (the tests of this folder import it here)


@pytest.fixture
def no_connection_closing():
    """Requests sent straight to the WSGI handler (not through Django's test client) would
    close the test's database connection at the end of each request, and with it the
    transaction the test runs in: keep it open, as the test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
