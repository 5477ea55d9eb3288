"""The semantic side of search: an HNSW index (usearch) over the stored embeddings.

Built per process from `search_embedding` on first use and kept up to date by a
watermark: rows are never changed, only added, so before each search the index adds
the rows with an id above the highest it holds (one indexed MAX(id) query). An id
that went backwards (a restored database) rebuilds it. Embeddings deleted as unused
stay in the index until the process restarts or the index is rebuilt; a hit on one
maps to no listing.

The index is saved under ENTREPOT_DATA_DIR/search/ (one file per database) by the
worker's hourly job and by `search_reindex`, and by any process that added
PERSIST_MIN vectors since it last saved, so a new process loads it in moments and
adds only what is newer. (Building HNSW is the slow part: about 100k vectors in two
minutes on these 2-core machines.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from entrepot.search.conf import save_index
from entrepot.search.embeddings import DIMENSIONS, from_bytes

logger = logging.getLogger(__name__)

PERSIST_MIN = 20_000
LOAD_CHUNK = 20_000


def _new_index():
    from usearch.index import Index

    return Index(
        ndim=DIMENSIONS, metric="cos", dtype="f16", connectivity=16, expansion_add=64,
        expansion_search=96,
    )  # fmt: skip


def _database_tag() -> str:
    db = settings.DATABASES["default"]
    identity = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
    return hashlib.sha1(identity.encode()).hexdigest()[:12]


class SemanticIndex:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._index = None
        self._watermark = 0
        self._saved_at = 0

    # --- keeping up with the database ----------------------------------------------
    def _top(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM search_embedding")
            return cursor.fetchone()[0] or 0

    def _key_of(self, embedding_id: int) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT key FROM search_embedding WHERE id = %s", [embedding_id])
            row = cursor.fetchone()
        return row[0] if row else None

    def _paths(self) -> tuple[Path, Path]:
        directory = Path(settings.DATA_DIR) / "search"
        stem = f"semantic-{_database_tag()}"
        return directory / f"{stem}.usearch", directory / f"{stem}.json"

    def _restore(self) -> bool:
        if not save_index():
            return False
        index_path, meta_path = self._paths()
        if not index_path.exists() or not meta_path.exists():
            return False
        try:
            meta = json.loads(meta_path.read_text())
            if self._key_of(meta["watermark"]) != meta["watermark_key"]:
                return False
            from usearch.index import Index

            self._index = Index.restore(str(index_path))
            self._watermark = self._saved_at = int(meta["watermark"])
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            logger.warning("semantic index at %s not loaded (%s); rebuilding", index_path, exc)
            return False
        return self._index is not None

    def _save(self) -> None:
        if not save_index():
            return
        index_path, meta_path = self._paths()
        index_path.parent.mkdir(parents=True, exist_ok=True)
        partial = index_path.with_suffix(f".{os.getpid()}.tmp")
        self._index.save(str(partial))
        os.replace(partial, index_path)
        meta = {"watermark": self._watermark, "watermark_key": self._key_of(self._watermark)}
        meta_path.write_text(json.dumps(meta))
        self._saved_at = self._watermark

    def _add_after(self, after: int) -> int:
        added = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, vector FROM search_embedding WHERE id > %s ORDER BY id LIMIT %s",
                    [after, LOAD_CHUNK],
                )
                rows = cursor.fetchall()
            if not rows:
                return added
            keys = np.array([r[0] for r in rows], dtype=np.uint64)
            vectors = np.vstack([from_bytes(r[1]) for r in rows])
            fresh = ~np.asarray(self._index.contains(keys), dtype=bool)
            if fresh.any():
                self._index.add(keys[fresh], vectors[fresh])
            added += int(fresh.sum())
            after = int(keys[-1])
            self._watermark = max(self._watermark, after)
            if len(rows) < LOAD_CHUNK:
                return added

    def refresh(self) -> None:
        """Add the embeddings stored since the last call (rebuild if ids went back)."""
        with self._lock:
            top = self._top()
            if self._index is not None and top == self._watermark:
                return
            if self._index is None or top < self._watermark:
                self._index, self._watermark, self._saved_at = None, 0, 0
                if not self._restore():
                    self._index = _new_index()
            self._add_after(self._watermark)
            if len(self._index) >= PERSIST_MIN and self._watermark - self._saved_at >= PERSIST_MIN:
                try:
                    self._save()
                except OSError as exc:  # a read-only data directory: keep it in memory
                    logger.warning("semantic index not saved: %s", exc)

    def save(self) -> int:
        """Bring the index up to date and save it for other processes (the worker's
        hourly job and `search_reindex` do, so that a web process starting on a large
        catalogue loads the index instead of building it). Returns its size."""
        with self._lock:
            self.refresh()
            if len(self._index):
                try:
                    self._save()
                except OSError as exc:
                    logger.warning("semantic index not saved: %s", exc)
            return len(self._index)

    def reset(self) -> None:
        """Forget the index (tests; `search_reindex`)."""
        with self._lock:
            self._index, self._watermark, self._saved_at = None, 0, 0

    def forget_saved(self) -> None:
        """Delete this database's saved index file, if any."""
        for path in self._paths():
            path.unlink(missing_ok=True)

    # --- reading --------------------------------------------------------------------
    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        """The `count` embeddings nearest `vector`: (embedding id, cosine similarity)."""
        with self._lock:
            self.refresh()
            if not len(self._index):
                return []
            found = self._index.search(vector, min(count, len(self._index)), threads=1)
            return [
                (int(key), 1.0 - float(distance))
                for key, distance in zip(found.keys, found.distances, strict=True)
            ]

    def similarities(self, vector: np.ndarray, embedding_ids) -> dict[int, float]:
        """Cosine similarity of `vector` to each of `embedding_ids` the index holds."""
        wanted = [i for i in dict.fromkeys(embedding_ids) if i is not None]
        if not wanted:
            return {}
        with self._lock:
            if self._index is None:
                return {}
            keys = np.array(wanted, dtype=np.uint64)
            got = self._index.get(keys, dtype=np.float32)
        result = {}
        for key, row in zip(wanted, got, strict=True):
            if row is not None:
                result[key] = float(np.dot(np.asarray(row, dtype=np.float32), vector))
        return result


semantic_index = SemanticIndex()
