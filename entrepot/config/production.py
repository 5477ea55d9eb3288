"""Start-up checks and parsing for production settings (ENTREPOT_ENV=production).

Imported by entrepot.config.settings before Django is set up: plain Python only.
"""

from __future__ import annotations

MIN_SECRET_KEY_LENGTH = 50
_UNSAFE_SECRET_PREFIXES = ("django-insecure", "change-me", "changeme", "secret")


class UnsafeProductionSettings(SystemExit):
    """Production refuses to start; the message lists every variable to set or change."""


def proxy_ssl_header(text: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from 'X-Forwarded-Proto: https' (or 'HTTP_X_FORWARDED_PROTO=https');
    empty: None (Django's default: trust no header)."""
    text = text.strip()
    if not text:
        return None
    for separator in (":", "="):
        name, found, value = text.partition(separator)
        if found and name.strip() and value.strip():
            name = name.strip().upper().replace("-", "_")
            if not name.startswith("HTTP_"):
                name = "HTTP_" + name
            return name, value.strip()
    raise SystemExit(
        f"SECURE_PROXY_SSL_HEADER must be 'Header-Name: value', e.g. 'X-Forwarded-Proto: https'; "
        f"got {text!r}"
    )


def production_problems(
    *, debug: bool, secret_key_from_env: bool, secret_key: str, pii_keys: list[str]
) -> list[str]:
    """What makes these settings unsafe to serve the public with, one sentence each."""
    problems = []
    if debug:
        problems.append(
            "DEBUG is on: it shows source code, settings and personal data in error pages. "
            "Set DEBUG=0 (or leave it unset)."
        )
    if not secret_key_from_env:
        problems.append(
            "SECRET_KEY is not set: the key generated into the data directory is for the demo. "
            "Set SECRET_KEY to a random value of at least 50 characters, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or secret_key.lower().startswith(
        _UNSAFE_SECRET_PREFIXES
    ):
        problems.append(
            f"SECRET_KEY is too short or a placeholder ({len(secret_key)} characters). Set "
            f"SECRET_KEY to a random value of at least {MIN_SECRET_KEY_LENGTH} characters."
        )
    if not pii_keys:
        problems.append(
            "ENTREPOT_PII_KEYS is not set: resident ID numbers would be encrypted with a key "
            "stored next to the database. Set ENTREPOT_PII_KEYS to a Fernet key, e.g. the "
            "output of `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`."
        )
    return problems


def refuse_unsafe_production(**settings) -> None:
    """Exit with every problem listed when ENTREPOT_ENV=production is unsafe."""
    problems = production_problems(**settings)
    if problems:
        raise UnsafeProductionSettings(
            "Entrepôt refuses to start with ENTREPOT_ENV=production:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )
