"""The read-replica router's rules, without a replica: which alias each read and write
would use. (tests/topology/test_read_replica.py proves them against a real streaming
replica.) Runs in every test run, SQLite included."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connections

from entrepot.catalog.models import Category
from entrepot.config import db_router
from entrepot.config.db_router import (
    PrimaryPinMiddleware,
    ReplicaRouter,
    primary_pinned_scope,
    read_alias,
    replica_reads,
)
from tests.topology.support import ROOT

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (no query runs in these tests)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


@replica_reads
def marked_alias() -> str:
    return read_alias()


@replica_reads
def marked_queryset():
    return Category.objects.filter(slug="x")


def test_without_a_replica_every_read_goes_to_the_primary():
    with primary_pinned_scope():
        assert marked_alias() == "default"
        assert marked_queryset().db == "default"
        assert router.db_for_read(Category) == "default"


def test_only_reads_of_marked_selectors_go_to_the_replica(with_replica):
    with primary_pinned_scope():
        assert router.db_for_read(Category) == "default"
        assert marked_alias() == "replica"
        # a queryset the selector returns stays on the replica when evaluated later
        assert marked_queryset().db == "replica"
        assert router.db_for_read(Category) == "default"


def test_reads_inside_a_transaction_go_to_the_primary(with_replica, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    with primary_pinned_scope():
        assert marked_alias() == "default"


def test_after_a_write_the_rest_of_the_request_reads_the_primary(with_replica):
    seen = []

    def view(request):
        seen.append(marked_alias())
        assert router.db_for_write(Category) == "default"  # e.g. the order is saved
        seen.append(marked_alias())
        return "response"

    middleware = PrimaryPinMiddleware(view)
    assert middleware(object()) == "response"
    assert seen == ["replica", "default"]
    # the next request starts unpinned
    seen.clear()
    middleware(object())
    assert seen[0] == "replica"


def test_writes_and_migrations_only_ever_go_to_the_primary(with_replica):
    with primary_pinned_scope():
        assert replica_reads(lambda: router.db_for_write(Category))() == "default"
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate("replica", "catalog")


def test_replica_and_redis_urls_add_the_replica_the_router_and_redis_for_cache_sessions_queue(
    tmp_path,
):
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'replica': s.DATABASES['replica']['PORT'], 'mirror': s.DATABASES['replica']['TEST'],"
        "'routers': s.DATABASE_ROUTERS, 'first_middleware': s.MIDDLEWARE[0],"
        "'sessions': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND'],"
        "'queue': s.HUEY['huey_class']}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "entrepot.config.settings",
        "ENTREPOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://entrepot:entrepot@127.0.0.1:5432/entrepot",
        "DATABASE_REPLICA_URL": "postgres://entrepot:entrepot@127.0.0.1:5433/entrepot",
        "REDIS_URL": "redis://127.0.0.1:6390/8",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "replica": 5433,
        "mirror": {"MIRROR": "default"},
        "routers": ["entrepot.config.db_router.ReplicaRouter"],
        "first_middleware": "entrepot.config.db_router.PrimaryPinMiddleware",
        # sessions are read from the cache, which is Redis, and survive its flush
        "sessions": "django.contrib.sessions.backends.cached_db",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "queue": "huey.RedisHuey",
    }
