"""Reading configuration from the environment.

Settings are env-driven (twelve-factor): everything a deployment changes is an
environment variable, with defaults that make `entrepot demo` work on a fresh clone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from exc


def data_dir() -> Path:
    """Where the embedded database, secret key and uploads live (default ./var)."""
    path = Path(os.environ.get("ENTREPOT_DATA_DIR") or "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment; otherwise one generated once per data directory.

    A generated key is written with mode 0600 next to the embedded database so that a
    demo keeps its sessions across restarts without anybody committing a secret.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = directory / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
