"""One migrated PostgreSQL database per test session, copied (CREATE DATABASE ...
TEMPLATE) into entrepot_topology for each test that needs one: migrating takes longer
than copying."""

from __future__ import annotations

import pytest

from tests.topology.support import (
    DATABASE,
    django_env,
    drop_database,
    fresh_database,
    postgres_url,
    redis_url,
    run_entrepot,
)

TEMPLATE = f"{DATABASE}_template"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """The name of a database with every migration applied (dropped at the end)."""
    server = postgres_url()
    url = fresh_database(server, name=TEMPLATE)
    env = django_env(tmp_path_factory.mktemp("template"), url, redis_url())
    try:
        run_entrepot(env, "manage", "migrate", "--no-input", "-v0")
        yield TEMPLATE
    finally:
        drop_database(server, TEMPLATE)
