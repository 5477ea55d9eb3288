"""A real PostgreSQL streaming replica on 127.0.0.1 behind the database router: made
here with pg_basebackup -R from the running server, started with pg_ctl on a free port,
stopped and deleted at the end whatever happens.

Needs what .ci/run sets up: PostgreSQL with a role `entrepot_replication` (LOGIN
REPLICATION, password "entrepot") that pg_hba.conf lets replicate from 127.0.0.1 (the
Debian default), and, when the tests run as root, the `postgres` system user to run
the replica as (PostgreSQL refuses to run as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.topology.support import (
    django_env,
    drop_database,
    free_port,
    fresh_database,
    postgres_url,
    redis_url,
    run_django,
    with_port,
)

pytestmark = pytest.mark.topology
REPLICATION_ROLE = "entrepot_replication"
REPLICATION_PASSWORD = "entrepot"
# settings that a hot standby must have at least as high as its primary's
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _primary_facts(url: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as conn:
        facts = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in AT_LEAST_PRIMARY}
        facts["version"] = str(conn.execute("SHOW server_version_num").fetchone()[0])
        role = conn.execute(
            "SELECT rolreplication FROM pg_roles WHERE rolname = %s", [REPLICATION_ROLE]
        ).fetchone()
    if not role or not role[0]:
        pytest.fail(
            f"PostgreSQL has no role {REPLICATION_ROLE} with REPLICATION; create it as .ci/run "
            f"does: CREATE ROLE {REPLICATION_ROLE} LOGIN REPLICATION PASSWORD "
            f"'{REPLICATION_PASSWORD}'"
        )
    return facts


def _bin(version_num: str, program: str) -> str:
    """The server's own version of a PostgreSQL program (Debian keeps one per version)."""
    candidate = Path(f"/usr/lib/postgresql/{int(version_num) // 10000}/bin/{program}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(program)
    if not found:
        pytest.fail(f"{program} is not installed")
    return found


def _as_postgres(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL will not run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    env = {**os.environ, "PGPASSWORD": REPLICATION_PASSWORD}
    return subprocess.run(argv, env=env, capture_output=True, text=True, **kwargs)


@pytest.fixture
def replica(migrated_template):
    """A streaming replica of the server of DATABASE_URL, after entrepot_topology was
    created there (migrated); its URL for that database."""
    server = postgres_url()
    database = fresh_database(server, template=migrated_template)
    facts = _primary_facts(server)
    home = Path(tempfile.mkdtemp(prefix="entrepot-replica-"))
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = free_port()
    pg_ctl = _bin(facts["version"], "pg_ctl")
    started = False
    try:
        parts = urlsplit(server)
        backup = _as_postgres(
            [_bin(facts["version"], "pg_basebackup"), "-h", parts.hostname,
             "-p", str(parts.port or 5432), "-U", REPLICATION_ROLE, "-D", str(data),
             "-R", "-X", "stream", "-c", "fast", "--no-sync"],
            timeout=120,
        )  # fmt: skip
        assert backup.returncode == 0, f"pg_basebackup failed:\n{backup.stderr}"
        conf = [
            f"port = {port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{home}'",
            "hot_standby = on",
            "shared_buffers = 16MB",
            "fsync = off",
            *(f"{name} = {facts[name]}" for name in AT_LEAST_PRIMARY),
        ]
        files = {
            "postgresql.conf": "\n".join(conf) + "\n",
            "pg_hba.conf": "host all all 127.0.0.1/32 scram-sha-256\n",
            "pg_ident.conf": "",
        }
        for name, text in files.items():
            (data / name).write_text(text)
            if os.geteuid() == 0:
                shutil.chown(data / name, "postgres", "postgres")
        start = _as_postgres(
            [pg_ctl, "-D", str(data), "-l", str(home / "replica.log"), "-w", "-t", "60", "start"],
            timeout=90,
        )
        started = True
        assert start.returncode == 0, (
            f"the replica did not start:\n{start.stdout}{start.stderr}\n"
            + (home / "replica.log").read_text(errors="replace")[-3000:]
        )
        yield {"primary": database, "replica": with_port(database, port), "home": home}
    finally:
        if started:
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], timeout=60)
        shutil.rmtree(home, ignore_errors=True)
        drop_database(server)


def test_a_streaming_replica_serves_marked_selector_reads_and_never_takes_a_write(replica):
    env = django_env(
        replica["home"] / "app",
        replica["primary"],
        redis_url(),
        DATABASE_REPLICA_URL=replica["replica"],
    )
    answer = run_django("tests.topology.replica_script", env, timeout=90)
    print("\nread replica:", answer)
    # two servers: the primary, and a standby in recovery following it
    assert answer["recovery"] == {"default": False, "replica": True}
    # a row written on the primary shows up on the replica, quickly
    assert answer["write_seen_on_replica"], answer
    # the operator dashboard (marked replica-safe) reads only the replica ...
    assert answer["dashboard_ok"]
    assert answer["dashboard"]["replica"] > 0 and answer["dashboard"]["default"] == 0
    assert answer["marked_queryset_alias"] == answer["marked_row_state_db"] == "replica"
    # ... unmarked reads, reads in a transaction and reads after a write do not
    assert answer["unmarked_read"] == {"default": 1, "replica": 0}
    assert answer["dashboard_in_transaction"]["replica"] == 0
    assert answer["dashboard_after_write"]["replica"] == 0
    assert answer["dashboard_after_write"]["default"] == answer["dashboard"]["replica"]
    # writes go to the primary, even from inside a replica-safe selector
    assert answer["db_for_write"] == "default"
    assert answer["write_inside_marked"]["replica"] == 0
    assert answer["written_state_db"] == "default"
    assert "read-only transaction" in answer["replica_refused_write"]
