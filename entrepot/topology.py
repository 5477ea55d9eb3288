"""`entrepot topology`: the production topology on one box, from one command.

Reads a Procfile (`name: command` lines; default ./Procfile), then

1. checks that PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) answer; with
   --start-services (or when CI is set, as in .ci/run) it starts the local ones that
   do not: `pg_ctlcluster <version> main start`, `redis-server --daemonize yes`;
2. runs the `release` entry (migrations) to the end; if it fails, nothing else starts;
3. starts every other entry (web: `entrepot serve`, worker1 and worker2: `entrepot
   worker`), each in its own process group, its output prefixed with its name;
4. says when the web process answers /healthz;
5. on Ctrl-C or SIGTERM, or when one process ends, stops all of them: SIGTERM for
   gunicorn (its graceful stop), SIGINT for huey workers (theirs: running tasks finish),
   then SIGKILL for what is left after --grace seconds.

Commands run through /bin/sh, so Procfile lines may use ${VAR:-default}. The
environment of every process is this one's, plus PORT and WEB_CONCURRENCY.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://entrepot:entrepot@127.0.0.1:5432/entrepot"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6390/0"
RELEASE = "release"
# how each kind of process stops gracefully; anything else gets SIGTERM
GRACEFUL = ((re.compile(r"^(\S*/)?entrepot\s+worker\b"), signal.SIGINT),)
ENTRY = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


class TopologyError(Exception):
    """Something the operator must fix before the topology can start."""


@dataclass(frozen=True)
class Entry:
    name: str
    command: str

    @property
    def stop_signal(self) -> signal.Signals:
        for pattern, signum in GRACEFUL:
            if pattern.search(self.command):
                return signum
        return signal.SIGTERM


def read_procfile(path: Path) -> list[Entry]:
    """The entries of a Procfile, in order; a clear error for a line that is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TopologyError(f"cannot read the Procfile {path}: {exc.strerror}") from exc
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = ENTRY.match(line)
        if not match:
            raise TopologyError(
                f"{path}:{number}: expected `name: command` (name of letters, digits, - or _), "
                f"got {line!r}"
            )
        if any(e.name == match.group(1) for e in entries):
            raise TopologyError(f"{path}:{number}: {match.group(1)!r} is defined twice")
        entries.append(Entry(match.group(1), match.group(2).strip()))
    if not any(e.name != RELEASE for e in entries):
        raise TopologyError(f"{path} has no process to run (only comments or `release`)")
    return entries


# --- the services: PostgreSQL and Redis ------------------------------------------------


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _local(host: str) -> bool:
    return host in {"127.0.0.1", "localhost", "::1"}


def _start_postgres() -> None:
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").glob("*") if p.name.replace(".", "").isdigit()),
        key=lambda v: [int(x) for x in v.split(".")],
    )
    if not versions or not shutil.which("pg_ctlcluster"):
        raise TopologyError("PostgreSQL is not running and no Debian cluster was found to start")
    subprocess.run(["pg_ctlcluster", versions[-1], "main", "start"], check=False)


