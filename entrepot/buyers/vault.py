"""Application-level encryption of sensitive personal information (PIPL Art. 28, 51).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) before they reach the
database, so a copied database file or backup holds no readable ID number.

Keys: ENTREPOT_PII_KEYS, comma-separated Fernet keys, newest first. The newest encrypts;
every key decrypts. To rotate: put a new key in front, run `entrepot manage
rotate_pii_keys`, then drop the old key. Unset, one key is generated into
DATA_DIR/pii_keys (mode 0600) so that the demo works, and a warning says that
production must set the variable: a key next to the database protects nothing.

Lookups: `fingerprint` is a blind index, HMAC-SHA256 under a key derived with HKDF from
ENTREPOT_PII_INDEX_KEY (or SECRET_KEY when that is unset, so changing SECRET_KEY then
breaks duplicate detection until the fingerprints are recomputed). An ID number has
few enough possible values to be guessed, so an unkeyed hash would not do.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from entrepot.domain.resident_id import normalize_resident_id

logger = logging.getLogger(__name__)

KEY_FILE_NAME = "pii_keys"
_INDEX_INFO = b"entrepot/pii-blind-index/v1"


class VaultError(Exception):
    """A stored value cannot be decrypted with any configured key."""


@dataclass(frozen=True)
class _Keyring:
    fernet: MultiFernet
    newest_key_id: str
    index_key: bytes


def encrypt(text: str) -> str:
    """`text` encrypted under the newest key, as an ASCII token."""
    return _keyring().fernet.encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made by `encrypt` under any configured key."""
    try:
        return _keyring().fernet.decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise VaultError(
            "a stored value cannot be decrypted with any key in ENTREPOT_PII_KEYS: keep every "
            "old key in the list until `entrepot manage rotate_pii_keys` has run"
        ) from None


def rotate(token: str) -> str:
    """The same text re-encrypted under the newest key."""
    try:
        return _keyring().fernet.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise VaultError(
            "a stored value cannot be re-encrypted: no key in ENTREPOT_PII_KEYS decrypts it"
        ) from None


def current_key_id() -> str:
    """Names the newest key without revealing it (first 12 hex digits of its SHA-256)."""
    return _keyring().newest_key_id


def fingerprint(number: str) -> str:
    """Blind index of an ID number (normalized first): 64 hex digits, stable per index key."""
    normalized = normalize_resident_id(number)
    return hmac.new(_keyring().index_key, normalized.encode(), hashlib.sha256).hexdigest()


def reset() -> None:
    """Forget the loaded keys; the next call reads the settings again (tests, rotation)."""
    _keyring.cache_clear()


@functools.cache
def _keyring() -> _Keyring:
    keys = _configured_keys() or _demo_keys(Path(settings.DATA_DIR) / KEY_FILE_NAME)
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            raise ImproperlyConfigured(
                f"key number {position} of ENTREPOT_PII_KEYS is not a Fernet key (32 url-safe "
                "base64-encoded bytes); make one with `python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'`"
            ) from None
    return _Keyring(
        fernet=MultiFernet(fernets),
        newest_key_id=_key_id(keys[0]),
        index_key=_index_key(),
    )


def _configured_keys() -> list[str]:
    value = getattr(settings, "ENTREPOT_PII_KEYS", None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [key.strip() for key in value if key.strip()]


def _demo_keys(path: Path) -> list[str]:
    logger.warning(
        "ENTREPOT_PII_KEYS is not set: buyers' ID numbers are encrypted with the key "
        "generated in %s. Production must set ENTREPOT_PII_KEYS (comma-separated Fernet "
        "keys, newest first) and keep the keys away from the database and its backups.",
        path,
    )
    if not path.exists():
        # written aside, then linked into place: a concurrent process sees no file or a
        # whole one, and the first link wins
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode("ascii") + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{path} holds no key: delete it or set ENTREPOT_PII_KEYS")
    return keys


def _key_id(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:12]


def _index_key() -> bytes:
    secret = getattr(settings, "ENTREPOT_PII_INDEX_KEY", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INDEX_INFO).derive(
        secret.encode()
    )
