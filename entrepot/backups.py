"""`entrepot backup` and `entrepot restore`: the whole state of a marketplace in one file.

A backup is a tar archive (not compressed as a whole: pictures are JPEG already, and
gzip spent most of the time of a backup failing to shrink them):

    manifest.json            what is inside, with the size and SHA-256 of every file
    database/entrepot.sqlite3.gz   SQLite: a copy made with SQLite's online backup API,
                             gzip-compressed
    database/entrepot.pgdump    PostgreSQL: `pg_dump -Fc` (compressed by pg_dump; restored
                             with `pg_restore`)
    data/secret_key, data/pii_keys, data/payment_sandbox_secret   the keys generated into
                             the data directory, when there (the archive is mode 0600)
    data/huey.sqlite3        the embedded task queue (SQLite only), with its pending tasks
    media/...                uploaded files (product pictures)

Both database copies are consistent while the server keeps writing: SQLite's backup API
copies one snapshot (WAL mode lets writers go on meanwhile), pg_dump reads in one
repeatable-read transaction. The database is copied before the media, and pictures are
written before the rows that name them, so every picture a row names is in the archive.

Not in the archive: static files (`collectstatic` makes them), the semantic search
index (rebuilt on demand), keys set by environment variables (SECRET_KEY,
ENTREPOT_PII_KEYS): the manifest names the PII keys by id so that a restore can say when
the target lacks the key that encrypted the data.

Restore refuses a target that holds data (a database with tables, media files, other
keys) unless `force`; it verifies every file's checksum before it changes anything.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

FORMAT = "entrepot-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/entrepot.sqlite3.gz"
PGDUMP_MEMBER = "database/entrepot.pgdump"
# files generated into the data directory that a restored marketplace needs
KEY_FILES = ("secret_key", "pii_keys", "payment_sandbox_secret")
QUEUE_FILE = "huey.sqlite3"
PG_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    engine: str
    database_bytes: int
    database_archived_bytes: int
    media_files: int
    media_bytes: int
    key_files: list[str]
    archive_bytes: int
    seconds: float

    def summary(self) -> str:
        keys = ", ".join(self.key_files) or "none"
        return (
            f"Backup written to {self.path} ({_size(self.archive_bytes)}, mode 0600: it holds "
            f"keys) in {self.seconds:.1f} s\n"
            f"  database: {self.engine}, {_size(self.database_bytes)} "
            f"({_size(self.database_archived_bytes)} in the archive)\n"
            f"  media: {self.media_files:,} files, {_size(self.media_bytes)}\n"
            f"  data files: {keys}"
        )


@dataclass
class RestoreReport:
    engine: str
    target: str
    data_dir: Path
    database_bytes: int
    media_files: int
    key_files: list[str]
    replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    created_at: str = ""

    def summary(self) -> str:
        lines = [
            f"Restored the backup of {self.created_at} in {self.seconds:.1f} s",
            f"  database: {self.engine} ({_size(self.database_bytes)}) into {self.target}",
            f"  media: {self.media_files:,} files into {self.data_dir / 'media'}",
            f"  data files: {', '.join(self.key_files) or 'none'} into {self.data_dir}",
        ]
        lines += [f"  replaced: {item}" for item in self.replaced]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines.append("Next: `entrepot ledger check` on the restored marketplace.")
        return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""  # pragma: no cover


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def engine_of(database: dict) -> str:
    engine = database["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


# --- database copies --------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, by SQLite's online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def pg_binary(name: str) -> str:
    """pg_dump or pg_restore: the newest of /usr/lib/postgresql/*/bin, else from PATH."""

    def version(path: str) -> int:
        number = Path(path).parent.parent.name
        return int(number) if number.isdigit() else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client programs")
    return found


def _pg_args(database: dict) -> tuple[list[str], dict]:
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])  # never on the command line
    return args, env


def _run(argv: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} took longer than {PG_TIMEOUT_SECONDS} s; stopped") from None
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def _pg_dump(database: dict, target: Path) -> None:
    args, env = _pg_args(database)
    argv = [pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    argv += [*args, "--file", str(target), str(database["NAME"])]
    _run(argv, env, "pg_dump")


def _pg_restore(database: dict, dump: Path, *, clean: bool) -> None:
    args, env = _pg_args(database)
    argv = [pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
    argv += ["--exit-on-error"]
    if clean:
        argv += ["--clean", "--if-exists"]
    argv += [*args, "--dbname", str(database["NAME"]), str(dump)]
    _run(argv, env, "pg_restore")


# --- backup -----------------------------------------------------------------------------------


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def _pii_key_ids(pii_keys: list[str]) -> list[str]:
    return [hashlib.sha256(key.encode("ascii")).hexdigest()[:12] for key in pii_keys]


def backup_create(
    output: Path,
    *,
    database: dict,
    data_dir: Path,
    media_root: Path,
    pii_keys: list[str] | tuple = (),
    app_migrations: dict[str, str] | None = None,
) -> BackupReport:
    """Write the archive to `output` (written aside, then renamed into place)."""
    started = time.perf_counter()
    engine = engine_of(database)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    files: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="entrepot-backup-", dir=output.parent) as tmp:
        staged = Path(tmp)
        if engine == "sqlite":
            dump, member = staged / "entrepot.sqlite3.gz", SQLITE_MEMBER
            source = Path(database["NAME"])
            if not source.exists():
                raise BackupError(f"no database at {source}: nothing to back up")
            _sqlite_copy(source, staged / "entrepot.sqlite3")
            with (
                (staged / "entrepot.sqlite3").open("rb") as plain,
                gzip.open(dump, "wb", compresslevel=6) as packed,
            ):
                shutil.copyfileobj(plain, packed, 1 << 20)
            database_bytes = (staged / "entrepot.sqlite3").stat().st_size
            (staged / "entrepot.sqlite3").unlink()
        else:
            dump, member = staged / "entrepot.pgdump", PGDUMP_MEMBER
            _pg_dump(database, dump)
            database_bytes = dump.stat().st_size
        entries: list[tuple[Path, str]] = [(dump, member)]
        key_files = [name for name in KEY_FILES if (data_dir / name).is_file()]
        entries += [(data_dir / name, f"data/{name}") for name in key_files]
        if engine == "sqlite" and (data_dir / QUEUE_FILE).is_file():
            queue = staged / QUEUE_FILE
            _sqlite_copy(data_dir / QUEUE_FILE, queue)
            entries.append((queue, f"data/{QUEUE_FILE}"))
            key_files.append(QUEUE_FILE)
        media = _media_files(media_root)  # after the database: see the module's docstring
        entries += [(path, f"media/{path.relative_to(media_root).as_posix()}") for path in media]

        partial = staged / "archive.tar"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            for path, name in entries:
                size = path.stat().st_size
                files.append({"path": name, "bytes": size, "sha256": _sha256(path)})
                tar.add(path, arcname=name, recursive=False)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"engine": engine, "member": member},
                "pii_keys": {
                    "source": "environment" if pii_keys else "file",
                    "key_ids": _pii_key_ids(list(pii_keys)),
                },
                "migrations": app_migrations or {},
                "files": files,
            }
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(body))
        os.replace(partial, output)
    return BackupReport(
        path=output,
        engine=engine,
        database_bytes=database_bytes,
        database_archived_bytes=files[0]["bytes"],
        media_files=len(media),
        media_bytes=sum(f["bytes"] for f in files if f["path"].startswith("media/")),
        key_files=key_files,
        archive_bytes=output.stat().st_size,
        seconds=time.perf_counter() - started,
    )


# --- restore ----------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:*") as tar:
            handle = tar.extractfile(MANIFEST)
            manifest = json.loads(handle.read()) if handle else None
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{archive} is not an Entrepôt backup: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not an Entrepôt backup (no {FORMAT} manifest)")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{archive} is a backup of format version {manifest.get('version')}; this "
            f"version of Entrepôt restores version {VERSION}"
        )
    return manifest


def _extract_verified(archive: Path, manifest: dict, into: Path) -> None:
    """Every file of the manifest, checked against its size and SHA-256, under `into`."""
    expected = {f["path"]: f for f in manifest["files"]}
    seen = set()
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile() or not _safe_member(member.name):
                raise BackupError(f"the archive holds {member.name!r}, which its manifest lacks")
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)
            target.chmod(0o600)
            wanted = expected[member.name]
            if target.stat().st_size != wanted["bytes"] or _sha256(target) != wanted["sha256"]:
                raise BackupError(f"{member.name} in the archive is damaged (checksum differs)")
            seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"the archive lacks {', '.join(missing[:5])}: it is incomplete")


def _sqlite_tables(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]


def target_contents(
    *, database: dict, data_dir: Path, media_root: Path, manifest: dict, pg_tables=None
) -> list[str]:
    """What the target already holds that a restore would overwrite."""
    found = []
    if engine_of(database) == "sqlite":
        tables = _sqlite_tables(Path(database["NAME"]))
    else:
        tables = pg_tables() if pg_tables else 0
    if tables:
        found.append(f"the database {database['NAME']} has {tables} tables")
    media = _media_files(media_root)
    if media:
        found.append(f"{media_root} holds {len(media):,} files")
    archived = {f["path"] for f in manifest["files"]}
    for name in ("pii_keys", "payment_sandbox_secret"):
        if (data_dir / name).is_file() and f"data/{name}" in archived:
            found.append(f"{data_dir / name} exists (a key: replacing it loses what it encrypts)")
    return found


def restore_from(
    archive: Path,
    *,
    database: dict,
    data_dir: Path,
    media_root: Path,
    force: bool = False,
    pg_tables=None,
    pii_keys: list[str] | tuple = (),
    secret_key_from_env: bool = False,
) -> RestoreReport:
    """Restore `archive` into the database and data directory given (see module doc).

    `pg_tables`: a callable counting the tables of the PostgreSQL target (the caller's
    connection), used to refuse a non-empty target."""
    started = time.perf_counter()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no backup file at {archive}")
    manifest = read_manifest(archive)
    engine = engine_of(database)
    source_engine = manifest["database"]["engine"]
    if source_engine != engine:
        hint = (
            "unset DATABASE_URL to restore into the data directory's SQLite"
            if source_engine == "sqlite"
            else "set DATABASE_URL to an empty PostgreSQL database"
        )
        raise BackupError(
            f"this backup holds a {source_engine} database but the target is {engine}: {hint}"
        )
    occupied = target_contents(
        database=database, data_dir=data_dir, media_root=media_root, manifest=manifest,
        pg_tables=pg_tables,
    )  # fmt: skip
    if occupied and not force:
        raise BackupError(
            "the target is not empty, and a restore would overwrite it: "
            + "; ".join(occupied)
            + ". Restore into a fresh data directory (--data-dir) and database, or pass "
            "--force to replace what is there."
        )
    report = RestoreReport(
        engine=engine,
        target=str(database["NAME"]),
        data_dir=data_dir,
        database_bytes=0,
        media_files=0,
        key_files=[],
        created_at=manifest.get("created_at", "?"),
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as tmp:
        staged = Path(tmp)
        _extract_verified(archive, manifest, staged)  # nothing changed before this passes
        dump = staged / manifest["database"]["member"]
        if dump.suffix == ".gz":
            with gzip.open(dump, "rb") as packed, dump.with_suffix("").open("wb") as plain:
                shutil.copyfileobj(packed, plain, 1 << 20)
            dump.unlink()
            dump = dump.with_suffix("")
        report.database_bytes = dump.stat().st_size
        if engine == "sqlite":
            target = Path(database["NAME"])
            with contextlib.closing(sqlite3.connect(dump)) as src:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the database in the archive fails SQLite's integrity check")
                with contextlib.closing(sqlite3.connect(target, timeout=30)) as dst:
                    src.backup(dst)  # replaces the whole target, WAL included
                    dst.execute("PRAGMA journal_mode=WAL")
        else:
            _pg_restore(database, dump, clean=bool(occupied))
        if occupied:
            report.replaced.append(f"the database {database['NAME']}")

        for name in KEY_FILES:
            source = staged / "data" / name
            if source.is_file():
                os.replace(source, data_dir / name)
                report.key_files.append(name)
        queue = staged / "data" / QUEUE_FILE
        if queue.is_file():
            os.replace(queue, data_dir / QUEUE_FILE)
            report.key_files.append(QUEUE_FILE)

        staged_media = staged / "media"
        media = _media_files(staged_media)
        report.media_files = len(media)
        if media_root.exists() and any(media_root.iterdir()):
            aside = media_root.with_name(f"{media_root.name}.replaced-{int(time.time())}")
            media_root.rename(aside)
            report.replaced.append(f"{media_root} (the old files are in {aside})")
        elif media_root.exists():
            media_root.rmdir()
        if staged_media.is_dir():
            shutil.move(str(staged_media), media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)

    report.warnings += _key_warnings(manifest, pii_keys, secret_key_from_env)
    report.seconds = time.perf_counter() - started
    return report


def _key_warnings(manifest: dict, pii_keys, secret_key_from_env: bool) -> list[str]:
    warnings = []
    backed = manifest.get("pii_keys", {})
    if backed.get("source") == "environment":
        have = set(_pii_key_ids(list(pii_keys)))
        missing = [key_id for key_id in backed.get("key_ids", []) if key_id not in have]
        if missing:
            warnings.append(
                "the backed-up ID numbers were encrypted with ENTREPOT_PII_KEYS key(s) "
                f"{', '.join(missing)}, which this environment's ENTREPOT_PII_KEYS lacks: set "
                "it as on the backed-up system, or the numbers cannot be read"
            )
    elif pii_keys:
        warnings.append(
            "ENTREPOT_PII_KEYS is set here, but the backed-up ID numbers were encrypted with "
            "the restored data/pii_keys file: add that file's key to ENTREPOT_PII_KEYS (after "
            "yours), then run `entrepot manage rotate_pii_keys`"
        )
    if secret_key_from_env:
        warnings.append(
            "SECRET_KEY is set in this environment, so the restored secret_key file is not "
            "used: sessions and signed links of the backed-up system stop working"
        )
    return warnings
