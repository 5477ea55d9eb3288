"""What the benchmark scripts share: a free port, the server's CPU and memory from /proc,
stopping the server's process group, and running one measurement in a child process.

The scripts run as `python benchmarks/<name>.py`, so this module is on their path."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

# the server's abuse limits (ENTREPOT_RATE_LIMITS in entrepot.config.settings): a load
# generator is one client address and a few accounts, so benchmarks switch them off
RATE_LIMITS = (
    "login_ip", "lockout", "lockout_ip", "identity", "identity_ip", "checkout",
    "checkout_ip", "api", "api_ip",
)  # fmt: skip


def limits_off(names=RATE_LIMITS) -> dict[str, str]:
    """Environment variables that switch the named abuse limits off, and the search API's."""
    return {"ENTREPOT_SEARCH_RATE_LIMIT": "0"} | {
        f"ENTREPOT_RATE_{name.upper()}": "off" for name in names
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes():
    """(pid, command name, fields from the state on) of every live process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        yield int(entry.name), comm, rest.split()  # pgrp is [2], utime and stime [11], [12]


def cpu_seconds(pgid: int) -> tuple[float, float]:
    """CPU time (user + system) so far of the live processes of process group `pgid`
    (the server), and of the live processes named postgres."""
    group, postgres, tick = 0.0, 0.0, os.sysconf("SC_CLK_TCK")
    for _pid, comm, fields in _processes():
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[2]) == pgid:
            group += seconds
        elif comm == "postgres":
            postgres += seconds
    return group, postgres


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine spent busy so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def group_pids(pgid: int) -> list[int]:
    return [pid for pid, _comm, fields in _processes() if int(fields[2]) == pgid]


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server's whole process group (it was started with start_new_session):
    SIGTERM, then SIGKILL when it has not gone within 20 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_measurement(
    script: str, argv: list[str], data_dir: str, *, cwd: str | Path | None = None
) -> dict | int:
    """Run `script argv` in a child process with ENTREPOT_DATA_DIR=`data_dir` (a fresh
    Django each time) and return the JSON of its last line of output, or, when it failed,
    print its errors and return its exit status."""
    done = subprocess.run(
        [sys.executable, script, *argv],
        env={**os.environ, "ENTREPOT_DATA_DIR": data_dir},
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    return json.loads(done.stdout.strip().splitlines()[-1])
