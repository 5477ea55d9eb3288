"""Running the `entrepot` command in a subprocess, on a fresh data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENTREPOT = [sys.executable, "-m", "entrepot.cli"]

# the embedded SQLite of the data directory, no Redis, no test-only switches, no
# scheduled network fetches: whatever the test run itself was given
UNSET = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ENTREPOT_FX_REFRESH_URL",
    "ENTREPOT_HUEY_IMMEDIATE",
}


def cli_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["ENTREPOT_DATA_DIR"] = str(data_dir)
    return env
