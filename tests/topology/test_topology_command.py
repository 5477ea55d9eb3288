"""`entrepot topology` itself, without PostgreSQL or Redis: reading the Procfile, refusing
a configuration that is not the production one, and starting and stopping processes
(small shell and Python stand-ins for gunicorn and huey). Runs in every test run."""

from __future__ import annotations

import io
import signal
import sys
import time
from types import SimpleNamespace

import pytest

from entrepot import topology
from entrepot.topology import Entry, Supervisor, TopologyError, ensure_services, read_procfile
from tests.topology.support import ROOT, live_members


def test_the_repository_procfile_migrates_then_runs_web_and_two_workers():
    entries = read_procfile(ROOT / "Procfile")
    assert [e.name for e in entries] == ["release", "web", "worker1", "worker2"]
    commands = {e.name: e.command for e in entries}
    assert commands["release"].startswith("entrepot manage migrate")
    assert commands["web"].startswith("entrepot serve ") and "--workers" in commands["web"]
    assert commands["worker1"].startswith("entrepot worker")
    # one worker schedules the periodic jobs, the other only takes queued tasks
    assert "--no-periodic" not in commands["worker1"] and "--no-periodic" in commands["worker2"]
    signals = {e.name: e.stop_signal for e in entries}
    assert signals["web"] == signal.SIGTERM  # gunicorn's graceful stop
    assert signals["worker1"] == signals["worker2"] == signal.SIGINT  # huey's


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("web entrepot serve\n", "expected `name: command`"),
        ("web: a\nweb: b\n", "'web' is defined twice"),
        ("# nothing\nrelease: entrepot manage migrate\n", "has no process to run"),
    ],
)
def test_a_bad_procfile_is_refused_with_the_line_at_fault(tmp_path, text, message):
    path = tmp_path / "Procfile"
    path.write_text(text)
    with pytest.raises(TopologyError, match=message):
        read_procfile(path)


def test_the_production_topology_refuses_sqlite_and_a_missing_redis_url():
    env = {"DATABASE_URL": "sqlite:///var/entrepot.sqlite3", "REDIS_URL": "redis://x:6390/0"}
    with pytest.raises(TopologyError, match="must be a postgres:// URL"):
        ensure_services(env, start=False, say=print)
    env = {"DATABASE_URL": "postgres://u:p@127.0.0.1:1/x", "REDIS_URL": ""}
    with pytest.raises(TopologyError, match="REDIS_URL must be a redis:// URL"):
        ensure_services(env, start=False, say=print)


def test_a_service_that_does_not_answer_is_named_with_how_to_start_it():
    env = {"DATABASE_URL": "postgres://u:p@127.0.0.1:1/x", "REDIS_URL": "redis://127.0.0.1:1/0"}
    with pytest.raises(TopologyError, match=r"PostgreSQL does not answer on 127\.0\.0\.1:1.*"
                                             r"--start-services"):  # fmt: skip
        ensure_services(env, start=False, say=print)


HANDLES_SIGINT = (
    f"{sys.executable} -c 'import os, signal, sys, time; "
    'signal.signal(signal.SIGINT, lambda *a: (os.write(1, b"graceful\\n"), sys.exit(0))); '
    'os.write(1, b"up\\n"); time.sleep(60)\''
)


def _supervisor(entries, grace=5.0):
    out = io.StringIO()
    return Supervisor(entries, {"PATH": "/usr/bin:/bin"}, grace=grace, out=out), out


class HueyLike(Entry):
    """A stand-in for `entrepot worker`: stops gracefully on SIGINT, as huey does."""

    stop_signal = signal.SIGINT


def _wait_for_output(out, text, timeout=30.0):
    deadline = time.monotonic() + timeout
    while text not in out.getvalue():
        assert time.monotonic() < deadline, f"no {text!r} within {timeout:g} s:\n{out.getvalue()}"
        time.sleep(0.05)


def test_everything_started_is_stopped_with_its_own_signal_and_nothing_is_left():
    supervisor, out = _supervisor([Entry("web", "sleep 60"), HueyLike("worker1", HANDLES_SIGINT)])
    supervisor.start()
    groups = [p.pid for p in supervisor.procs.values()]
    _wait_for_output(out, "| up")
    assert supervisor.exited() is None
    supervisor.stop()
    text = out.getvalue()
    assert "stopping web (SIGTERM)" in text and "stopping worker1 (SIGINT)" in text
    assert "worker1  | graceful" in text  # it ran its own clean shutdown
    assert supervisor.procs["worker1"].returncode == 0
    assert not any(live_members(pgid) for pgid in groups)


def test_a_process_that_ignores_its_stop_signal_is_killed_after_the_grace_period():
    stubborn = f"{sys.executable} -c 'import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); os.write(1, b\"up\\n\"); time.sleep(60)'"  # noqa: E501
    supervisor, out = _supervisor([Entry("web", stubborn)], grace=1.0)
    supervisor.start()
    pid = supervisor.procs["web"].pid
    _wait_for_output(out, "| up")
    started = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - started < 5
    assert "did not stop within 1 s: SIGKILL" in out.getvalue()
    assert not live_members(pid)


def test_a_failed_release_starts_nothing(tmp_path, monkeypatch, capsys):
    procfile = tmp_path / "Procfile"
    procfile.write_text("release: sh -c 'exit 3'\nweb: sleep 60\n")
    monkeypatch.setattr(topology, "ensure_services", lambda env, start, say: None)
    args = SimpleNamespace(procfile=str(procfile), port=1, web_workers=1, start_services=False,
                           grace=1.0, ready_timeout=1.0)  # fmt: skip
    assert topology.run(args) == 3
    text = capsys.readouterr().out
    assert "release failed (exit 3): nothing else starts" in text
    assert "started web" not in text


def test_when_one_process_dies_the_others_are_stopped_and_the_status_says_so(
    tmp_path, monkeypatch, capsys
):
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: sleep 60\nworker1: sh -c 'sleep 0.5; exit 4'\n")
    monkeypatch.setattr(topology, "ensure_services", lambda env, start, say: None)
    args = SimpleNamespace(procfile=str(procfile), port=1, web_workers=1, start_services=False,
                           grace=2.0, ready_timeout=0.2)  # fmt: skip
    assert topology.run(args) == 4
    text = capsys.readouterr().out
    assert "worker1 exited (4): stopping everything" in text
    assert "stopping web (SIGTERM)" in text and text.rstrip().endswith("| stopped")