def _start_redis(host: str, port: int) -> None:
    if not shutil.which("redis-server"):
        raise TopologyError("Redis is not running and redis-server is not installed")
    subprocess.run(
        ["redis-server", "--bind", host, "--port", str(port), "--save", "", "--appendonly",
         "no", "--daemonize", "yes"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def ensure_services(env: dict[str, str], *, start: bool, say) -> None:
    """PostgreSQL and Redis answer, or a TopologyError saying which does not and how to
    start it."""
    database_url, redis_url = env["DATABASE_URL"], env["REDIS_URL"]
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise TopologyError(
            f"DATABASE_URL must be a postgres:// URL for the production topology, got "
            f"{database_url.split('://')[0]}://... (the embedded SQLite is `entrepot demo`)"
        )
    if not redis_url.startswith(("redis://", "rediss://")):
        raise TopologyError("REDIS_URL must be a redis:// URL for the production topology")
    services = (
        ("PostgreSQL", _host_port(database_url, 5432)),
        ("Redis", _host_port(redis_url, 6379)),
    )
    for name, (host, port) in services:
        if _listening(host, port):
            continue
        if not (start and _local(host)):
            raise TopologyError(
                f"{name} does not answer on {host}:{port}; start it, or run with "
                "--start-services to start the local one"
            )
        say(f"{name} does not answer on {host}:{port}: starting it")
        if name == "PostgreSQL":
            _start_postgres()
        else:
            _start_redis(host, port)
        deadline = time.monotonic() + 30
        while not _listening(host, port):
            if time.monotonic() > deadline:
                raise TopologyError(f"{name} was started but does not answer on {host}:{port}")
            time.sleep(0.5)
    _check_postgres(database_url)
    _check_redis(redis_url)


def _check_postgres(url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TopologyError(f"PostgreSQL refused DATABASE_URL: {first}") from exc


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        raise TopologyError(f"Redis refused REDIS_URL: {exc}") from exc


# --- the processes ----------------------------------------------------------------------


class Supervisor:
    def __init__(self, entries: list[Entry], env: dict[str, str], *, grace: float, out=None):
        self.entries = entries
        self.env = env
        self.grace = grace
        self.out = out or sys.stdout
        self.width = max(len(e.name) for e in entries + [Entry("topology", "")])
        self.lock = threading.Lock()
        self.procs: dict[str, subprocess.Popen] = {}
        self.readers: list[threading.Thread] = []
        self.stopping = threading.Event()

    def say(self, text: str, name: str = "topology") -> None:
        stamp = time.strftime("%H:%M:%S")
        with self.lock:
            self.out.write(f"{stamp} {name:<{self.width}} | {text}\n")
            self.out.flush()

    def _spawn(self, entry: Entry) -> subprocess.Popen:
        proc = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {entry.command}"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers go with it
        )
        reader = threading.Thread(target=self._relay, args=(entry.name, proc), daemon=True)
        reader.start()
        self.readers.append(reader)
        return proc

    def _relay(self, name: str, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            self.say(raw.decode("utf-8", "replace").rstrip(), name)
        proc.stdout.close()

    def release(self) -> int:
        entry = next((e for e in self.entries if e.name == RELEASE), None)
        if entry is None:
            return 0
        self.say(f"release: {entry.command}")
        proc = self._spawn(entry)
        self.procs[entry.name] = proc
        try:
            while True:
                try:
                    status = proc.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    if self.stopping.is_set():  # Ctrl-C while migrating: stop it too
                        self.stop()
                        status = proc.returncode if proc.returncode else 1
                        break
            self.readers[-1].join(timeout=5)  # its last lines before the verdict
        finally:
            del self.procs[entry.name]
        if status < 0:
            status = 128 - status  # killed by a signal: the shell's convention
        if status != 0:
            self.say(f"release failed (exit {status}): nothing else starts")
        return status

    def start(self) -> None:
        for entry in self.entries:
            if entry.name == RELEASE:
                continue
            proc = self._spawn(entry)
            self.procs[entry.name] = proc
            self.say(f"started {entry.name} (pid {proc.pid}): {entry.command}")

    def wait_ready(self, port: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping.is_set():
            if self.exited():
                return False
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return True
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            time.sleep(0.3)
        return False

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            status = proc.poll()
            if status is not None:
                return name, status
        return None

    def stop(self) -> None:
        by_name = {e.name: e for e in self.entries}
        for name, proc in self.procs.items():
            if proc.poll() is None:
                signum = by_name[name].stop_signal
                self.say(f"stopping {name} ({signal.Signals(signum).name})")
                _signal_group(proc, signum)
        deadline = time.monotonic() + self.grace
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{name} did not stop within {self.grace:g} s: SIGKILL")
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
            # what it left behind in its group (gunicorn workers, say)
            _signal_group(proc, signal.SIGKILL)
        for reader in self.readers:
            reader.join(timeout=2)


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def topology_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env["PORT"] = str(args.port)
    env["WEB_CONCURRENCY"] = str(args.web_workers)
    env["PYTHONUNBUFFERED"] = "1"
    # every process finds `entrepot` where this one came from
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    try:
        entries = read_procfile(Path(args.procfile))
    except TopologyError as exc:
        print(f"entrepot topology: {exc}", file=sys.stderr)
        return 2
    env = topology_env(args)
    supervisor = Supervisor(entries, env, grace=args.grace, out=out)
    start_services = args.start_services or bool(os.environ.get("CI"))
    try:
        ensure_services(env, start=start_services, say=supervisor.say)
    except TopologyError as exc:
        print(f"entrepot topology: {exc}", file=sys.stderr)
        return 2
    supervisor.say(
        f"PostgreSQL {_redact(env['DATABASE_URL'])} and Redis {_redact(env['REDIS_URL'])} answer"
    )

    def on_signal(signum, _frame):
        if not supervisor.stopping.is_set():
            supervisor.say(f"{signal.Signals(signum).name}: stopping everything")
        supervisor.stopping.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        status = supervisor.release()
        if status != 0 or supervisor.stopping.is_set():
            return status
        supervisor.start()
        if supervisor.wait_ready(args.port, args.ready_timeout):
            workers = [e.name for e in entries if e.name not in {RELEASE, "web"}]
            supervisor.say(
                f"ready: http://127.0.0.1:{args.port}/ answers; running {', '.join(workers)}"
            )
        elif not supervisor.stopping.is_set() and not supervisor.exited():
            supervisor.say(f"web does not answer /healthz after {args.ready_timeout:g} s")
        while not supervisor.stopping.wait(0.5):
            ended = supervisor.exited()
            if ended:
                name, code = ended
                supervisor.say(f"{name} exited ({code}): stopping everything")
                status = 128 - code if code < 0 else code or 1
                break
    finally:
        supervisor.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    supervisor.say("stopped")
    return status


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def add_parser(sub) -> None:
    topology = sub.add_parser(
        "topology",
        help="run the production topology from a Procfile (web + workers on PostgreSQL/Redis)",
    )
    topology.add_argument(
        "--procfile", default="Procfile", metavar="FILE", help="default: ./Procfile"
    )
    topology.add_argument("--port", type=int, default=8000, help="web port (PORT)")
    topology.add_argument(
        "--web-workers", type=int, default=4, metavar="N",
        help="gunicorn worker processes (WEB_CONCURRENCY, default 4)",
    )  # fmt: skip
    topology.add_argument(
        "--start-services", action="store_true",
        help="start local PostgreSQL and Redis if they do not answer (implied when CI is set)",
    )  # fmt: skip
    topology.add_argument(
        "--grace", type=float, default=20, metavar="S",
        help="seconds each process has to stop before SIGKILL (default 20)",
    )  # fmt: skip
    topology.add_argument("--ready-timeout", type=float, default=90, help=argparse.SUPPRESS)
    topology.set_defaults(func=run)
